#!/usr/bin/python3
"""End-to-end crawler tests as data: every tests/crawler/cases/NN-name.json names a crawl of
cases/crawls.json (what the fixture shop serves, extra faults, variant, crawler options) and the
checks the catalog and the shop's request log must pass afterwards.  Crawls are run once and
shared by the cases that name them.  Prints one TAP line per case.
"""
import glob
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("SOLEMATE_ROOT", os.path.abspath(os.path.join(HERE, "..", "..")))
sys.path.insert(0, os.path.join(HERE, "..", "fixture_shop"))
sys.path.insert(0, HERE)
import crawlcheck  # noqa: E402
import shopctl  # noqa: E402


class Env:
    def __init__(self):
        self.root = ROOT
        self.tmp = os.environ.get("SOLEMATE_TMP") or tempfile.mkdtemp(prefix="crawl-cases-")
        build = os.environ.get("SOLEMATE_BUILD", os.path.join(ROOT, "build", "release"))
        self.crawler = os.path.join(build, "bin", "solemate-crawler")
        shared = os.environ.get("SHARED_DIR", os.path.abspath(os.path.join(ROOT, "..", "shared")))
        testdata = os.environ.get("SOLEMATE_TESTDATA", os.path.join(ROOT, "build", "testdata"))
        site = os.path.join(testdata, "fixture-site")
        manifest = os.path.join(site, "manifest.json")
        if not (os.path.exists(manifest) and os.path.getmtime(manifest) >= shopctl.source_stamp()):
            site = os.path.join(self.tmp, "fixture-site")      # stale or missing: make our own
        self.site = shopctl.ensure_site(site, os.path.join(shared, "datasets", "shoe-sandal-boot"))
        with open(os.path.join(self.site, "manifest.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        with open(os.path.join(HERE, "cases", "crawls.json"), encoding="utf-8") as f:
            self.specs = json.load(f)
        self.crawls = {}

    def crawl(self, name):
        if name not in self.crawls:
            start = time.monotonic()
            self.crawls[name] = crawlcheck.Crawl(name, self.specs[name], self).run(shopctl)
            c = self.crawls[name]
            print("# crawl %s: exit %s, %d requests, %.1f s" % (name, c.exit, len(c.log), time.monotonic() - start))
        return self.crawls[name]


def case_checks(case, manifest):
    checks = list(case.get("checks", []))
    ref = case.get("manifest_checks")
    if ref and ref.startswith("scenario:"):
        checks += manifest["scenarios"][ref[len("scenario:"):]]["checks"]
    elif ref:
        checks += manifest["nasty"][ref]["checks"]
    return checks


def main():
    env = Env()
    cases = sorted(glob.glob(os.path.join(HERE, "cases", "[0-9][0-9]-*.json")))
    missing = [p for p in (env.crawler, os.path.join(ROOT, "config", "profiles", "fixture.conf"),
                           os.path.join(ROOT, "config", "profiles", "fixture-2023.conf")) if not os.path.exists(p)]
    if missing:
        # fail loudly, once per case, so the count of what is not yet proven stays visible
        sys.exit(shopctl.tap([(os.path.basename(c)[:-5], False, ["missing: %s" % m for m in missing])
                              for c in cases]))
    results = []
    for path in cases:
        with open(path, encoding="utf-8") as f:
            case = json.load(f)
        name = os.path.basename(path)[:-5]
        try:
            crawl = env.crawl(case["crawl"])
            checker = crawlcheck.Checker(crawl, env.manifest)
            probs = []
            for ch in case_checks(case, env.manifest):
                probs += checker.run(ch)
        except Exception as e:  # a broken crawl fails this case, the others still run
            probs = ["%s: %s" % (type(e).__name__, e)]
        results.append(("%s: %s" % (name, case["title"]), not probs, probs))
    sys.exit(shopctl.tap(results))


if __name__ == "__main__":
    main()
