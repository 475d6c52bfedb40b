"""A real, small OpenID Connect provider on 127.0.0.1 for the sign-in tests.

It serves what a county's provider serves to Tilannekuva — discovery, the signing keys
(JWKS), an authorization endpoint that sends the browser back with a code, and a token
endpoint that returns an RS256-signed ID token — and checks what a real provider checks:
the client id and secret, the redirect URI, the one-time code and the PKCE verifier (S256).
A test sets ``claims`` to decide who "signs in" next.

The ID token is signed with joserfc, the JOSE library Authlib itself uses to verify it
(``authlib.jose`` is deprecated in favour of it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwk, jwt

CLIENT_ID = "tilannekuva-test"
CLIENT_SECRET = "fake-idp-client-secret"
KEY_ID = "fake-idp-key-1"


@dataclass
class Grant:
    redirect_uri: str
    nonce: str | None
    code_challenge: str
    claims: dict[str, Any]


@dataclass
class FakeIdentityProvider:
    """The provider's state: its key, the codes it has handed out, and who signs in next."""

    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    key: jwk.RSAKey = field(
        default_factory=lambda: jwk.generate_key("RSA", 2048, parameters={"kid": KEY_ID})
    )

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The redirect back to the client, or a 400 reason."""
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return 400, "unknown client or response type"
        if "openid" not in query.get("scope", "").split():
            return 400, "scope lacks openid"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, "PKCE with S256 is required"
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            query["redirect_uri"], query.get("nonce"), query["code_challenge"], dict(self.claims)
        )
        return 302, query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode("utf-8")
            client_id, _, client_secret = decoded.partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode("ascii")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode("ascii") != grant.code_challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            **({"nonce": grant.nonce} if grant.nonce else {}),
            **grant.claims,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.key)
        access_token = secrets.token_urlsafe(16)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }


def _handler(provider: FakeIdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                status, target = provider.authorize(query)
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            form = {key: values[0] for key, values in parse_qs(body).items()}
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            status, answer = provider.token(form, self.headers.get("Authorization"))
            self._json(status, answer)

    return Handler


class RunningProvider:
    """The provider served by a thread on a free port of 127.0.0.1, until ``stop``."""

    def __init__(self) -> None:
        self.provider = FakeIdentityProvider()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.provider))
        host, port = self._server.server_address[:2]
        self.provider.issuer = f"http://{host!s}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def issuer(self) -> str:
        return self.provider.issuer

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
