"""Sign-in through the county's OpenID Connect identity provider: client and role mapping.

The county's directory decides who may see what: the ID token's role claim (``groups`` by
default; a list or a single string) must hold the configured analyst or unit-manager value.
People without either get no access, rather than a public view they might mistake for
theirs. Nobody signing in this way gets a row in ``users``: the identity provider is the
source of truth, and disabling someone there takes effect at their next sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]

from tilannekuva.web.config import OidcConfig
from tilannekuva.web.viewer import UserRole

try:  # Authlib talks to the provider with httpx2 when it is installed, else with httpx.
    from httpx2 import HTTPError as _Httpx2Error
except ImportError:  # pragma: no cover - depends on the installation
    _Httpx2Error = httpx.HTTPError  # type: ignore[misc,assignment]

PROVIDER_UNREACHABLE: tuple[type[Exception], ...] = (httpx.HTTPError, _Httpx2Error)
"""What Authlib raises when the provider cannot be reached or answers with an HTTP error."""

CLIENT_NAME = "county"
SCOPE = "openid profile email"


@dataclass(frozen=True)
class OidcIdentity:
    """Who the ID token names, and the Tilannekuva role their groups grant (None: none)."""

    username: str
    display_name: str
    role: UserRole | None


def oidc_client(config: OidcConfig) -> Any:
    """Authlib's Starlette client for the provider: authorization code with PKCE (S256).

    The discovery document and the signing keys are fetched on first use and then cached,
    so the app starts even when the provider is briefly unreachable.
    """
    oauth = OAuth()
    return oauth.register(
        name=CLIENT_NAME,
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=config.metadata_url,
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
    )


def role_from_claims(claims: Mapping[str, Any], config: OidcConfig) -> UserRole | None:
    """The role the claim grants; the analyst value wins when both are present."""
    value = claims.get(config.role_claim)
    values = {value} if isinstance(value, str) else set(value) if isinstance(value, list) else set()
    if config.analyst_value in values:
        return "analyst"
    if config.manager_value in values:
        return "manager"
    return None


def identity_from_claims(claims: Mapping[str, Any], config: OidcConfig) -> OidcIdentity:
    """The name the audit trail shows: ``preferred_username``, else ``email``, else ``sub``."""
    username = next(
        (
            str(claims[key])
            for key in ("preferred_username", "email", "sub")
            if isinstance(claims.get(key), str) and claims[key]
        ),
        "",
    )
    name = claims.get("name")
    display_name = name if isinstance(name, str) and name else username
    return OidcIdentity(username, display_name, role_from_claims(claims, config))
