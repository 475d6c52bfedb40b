"""What the web app needs to run, as plain values (the CLI builds it from the settings).

``create_app`` takes a :class:`WebConfig` instead of reading the settings itself, so tests
build an app over any warehouse and store without touching the environment.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr

from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.settings import Settings

SECRET_KEY_FILE = "secret_key"
FEEDBACK_KEY_FILE = "feedback_key"


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
    live_check_seconds: float = 1.0  # how often it looks for new feedback
    secure_cookies: bool = False  # True behind HTTPS
    feedback: FeedbackConfig | None = None  # None: keyed with the secret key, no gateway
    board_clock: Callable[[], datetime] | None = None  # None: the real clock (the demo replays)

    @property
    def feedback_config(self) -> FeedbackConfig:
        """The feedback service's configuration (tests may leave it out)."""
        return self.feedback or FeedbackConfig(phone_key_secret=self.secret_key)


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
        feedback=feedback_config_from_settings(settings),
    )


def feedback_config_from_settings(settings: Settings) -> FeedbackConfig:
    """The feedback service's configuration from the settings (web app and CLI alike)."""

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value else None

    policy = InvitationPolicy(
        service_areas=tuple(settings.feedback_service_areas),
        contact_types=tuple(settings.feedback_contact_types),
        excluded=tuple(settings.feedback_excluded),
        min_age=settings.feedback_min_age,
        min_days_between=settings.feedback_min_days_between,
        window_start=settings.feedback_window_start,
        window_end=settings.feedback_window_end,
        delay_minutes=settings.feedback_delay_minutes,
        daily_cap=settings.feedback_daily_cap,
        link_days=settings.feedback_link_days,
    )
    public_url = settings.feedback_public_url or address(settings.web_host, settings.web_port)
    return FeedbackConfig(
        phone_key_secret=secret(settings.feedback_key)
        or kept_secret_key(settings.data_dir, FEEDBACK_KEY_FILE),
        public_base_url=public_url.rstrip("/"),
        policy=policy,
        questionnaire_file=settings.feedback_questionnaire,
        gateway_url=settings.sms_gateway_url,
        gateway_token=secret(settings.sms_gateway_token),
        webhook_secret=secret(settings.sms_webhook_secret),
        events_token=secret(settings.events_token),
        sender=settings.sms_sender,
        provider_id=settings.feedback_provider_id,
    )


def kept_secret_key(data_dir: Path, name: str = SECRET_KEY_FILE) -> str:
    """A random session key made once per data folder and kept there, readable by owner only.

    Sessions then survive a restart without the operator having to invent a secret.
    """
    path = data_dir / name
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key, encoding="utf-8")
    return key


def address(host: str, port: int) -> str:
    """The address to open in a browser (an all-interfaces host is reached on localhost)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"
