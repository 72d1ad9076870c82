#!/usr/bin/python3
"""Self-test of the fixture shop (no crawler needed): generation is deterministic, the manifest is
consistent with the site model, a small reference crawler walking the SERVED pages by the
contract's traversal rule finds exactly the manifest's 60 shoes per category (goods, image hashes,
rank order) and meets every fault of faults.json, and the markup quirks of MUSINSA.md §8 are there.
"""
import filecmp
import hashlib
import http.client
import io
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from PIL import Image  # noqa: E402

import shopctl  # noqa: E402
import sitemodel as sm  # noqa: E402

ROOT = os.environ.get("SOLEMATE_ROOT", os.path.abspath(os.path.join(shopctl.HERE, "..", "..")))
SHARED = os.environ.get("SHARED_DIR", os.path.abspath(os.path.join(ROOT, "..", "shared")))
DATASET = os.path.join(SHARED, "datasets", "shoe-sandal-boot")
TMP = os.environ.get("SOLEMATE_TMP") or tempfile.mkdtemp(prefix="fixture-shop-")
SHOE_BIG = {"018", "005"}
MAX_IMAGE = 8 * 1024 * 1024

results = []


def check(name, ok, diag=()):
    results.append((name, bool(ok), list(diag)))


def generate(out, seed=1):
    import subprocess
    subprocess.run([shopctl.PYTHON, os.path.join(shopctl.HERE, "generate.py"), "--dataset", DATASET,
                    "--out", out, "--seed", str(seed)], check=True)


def same_tree(a, b):
    diffs = []
    for root, _, files in os.walk(a):
        for f in files:
            pa = os.path.join(root, f)
            pb = os.path.join(b, os.path.relpath(pa, a))
            if not os.path.exists(pb) or not filecmp.cmp(pa, pb, shallow=False):
                diffs.append(os.path.relpath(pa, a))
    return diffs


# ---- reference crawler (regexes over our own markup; the C crawler uses the profile's XPaths) ----
def absolute(url, page_host):
    url = url.replace("\\/", "/")
    if url.startswith("//"):
        url = "http:" + url
    elif url.startswith("/"):
        host = "image.msscdn.net" if url.startswith("/images/") else page_host
        url = "http://%s%s" % (host, url)
    m = re.match(r"^http://([^/]+)(/[^?#]*)(\?[^#]*)?", url)
    host = {"image.musinsa.com": "image.msscdn.net", "store.musinsa.com": "www.musinsa.com"}.get(
        m.group(1), m.group(1))
    return host, m.group(2) + (m.group(3) or "")


def fetch_image(shop, host, target):
    if host != "image.msscdn.net":
        return None
    try:
        status, headers, body = shop.get(host, target, timeout=1)
    except (OSError, http.client.HTTPException):
        return None
    if status != 200 or int(headers.get("content-length", 0)) > MAX_IMAGE:
        return None
    if not (body.startswith(b"\xff\xd8") or body.startswith(b"\x89PNG")):
        return None
    try:
        Image.open(io.BytesIO(body)).load()
    except (OSError, ValueError):
        return None
    return body


def goods_verdict(shop, no, cache):
    if no in cache:
        return cache[no]
    verdict = None
    for _ in range(3):
        try:
            status, headers, body = shop.get("www.musinsa.com", "/app/goods/%s/0" % no, timeout=5)
        except (OSError, http.client.HTTPException):
            continue
        if status in (429, 503):
            continue
        break
    else:
        status = 0
    if status == 200:
        page = body.decode("utf-8")
        codes = re.search(r'class="item_categories">\s*<a href="[^"]*/categories/item/([0-9]{3})">[^<]*</a>'
                          r' &gt; <a href="[^"]*/categories/item/([0-9]{6})">', page)
        if codes:
            shoe = (codes.group(1) in SHOE_BIG and codes.group(2) != "005005") or codes.group(2) == "017023"
        else:
            cat = re.search(r'"category": "([^"]*)"', page)
            shoe = bool(cat) and cat.group(1).startswith("Shoes >") and "신발 용품" not in cat.group(1)
        img = (re.search(r'<img id="bigimg"[^>]*src="([^"]+)"', page)
               or re.search(r'<div class="product-img"><img src="([^"]+)"', page)
               or re.search(r'<meta property="og:image" content="([^"]+)"', page))
        if shoe and img:
            host, target = absolute(img.group(1), "www.musinsa.com")
            for candidate in (re.sub(r"_(\d+|big)\.jpg", "_big.jpg", target), target):
                data = fetch_image(shop, host, candidate)
                if data is None:
                    data = fetch_image(shop, host, candidate) if "_big" in candidate else None
                if data is not None:
                    verdict = hashlib.sha256(data).hexdigest()
                    break
    cache[no] = verdict
    return verdict


def crawl(shop, manifest, variant):
    """{category key: [(goods_no, sha256, outfit id)]} by the contract's traversal rule."""
    cache, out = {}, {}
    for cat in manifest["categories"]:
        code, gender = cat["code"], cat["gender"]
        seen_ids, seen_goods, ranked = set(), set(), []
        page = 0
        while len(ranked) < 60:
            page += 1
            q = "style_type=%s&tag_no=&brand=&display_cnt=60&list_kind=big&sort=date&page=%d" % (code, page)
            headers = {"Cookie": "_gf=" + gender} if variant == "2023" else {}
            if variant == "2022":
                q += "&_gf=" + gender
            for _ in range(3):
                status, _, body = shop.get("www.musinsa.com", "/app/codimap/lists?" + q, headers)
                if status == 200:
                    break
            html = body.decode("utf-8")
            total = int(re.search(r'<span class="totalPagingNum">([0-9]+)</span>', html).group(1))
            ids = re.findall(r'class="style-list-item__link" onclick="goView\(\'([0-9]+)\'\);"', html)
            if not ids or page > total:
                break
            for cid in ids:
                if cid in seen_ids or len(ranked) >= 60:
                    continue
                seen_ids.add(cid)
                detail = shop.get("www.musinsa.com", "/app/codimap/views/" + cid)[2].decode("utf-8")
                slots = re.findall(r'<div class="swiper-slide style_contents_size[^"]*">(.*?)</div>\n(?=<div '
                                   r'class="swiper-slide|</div>)', detail, re.S)
                for slot in slots:
                    m = re.search(r'class="brand_item" href="([^"]+)"', slot)
                    if not m:
                        continue
                    no = re.search(r"/goods/([0-9]+)", m.group(1)).group(1)
                    if no in seen_goods or len(ranked) >= 60:
                        continue
                    seen_goods.add(no)
                    sha = goods_verdict(shop, no, cache)
                    if sha:
                        ranked.append((no, sha, cid))
        out[cat["key"]] = ranked
    return out


def compare(manifest, got):
    diag = []
    for cat in manifest["categories"]:
        want = [(e["goods_no"], e["image_sha256"], e["outfit"]) for e in cat["expected"]]
        if got.get(cat["key"]) != want:
            g = got.get(cat["key"], [])
            first = next((i for i in range(max(len(g), len(want)))
                          if i >= len(g) or i >= len(want) or g[i] != want[i]), None)
            diag.append("%s: %d found, first difference at rank %s: got %s want %s" % (
                cat["key"], len(g), first and first + 1, g[first] if first is not None and first < len(g)
                else None, want[first] if first is not None and first < len(want) else None))
    return diag


def main():
    a, b, c = (os.path.join(TMP, d) for d in ("site-a", "site-b", "site-c"))
    generate(a)
    generate(b)
    diffs = same_tree(a, b) + same_tree(b, a)
    check("same seed gives byte-identical output", not diffs, diffs[:5])
    generate(c, seed=2)
    check("another seed gives another site",
          not filecmp.cmp(os.path.join(a, "site.json"), os.path.join(c, "site.json"), shallow=False))
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(a) for f in fs)
    check("generated site is small on disk (< 8 MB)", size < 8 << 20, ["%d bytes" % size])

    with open(os.path.join(a, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    with open(os.path.join(a, "site.json"), encoding="utf-8") as f:
        site = json.load(f)
    with open(os.path.join(a, "faults.json"), encoding="utf-8") as f:
        faults = json.load(f)["faults"]
    cats = manifest["categories"]
    genders = [c["gender"] for c in cats]
    check("19 categories, 8 men's and 11 women's",
          len(cats) == 19 and genders.count("M") == 8 and genders.count("F") == 11)
    diag = []
    for cat, scat in zip(cats, site["categories"]):
        exp = cat["expected"]
        nos = [e["goods_no"] for e in exp]
        if len(exp) != 60 or len(set(nos)) != 60 or [e["rank"] for e in exp] != list(range(1, 61)):
            diag.append("%s: expected list is not 60 distinct ranked goods" % cat["key"])
        if any(not site["goods"][n]["shoe"] or "dataset" not in site["goods"][n]["photo"] for n in nos):
            diag.append("%s: a non-shoe or generated photo among the expected" % cat["key"])
        ids = scat["ids"]
        if len(ids) != 130 or len(set(ids)) != 130:
            diag.append("%s: %d codimaps" % (cat["key"], len(ids)))
        pages = [len(sm.list_page(site, cat["code"], cat["gender"], p)[0]) for p in (1, 2, 3, 4)]
        if pages[:3] != [60, 60, 10] and pages[:3] != [60, 60, 11]:
            diag.append("%s: pages of %s" % (cat["key"], pages))
        shoes = {n for cid in ids for n in site["codimaps"][cid]["slots"] if site["goods"][n]["shoe"]}
        if len(shoes) < 75:
            diag.append("%s: only %d distinct shoe goods" % (cat["key"], len(shoes)))
        if any(not 2 <= len(site["codimaps"][cid]["slots"]) <= 6 for cid in ids):
            diag.append("%s: a codimap outside 2-6 slots" % cat["key"])
    check("each category: 130 codimaps (60/60/10), 2-6 slots, >= 75 shoe goods, 60 expected",
          not diag, diag)
    in_cats = {}
    for cat in cats:
        for e in cat["expected"]:
            in_cats[e["goods_no"]] = in_cats.get(e["goods_no"], 0) + 1
    check("shoes are shared across categories", sum(1 for v in in_cats.values() if v > 1) >= 50)
    unreached = [k for k, v in manifest["fault_reachability"].items() if not v]
    check("every fault of faults.json is met by a full crawl", not unreached, unreached)
    check("13 nasty cases, each with checks",
          sorted(manifest["nasty"], key=int) == [str(i) for i in range(1, 14)]
          and all(manifest["nasty"][k]["checks"] for k in manifest["nasty"]))
    labels = {"shoe": {"018002", "018003", "005014", "005015", "017023"}, "boot": {"005011"},
              "sandal": {"005004"}}
    bad = [n for n, g in site["goods"].items() if "label" in g and g["code"] not in labels[g["label"]]]
    check("dataset label decides the item category", not bad, bad[:5])

    with shopctl.Server(a, TMP, "shop2022") as shop:
        got = crawl(shop, manifest, "2022")
        check("reference crawl of the served 2022 shop finds the manifest", not compare(manifest, got),
              compare(manifest, got))
        met = {e["fault"] for e in shop.entries() if e["fault"]}
        missing = [f["id"] for f in faults if f["id"] not in met and not f.get("if_ua_empty")]
        check("the reference crawl meets every fault", not missing, missing)
        markup_checks(shop, site, manifest, faults)
    with shopctl.Server(a, TMP, "shop2023", variant="2023") as shop:
        got = crawl(shop, manifest, "2023")
        check("reference crawl of the served 2023 shop finds the manifest", not compare(manifest, got),
              compare(manifest, got))
        cid = manifest["categories"][0]["expected"][0]["outfit"]
        detail = shop.get("www.musinsa.com", "/app/codimap/views/" + cid)[2].decode()
        check("2023 detail slots are variant B", 'class="box-img"' in detail and "styling_img" not in detail)
        first = manifest["categories"][0]
        q = "/app/codimap/lists?style_type=%s&page=1" % first["code"]
        by_query = shop.get("www.musinsa.com", q + "&_gf=" + first["gender"])[2]
        by_cookie = shop.get("www.musinsa.com", q, {"Cookie": "_gf=" + first["gender"]})[2]
        check("2023 takes the gender from the _gf cookie, not the query", by_query != by_cookie
              and ("goView('%s')" % first["codimaps_traversed"][0]) in by_cookie.decode()
              and 'id="footerCommonPc"' in by_cookie.decode())
    sys.exit(shopctl.tap(results))


def markup_checks(shop, site, manifest, faults):
    cat = manifest["categories"][0]
    base = "/app/codimap/lists?style_type=%s&page=%%d&_gf=%s" % (cat["code"], cat["gender"])
    html = shop.get("www.musinsa.com", base % 1)[2].decode()
    items = html.split('<li class="style-list-item">')[1:]
    eager = all('<img src="//' in it for it in items[:12])
    lazy = all("data-original=" in it and 'lazyload' in it and '<img src="//' not in it for it in items[12:])
    check("list items 1-12 have src, 13-60 only data-original + lazyload", len(items) == 60 and eager and lazy)
    check("ids only in onclick: hrefs are javascript:void(0)", "/codimap/views/" not in html
          and "listSwitchPage(document.f1,'2')" in html)
    empty99 = shop.get("www.musinsa.com", base % 99)[2].decode()
    check("page 99 is an empty list", "goView(" not in empty99 and 'class="style-list style-list--full"' in empty99)
    pc = next(c for c in manifest["categories"] if c["total_paging_num"] == 4)
    pbase = "/app/codimap/lists?style_type=%s&page=%%d&_gf=%s" % (pc["code"], pc["gender"])
    p1 = re.findall(r"goView\('([0-9]+)'\);\" title", shop.get("www.musinsa.com", pbase % 1)[2].decode())
    p2 = re.findall(r"goView\('([0-9]+)'\);\" title", shop.get("www.musinsa.com", pbase % 2)[2].decode())
    p4 = shop.get("www.musinsa.com", pbase % 4)[2].decode()
    check("paging category: page 2 repeats the last item of page 1; totalPagingNum 4, page 4 empty",
          p2[0] == p1[-1] and '<span class="totalPagingNum">4</span>' in p4 and "goView(" not in p4)
    alll = shop.get("www.musinsa.com", "/app/codimap/lists?style_type=%s&page=1&_gf=A" % cat["code"])[2].decode()
    genders = {site["codimaps"][i]["gender"] for i in re.findall(r"goView\('([0-9]+)'\);\" title", alll)}
    check("_gf=A mixes both genders; counter has commas", genders == {"M", "F"} and re.search(
        r"스타일 수 : [0-9]{1,3},[0-9]{3}개", shop.get("www.musinsa.com", "/app/codimap/lists?page=1")[2].decode()))
    no = cat["expected"][0]["goods_no"]
    st, h, _ = shop.get("www.musinsa.com", "/products/" + no)
    check("/products/N is a 301 to /app/goods/N", st == 301 and h["location"] == "/app/goods/" + no)
    st, h, body = shop.get("www.musinsa.com", "/app/goods/%s/0" % no)
    st2 = shop.get("www.musinsa.com", "/app/goods/%s/0" % no, {"If-None-Match": h["etag"]})[0]
    st3 = shop.get("www.musinsa.com", "/app/goods/%s/0" % no, {"If-Modified-Since": h["last-modified"]})[0]
    check("ETag / Last-Modified revalidate to 304", st == 200 and st2 == 304 and st3 == 304)
    check("goods page embeds stateAll with \\/ and item_categories with &gt;",
          "var stateAll = {" in body.decode() and "\\/images\\/goods_img\\/" in body.decode()
          and "</a> &gt; <a" in body.decode())
    check("empty User-Agent gets 403", shop.get("www.musinsa.com", "/robots.txt", {"User-Agent": ""})[0] == 403)
    huge = next(f for f in faults if f["action"] == "huge")
    g = next(site["goods"][n] for n in site["goods"] if re.search("/%s_" % n, huge["path_regex"]))
    st, h, body = shop.get("image.msscdn.net", "/images/goods_img/%s/%s/%s_%s_big.jpg" % (g["date"], g["no"],
                                                                                          g["no"], g["k"]))
    ok = st == 200 and len(body) == huge["bytes"]
    try:
        Image.open(io.BytesIO(body)).load()
    except OSError:
        ok = False
    check("the 40 MB body is a complete, decodable JPEG generated on the fly", ok)
    st, _, body = shop.get("cdn.elsewhere.test", "/images/goods_img/%s/%s/%s_%s_big.jpg" % (
        g["date"], g["no"], g["no"], g["k"]))
    check("the off-site host serves images (so a crawler following the redirect is caught)", st == 200)


if __name__ == "__main__":
    main()
