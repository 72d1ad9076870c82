"""Helpers for tests that use the fixture shop: generate a site (once, reused while its inputs are
unchanged), start and stop serve.py, fetch through it with a given Host header, read its log.
"""
import http.client
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
SOURCES = ["generate.py", "sitemodel.py", "nasty.py", "markup.py"]


def source_stamp():
    """Newest modification time of the generator's sources."""
    return max(os.path.getmtime(os.path.join(HERE, f)) for f in SOURCES)


def ensure_site(out_dir, dataset, seed=1):
    """Generates the site into out_dir unless a complete one newer than the sources is there."""
    manifest = os.path.join(out_dir, "manifest.json")
    if os.path.exists(manifest) and os.path.getmtime(manifest) >= source_stamp():
        return out_dir
    subprocess.run([PYTHON, os.path.join(HERE, "generate.py"), "--dataset", dataset, "--out", out_dir,
                    "--seed", str(seed)], check=True)
    return out_dir


class Server:
    """serve.py as a child process; use as a context manager."""

    def __init__(self, site, workdir, name="shop", variant="2022", faults=None):
        self.ready = os.path.join(workdir, name + ".ready")
        self.log = os.path.join(workdir, name + ".log")
        self.err = os.path.join(workdir, name + ".stderr")
        cmd = [PYTHON, os.path.join(HERE, "serve.py"), "--site", site, "--ready-file", self.ready,
               "--log", self.log, "--variant", variant]
        if faults:
            path = os.path.join(workdir, name + ".faults.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"faults": faults}, f, ensure_ascii=False)
            cmd += ["--faults", path]
        for p in (self.ready, self.log):
            if os.path.exists(p):
                os.unlink(p)
        self.proc = subprocess.Popen(cmd, stderr=open(self.err, "w"))
        deadline = time.monotonic() + 20
        while not os.path.exists(self.ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("serve.py did not start: " + open(self.err).read()[-500:])
            time.sleep(0.02)
        with open(self.ready) as f:
            self.port = json.load(f)["port"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def entries(self):
        return read_log(self.log)

    def get(self, host, target, headers=None, timeout=30):
        """(status, headers dict, body) of one GET through the server."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Host": host, "User-Agent": "solemate-crawler/test"}
        h.update(headers or {})
        try:
            conn.request("GET", target, headers=h)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()


def read_log(path):
    """The log's complete lines; a last line the server is still writing (no newline yet) waits
    for the next read."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.endswith("\n") and line.strip()]


def tap(results):
    """Prints TAP lines for [(name, ok, diagnostics)] and returns the exit status."""
    print("1..%d" % len(results))
    failed = 0
    for i, (name, ok, diag) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        for line in diag[:25]:
            print("# " + str(line))
        failed += not ok
    sys.stdout.flush()
    return 1 if failed else 0
