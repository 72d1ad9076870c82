#!/usr/bin/python3
"""The fixture shop server: one threaded HTTP/1.1 server on 127.0.0.1 that virtual-hosts
www.musinsa.com (+ store.), image.msscdn.net (+ image.musinsa.com) and cdn.elsewhere.test by the
Host header, renders pages from DIR/site.json, applies DIR/faults.json (and --faults EXTRA.json,
which take precedence) per URL, and logs every request as one JSON line.

usage: serve.py --site DIR [--port 0] --ready-file F --log F [--variant 2022|2023] [--faults EXTRA.json]
Writes {"port": N, "pid": P} to the ready file once listening; runs until SIGTERM.
"""
import argparse
import email.utils
import hashlib
import json
import os
import re
import select
import signal
import socket
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import markup  # noqa: E402
import sitemodel as sm  # noqa: E402

WWW, IMG, ELSEWHERE = "www.musinsa.com", "image.msscdn.net", "cdn.elsewhere.test"
ALIASES = {"store.musinsa.com": WWW, "image.musinsa.com": IMG}
LAST_MODIFIED = "Wed, 01 Jun 2022 00:00:00 GMT"
GOODS_IMG = re.compile(r"^(?:/thumbnails)?/images/goods_img/([0-9]{8})/([0-9]+)/\2_([0-9]+)_"
                       r"(60|125|220|320|500|big)\.jpg$")


class Shop:
    """The site, the fault table and the request log; shared by all handler threads."""

    def __init__(self, site_dir, variant, extra_faults, log_path):
        self.dir = site_dir
        with open(os.path.join(site_dir, "site.json"), encoding="utf-8") as f:
            self.site = json.load(f)
        with open(os.path.join(site_dir, "faults.json"), encoding="utf-8") as f:
            self.faults = json.load(f)["faults"]
        if extra_faults:
            with open(extra_faults, encoding="utf-8") as f:
                self.faults = json.load(f)["faults"] + self.faults
        for f in self.faults:
            f["_re"] = re.compile(f["path_regex"]) if "path_regex" in f else None
        self.variant = variant
        self.used = {}
        self.lock = threading.Lock()
        self.files = {}
        self.pages = {}
        self.seq = 0
        self.t0 = time.monotonic()
        self.log = open(log_path, "a", encoding="utf-8")

    # ---- faults -----------------------------------------------------------------------------
    def match_fault(self, host, path, query, ua):
        for f in self.faults:
            if f.get("host", "*") not in ("*", host):
                continue
            if f.get("if_ua_empty") and ua:
                continue
            if "path" in f and f["path"] != path:
                continue
            if f["_re"] is not None and not f["_re"].search(path):
                continue
            if any(query.get(k) != v for k, v in f.get("query", {}).items()):
                continue
            if "times" in f:
                with self.lock:
                    n = self.used.get(f["id"], 0)
                    if n >= f["times"]:
                        continue
                    self.used[f["id"]] = n + 1
            return f
        return None

    # ---- content ----------------------------------------------------------------------------
    def file(self, rel):
        if rel not in self.files:
            if rel.startswith("dataset:"):
                path = os.path.join(self.site["dataset"], rel[len("dataset:"):])
            else:
                path = os.path.join(self.dir, rel)
            with open(path, "rb") as f:
                self.files[rel] = f.read()
        return self.files[rel]

    def photo(self, goods):
        p = goods["photo"]
        return self.file("dataset:" + p["dataset"] if "dataset" in p else "img/g%d.jpg" % p["generated"])

    def page(self, key, render):
        with self.lock:
            body = self.pages.get(key)
        if body is None:
            body = render().encode("utf-8")
            with self.lock:
                self.pages[key] = body
        return body

    def route(self, host, path, query, cookies):
        """(status, headers, body) of the fault-free shop."""
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, \
                (markup.ROBOTS_WWW if host == WWW else markup.ROBOTS_IMG).encode()
        if host in (IMG, ELSEWHERE):
            m = GOODS_IMG.match(path)
            if m:
                g = self.site["goods"].get(m.group(2))
                if g and g["date"] == m.group(1) and g["k"] == m.group(3):
                    return 200, {"Content-Type": "image/jpeg"}, sm.size_variant(self.photo(g), m.group(4))
            elif path.startswith(("/images/codimap/", "/images/prd_img/", "/images/event_banner/")) \
                    and path.endswith(".jpg"):
                n = int(hashlib.sha256(path.encode()).hexdigest()[:4], 16) % 6
                return 200, {"Content-Type": "image/jpeg"}, self.file("img/outfit%d.jpg" % n)
            return 404, {"Content-Type": html}, markup.render_not_found().encode()
        if path == "/":
            return 200, {"Content-Type": html}, markup.render_home().encode()
        if path == "/app/codimap/lists":
            if self.variant == "2023":
                gf = cookies.get("_gf", "A")           # 2023: the footer buttons set a cookie
            else:
                gf = query.get("_gf") or cookies.get("_gf", "A")
            gf = gf if gf in ("A", "M", "F") else "A"
            style = query.get("style_type", "")
            try:
                page = int(query.get("page") or 1)
            except ValueError:
                page = 1
            body = self.page(("list", style, gf, page),
                             lambda: markup.render_list(self.site, style, gf, page, self.variant))
            return 200, {"Content-Type": html}, body
        m = re.match(r"^/app/codimap/views/([0-9]+)$", path)
        if m and m.group(1) in self.site["codimaps"]:
            cid = m.group(1)
            return 200, {"Content-Type": html}, \
                self.page(("view", cid), lambda: markup.render_detail(self.site, cid, self.variant))
        m = re.match(r"^/app/goods/([0-9]+)(/0)?$", path)
        if m and m.group(1) in self.site["goods"]:
            no = m.group(1)
            return 200, {"Content-Type": html}, \
                self.page(("goods", no), lambda: markup.render_goods(self.site, no))
        m = re.match(r"^/products/([0-9]+)$", path)
        if m and m.group(1) in self.site["goods"]:
            return 301, {"Location": "/app/goods/%s" % m.group(1), "Content-Type": html}, b""
        if path.startswith("/app/cs/"):
            return 200, {"Content-Type": html}, "<html><body>고객센터</body></html>".encode()
        return 404, {"Content-Type": html}, markup.render_not_found().encode()

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry = dict(seq=self.seq, t=round(time.monotonic() - self.t0, 3), **entry)
            self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.log.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # answers go out in several writes; with Nagle on, a kept-alive connection waits ~40 ms
    # for the client's delayed ACK on every response
    disable_nagle_algorithm = True
    def version_string(self):
        return "fixture-shop/1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def handle_request(self, head):
        shop = self.server.shop
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        host = ALIASES.get(host, host)
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        cookies = {}
        for part in (self.headers.get("Cookie") or "").split(";"):
            if "=" in part:
                k, v = part.strip().split("=", 1)
                cookies[k] = v
        ua = self.headers.get("User-Agent") or ""
        entry = {"method": self.command, "host": (self.headers.get("Host") or "").split(":")[0].lower(),
                 "path": path, "query": url.query, "user_agent": ua,
                 "if_none_match": self.headers.get("If-None-Match"),
                 "if_modified_since": self.headers.get("If-Modified-Since"),
                 "cookie": self.headers.get("Cookie"), "status": None, "bytes": 0, "fault": None}
        try:
            self.respond(shop, host, path, query, cookies, ua, head, entry)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
            entry["aborted"] = True
        shop.record(entry)

    def respond(self, shop, host, path, query, cookies, ua, head, entry):
        if host not in (WWW, IMG, ELSEWHERE):
            return self.send(entry, 421, {"Content-Type": "text/plain"}, b"misdirected request\n", head)
        fault = shop.match_fault(host, path, query, ua)
        status, headers, body = shop.route(host, path, query, cookies)
        last_modified = LAST_MODIFIED
        if fault:
            entry["fault"] = fault["id"]
            action = fault.get("action", "status")
            if action == "status":
                return self.send(entry, fault["status"], dict({"Content-Type": "text/html; charset=utf-8"},
                                                             **fault.get("headers", {})),
                                 fault.get("body", "<html><body>error</body></html>").encode(), head)
            if action == "body":
                return self.send(entry, fault.get("status", 200), {"Content-Type": fault["content_type"]},
                                 fault["body"].encode(), head)
            if action == "redirect":
                return self.send(entry, fault["status"], {"Location": fault["location"],
                                                          "Content-Type": "text/html"}, b"", head)
            if action == "serve_file":
                status, body = 200, shop.file(fault["file"])
                headers = {"Content-Type": fault.get("content_type", "application/octet-stream")}
                last_modified = fault.get("last_modified", LAST_MODIFIED)
            elif action == "transform":
                body = sm.truncated_jpeg(body)
            elif action == "stall":
                self.stall(fault["seconds"])
            elif action == "huge":
                return self.send_huge(entry, fault["bytes"], body, head)
            elif action in ("truncate", "reset"):
                return self.send_broken(entry, status, headers, body, action)
        if status == 200:
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:20]
            headers = dict(headers, ETag=etag)
            headers["Last-Modified"] = last_modified
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            fresh = False
            if inm is not None:
                fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims is not None:
                a, b = email.utils.parsedate_to_datetime(last_modified), None
                try:
                    b = email.utils.parsedate_to_datetime(ims)
                except (TypeError, ValueError):
                    b = None
                fresh = b is not None and a <= b
            if fresh:
                return self.send(entry, 304, {"ETag": etag, "Last-Modified": last_modified}, b"", True)
        return self.send(entry, status, headers, body, head)

    def stall(self, seconds):
        """Waits before answering; gives up early (as an aborted request) when the client hangs up."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            readable, _, _ = select.select([self.connection], [], [], 0.1)
            if readable:
                try:
                    data = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    data = b""
                if not data:
                    raise ConnectionResetError("client closed during the stall")
                time.sleep(0.1)

    def start(self, entry, status, headers, length):
        entry["status"] = status
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def send(self, entry, status, headers, body, head):
        self.start(entry, status, headers, len(body))
        if not head:
            self.wfile.write(body)
            entry["bytes"] = len(body)

    def send_huge(self, entry, total, photo, head):
        self.start(entry, 200, {"Content-Type": "image/jpeg"}, total)
        if head:
            return
        for part in sm.huge_jpeg_parts(photo, total):
            self.wfile.write(part)
            entry["bytes"] += len(part)

    def send_broken(self, entry, status, headers, body, action):
        """Promise the whole body, send half, then close (truncate) or abort with RST (reset)."""
        self.start(entry, status, headers, len(body))
        half = body[:len(body) // 2]
        self.wfile.write(half)
        self.wfile.flush()
        entry["bytes"] = len(half)
        self.close_connection = True
        if action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        else:
            self.connection.shutdown(socket.SHUT_WR)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        """A client closing a kept-alive connection is normal; anything else is reported."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--variant", choices=("2022", "2023"), default="2022")
    ap.add_argument("--faults")
    args = ap.parse_args()
    shop = Shop(args.site, args.variant, args.faults, args.log)
    server = Server(("127.0.0.1", args.port), Handler)
    server.shop = shop

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = args.ready_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"port": server.server_address[1], "pid": os.getpid()}, f)
    os.replace(tmp, args.ready_file)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    shop.log.close()


if __name__ == "__main__":
    main()
