#!/usr/bin/env python3
"""Prints N HS256 bearer tokens, one per line, subjects load-1..load-N, in the form the server's
`token` command mints (aud/iss user-system, role admin): one distinct caller per load-tool caller,
without starting the server N times. Usage: mint-tokens.py BASE64_KEY N [MINUTES]"""
import base64, hashlib, hmac, json, sys, time

def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

key = base64.b64decode(sys.argv[1])
count = int(sys.argv[2])
minutes = int(sys.argv[3]) if len(sys.argv) > 3 else 120
now = int(time.time())
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
for i in range(1, count + 1):
    claims = {"aud": "user-system", "iss": "user-system", "exp": now + minutes * 60, "iat": now, "nbf": now, "sub": f"load-{i}", "role": "admin"}
    signing_input = header + "." + b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())
    print(signing_input + "." + signature)
