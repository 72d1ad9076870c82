"""Runs solemate-crawler against the fixture shop and checks the resulting catalog and the shop's
request log.  Used by test_crawl_cases.py; the case and check vocabulary is described in
tests/fixture_shop/README.md (checks of the manifest: tests/fixture_shop/nasty.py).
"""
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.parse

ALIASES = {"store.musinsa.com": "www.musinsa.com", "image.musinsa.com": "image.msscdn.net"}
SUMMARY_KEYS = ["categories", "outfits", "goods_pages", "shoes", "links", "images_new",
                "images_unchanged", "faults", "requests", "bytes", "seconds"]
CRAWL_TIMEOUT = 900
MAX_PROBLEMS = 6


class Crawl:
    """One crawl (or crawl sequence) of a spec: catalog, request log, exit codes."""

    def __init__(self, name, spec, env):
        self.name, self.spec, self.env = name, spec, env
        self.catalog = os.path.join(env.tmp, name + ".sqlite")
        self.log, self.exit, self.summary, self.stderr = [], None, None, ""
        self.probe_exit = None
        self.killed = None
        self.base = None

    def command(self, port):
        e = self.env
        cmd = [e.crawler, "--catalog", self.catalog, "--profile",
               os.path.join(e.root, "config", "profiles", self.spec.get("profile", "fixture.conf")),
               "--connect-to", "::127.0.0.1:%d" % port, "--delay-ms", "0", "--json"]
        for cat in self.categories():
            cmd += ["--category", cat]
        return cmd + self.spec.get("args", [])

    def categories(self):
        if "categories_from_manifest" in self.spec:
            return [self.env.manifest["scenarios"][self.spec["categories_from_manifest"]]["category"]]
        return self.spec.get("categories", [])

    def faults(self):
        faults = list(self.spec.get("faults", []))
        if "faults_from_manifest" in self.spec:
            faults += self.env.manifest["scenarios"][self.spec["faults_from_manifest"]]["faults"]
        return faults

    def run(self, shopctl):
        e = self.env
        if "after" in self.spec:
            self.base = e.crawl(self.spec["after"])
            copy_catalog(self.base.catalog, self.catalog)
        with shopctl.Server(e.site, e.tmp, self.name, self.spec.get("variant", "2022"),
                            self.faults() or None) as shop:
            cmd = self.command(shop.port)
            if self.spec.get("kill_after_requests"):
                self.killed = self.kill_mid_crawl(cmd, shop, self.spec["kill_after_requests"])
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if self.spec.get("probe_concurrent"):
                self.probe_exit = self.probe(cmd, shop, proc)
            try:
                out, err = proc.communicate(timeout=CRAWL_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
                err += "\n(killed by the test after %d s)" % CRAWL_TIMEOUT
            self.exit, self.stderr = proc.returncode, err
            lines = [ln for ln in out.splitlines() if ln.strip()]
            try:
                self.summary = json.loads(lines[-1]) if lines else None
            except ValueError:
                self.summary = None
        self.log = shop.entries()
        return self

    @staticmethod
    def wait_requests(shop, proc, count):
        while proc.poll() is None and len(shop.entries()) < count:
            time.sleep(0.05)

    def probe(self, cmd, shop, proc):
        """A second crawler on the same catalog while the first is crawling must exit 75."""
        self.wait_requests(shop, proc, 1)
        if proc.poll() is not None:
            return "first crawler ended before the probe"
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return second.returncode

    def kill_mid_crawl(self, cmd, shop, count):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_requests(shop, proc, count)
        if proc.poll() is not None:
            return "crawler finished before %d requests (exit %s)" % (count, proc.returncode)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return "killed"


def copy_catalog(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


def connect(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    return db


def dump(path):
    """The catalog's content without times and run bookkeeping, for equality checks."""
    db = connect(path)
    q = {
        "categories": "SELECT code, gender, name FROM categories ORDER BY code, gender",
        "products": "SELECT source, shop_id, kind, shop_category, image_sha256, image_url, url "
                    "FROM products ORDER BY source, shop_id",
        "images": "SELECT sha256, mime, width, height, length(bytes) FROM images ORDER BY sha256",
        "outfits": "SELECT source, shop_id, title, url FROM outfits ORDER BY source, shop_id",
        "links": "SELECT c.code, c.gender, pc.rank, p.shop_id, o.shop_id FROM product_categories pc "
                 "JOIN categories c ON c.id = pc.category_id JOIN products p ON p.id = pc.product_id "
                 "LEFT JOIN outfits o ON o.id = pc.outfit_id ORDER BY 1, 2, 3",
    }
    out = {k: [tuple(r) for r in db.execute(sql)] for k, sql in q.items()}
    db.close()
    return out


def dump_diff(a, b, limit=8):
    diag = []
    for table in a:
        sa, sb = set(a[table]), set(b[table])
        for row in sorted(sa - sb, key=str)[:limit]:
            diag.append("%s only before/expected: %s" % (table, row))
        for row in sorted(sb - sa, key=str)[:limit]:
            diag.append("%s only after/got: %s" % (table, row))
    return diag


def canonical_host(host):
    return ALIASES.get(host, host)


def links(db):
    rows = db.execute(
        "SELECT c.code || ':' || c.gender, pc.rank, p.shop_id, p.image_sha256, o.shop_id, p.kind "
        "FROM product_categories pc JOIN categories c ON c.id = pc.category_id "
        "JOIN products p ON p.id = pc.product_id LEFT JOIN outfits o ON o.id = pc.outfit_id "
        "ORDER BY 1, 2").fetchall()
    out = {}
    for key, rank, no, sha, outfit, kind in rows:
        out.setdefault(key, []).append((rank, no, sha, outfit, kind))
    return out


def last_run_faults(db):
    return db.execute("SELECT url, kind, reason FROM faults WHERE run_id = "
                      "(SELECT max(id) FROM runs WHERE program = 'crawler')").fetchall()


class Checker:
    """Evaluates check dicts against one crawl; each returns a list of problems."""

    def __init__(self, crawl, manifest):
        self.c, self.m = crawl, manifest
        self.db = connect(crawl.catalog) if os.path.exists(crawl.catalog) else None

    def run(self, check):
        kind = check["type"]
        if self.db is None and kind not in ("exit", "request", "user_agent", "probe_exit", "killed",
                                            "retry_after"):
            return ["no catalog at %s" % self.c.catalog]
        try:
            probs = getattr(self, "check_" + kind.replace("-", "_"))(check)
        except sqlite3.Error as e:
            probs = ["%s: SQL error: %s" % (kind, e)]
        if len(probs) > MAX_PROBLEMS:
            probs = probs[:MAX_PROBLEMS] + ["... and %d more (%s)" % (len(probs) - MAX_PROBLEMS, kind)]
        return probs

    # ---- run-level ----------------------------------------------------------------------------
    def check_exit(self, ch):
        if self.c.exit != ch["code"]:
            return ["exit status %s, want %s; stderr: %s" % (self.c.exit, ch["code"],
                                                             self.c.stderr.strip()[-300:])]
        return []

    def check_summary(self, ch):
        s = self.c.summary
        if not isinstance(s, dict):
            return ["last stdout line is not a JSON object"]
        missing = [k for k in SUMMARY_KEYS if k not in s]
        probs = ["summary lacks %s" % missing] if missing else []
        for k, v in ch.get("equals", {}).items():
            if s.get(k) != v:
                probs.append("summary %s = %s, want %s" % (k, s.get(k), v))
        return probs

    def check_probe_exit(self, ch):
        return [] if self.c.probe_exit == ch["code"] else [
            "second crawler exited %s, want %s" % (self.c.probe_exit, ch["code"])]

    def check_killed(self, ch):
        return [] if self.c.killed == "killed" else [str(self.c.killed)]

    # ---- catalog ------------------------------------------------------------------------------
    def check_manifest_links(self, ch):
        got = links(self.db)
        wanted = self.m["categories"]
        keys = self.c.categories() or [c["key"] for c in wanted]
        probs = []
        for cat in wanted:
            if cat["key"] not in keys:
                continue
            want = [(e["rank"], e["goods_no"], e["image_sha256"], e["outfit"], "shoe") for e in cat["expected"]]
            have = got.get(cat["key"], [])
            if have != want:
                i = next((i for i in range(max(len(have), len(want)))
                          if i >= len(have) or i >= len(want) or have[i] != want[i]))
                probs.append("%s: %d links, first difference at rank %d: got %s, want %s" % (
                    cat["key"], len(have), i + 1, have[i] if i < len(have) else None,
                    want[i] if i < len(want) else None))
        extra = set(got) - set(keys)
        if extra:
            probs.append("links for unexpected categories %s" % sorted(extra))
        total = sum(len(v) for v in got.values())
        want_total = sum(len(c["expected"]) for c in wanted if c["key"] in keys)
        if total != want_total:
            probs.append("%d links in all, want %d" % (total, want_total))
        return probs

    def check_images_decodable(self, ch):
        from PIL import Image
        probs = []
        rows = self.db.execute("SELECT i.sha256, i.bytes, i.width, i.height, i.mime FROM images i "
                               "WHERE i.sha256 IN (SELECT image_sha256 FROM products p JOIN "
                               "product_categories pc ON pc.product_id = p.id)").fetchall()
        import hashlib
        for sha, data, w, h, mime in rows:
            try:
                img = Image.open(io.BytesIO(data))
                img.load()
                if img.size != (w, h):
                    probs.append("%s: stored size %dx%d, decodes to %s" % (sha[:12], w, h, img.size))
                if hashlib.sha256(data).hexdigest() != sha:
                    probs.append("%s: bytes do not hash to the key" % sha[:12])
            except (OSError, ValueError) as e:
                probs.append("%s (%s): does not decode: %s" % (sha[:12], mime, e))
        if not rows:
            probs.append("no linked images")
        return probs

    def check_non_shoes_not_shoes(self, ch):
        nos = self.m["non_shoe_goods_evaluated"]
        bad = []
        for no in nos:
            row = self.db.execute("SELECT kind FROM products WHERE shop_id = ?", (no,)).fetchone()
            if row and row[0] == "shoe":
                bad.append(no)
        return ["non-shoe goods stored as kind 'shoe': %s" % bad[:10]] if bad else []

    def product(self, no):
        return self.db.execute("SELECT id, kind, image_sha256 FROM products WHERE shop_id = ?", (no,)).fetchone()

    def check_link(self, ch):
        rows = self.db.execute(
            "SELECT c.code || ':' || c.gender, p.image_sha256 FROM product_categories pc "
            "JOIN categories c ON c.id = pc.category_id JOIN products p ON p.id = pc.product_id "
            "WHERE p.shop_id = ?", (ch["goods"],)).fetchall()
        if not ch.get("present", True):
            return ["goods %s is linked in %s (%s)" % (ch["goods"], [r[0] for r in rows], ch.get("why", ""))] \
                if rows else []
        hit = [r for r in rows if r[0] == ch.get("category", r[0])]
        if not hit:
            return ["goods %s not linked in %s (linked in %s)" % (ch["goods"], ch.get("category"),
                                                               [r[0] for r in rows])]
        if "image_sha256" in ch and hit[0][1] != ch["image_sha256"]:
            return ["goods %s has image %s, want %s" % (ch["goods"], str(hit[0][1])[:12], ch["image_sha256"][:12])]
        return []

    def check_same_image(self, ch):
        shas = [self.product(no) for no in ch["goods"]]
        if any(s is None for s in shas) or len({s[2] for s in shas}) != 1 or shas[0][2] is None:
            return ["goods %s do not share one image: %s" % (ch["goods"], shas)]
        n = self.db.execute("SELECT count(*) FROM images WHERE sha256 = ?", (shas[0][2],)).fetchone()[0]
        return [] if n == 1 else ["%d image rows for %s" % (n, shas[0][2])]

    def check_product_kind(self, ch):
        p = self.product(ch["goods"])
        if p and p[1] not in ch["kind_in"]:
            return ["goods %s stored with kind %s, want one of %s" % (ch["goods"], p[1], ch["kind_in"])]
        return []

    def check_image_mime(self, ch):
        row = self.db.execute("SELECT mime FROM images WHERE sha256 = ?", (ch["sha256"],)).fetchone()
        return [] if row and row[0] == ch["mime"] else ["image %s: mime %s, want %s" % (
            ch["sha256"][:12], row and row[0], ch["mime"])]

    def check_outfit(self, ch):
        row = self.db.execute("SELECT id FROM outfits WHERE shop_id = ?", (ch["shop_id"],)).fetchone()
        if not row:
            return ["outfit %s not stored" % ch["shop_id"]]
        if ch.get("linked") is False:
            n = self.db.execute("SELECT count(*) FROM product_categories WHERE outfit_id = ?", (row[0],)).fetchone()[0]
            if n:
                return ["outfit %s (no shoes) is named by %d links" % (ch["shop_id"], n)]
        return []

    def check_links_count(self, ch):
        code, gender = ch["category"].split(":")
        n = self.db.execute("SELECT count(*) FROM product_categories pc JOIN categories c ON c.id = pc.category_id "
                            "WHERE c.code = ? AND c.gender = ?", (code, gender)).fetchone()[0]
        return [] if n == ch["count"] else ["%s has %d links, want %d" % (ch["category"], n, ch["count"])]

    def check_fault(self, ch):
        rows = last_run_faults(self.db)
        for url, kind, reason in rows:
            if re.search(ch["url_regex"], url) and re.search(ch.get("kind_regex", ""), kind) \
                    and re.search(ch.get("reason_regex", ""), reason):
                return []
        near = [r for r in rows if re.search(ch["url_regex"], r[0])]
        return ["no fault row matching %s (rows for that url: %s)" % (
            {k: v for k, v in ch.items() if k != "type"}, near[:3])]

    def check_catalog_same_as_base(self, ch):
        return dump_diff(dump(self.c.base.catalog), dump(self.c.catalog))

    def check_catalog_same_as(self, ch):
        other = self.c.env.crawl(ch["crawl"])
        return dump_diff(dump(other.catalog), dump(self.c.catalog))

    def check_image_changed(self, ch):
        sc = self.m["scenarios"][ch["scenario"]]
        before, after = dump(self.c.base.catalog), dump(self.c.catalog)
        probs = []
        p = self.product(sc["goods"])
        if not p or p[2] != sc["new_sha256"]:
            probs.append("goods %s has image %s, want the new %s" % (sc["goods"], p and p[2], sc["new_sha256"][:12]))
        if sc["new_sha256"] not in {r[0] for r in after["images"]}:
            probs.append("no images row for the new photo")
        strip = lambda rows: {r for r in rows if r[1] != sc["goods"]}  # noqa: E731
        if strip(before["products"]) != strip(after["products"]):
            probs.append("other products changed: %s" % dump_diff({"p": strip(before["products"])},
                                                                 {"p": strip(after["products"])}))
        if set(after["images"]) - set(before["images"]) != {r for r in after["images"] if r[0] == sc["new_sha256"]}:
            probs.append("images other than the new photo were added")
        for t in ("links", "outfits", "categories"):
            if before[t] != after[t]:
                probs += dump_diff({t: before[t]}, {t: after[t]})
        return probs

    # ---- request log --------------------------------------------------------------------------
    def matching(self, ch):
        out = []
        for e in self.c.log:
            if "host" in ch and canonical_host(e["host"]) != ch["host"]:
                continue
            if not re.search(ch.get("path_regex", ""), e["path"]):
                continue
            if "status" in ch and e["status"] != ch["status"]:
                continue
            if "query" in ch:
                q = dict(urllib.parse.parse_qsl(e["query"], keep_blank_values=True))
                if any(q.get(k) != v for k, v in ch["query"].items()):
                    continue
            out.append(e)
        return out

    def check_request(self, ch):
        n = len(self.matching(ch))
        if n < ch.get("min", 0) or ("max" in ch and n > ch["max"]):
            return ["%d requests matching %s" % (n, {k: v for k, v in ch.items() if k != "type"})]
        return []

    def check_robots(self, ch):
        bad = [e["path"] for e in self.c.log for host, prefixes in self.m["robots_disallow"].items()
               for p in prefixes if canonical_host(e["host"]) == host and e["path"].startswith(p)]
        first = [e["path"] for e in self.c.log if canonical_host(e["host"]) == "www.musinsa.com"][:1]
        probs = ["requests to disallowed paths: %s" % bad[:5]] if bad else []
        if first != ["/robots.txt"]:
            probs.append("first www request is %s, not /robots.txt" % first)
        return probs

    def check_user_agent(self, ch):
        bad = {e["user_agent"] for e in self.c.log if not re.search(ch["regex"], e["user_agent"] or "")}
        return ["User-Agents not matching %s: %s" % (ch["regex"], sorted(bad)[:3])] if bad else []

    def check_retry_after(self, ch):
        hits = [e for e in self.c.log if re.search(ch["path_regex"], e["path"])]
        if len(hits) < 2:
            return ["%d requests for %s" % (len(hits), ch["path_regex"])]
        gap = hits[1]["t"] - hits[0]["t"]
        return [] if gap >= ch["seconds"] - 0.25 else ["retry after %.2f s, Retry-After said %d" % (gap, ch["seconds"])]

    def check_conditional_only(self, ch):
        # every resource the first crawl holds validators for must be asked for conditionally;
        # what it fetched but never kept (a cancelled prefetch, a reset, a body over the size
        # cap) it has nothing to revalidate with
        base = sqlite3.connect(self.c.base.catalog)
        held = set()
        for (url,) in base.execute("SELECT url FROM http_cache WHERE status = 200 AND "
                                   "(etag IS NOT NULL OR last_modified IS NOT NULL)"):
            u = urllib.parse.urlsplit(url)
            held.add((canonical_host(u.hostname), u.path, u.query))
        base.close()
        bare = [e for e in self.c.log if (canonical_host(e["host"]), e["path"], e["query"]) in held
                and not e["if_none_match"] and not e["if_modified_since"]]
        if len(held) < 2000:
            bare.append({"host": "(first crawl)", "path": " holds validators for only %d URLs" % len(held)})
        probs = ["%d unconditional requests for resources unchanged since the first crawl, e.g. %s" % (
            len(bare), ["%s%s" % (e["host"], e["path"]) for e in bare[:4]])] if bare else []
        if not any(e["status"] == 304 for e in self.c.log):
            probs.append("no 304 responses")
        return probs
