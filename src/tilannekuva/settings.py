"""The one settings object of Tilannekuva (style habit 5: no configuration read anywhere else).

Values come, highest priority first, from: arguments given in code, environment variables
prefixed ``TILANNEKUVA_`` (``TILANNEKUVA_DATA_DIR``), a ``.env`` file in the current directory
holding the same variables, a TOML file (``tilannekuva.toml`` in the current directory, or the
file named by ``TILANNEKUVA_CONFIG``) whose keys are the field names (``data_dir = "..."``),
and the defaults below. Delivery layers (the CLI, later the web app) read the settings and hand
plain paths and numbers down; computation layers never read configuration themselves, so the
same function gives the same numbers whatever the environment says.

``docs/operations.md`` lists every field with its variable; ``tests/test_docs.py`` keeps it so.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "TILANNEKUVA_"
CONFIG_ENV = "TILANNEKUVA_CONFIG"
DEFAULT_CONFIG_FILE = Path("tilannekuva.toml")
WAREHOUSE_FILE_NAME = "tilannekuva.duckdb"
DATABASE_FILE_NAME = "tilannekuva.sqlite"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class ConfigurationError(ValueError):
    """The configuration cannot be used; ``str(error)`` says which value and why, in one line
    per problem, so the CLI can print it without a traceback."""


class Settings(BaseSettings):
    """Where Tilannekuva keeps its data, what the demo generates, and how much it logs."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        toml_file=DEFAULT_CONFIG_FILE,
    )

    data_dir: Path = Field(
        default=Path("tilannekuva-data"),
        description="Folder for the warehouse and the demo's synthetic extract.",
    )
    warehouse: Path | None = Field(
        default=None,
        description=f"The warehouse file; when unset, <data_dir>/{WAREHOUSE_FILE_NAME}.",
    )
    synth_persons: int | None = Field(
        default=None,
        gt=0,
        description="Persons in the demo's synthetic county; unset: the generator's default.",
    )
    synth_seed: int = Field(
        default=2025,
        ge=0,
        description="Random seed of the demo's synthetic county (same seed, same extract).",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret that person ids are re-keyed with on load; unset: each warehouse makes and "
            "keeps its own key."
        ),
    )
    load_memory_limit: str = Field(
        default="4GB",
        pattern=r"^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description=(
            "Most memory DuckDB may use while loading an extract (it spills to disk beyond), "
            "e.g. 4GB."
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the operational store (users, audit trail); unset: SQLite file "
            "<data_dir>/tilannekuva.sqlite. Production: postgresql+psycopg://user@host/db."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret that signs the web app's session cookies; unset: one is made and kept in "
            "<data_dir>/secret_key."
        ),
    )
    web_host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    web_port: int = Field(default=8000, ge=0, le=65535, description="Port of the web server.")
    web_workers: int = Field(default=1, ge=1, description="Web server worker processes.")
    web_secure_cookies: bool = Field(
        default=False,
        description=(
            "Send the session cookie over HTTPS only; turn on when the app is served over HTTPS "
            "(behind a TLS proxy)."
        ),
    )
    oidc_issuer: str | None = Field(
        default=None,
        description=(
            "OpenID Connect issuer URL of the county's identity provider; unset: local users only."
        ),
    )
    oidc_client_id: str | None = Field(default=None, description="OIDC client id.")
    oidc_client_secret: SecretStr | None = Field(default=None, description="OIDC client secret.")
    oidc_role_claim: str = Field(
        default="groups",
        description="ID-token claim that lists the user's groups or roles.",
    )
    oidc_analyst_value: str = Field(
        default="tilannekuva-analyst",
        description="Value in the role claim that grants the analyst role.",
    )
    oidc_manager_value: str = Field(
        default="tilannekuva-manager",
        description="Value in the role claim that grants the unit-manager role.",
    )
    feedback_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret that phone numbers and live-event person ids are keyed with in the feedback "
            "store; unset: one is made and kept in <data_dir>/feedback_key. Keep it: opt-outs "
            "are matched by it."
        ),
    )
    feedback_public_url: str | None = Field(
        default=None,
        description=(
            "Address of the web app as customers reach it, for links in SMS messages; unset: "
            "http://<web_host>:<web_port>."
        ),
    )
    feedback_questionnaire: Path | None = Field(
        default=None,
        description="Questionnaire file (TOML); unset: the packaged national questionnaire.",
    )
    feedback_service_areas: list[str] = Field(
        default_factory=list,
        description="Service areas whose visits get invitations; empty: all.",
    )
    feedback_contact_types: list[str] = Field(
        default_factory=list,
        description="Contact-type codes that get invitations; empty: all customer contacts.",
    )
    feedback_excluded: list[str] = Field(
        default_factory=lambda: ["mental"],
        description=(
            "Service areas, unit ids or contact-type codes never asked for feedback "
            "(sensitive services)."
        ),
    )
    feedback_min_age: int = Field(
        default=13, ge=0, description="Youngest age invited (THL: 13 and over)."
    )
    feedback_min_days_between: int = Field(
        default=30, ge=0, description="At most one invitation per person in this many days."
    )
    feedback_window_start: time = Field(
        default=time(9, 0), description="Invitations are sent from this local time …"
    )
    feedback_window_end: time = Field(
        default=time(20, 0), description="… until this local time (Europe/Helsinki)."
    )
    feedback_delay_minutes: int = Field(
        default=60, ge=0, description="Minutes between the end of a visit and its invitation."
    )
    feedback_daily_cap: int = Field(
        default=2000, ge=0, description="Most invitations made in one local day, county-wide."
    )
    feedback_link_days: int = Field(
        default=7, ge=1, description="Days an invitation's link and SMS reply stay valid."
    )
    feedback_provider_id: str | None = Field(
        default=None,
        description="The county's organisation id (OID) written in the national export.",
    )
    sms_gateway_url: str | None = Field(
        default=None,
        description="Base URL of the SMS gateway's API; unset: messages wait in the outbox.",
    )
    sms_gateway_token: SecretStr | None = Field(
        default=None, description="Bearer token for the SMS gateway's API."
    )
    sms_webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer token the SMS gateway sends with replies and delivery receipts; unset: "
            "the webhooks answer 503."
        ),
    )
    sms_sender: str = Field(
        default="Tilannekuva", description="Sender name shown on the customer's phone."
    )
    events_token: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer token of the visit-events API (the patient record announces finished "
            "visits); unset: the API is off."
        ),
    )
    log_level: LogLevel = Field(
        default="WARNING",
        description="Least severe log record written to standard error.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("feedback_window_end")
    @classmethod
    def _window_not_empty(cls, value: time, info: ValidationInfo) -> time:
        if value == info.data.get("feedback_window_start"):
            raise ValueError("equals feedback_window_start: the sending window would be empty")
        return value

    @property
    def warehouse_path(self) -> Path:
        """The warehouse file in use: ``warehouse`` when set, else one inside ``data_dir``."""
        return self.warehouse if self.warehouse is not None else self.data_dir / WAREHOUSE_FILE_NAME

    @property
    def database_url_text(self) -> str:
        """The operational store in use: ``database_url`` when set, else SQLite in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / DATABASE_FILE_NAME).as_posix()}"

    @property
    def pseudonym_key_text(self) -> str | None:
        """The pseudonym key as text for ``load_extract``; the field hides it when printed."""
        return self.pseudonym_key.get_secret_value() if self.pseudonym_key else None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Add the TOML file below the environment: a variable overrides the file."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls),
        )


def env_var(field_name: str) -> str:
    """The environment variable that sets a field, e.g. ``TILANNEKUVA_DATA_DIR``."""
    return f"{ENV_PREFIX}{field_name.upper()}"


def get_settings(config_file: Path | None = None) -> Settings:
    """Read the settings now (not cached: tests and long-running servers see changes).

    ``config_file`` (or ``TILANNEKUVA_CONFIG``) names a TOML file that must exist; without
    either, ``tilannekuva.toml`` in the current directory is read when present.
    Raises :class:`ConfigurationError` with one line per invalid value.
    """
    named = config_file or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if named is not None and not named.is_file():
        raise ConfigurationError(f"configuration file {named} does not exist")
    toml_file = named or DEFAULT_CONFIG_FILE

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=toml_file)

    try:
        return _FromFile()
    except ValidationError as error:
        raise ConfigurationError(_describe(error)) from None
    except ValueError as error:  # a TOML file that does not parse
        raise ConfigurationError(f"{toml_file}: {error}") from None


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        if problem["type"] == "extra_forbidden":
            lines.append(f"{field}: not a setting (see docs/operations.md)")
        else:
            lines.append(f"{field} ({env_var(field)}): {problem['msg']}")
    return "\n".join(lines)
