#!/usr/bin/env python3
"""A test double of the rack station's certificate ingest endpoint (certs/upload.hpp contract):
HTTPS on 127.0.0.1, POST /api/v1/certificates with {"certificate", "p7s_base64", "pdf_base64"};
the signature is checked with stock `openssl cms -verify` against the organisation CA; accepted
certificates are stored as STORE/<record_id>.json/.p7s (201), repeats answer 409, bad ones 422.
Usage: ingest_server.py CERT KEY CA STORE PORTFILE"""
import base64
import json
import os
import ssl
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, HTTPServer

cert, key, ca, store, portfile = sys.argv[1:6]


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if self.path != "/api/v1/certificates":
            return self.reply(404, {"reason": "no such endpoint"})
        try:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            text = body["certificate"].encode()
            p7s = base64.b64decode(body["p7s_base64"])
            record_id = json.loads(text)["record_id"]
        except Exception as e:  # noqa: BLE001 - any malformed body is a 400
            return self.reply(400, {"reason": "malformed request: %s" % e})
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, "c.json"), "wb").write(text)
            open(os.path.join(d, "c.p7s"), "wb").write(p7s)
            ok = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                                 os.path.join(d, "c.p7s"), "-content", os.path.join(d, "c.json"),
                                 "-CAfile", ca, "-purpose", "any", "-out", "/dev/null"],
                                capture_output=True).returncode == 0
        if not ok:
            return self.reply(422, {"reason": "signature does not verify against the organisation CA"})
        path = os.path.join(store, record_id + ".json")
        if os.path.exists(path):
            return self.reply(409, {"duplicate": True, "id": record_id})
        open(path, "wb").write(text)
        open(os.path.join(store, record_id + ".p7s"), "wb").write(p7s)
        if "pdf_base64" in body:
            open(os.path.join(store, record_id + ".pdf"), "wb").write(base64.b64decode(body["pdf_base64"]))
        return self.reply(201, {"id": record_id})

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
