"""What the web app needs to run, as plain values (the CLI builds it from the settings).

``create_app`` takes a :class:`WebConfig` instead of reading the settings itself, so tests
build an app over any warehouse and store without touching the environment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from tilannekuva.settings import Settings

SECRET_KEY_FILE = "secret_key"


@dataclass(frozen=True)
class OidcConfig:
    """The county's OpenID Connect identity provider (authorization-code flow)."""

    issuer: str
    client_id: str
    client_secret: str
    role_claim: str = "groups"
    analyst_value: str = "tilannekuva-analyst"
    manager_value: str = "tilannekuva-manager"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class WebConfig:
    """Where the numbers and the users live, and how sessions are signed."""

    warehouse: Path
    database_url: str
    secret_key: str
    oidc: OidcConfig | None = None
    default_locale: str = "fi"
    reload_check_seconds: float = 2.0  # how often the app looks for a newer load
    secure_cookies: bool = False  # True behind HTTPS


def web_config_from_settings(settings: Settings) -> WebConfig:
    """The app's configuration from the one settings object (style habit 5)."""
    oidc = None
    if settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret:
        oidc = OidcConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value(),
            role_claim=settings.oidc_role_claim,
            analyst_value=settings.oidc_analyst_value,
            manager_value=settings.oidc_manager_value,
        )
    secret = (
        settings.secret_key.get_secret_value()
        if settings.secret_key
        else kept_secret_key(settings.data_dir)
    )
    return WebConfig(
        warehouse=settings.warehouse_path,
        database_url=settings.database_url_text,
        secret_key=secret,
        oidc=oidc,
        secure_cookies=settings.web_secure_cookies,
    )


def kept_secret_key(data_dir: Path) -> str:
    """A random session key made once per data folder and kept there, readable by owner only.

    Sessions then survive a restart without the operator having to invent a secret.
    """
    path = data_dir / SECRET_KEY_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key, encoding="utf-8")
    return key
