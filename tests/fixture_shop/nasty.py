"""Ground truth of the fixture shop (manifest.json): the expected 60 shoes per category from the
contract's traversal, and for each nasty case of MUSINSA.md §8 the checks the catalog and the
request log must pass.  The check vocabulary is interpreted by tests/crawler/crawlcheck.py:

  link          goods [category] [image_sha256] present=true|false   (product_categories)
  same_image    goods=[a, b]: both linked with one image row
  fault         url_regex [kind_regex] [reason_regex]: a faults row of the run
  request       [host] path_regex [query] [status] min/max: count of server log lines
  outfit        shop_id [linked=false]: outfits row exists [and no link names it]
  product_kind  goods kind_in: if the product row exists its kind is one of these
  image_mime    sha256 mime
  retry_after   path_regex seconds: the retry came no sooner than Retry-After
  user_agent    regex: every logged request's User-Agent matches
"""
import csv
import hashlib
import os
import re

import sitemodel as sm

GOODS_PATH = "^/app/goods/%s(/0)?$"


def img_path_regex(g, size):
    return "^(/thumbnails)?/images/goods_img/%s/%s/%s_%s_%s\\.jpg$" % (g["date"], g["no"], g["no"],
                                                                       g["k"], size)


def manifest(site, photo_bytes, seed):
    faults = site["faults"]
    outcomes = {no: sm.goods_outcome(g, faults, photo_bytes) for no, g in site["goods"].items()}
    walk = sm.traverse(site, lambda no: outcomes[no][0])
    cats = []
    for cat in site["categories"]:
        key = "%s:%s" % (cat["code"], cat["gender"])
        w = walk[key]
        cats.append({
            "key": key, "code": cat["code"], "gender": cat["gender"], "name": cat["name"],
            "total_paging_num": cat["total_paging_num"], "pages_needed": w["pages"],
            "codimaps_traversed": sorted(w["seen_ids"], key=int, reverse=True),
            "expected": [{"rank": i + 1, "goods_no": no, "outfit": cid,
                          "image_sha256": outcomes[no][1], "image_size": outcomes[no][2]}
                         for i, (no, cid) in enumerate(w["ranked"])]})
    evaluated = set()
    for w in walk.values():
        evaluated.update(w["evaluated"])
    linked = {e["goods_no"] for c in cats for e in c["expected"]}
    ctx = Context(site, cats, outcomes, walk)
    return {
        "format": 1, "seed": seed,
        "hosts": {"www": "www.musinsa.com", "img": "image.msscdn.net",
                  "aliases": {"store.musinsa.com": "www.musinsa.com",
                              "image.musinsa.com": "image.msscdn.net"},
                  "forbidden": "cdn.elsewhere.test"},
        "robots_disallow": {"www.musinsa.com": ["/app/cs/"]},
        "categories": cats,
        "links_total": sum(len(c["expected"]) for c in cats),
        "shoe_goods_linked": sorted(linked, key=int),
        "non_shoe_goods_evaluated": sorted((no for no in evaluated if not site["goods"][no]["shoe"]),
                                           key=int),
        "goods_evaluated": len(evaluated),
        "fault_reachability": reachability(site, walk),
        "nasty": ctx.cases(),
        "scenarios": ctx.scenarios(photo_bytes),
    }


def reachability(site, walk):
    """Every fault of faults.json with the goods or list page a full crawl meets it on."""
    owner = {}
    for key, w in walk.items():
        for no in w["evaluated"]:
            owner.setdefault(no, key)
    out = {}
    for f in site["faults"]:
        where = None
        if f.get("if_ua_empty"):
            where = "any request without User-Agent"
        elif f.get("query"):
            for key, w in walk.items():
                code = key.split(":")[0]
                if code == f["query"].get("style_type") and w["pages"] >= int(f["query"]["page"]):
                    where = "%s list page %s" % (key, f["query"]["page"])
                    break
        else:
            target = f.get("path") or f.get("path_regex")
            for no in site["goods"]:
                if no in owner and re.search("/%s[/_]" % no, target + "/"):
                    where = "goods %s in %s" % (no, owner[no])
                    break
        out[f["id"]] = where
    return out


class Context:
    def __init__(self, site, cats, outcomes, walk):
        self.site, self.cats, self.outcomes, self.walk = site, cats, outcomes, walk
        self.by_special = {g["special"]: g for g in site["goods"].values() if g["special"]}
        self.first_cat = {}
        for c in cats:
            for e in c["expected"]:
                self.first_cat.setdefault(e["goods_no"], c["key"])

    def g(self, special):
        return self.by_special[special]

    def link(self, g, present=True, category=None):
        no = g["no"]
        check = {"type": "link", "goods": no, "present": present}
        if present:
            check["image_sha256"] = self.outcomes[no][1]
            check["category"] = category or self.first_cat[no]
        return check

    def fault(self, url_regex, kind_regex=None, reason_regex=None):
        c = {"type": "fault", "url_regex": url_regex}
        if kind_regex:
            c["kind_regex"] = kind_regex
        if reason_regex:
            c["reason_regex"] = reason_regex
        return c

    @staticmethod
    def request(path_regex, host=None, mn=None, mx=None, **kw):
        c = {"type": "request", "path_regex": path_regex}
        if host:
            c["host"] = host
        if mn is not None:
            c["min"] = mn
        if mx is not None:
            c["max"] = mx
        c.update(kw)
        return c

    def cat(self, key):
        return next(c for c in self.cats if c["key"] == key)

    def cases(self):
        site, cats = self.site, self.cats
        C = {}
        first = cats[0]
        ids = sm.list_page(site, first["code"], first["gender"], 1)[0]
        exp_by_outfit = {}
        for c in cats:
            for e in c["expected"]:
                exp_by_outfit.setdefault((c["key"], e["outfit"]), e)
        lazy = [cid for cid in ids[12:] if (first["key"], cid) in exp_by_outfit][:4]
        C["1"] = {"title": "lazy images: list items 13-60 only in data-original (some with a gif "
                           "placeholder src); their codimaps are crawled like items 1-12",
                  "checks": [{"type": "outfit", "shop_id": cid} for cid in ids[:1] + ids[12:60:12]]
                  + [dict(self.link(site["goods"][exp_by_outfit[(first["key"], cid)]["goods_no"]],
                                    category=first["key"])) for cid in lazy]
                  + [self.request("^data:|base64", mx=0)]}
        forms = []
        for label, pred in (("image.musinsa.com alias", lambda g: g["img_host"] == "image.musinsa.com"),
                            ("absolute image URL", lambda g: g["img_form"] == "absolute"),
                            ("?t= cache buster", lambda g: g["buster"].startswith("?t=")),
                            ("?w= buster", lambda g: g["buster"].startswith("?w="))):
            g = next(site["goods"][no] for no in self.first_cat if pred(site["goods"][no]))
            forms.append(self.link(g))
        store = self.store_linked()
        C["2"] = {"title": "URL forms: protocol-relative, root-relative, absolute, store. host, "
                           "image.musinsa.com alias, ?t=/?w= busters, \\/ in JSON",
                  "checks": forms + [self.link(self.g("goods-product-img-root-relative")),
                                     self.link(site["goods"][store])]
                  + [self.request(GOODS_PATH % store, mx=1, mn=1),
                     self.request("^/images/", host="www.musinsa.com", mx=0),
                     self.request("^/images/goods_img/.*_big\\.jpg$", mn=1)]}
        C["3"] = {"title": "ids only in onclick goView(), paging only via listSwitchPage(): the "
                           "crawler builds URLs from templates",
                  "checks": [self.request("^/app/codimap/views/%s$" % c["codimaps_traversed"][0],
                                          mn=1, mx=1) for c in cats[:4]]
                  + [self.request("^/app/codimap/lists$", query={"style_type": c["code"], "page": "2"},
                                  mn=1) for c in cats if c["pages_needed"] >= 2][:4]
                  + [self.request("javascript|void\\(", mx=0)]}
        multi = self.shared_goods()
        C["4"] = {"title": "same goods in several codimaps of a category and across categories: "
                           "one product, one image, linked once per category, fetched once",
                  "checks": [self.link(site["goods"][multi], category=k) for k in self.cats_of(multi)]
                  + [self.request(GOODS_PATH % multi, mn=1, mx=1),
                     self.request(img_path_regex(site["goods"][multi], "big"), mn=1, mx=1)]}
        d1, d2 = self.g("dup-photo-a"), self.g("dup-photo-b")
        C["5"] = {"title": "same photo under two URLs (re-listed goods, k=1 vs timestamp k): "
                           "two products, one image row",
                  "checks": [self.link(d1), self.link(d2), {"type": "same_image", "goods": [d1["no"], d2["no"]]}]}
        zero = [cid for c in cats for cid in c["codimaps_traversed"]
                if not any(site["goods"][no]["shoe"] for no in site["codimaps"][cid]["slots"])]
        removed = [cid for cid in zero if site["codimaps"][cid]["quirk"] == "shoe-removed"]
        C["6"] = {"title": "codimaps with zero shoes, and ones whose text promises 스니커즈 but whose "
                           "shoe slot was removed: seen, but no link names them",
                  "checks": [{"type": "outfit", "shop_id": cid, "linked": False}
                             for cid in zero[:3] + removed[:3]]}
        C["7"] = {"title": "shoe-ish non-shoes (005005 insoles, a bag named 슈즈 백) are not shoes; "
                           "017023 스포츠신발 is (fixture profile counts it)",
                  "checks": [self.link(g, False) for g in self.all_special("insole") + [self.g("shoe-bag")]]
                  + [{"type": "product_kind", "goods": g["no"], "kind_in": ["other", "unknown"]}
                     for g in self.all_special("insole") + [self.g("shoe-bag")]]
                  + [self.link(self.g("sport-shoe-017023"))]}
        g404, alert, r302, r302cs = (self.g(s) for s in ("goods-404", "goods-alert", "goods-302",
                                                           "goods-302-disallowed"))
        C["8"] = {"title": "goods faults: 404, alert() sold-out page, 302 to / and to a robots-"
                           "disallowed path, item_categories missing (stateAll decides), popup",
                  "checks": [self.link(g404, False), self.fault("/app/goods/%s" % g404["no"], "http", "404"),
                             self.link(alert, False), self.fault("/app/goods/%s" % alert["no"]),
                             self.link(r302, False), self.fault("/app/goods/%s" % r302["no"]),
                             self.link(r302cs, False), self.request("^/app/cs/", mx=0),
                             self.link(self.g("goods-no-categories")), self.link(self.g("goods-popup")),
                             self.link(self.g("goods-og-image-only"))]}
        huge, off, slow = self.g("image-too-large"), self.g("image-offsite-redirect"), self.g("image-timeout")
        C["9"] = {"title": "image faults: _big 404 / text/html / truncated JPEG / WebP -> _500 "
                           "fallback; PNG as .jpg kept; 40 MB (size cap), off-site redirect, "
                           "timeout -> dropped and recorded",
                  "checks": [self.link(self.g(s)) for s in ("image-big-404", "image-html-body",
                                                            "image-truncated-jpeg", "image-webp-as-jpg",
                                                            "image-png-as-jpg")]
                  + [self.request(img_path_regex(self.g("image-big-404"), "500"), mn=1),
                     {"type": "image_mime", "sha256": self.outcomes[self.g("image-png-as-jpg")["no"]][1],
                      "mime": "image/png"},
                     self.link(huge, False), self.fault("/%s_" % huge["no"], "too-large|size|large"),
                     self.link(off, False), self.fault("/%s_" % off["no"]),
                     self.request(".*", host="cdn.elsewhere.test", mx=0),
                     self.link(slow, False), self.fault("/%s_" % slow["no"], "network|time",
                                                        "(?i)time")]}
        r429, reset, cut, i503 = (self.g(s) for s in ("goods-429-then-200", "goods-reset",
                                                      "image-short-body", "image-503-then-200"))
        page_cat = "%s:%s" % sm.PAGING_CATEGORY
        C["10"] = {"title": "server faults: 429 + Retry-After: 2, 503 then 200 (list and image), "
                            "403 on empty User-Agent, reset mid-body, short body",
                   "checks": [self.link(r429), self.request(GOODS_PATH % r429["no"], status=429, mn=1, mx=1),
                              self.request(GOODS_PATH % r429["no"], status=200, mn=1, mx=1),
                              {"type": "retry_after", "path_regex": GOODS_PATH % r429["no"], "seconds": 2},
                              self.request("^/app/codimap/lists$", query={"style_type": sm.PAGING_CATEGORY[0],
                                                                          "page": "2"}, status=503, mn=1, mx=1),
                              self.request("^/app/codimap/lists$", query={"style_type": sm.PAGING_CATEGORY[0],
                                                                          "page": "2"}, status=200, mn=1),
                              self.link(i503),
                              self.link(reset, False), self.fault("/app/goods/%s" % reset["no"]),
                              self.link(cut, False), self.fault("/%s_" % cut["no"]),
                              {"type": "user_agent", "regex": "^solemate-crawler/"},
                              self.request(".*", status=403, mx=0)]}
        pc = self.cat(page_cat)
        page1 = sm.list_page(site, sm.PAGING_CATEGORY[0], sm.PAGING_CATEGORY[1], 1)[0]
        C["11"] = {"title": "paging: a codimap posted between page fetches repeats the last item of "
                            "page 1 on page 2 (dedupe by id); totalPagingNum 4 with page 4 empty "
                            "(see scenario paging-exhausted); counter with commas",
                   "checks": [self.request("^/app/codimap/views/%s$" % page1[-1], mn=1, mx=1),
                              {"type": "outfit", "shop_id": page1[-1]},
                              self.request("^/app/codimap/views/%s$" % site_inserted(site), mx=0),
                              self.request("^/app/codimap/lists$", query={"style_type": pc["code"],
                                                                          "page": "3"}, mn=1)
                              if pc["pages_needed"] >= 3 else self.request("^/app/codimap/lists$", mn=1)]}
        wrapped = [cid for c in cats for cid in c["codimaps_traversed"] if site["codimaps"][cid]["wrapper"]
                   and (c["key"], cid) in exp_by_outfit][:3]
        C["12"] = {"title": "HTML quirks: unclosed <li>, &nbsp;/&gt; entities, Korean text, an extra "
                            "wrapper div around styling_list",
                   "checks": [self.link(site["goods"][exp_by_outfit[(k, cid)]["goods_no"]], category=k)
                              for k, cid in ((self.cat_of_outfit(cid), cid) for cid in wrapped)]
                   + [{"type": "outfit", "shop_id": cid} for cid in wrapped]}
        C["13"] = {"title": "2023 markup (slot variant B div.box-img, footer gender buttons setting "
                            "the _gf cookie) crawled with fixture-2023.conf gives the same catalog",
                   "checks": [{"type": "manifest_links"}]}
        return C

    def scenarios(self, photo_bytes):
        site = self.site
        page_cat = self.cat("%s:%s" % sm.PAGING_CATEGORY)
        all_ids = sm.list_page(site, page_cat["code"], page_cat["gender"], 1)[0] + \
            sm.list_page(site, page_cat["code"], page_cat["gender"], 2)[0] + \
            sm.list_page(site, page_cat["code"], page_cat["gender"], 3)[0]
        distinct = list(dict.fromkeys(all_ids))
        q = {"style_type": page_cat["code"]}
        paging = {"category": page_cat["key"],
                  "checks": [self.request("^/app/codimap/lists$", query=dict(q, page=str(p)), mn=1)
                             for p in (1, 2, 3, 4)]
                  + [self.request("^/app/codimap/lists$", query=dict(q, page="5"), mx=0),
                     self.request("^/app/codimap/lists$", query=dict(q, page="99"), mx=0),
                     self.request("^/app/codimap/views/%s$" % site_inserted(site), mx=0),
                     {"type": "links_count", "category": page_cat["key"], "count": 0}]
                  + [self.request("^/app/codimap/views/%s$" % cid, mn=1, mx=1) for cid in distinct]}
        # image change: a plain shoe with a photo of its own gets a new photo
        shared = {}
        for g in site["goods"].values():
            shared.setdefault(g["photo"].get("dataset"), []).append(g["no"])
        key = page_cat["key"]
        target = next(site["goods"][e["goods_no"]] for e in self.cat(key)["expected"][5:]
                      if site["goods"][e["goods_no"]]["special"] is None
                      and len(shared[site["goods"][e["goods_no"]]["photo"]["dataset"]]) == 1
                      and e["image_size"] == "big" and self.cats_of(e["goods_no"]) == [key])
        used = {g["photo"].get("dataset") for g in site["goods"].values()}
        new_file = next(p for p, label in self.dataset_rows() if label == "shoe" and p not in used)
        with open(os.path.join(site["dataset"], new_file), "rb") as f:
            new_sha = hashlib.sha256(f.read()).hexdigest()
        change = {"category": key, "goods": target["no"], "old_sha256": self.outcomes[target["no"]][1],
                  "new_sha256": new_sha,
                  "faults": [{"id": "image-changed", "case": 0, "host": "image.msscdn.net",
                              "path_regex": img_path_regex(target, "[0-9a-z]+"), "action": "serve_file",
                              "file": "dataset:" + new_file, "content_type": "image/jpeg",
                              "last_modified": "Thu, 01 Jun 2023 00:00:00 GMT"}]}
        return {"paging-exhausted": paging, "image-change": change}

    # ---- helpers ---------------------------------------------------------------------------
    def dataset_rows(self):
        with open(os.path.join(self.site["dataset"], "LABELS.csv"), newline="") as f:
            return sorted((r["relative_path"], r["label"]) for r in csv.DictReader(f))

    def all_special(self, special):
        return [g for g in self.site["goods"].values() if g["special"] == special]

    def cats_of(self, no):
        return [c["key"] for c in self.cats if any(e["goods_no"] == no for e in c["expected"])]

    def cat_of_outfit(self, cid):
        cm = self.site["codimaps"][cid]
        return "%s:%s" % (cm["style"], cm["gender"])

    def shared_goods(self):
        """A linked goods in >= 2 categories that also repeats inside one category."""
        best = None
        for c in self.cats:
            counts = {}
            for cid in c["codimaps_traversed"]:
                for no in self.site["codimaps"][cid]["slots"]:
                    counts[no] = counts.get(no, 0) + 1
            for e in c["expected"]:
                no = e["goods_no"]
                if counts.get(no, 0) >= 2 and len(self.cats_of(no)) >= 2 \
                        and self.site["goods"][no]["special"] is None:
                    if best is None or int(no) < int(best):
                        best = no
        return best

    def store_linked(self):
        """A linked goods whose first slot link uses the store.musinsa.com host."""
        from markup import goods_href
        for c in self.cats:
            for e in c["expected"]:
                slots = self.site["codimaps"][e["outfit"]]["slots"]
                i = slots.index(e["goods_no"])
                if "store." in goods_href(e["outfit"], i, e["goods_no"]) and \
                        self.site["goods"][e["goods_no"]]["special"] is None:
                    return e["goods_no"]
        raise RuntimeError("no goods linked through store.musinsa.com")


def site_inserted(site):
    return next(c["inserted"] for c in site["categories"] if c["inserted"])
