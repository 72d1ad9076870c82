#!/usr/bin/python3
"""`make bench`, crawler part: one full crawl of the fixture shop (19 categories x 60 shoes, its
built-in faults included) into a fresh catalog with delay 0, and what it cost: wall time, the
crawler's CPU time (user + system, its own and its children's), requests, bytes fetched, peak RSS.

Usage: crawl_bench.py CRAWLER SITE_DIR WORK_DIR   (SOLEMATE_ROOT: the source tree)
Prints a table, then one `RESULT {json}` line for scripts.
"""
import json
import os
import resource
import subprocess
import sys
import time

sys.dont_write_bytecode = True
ROOT = os.environ.get("SOLEMATE_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixture_shop"))
import shopctl  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: crawl_bench.py CRAWLER SITE_DIR WORK_DIR")
    crawler, site, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    catalog = os.path.join(work, "bench-crawl.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(catalog + suffix):
            os.unlink(catalog + suffix)
    with shopctl.Server(site, work, name="bench-shop") as shop:
        cmd = [crawler, "--catalog", catalog, "--profile", os.path.join(ROOT, "config", "profiles", "fixture.conf"),
               "--connect-to", "::127.0.0.1:%d" % shop.port, "--delay-ms", "0", "-q", "--json"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        run = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit("crawl_bench: the crawl exited %d: %s" % (run.returncode, run.stderr.strip()[-300:]))
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "requests": summary["requests"],
              "bytes": summary["bytes"], "peak_rss_mib": round(after.ru_maxrss / 1024, 1),
              "links": summary["links"], "shoes": summary["shoes"], "faults": summary["faults"]}
    print("== solemate-crawler, full fixture crawl, delay 0 (goal: < 30 s wall, < 10 s CPU)")
    print("wall %.2f s, CPU %.2f s, %d requests, %.1f MB fetched, peak RSS %.1f MiB"
          % (wall, cpu, result["requests"], result["bytes"] / 1e6, result["peak_rss_mib"]))
    print("%d category-shoe links, %d shoes, %d faults recorded" % (result["links"], result["shoes"], result["faults"]))
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
