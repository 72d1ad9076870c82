#!/usr/bin/python3
"""Fills a fresh Solemate catalog (schema already created) with a synthetic shop for the
recommender tests: small PNG photos, products in categories, and current features for two
models ('mobilenet' float32 and 'pixel' u8) drawn from a seeded generator.

usage: synthetic_catalog.py CATALOG [--products N] [--dim D] [--seed S] [--plant-duplicates]
--plant-duplicates makes product 2 share product 1's photo (same SHA-256) and product 3 a
near duplicate of product 1 (its vector = 1.5 x product 1's plus a tiny nudge)."""
import argparse
import hashlib
import io
import random
import sqlite3
import struct

from PIL import Image


def png(colour, size=(40, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("catalog")
    ap.add_argument("--products", type=int, default=60)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plant-duplicates", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    db = sqlite3.connect(a.catalog)
    db.execute("PRAGMA foreign_keys = ON")
    now = 1700000000
    db.execute("INSERT INTO categories (id, code, gender, name) VALUES (1, 'casual', 'M', '캐주얼'), "
               "(2, 'street', 'F', '스트릿'), (3, 'sporty', 'F', '스포티')")
    db.execute("INSERT INTO models VALUES ('mobilenet', ?, ?, 'f32', 'tf-squash224', ?)", ("ab" * 32, a.dim, now))
    db.execute("INSERT INTO models VALUES ('pixel', NULL, ?, 'u8', 'rgb8-squash224', ?)", (a.dim + 8, now))
    vectors = {}
    for pid in range(1, a.products + 1):
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        data = png(colour)
        if a.plant_duplicates and pid == 2:
            data = png(first_colour)
        if pid == 1:
            first_colour = colour
        sha = hashlib.sha256(data).hexdigest()
        db.execute("INSERT OR IGNORE INTO images VALUES (?, ?, 'image/png', 40, 30, ?)", (sha, data, now))
        db.execute("INSERT INTO products (id, source, shop_id, name, brand, url, kind, label, image_sha256, "
                   "first_seen, updated_at) VALUES (?, 'fixture', ?, ?, 'Brand', ?, 'shoe', ?, ?, ?, ?)",
                   (pid, str(1000 + pid), "Shoe %d" % pid, "http://www.musinsa.com/app/goods/%d" % (1000 + pid),
                    ("boot", "sandal", "shoe")[pid % 3], sha, now, now))
        db.execute("INSERT INTO product_categories (product_id, category_id, rank) VALUES (?, ?, ?)",
                   (pid, 1 + pid % 3, pid))
        if pid % 5 == 0:
            db.execute("INSERT INTO product_categories (product_id, category_id, rank) VALUES (?, ?, ?)",
                       (pid, 1 + (pid + 1) % 3, pid))
        if sha in vectors:
            continue
        v = [rng.gauss(0, 1) for _ in range(a.dim)]
        if a.plant_duplicates and pid == 3:
            v = [1.5 * x for x in vectors[product_sha[1]]]
            v[0] += 0.01
        vectors[sha] = v
        product_sha = globals().setdefault("product_sha", {})
        product_sha[pid] = sha
        db.execute("INSERT INTO features VALUES (?, 'mobilenet', ?, 'tf-squash224', ?, ?, ?)",
                   (sha, "ab" * 32, a.dim, struct.pack("<%df" % a.dim, *v), now))
        pixels = bytes(rng.randrange(256) for _ in range(a.dim + 8))
        db.execute("INSERT INTO features VALUES (?, 'pixel', NULL, 'rgb8-squash224', ?, ?, ?)",
                   (sha, a.dim + 8, pixels, now))
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
