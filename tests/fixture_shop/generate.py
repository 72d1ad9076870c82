#!/usr/bin/python3
"""Generates the fixture shop's site model into DIR: site.json (categories, codimaps, goods),
faults.json (server-side faults applied per URL by serve.py), manifest.json (ground truth of a
full crawl plus the checks of every nasty case) and img/ (small generated JPEGs for non-shoe goods
and outfit photos, PNG/WebP variants).  Shoe photos are referenced in the dataset, not copied.

usage: generate.py --dataset ../shared/datasets/shoe-sandal-boot --out DIR [--seed 1]
Same seed and dataset give byte-identical output.
"""
import argparse
import csv
import io
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from PIL import Image, ImageDraw  # noqa: E402

import sitemodel as sm  # noqa: E402
import nasty  # noqa: E402

GENERATED_SIZE = (96, 96)
OUTFIT_PHOTOS = 6


def generated_jpeg(index, size=GENERATED_SIZE):
    """A small deterministic JPEG: a coloured shape on a light background."""
    r = (index * 67) % 200 + 30
    g = (index * 131) % 200 + 30
    b = (index * 29) % 200 + 30
    img = Image.new("RGB", size, (245, 245, 240))
    d = ImageDraw.Draw(img)
    w, h = size
    box = (w // 6, h // 6, w - w // 6, h - h // 6)
    shape = index % 3
    if shape == 0:
        d.rectangle(box, fill=(r, g, b))
    elif shape == 1:
        d.ellipse(box, fill=(r, g, b))
    else:
        d.polygon([(w // 2, h // 8), (w - w // 8, h - h // 8), (w // 8, h - h // 8)], fill=(r, g, b))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def convert(data, fmt):
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, fmt)
    return out.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
        f.write(data)


def dump_json(obj):
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    dataset = os.path.abspath(args.dataset)
    with open(os.path.join(dataset, "LABELS.csv"), newline="") as f:
        rows = sorted((r["relative_path"], r["label"]) for r in csv.DictReader(f))
    if len(rows) < 1000:
        sys.exit("generate.py: %s: expected the shoe-sandal-boot dataset" % dataset)

    builder = sm.Builder(args.seed, rows)
    site = builder.build()
    site["dataset"] = dataset
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "img"), exist_ok=True)

    generated = {}
    for g in site["goods"].values():
        if "generated" in g["photo"]:
            i = g["photo"]["generated"]
            if i not in generated:
                generated[i] = generated_jpeg(i)
                write(os.path.join(out, "img", "g%d.jpg" % i), generated[i])
    for i in range(OUTFIT_PHOTOS):
        write(os.path.join(out, "img", "outfit%d.jpg" % i), generated_jpeg(500 + i, (120, 160)))

    cache = {}

    def photo_bytes(goods, form="jpeg"):
        p = goods["photo"]
        key = (p.get("dataset"), p.get("generated"), form)
        if key not in cache:
            if "dataset" in p:
                with open(os.path.join(dataset, p["dataset"]), "rb") as f:
                    data = f.read()
            else:
                data = generated[p["generated"]]
            cache[key] = data if form == "jpeg" else convert(data, form.upper())
        return cache[key]

    # PNG / WebP bodies served under .jpg names (case 9) live in img/
    for f in site["faults"]:
        if f.get("action") == "serve_file" and f.get("convert"):
            g = site["goods"][f.pop("goods")]
            data = photo_bytes(g, f["convert"])
            write(os.path.join(out, f["file"]), data)
            f["sha256"] = sm.sha256_hex(data)
            del f["convert"]

    manifest = nasty.manifest(site, photo_bytes, args.seed)
    faults = site.pop("faults")
    write(os.path.join(out, "faults.json"), dump_json({"faults": faults}))
    write(os.path.join(out, "site.json"), dump_json(site))
    write(os.path.join(out, "manifest.json"), dump_json(manifest))
    short = [c for c in manifest["categories"] if len(c["expected"]) != sm.SHOES_PER_CATEGORY]
    if short:
        sys.exit("generate.py: categories short of 60 shoes: %s" % [c["key"] for c in short])


if __name__ == "__main__":
    main()
