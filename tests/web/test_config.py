"""The web app's configuration as the settings give it: store, session key, OIDC, cookies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tilannekuva.settings import get_settings
from tilannekuva.web.config import web_config_from_settings


def test_defaults_keep_everything_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path / "data"))
    config = web_config_from_settings(get_settings())
    assert config.warehouse == tmp_path / "data" / "tilannekuva.duckdb"
    assert config.database_url == f"sqlite:///{(tmp_path / 'data' / 'tilannekuva.sqlite')}"
    assert config.oidc is None and config.secure_cookies is False
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text(encoding="utf-8") == config.secret_key
    assert len(config.secret_key) >= 40 and oct(key_file.stat().st_mode & 0o777) == "0o600"
    # the next start (another worker, a restart) signs sessions with the same key
    assert web_config_from_settings(get_settings()).secret_key == config.secret_key


def test_configured_values_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TILANNEKUVA_DATABASE_URL", "postgresql+psycopg://app@db/tilannekuva")
    monkeypatch.setenv("TILANNEKUVA_WEB_SECURE_COOKIES", "true")
    config = web_config_from_settings(get_settings())
    assert config.secret_key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
    assert config.database_url == "postgresql+psycopg://app@db/tilannekuva"
    assert config.secure_cookies is True


def test_oidc_is_on_only_when_issuer_client_and_secret_are_all_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_OIDC_ISSUER", "https://idp.example/realms/county/")
    monkeypatch.setenv("TILANNEKUVA_OIDC_CLIENT_ID", "tilannekuva")
    assert web_config_from_settings(get_settings()).oidc is None
    monkeypatch.setenv("TILANNEKUVA_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("TILANNEKUVA_OIDC_ROLE_CLAIM", "roles")
    oidc = web_config_from_settings(get_settings()).oidc
    assert oidc is not None and oidc.role_claim == "roles" and oidc.client_secret == "s3cret"
    assert oidc.metadata_url == (
        "https://idp.example/realms/county/.well-known/openid-configuration"
    )
