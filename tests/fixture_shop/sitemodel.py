"""Site model of the fixture shop: builds the deterministic shop data (categories, codimaps,
goods, nasty cases) from a seed and the shoe-sandal-boot dataset, and simulates the crawl
traversal of CRAWL_CONTRACT.md to derive the ground truth (manifest.json).

Everything here is pure data; markup.py renders it, serve.py serves it, generate.py writes it.
"""
import hashlib
import random
import re

# MUSINSA.md §2: 8 men's + 11 women's style categories, sidebar order.
STYLE_NAMES = {
    "americancasual": "아메리칸 캐주얼", "casual": "캐주얼", "chic": "시크", "dandy": "댄디",
    "formal": "포멀", "girlish": "걸리시", "golf": "골프", "homewear": "홈웨어",
    "retro": "레트로", "romantic": "로맨틱", "sports": "스포츠", "street": "스트릿",
    "gorpcore": "고프코어",
}
MEN = ["americancasual", "casual", "chic", "dandy", "formal", "golf", "sports", "street"]
WOMEN = ["americancasual", "casual", "chic", "formal", "girlish", "golf", "homewear", "retro",
         "romantic", "sports", "street"]
CATEGORIES = [(c, "M") for c in MEN] + [(c, "F") for c in WOMEN]

PER_PAGE = 60
CODIMAPS_PER_CATEGORY = 130
SHOES_PER_CATEGORY = 60
SHOE_GOODS_PER_CATEGORY = 92          # distinct shoe goods offered per category (>= 75)
PAGING_CATEGORY = ("retro", "F")      # nasty case 11 lives here
SIZES = ["60", "125", "220", "320", "500", "big"]

# item category tree (MUSINSA.md §3.3/§4): code -> (big name, sub name, stateAll prefix)
ITEM_CATEGORIES = {
    "018002": ("스니커즈", "캔버스/단화", "Shoes"),
    "018003": ("스니커즈", "패션스니커즈화", "Shoes"),
    "005014": ("신발", "구두", "Shoes"),
    "005015": ("신발", "로퍼", "Shoes"),
    "005011": ("신발", "부츠", "Shoes"),
    "005004": ("신발", "샌들", "Shoes"),
    "005005": ("신발", "신발 용품", "Shoes"),
    "017023": ("스포츠/용품", "스포츠신발", "Sports"),
    "001001": ("상의", "반소매 티셔츠", "Top"),
    "001005": ("상의", "맨투맨/스웨트셔츠", "Top"),
    "002022": ("아우터", "후드 집업", "Outer"),
    "003002": ("바지", "데님 팬츠", "Pants"),
    "003009": ("바지", "슬랙스", "Pants"),
    "004001": ("가방", "백팩", "Bag"),
    "004002": ("가방", "메신저/크로스 백", "Bag"),
    "007001": ("모자", "캡/야구 모자", "Headwear"),
    "008001": ("양말/레그웨어", "양말", "Socks"),
}
SHOE_CODES_BY_LABEL = {"shoe": ["018002", "018003", "005014", "005015"],
                       "boot": ["005011"], "sandal": ["005004"]}
OTHER_CODES = ["001001", "001005", "002022", "003002", "003009", "004001", "004002", "007001",
               "008001"]
BRANDS = ["무신사 스탠다드", "컨버스", "반스", "닥터마틴", "나이키", "아디다스", "뉴발란스",
          "커버낫", "디스이즈네버댓", "엘무드", "수아레", "크록스", "아식스", "탠디"]


def codimap_id(code, gender, age):
    """Codimap ids grow with posting time and interleave the two genders of a style, so the
    _gf=A list mixes them (a crawler that drops the gender filter is caught)."""
    return str(100000 + sorted(STYLE_NAMES).index(code) * 2000 + age * 4 + (2 if gender == "F" else 0))


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def size_variant(data, size):
    """The bytes the image host serves for one size of a photo: `big` is the file itself,
    every other size is the same JPEG with a COM segment naming the size (valid, different hash)."""
    if size == "big":
        return data
    note = b"solemate fixture size=" + size.encode()
    return data[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + data[2:]


def truncated_jpeg(data):
    """A JPEG cut just before its SOF marker: the header looks right, no decoder accepts it."""
    for marker in (b"\xff\xc0", b"\xff\xc1", b"\xff\xc2"):
        pos = data.find(marker, 2)
        if pos > 0:
            return data[:pos]
    return data[:len(data) // 4]


def huge_jpeg_parts(data, total):
    """Yields a valid JPEG of exactly `total` bytes: SOI, COM padding segments, then the photo
    (everything after its SOI).  Decodable, so only a size cap keeps it out of the catalog."""
    body = data[2:]
    pad = total - 2 - len(body)
    yield data[:2]
    segment = b"\xff\xfe\xff\xff" + bytes(65533)
    while pad >= len(segment) + 4:
        yield segment
        pad -= len(segment)
    if pad >= 4:
        yield b"\xff\xfe" + (pad - 2).to_bytes(2, "big") + bytes(pad - 4)
        pad = 0
    yield body + bytes(pad)


class Builder:
    """Builds the site dict.  All randomness comes from one seeded Random, consumed in a fixed
    order, so the same seed and dataset give the same site."""

    def __init__(self, seed, dataset_rows):
        self.rng = random.Random(seed)
        self.rows = dataset_rows              # [(relative_path, label)] sorted
        self.goods = {}                       # goods_no(str) -> dict
        self.used_numbers = set()
        self.next_codimap = 30000

    # ---- goods -------------------------------------------------------------------------
    def new_goods_no(self):
        while True:
            n = self.rng.randrange(1000000, 3400000)
            if n not in self.used_numbers:
                self.used_numbers.add(n)
                return str(n)

    def new_goods(self, code, photo, name=None, **extra):
        no = self.new_goods_no()
        rng = self.rng
        date = "20%02d%02d%02d" % (rng.randrange(19, 23), rng.randrange(1, 13), rng.randrange(1, 29))
        k = "1" if rng.random() < 0.7 else str(16000000000000 + rng.randrange(10 ** 12))
        big, sub, _ = ITEM_CATEGORIES[code]
        g = {
            "no": no, "code": code, "date": date, "k": k, "photo": photo,
            "name": name or "%s %s %d" % (sub, rng.choice(["베이직", "클래식", "오버핏", "데일리",
                                                          "레트로", "스탠다드"]), rng.randrange(100, 999)),
            "brand": rng.choice(BRANDS),
            "price": rng.randrange(19, 300) * 1000,
            "shoe": extra.pop("shoe", big in ("스니커즈", "신발") and code != "005005"),
            "page": "normal",       # goods page markup: normal|no_categories|popup|alert|product_img|og_only
            "img_host": "image.msscdn.net", "img_form": "protocol", "buster": "",
            "special": None,
        }
        g.update(extra)
        self.goods[no] = g
        return g

    # ---- build ---------------------------------------------------------------------------
    def build(self):
        rng = self.rng
        by_label = {"shoe": [], "boot": [], "sandal": []}
        for path, label in self.rows:
            by_label[label].append(path)
        for lst in by_label.values():
            rng.shuffle(lst)
        photos = {k: iter(v) for k, v in by_label.items()}

        shoes = []
        for label, count in (("shoe", 420), ("boot", 160), ("sandal", 160)):
            for _ in range(count):
                code = rng.choice(SHOE_CODES_BY_LABEL[label])
                shoes.append(self.new_goods(code, {"dataset": next(photos[label])}, label=label))
        rng.shuffle(shoes)
        others = []
        for i in range(170):
            code = OTHER_CODES[i % len(OTHER_CODES)]
            others.append(self.new_goods(code, {"generated": i}))
        # URL forms (nasty case 2), spread over all goods
        for g in shoes + others:
            r = rng.random()
            if r < 0.15:
                g["img_host"] = "image.musinsa.com"
            elif r < 0.30:
                g["img_form"] = "absolute"
            if rng.random() < 0.2:
                g["buster"] = "?t=2022%02d%02d%02d%02d%02d" % (
                    rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24),
                    rng.randrange(60), rng.randrange(60))
            elif rng.random() < 0.1:
                g["buster"] = "?w=500"
        self.shoes, self.others = shoes, others
        specials = self.make_specials(photos)
        self.site = {"categories": [], "codimaps": {}, "goods": self.goods, "faults": [],
                     "decoys": {}}
        pool = [g for g in shoes if g["special"] is None]
        for ci, (code, gender) in enumerate(CATEGORIES):
            self.build_category(ci, code, gender, pool, specials.get((code, gender), []))
        self.build_decoys()
        self.site["faults"] = self.faults
        return self.site

    def make_specials(self, photos):
        """The goods that carry nasty cases 5, 7, 8, 9, 10, placed early in chosen categories."""
        S = {}
        self.faults = []

        def shoe(label="shoe", **kw):
            code = kw.pop("code", None) or self.rng.choice(SHOE_CODES_BY_LABEL[label])
            return self.new_goods(code, {"dataset": next(photos[label])}, label=label, **kw)

        def fault(case, fid, **kw):
            f = {"id": fid, "case": case}
            f.update(kw)
            self.faults.append(f)
            return f

        def goods_path(g):
            return "/app/goods/%s/0" % g["no"]

        def img_regex(g, sizes=None):
            sz = "(%s)" % "|".join(sizes) if sizes else "[0-9a-z]+"
            return "^/images/goods_img/%s/%s/%s_%s_%s\\.jpg$" % (g["date"], g["no"], g["no"],
                                                                g["k"], sz)

        def place(cat, g, note):
            g["special"] = note
            S.setdefault(cat, []).append(g["no"])

        # 5: the same photo under two goods numbers (a re-listing, one with a timestamp k)
        d1 = shoe("shoe", k="1")
        d2 = self.new_goods(d1["code"], dict(d1["photo"]), label="shoe",
                            k="16601234567890", name=d1["name"] + " (재입고)")
        place(("casual", "M"), d1, "dup-photo-a")
        place(("casual", "M"), d2, "dup-photo-b")
        place(("street", "F"), d2, "dup-photo-b")
        # 7: shoe-ish non-shoes, and a 스포츠신발 017023 that counts (profile flag on)
        ins = [self.new_goods("005005", {"generated": 900 + i}, name="쿠션 깔창 %d" % i, shoe=False)
               for i in range(2)]
        bag = self.new_goods("004002", {"generated": 910}, name="슈즈 백 (신발 가방)", shoe=False)
        sport = shoe("shoe", code="017023", shoe=True, name="러닝화 스포츠신발")
        place(("sports", "M"), ins[0], "insole")
        place(("chic", "F"), ins[1], "insole")
        place(("formal", "M"), bag, "shoe-bag")
        place(("sports", "M"), sport, "sport-shoe-017023")
        # 8: goods page faults and markup variants
        g404 = shoe("boot")
        fault(8, "goods-404", host="www.musinsa.com", path=goods_path(g404), action="status",
              status=404)
        place(("chic", "M"), g404, "goods-404")
        alert = shoe("shoe", page="alert")
        place(("chic", "M"), alert, "goods-alert")
        r302 = shoe("sandal")
        fault(8, "goods-302-home", host="www.musinsa.com", path=goods_path(r302),
              action="redirect", status=302, location="/")
        place(("dandy", "M"), r302, "goods-302")
        r302cs = shoe("shoe")
        fault(8, "goods-302-robots", host="www.musinsa.com", path=goods_path(r302cs),
              action="redirect", status=302, location="/app/cs/soldout?goods_no=%s" % r302cs["no"])
        place(("dandy", "M"), r302cs, "goods-302-disallowed")
        nocat = shoe("boot", page="no_categories")
        place(("golf", "M"), nocat, "goods-no-categories")
        popup = shoe("shoe", page="popup")
        place(("golf", "M"), popup, "goods-popup")
        pimg = shoe("sandal", page="product_img", img_form="root")
        place(("golf", "F"), pimg, "goods-product-img-root-relative")
        ogi = shoe("shoe", page="og_only", img_form="absolute")
        place(("golf", "F"), ogi, "goods-og-image-only")
        # 9: image faults
        big404 = shoe("shoe")
        fault(9, "image-big-404", host="image.msscdn.net", path_regex=img_regex(big404, ["big"]),
              action="status", status=404)
        place(("americancasual", "M"), big404, "image-big-404")
        html = shoe("boot")
        fault(9, "image-html-error", host="image.msscdn.net", path_regex=img_regex(html, ["big"]),
              action="body", status=200, content_type="text/html; charset=utf-8",
              body="<html><body><h1>일시적인 오류입니다</h1></body></html>")
        place(("americancasual", "M"), html, "image-html-body")
        trunc = shoe("sandal")
        fault(9, "image-truncated-jpeg", host="image.msscdn.net",
              path_regex=img_regex(trunc, ["big"]), action="transform", transform="truncated_jpeg")
        place(("americancasual", "F"), trunc, "image-truncated-jpeg")
        huge = shoe("shoe")
        fault(9, "image-40mb", host="image.msscdn.net", path_regex=img_regex(huge),
              action="huge", bytes=40 * 1024 * 1024)
        place(("casual", "F"), huge, "image-too-large")
        png = shoe("boot")
        fault(9, "image-png-as-jpg", host="image.msscdn.net", path_regex=img_regex(png, ["big"]),
              action="serve_file", file="img/t%s.png" % png["no"], content_type="image/jpeg",
              convert="png", goods=png["no"])
        place(("casual", "F"), png, "image-png-as-jpg")
        webp = shoe("shoe")
        fault(9, "image-webp-as-jpg", host="image.msscdn.net", path_regex=img_regex(webp, ["big"]),
              action="serve_file", file="img/t%s.webp" % webp["no"], content_type="image/jpeg",
              convert="webp", goods=webp["no"])
        place(("formal", "F"), webp, "image-webp-as-jpg")
        off = shoe("sandal")
        fault(9, "image-offsite-redirect", host="image.msscdn.net", path_regex=img_regex(off),
              action="redirect", status=302,
              location="http://cdn.elsewhere.test/images/goods_img/%s/%s/%s_%s_big.jpg"
              % (off["date"], off["no"], off["no"], off["k"]))
        place(("formal", "F"), off, "image-offsite-redirect")
        slow = shoe("boot")
        fault(9, "image-slow", host="image.msscdn.net", path_regex=img_regex(slow),
              action="stall", seconds=15)
        place(("girlish", "F"), slow, "image-timeout")
        # 10: server faults
        r429 = shoe("shoe")
        fault(10, "goods-429-retry-after", host="www.musinsa.com", path=goods_path(r429),
              action="status", status=429, headers={"Retry-After": "2"}, times=1)
        place(("street", "M"), r429, "goods-429-then-200")
        reset = shoe("shoe")
        fault(10, "goods-reset-mid-body", host="www.musinsa.com", path=goods_path(reset),
              action="reset")
        place(("street", "M"), reset, "goods-reset")
        cut = shoe("boot")
        fault(10, "image-short-body", host="image.msscdn.net", path_regex=img_regex(cut),
              action="truncate")
        place(("homewear", "F"), cut, "image-short-body")
        fault(10, "list-503-then-200", host="www.musinsa.com", path="/app/codimap/lists",
              query={"style_type": PAGING_CATEGORY[0], "page": "2"}, action="status",
              status=503, headers={"Retry-After": "1"}, times=1)
        img503 = shoe("sandal")
        fault(10, "image-503-then-200", host="image.msscdn.net",
              path_regex=img_regex(img503, ["big"]), action="status", status=503, times=1)
        place(("romantic", "F"), img503, "image-503-then-200")
        fault(10, "empty-user-agent-403", host="*", path_regex=".*", if_ua_empty=True,
              action="status", status=403)
        return S

    def build_category(self, ci, code, gender, pool, special_nos):
        rng = self.rng
        chosen = rng.sample(pool, SHOE_GOODS_PER_CATEGORY)
        queue = [g["no"] for g in chosen]
        # specials go into the first codimaps, one per codimap, from codimap 3 on
        special_at = {3 + 4 * i: no for i, no in enumerate(special_nos)}
        used = []
        ids = []
        for i in range(CODIMAPS_PER_CATEGORY):
            cid = codimap_id(code, gender, CODIMAPS_PER_CATEGORY - i)
            n = rng.randrange(2, 7)
            r = rng.random()
            nshoe = 0 if r < 0.12 else (1 if r < 0.85 else 2)
            shoe_slots = []
            for _ in range(nshoe):
                if used and (rng.random() < 0.15 or not queue):
                    shoe_slots.append(rng.choice(used))
                else:
                    no = queue.pop(0)
                    used.append(no)
                    shoe_slots.append(no)
            if i in special_at:
                shoe_slots.append(special_at[i])
            nshoe = len(shoe_slots)
            n = max(n, nshoe + 1)
            slots = [rng.choice(self.others)["no"] for _ in range(n - nshoe)]
            for no in shoe_slots:
                slots.insert(rng.randrange(len(slots) + 1), no)
            title = rng.choice(["%s 데일리룩", "주말엔 %s", "%s 무드로 멋 내기", "간절기 %s 코디",
                                "%s 스타일링"]) % STYLE_NAMES[code]
            quirk = ""
            if nshoe == 0 and rng.random() < 0.35:
                title = "스니커즈로 완성한 %s 룩" % STYLE_NAMES[code]
                quirk = "shoe-removed"
            cm = {"id": cid, "style": code, "gender": gender, "title": title, "slots": slots,
                  "date": "2022.%02d.%02d" % (12 - i // 12, 28 - i % 12 * 2),
                  "views": rng.randrange(200, 25000), "wrapper": rng.random() < 0.15,
                  "quirk": quirk, "tags": rng.sample(["데일리", "피크닉", "데이트룩", "출근룩",
                                                     "여행", "캠퍼스룩", "봄코디"], 2)}
            if quirk == "shoe-removed":
                cm["empty_slot"] = True
            self.site["codimaps"][cid] = cm
            ids.append(cid)
        cat = {"code": code, "gender": gender, "name": STYLE_NAMES[code], "ids": ids,
               "total_paging_num": 3, "inserted": None}
        if (code, gender) == PAGING_CATEGORY:
            cat["total_paging_num"] = 4
            ins = codimap_id(code, gender, CODIMAPS_PER_CATEGORY + 1)
            self.site["codimaps"][ins] = {
                "id": ins, "style": code, "gender": gender, "title": "방금 올라온 %s 코디" % code,
                "slots": [self.others[0]["no"], self.others[1]["no"]], "date": "2022.12.31",
                "views": 1, "wrapper": False, "quirk": "inserted", "tags": ["신규"]}
            cat["inserted"] = ins
        self.site["categories"].append(cat)

    def build_decoys(self):
        """Codimaps of a style listed only for the other gender (and under _gf=A): they must not
        leak into a gendered category."""
        rng = self.rng
        for code in STYLE_NAMES:
            genders = [g for g in ("M", "F") if (code, g) not in CATEGORIES]
            for gender in genders:
                ids = []
                base = 20000 + sorted(STYLE_NAMES).index(code) * 100 + (0 if gender == "M" else 50)
                for i in range(20):
                    cid = str(base + 2 * (20 - i))
                    slots = [rng.choice(self.shoes)["no"], rng.choice(self.others)["no"]]
                    self.site["codimaps"][cid] = {
                        "id": cid, "style": code, "gender": gender,
                        "title": "%s 다른 성별 코디 %d" % (STYLE_NAMES[code], i), "slots": slots,
                        "date": "2021.06.%02d" % (28 - i), "views": 10 + i, "wrapper": False,
                        "quirk": "decoy", "tags": ["데일리"]}
                    ids.append(cid)
                self.site["decoys"]["%s:%s" % (code, gender)] = ids


# ---- list views ----------------------------------------------------------------------------
def style_gender_ids(site, style, gender):
    """Codimap ids listed for a style_type ('' = all) and gender ('A' = all), newest first,
    and the inserted id (if any) that appears between page fetches."""
    ids, inserted = [], []
    for cat in site["categories"]:
        if style in ("", cat["code"]) and gender in ("A", cat["gender"]):
            ids += cat["ids"]
            if cat["inserted"]:
                inserted.append(cat["inserted"])
    for key, dids in site["decoys"].items():
        code, g = key.split(":")
        if style in ("", code) and gender in ("A", g):
            ids += dids
    ids.sort(key=int, reverse=True)
    return ids, inserted


def list_page(site, style, gender, page, per_page=PER_PAGE):
    """(ids on this page, total count, totalPagingNum) for one list request.  Page 1 is the list
    as it was; pages >= 2 are computed as if a new codimap had been posted in the meantime
    (MUSINSA.md §8 case 11), so the last item of page 1 shows again at the top of page 2."""
    ids, inserted = style_gender_ids(site, style, gender)
    shown = ids if page <= 1 else sorted(ids + inserted, key=int, reverse=True)
    total_pages = max(1, -(-len(ids) // per_page))
    for cat in site["categories"]:
        if (cat["code"], cat["gender"]) == (style, gender):
            total_pages = cat["total_paging_num"]
    start = (page - 1) * per_page
    if page < 1 or start >= len(shown):
        return [], len(ids), total_pages
    return shown[start:start + per_page], len(ids), total_pages


# ---- ground truth --------------------------------------------------------------------------
def goods_outcome(goods, faults, photo_bytes):
    """(counts, sha256 of the stored image or None, size used) for one goods under `faults`:
    the contract's shoe rule and image fallback big -> 500.  Faults limited by `times` are
    retried away; a body served from a .png file decodes, every other image fault does not."""
    if not goods["shoe"] or goods["page"] == "alert":
        return False, None, None
    page_path = "/app/goods/%s/0" % goods["no"]
    for f in faults:
        if not f.get("if_ua_empty") and not f.get("times") and f.get("path") == page_path:
            return False, None, None
    data = photo_bytes(goods)
    for size in ("big", "500"):
        path = "/images/goods_img/%s/%s/%s_%s_%s.jpg" % (goods["date"], goods["no"], goods["no"],
                                                         goods["k"], size)
        ok, sha = True, sha256_hex(size_variant(data, size))
        for f in faults:
            if f.get("host") == "image.msscdn.net" and not f.get("times") and \
                    re.match(f.get("path_regex", "^$"), path):
                if f["action"] == "serve_file" and f["file"].endswith(".png"):
                    sha = f["sha256"]
                else:
                    ok = False
        if ok:
            return True, sha, size
    return False, None, None


def traverse(site, outcome):
    """Per category the contract's traversal: (ranked [(goods_no, outfit_id)], evaluated goods,
    pages fetched).  `outcome(goods_no)` says whether a goods counts."""
    result = {}
    for cat in site["categories"]:
        seen_ids, seen_goods, ranked, evaluated = set(), set(), [], []
        page = 0
        done = False
        while not done:
            page += 1
            ids, _, total = list_page(site, cat["code"], cat["gender"], page)
            if not ids or page > total:
                break
            for cid in ids:
                if cid in seen_ids:
                    continue
                seen_ids.add(cid)
                for no in site["codimaps"][cid]["slots"]:
                    if no in seen_goods:
                        continue
                    seen_goods.add(no)
                    evaluated.append(no)
                    if outcome(no):
                        ranked.append((no, cid))
                        if len(ranked) == SHOES_PER_CATEGORY:
                            done = True
                            break
                if done:
                    break
        result["%s:%s" % (cat["code"], cat["gender"])] = {
            "ranked": ranked, "evaluated": evaluated, "pages": page, "seen_ids": seen_ids}
    return result
