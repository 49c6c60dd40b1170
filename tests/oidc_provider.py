"""A stand-in for a department's OpenID Connect provider: real RSA and EC keys, a JWKS served
over HTTP on a local port, and tokens signed with PyJWT, good and bad."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER = "https://id.example.gov.cn/realms/samr"
AUDIENCE = "credgraph"


class Provider:
    """Signs tokens; `jwks_url` serves the public keys while the provider runs."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwks = {"keys": [
            {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa.public_key())),
             "kid": "rsa-1", "use": "sig", "alg": "RS256"},
            {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key())),
             "kid": "ec-1", "use": "sig", "alg": "ES256"},
        ]}
        body = json.dumps(jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.jwks_url = f"http://127.0.0.1:{self.server.server_port}/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()

    def claims(self, **override: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "officer-7", "iat": now,
                "exp": now + 600, "credgraph_role": "regulator"}
        return {k: v for k, v in {**base, **override}.items() if v is not None}

    def token(self, alg: str = "RS256", **claims: Any) -> str:
        key, kid = (self.rsa, "rsa-1") if alg == "RS256" else (self.ec, "ec-1")
        return jwt.encode(self.claims(**claims), key, algorithm=alg, headers={"kid": kid})

    def token_signed_by_stranger(self) -> str:
        """Signed by a key the provider never published, under a published key id."""
        return jwt.encode(self.claims(), self.stranger, algorithm="RS256",
                          headers={"kid": "rsa-1"})

    def public_pem(self) -> bytes:
        return self.rsa.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
