#!/usr/bin/env python3
"""A real HTTP server standing in for an SMS gateway (Twilio-style form POST) and for chat and
webhook endpoints, for Tandem's tests, crash test and benchmarks.

Every request is appended to --log as one JSON line: method, path, headers (Authorization
decoded for Basic), the form fields or JSON body, and the answer given.

SMS recipients (the `To` field) choose the answer by their last four digits:
    ...0429   429 with Retry-After (--retry-after, default 1 s) the first time, then 201
    ...0500   503 every time
    ...0400   400 {"code": 21211, "message": "The 'To' number is not a valid phone number."}
    ...0999   200 with a body that is not JSON
    ...0777   no answer for 30 s (a timeout)
anything else: 201 {"sid": "SM<n>", "status": "queued"}.
Chat and webhook bodies whose text contains "#fail-500" get a 500, "#fail-429" a 429 once.
With --token, requests without Basic auth `<user>:<token>` (or a Bearer token) get 401.

    scripts/gateway-sink.py --port 0 --log /tmp/gateway.jsonl --ready /tmp/port [--token T] [--lean]
"""
import argparse
import base64
import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, log_path, token, lean, retry_after):
        self.log = open(log_path, "a", encoding="utf-8", buffering=1)
        self.token = token
        self.lean = lean
        self.lock = threading.Lock()
        self.count = 0
        self.seen_429 = set()
        self.retry_after = retry_after


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=None, record=None):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if record is not None:
                record["status"] = status
                with state.lock:
                    state.log.write(json.dumps(record) + "\n")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            kind = self.headers.get("Content-Type", "")
            with state.lock:
                state.count += 1
                number = state.count
            record = {"n": number, "path": self.path, "content_type": kind,
                      "idempotency_key": self.headers.get("Idempotency-Key"),
                      "signature": self.headers.get("X-Tandem-Signature"), "timestamp": self.headers.get("X-Tandem-Timestamp"),
                      "raw": None if state.lean else raw.decode("utf-8", "replace")}
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                record["auth"] = base64.b64decode(auth[6:]).decode("utf-8", "replace")
            elif auth.startswith("Bearer "):
                record["auth"] = auth
            if kind.startswith("application/x-www-form-urlencoded"):
                fields = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
                record["form"] = fields
                text = fields.get("Body", "")
                to = fields.get("To", "")
            else:
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = None
                record["json"] = None if state.lean else body
                text = json.dumps(body)
                to = ""
            if state.token:
                secret = record.get("auth", "")
                if not (secret.endswith(":" + state.token) or secret == "Bearer " + state.token):
                    return self.answer(401, '{"message": "Authenticate"}', {"Content-Type": "application/json"}, record)
            if self.path.endswith("/gone"):
                return self.answer(404, "no_service", {"Content-Type": "text/plain"}, record)
            tail = to[-4:]
            if tail == "0429" or "#fail-429" in text:
                key = to or text
                with state.lock:
                    first = key not in state.seen_429
                    state.seen_429.add(key)
                if first:
                    return self.answer(429, '{"message": "Too Many Requests"}', {"Retry-After": str(state.retry_after), "Content-Type": "application/json"}, record)
            if tail == "0500" or "#fail-500" in text:
                return self.answer(503, "<html>gateway down</html>", {"Content-Type": "text/html"}, record)
            if tail == "0400":
                return self.answer(400, json.dumps({"code": 21211, "message": "The 'To' number is not a valid phone number."}),
                                   {"Content-Type": "application/json"}, record)
            if tail == "0999":
                return self.answer(200, "<<<not json>>>", {"Content-Type": "text/plain"}, record)
            if tail == "0777":
                time.sleep(30)
                return self.answer(201, "{}", {"Content-Type": "application/json"}, record)
            if to:
                return self.answer(201, json.dumps({"sid": f"SM{number:08d}", "status": "queued"}), {"Content-Type": "application/json"}, record)
            return self.answer(200, "ok", {"Content-Type": "text/plain"}, record)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port (written to --ready)")
    parser.add_argument("--log", required=True)
    parser.add_argument("--ready")
    parser.add_argument("--token")
    parser.add_argument("--lean", action="store_true")
    parser.add_argument("--retry-after", type=int, default=1, help="seconds sent with each 429")
    args = parser.parse_args()
    state = State(args.log, args.token, args.lean, args.retry_after)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(state))
    server.daemon_threads = True
    port = server.server_address[1]
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write(str(port))
        import os
        os.replace(args.ready + ".tmp", args.ready)
    print(f"gateway-sink: listening on {args.host}:{port}, logging to {args.log}", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
