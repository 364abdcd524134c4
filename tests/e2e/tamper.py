#!/usr/bin/env python3
"""Flips every byte of a certificate in turn (and rewrites field values canonically) and requires
both `wipeproof cert verify` and `openssl cms -verify` to reject each version.
Usage: tamper.py WIPEPROOF CERT.json CERT.p7s CA.pem WORKDIR"""
import concurrent.futures
import json
import os
import subprocess
import sys
import threading

wp, cert, p7s, ca, work = sys.argv[1:6]
original = open(cert, "rb").read()
sig = os.path.join(work, "tampered.p7s")
with open(sig, "wb") as f:
    f.write(open(p7s, "rb").read())
local = threading.local()


def both_reject(data, what):
    # One content file per worker thread; the signature file is shared and read-only.
    if not hasattr(local, "path"):
        local.path = os.path.join(work, f"tampered-{threading.get_ident()}.json")
    with open(local.path, "wb") as f:
        f.write(data)
    ossl = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", local.path,
                           "-CAfile", ca, "-purpose", "any", "-out", os.devnull], capture_output=True)
    wpv = subprocess.run([wp, "cert", "verify", local.path, "--sig", sig, "--ca", ca], capture_output=True)
    if ossl.returncode == 0:
        sys.exit(f"FAIL: openssl accepted {what}")
    if wpv.returncode not in (6, 8):
        sys.exit(f"FAIL: wipeproof returned {wpv.returncode} for {what}:\n{wpv.stdout.decode()}")
    return wpv.returncode


def flip(i):
    data = bytearray(original)
    data[i] ^= 0x01
    return both_reject(bytes(data), f"byte {i} flipped")


codes = {}
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    for rc in pool.map(flip, range(len(original))):
        codes[rc] = codes.get(rc, 0) + 1
# Field values changed and re-canonicalised: well-formed, canonical, but not what was signed.
doc = json.loads(original)
for path, value in [(("media", "serial"), "FORGED"), (("sanitization", "result"), "erased_with_exceptions"),
                    (("verification", "mismatched_blocks"), 0), (("people", "operator", "name"), "Someone Else"),
                    (("disposition", "destination"), "destroyed")]:
    d = json.loads(original)
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value if node[path[-1]] != value else (value + "x" if isinstance(value, str) else value + 1)
    data = json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    rc = both_reject(data, "field " + "/".join(path))
    if rc != 6:
        sys.exit(f"FAIL: a canonical forgery of {'/'.join(path)} should be TAMPERED (6), got {rc}")
print(f"ok: {len(original)} byte flips and 5 field forgeries rejected by both (wipeproof exit codes {codes})")
