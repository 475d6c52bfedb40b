"""The one settings object: defaults, environment, ``.env``, TOML file, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tilannekuva.settings import ConfigurationError, Settings, env_var, get_settings


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``.env`` or ``tilannekuva.toml`` of the repository may leak into these tests."""
    monkeypatch.chdir(tmp_path)


def test_defaults_put_the_warehouse_in_the_data_folder() -> None:
    settings = get_settings()
    assert settings.data_dir == Path("tilannekuva-data")
    assert settings.warehouse_path == Path("tilannekuva-data/tilannekuva.duckdb")
    assert settings.synth_persons is None  # the generator's own default applies
    assert settings.synth_seed == 2025
    assert settings.log_level == "WARNING"
    assert settings.pseudonym_key_text is None  # each warehouse keeps its own key


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", "/srv/tk")
    monkeypatch.setenv("TILANNEKUVA_SYNTH_PERSONS", "300")
    monkeypatch.setenv("TILANNEKUVA_LOG_LEVEL", "info")
    settings = get_settings()
    assert settings.warehouse_path == Path("/srv/tk/tilannekuva.duckdb")
    assert settings.synth_persons == 300
    assert settings.log_level == "INFO"  # level names are accepted in any case


def test_an_explicit_warehouse_wins_over_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_WAREHOUSE", "/backup/wh.duckdb")
    assert get_settings().warehouse_path == Path("/backup/wh.duckdb")


def test_the_pseudonym_key_is_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "s3cret-key")
    settings = get_settings()
    assert settings.pseudonym_key_text == "s3cret-key"
    assert "s3cret-key" not in repr(settings)


def test_toml_file_is_read_and_the_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tilannekuva.toml").write_text('data_dir = "from-toml"\nsynth_seed = 7\n')
    monkeypatch.setenv("TILANNEKUVA_SYNTH_SEED", "9")
    settings = get_settings()
    assert settings.data_dir == Path("from-toml")
    assert settings.synth_seed == 9


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TILANNEKUVA_SYNTH_SEED=11\n")
    assert get_settings().synth_seed == 11


def test_config_variable_names_another_toml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = tmp_path / "etc" / "county.toml"
    named.parent.mkdir()
    named.write_text('log_level = "ERROR"\n')
    monkeypatch.setenv("TILANNEKUVA_CONFIG", str(named))
    assert get_settings().log_level == "ERROR"


def test_a_named_config_file_that_is_missing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_CONFIG", "nowhere.toml")
    with pytest.raises(ConfigurationError, match="nowhere.toml does not exist"):
        get_settings()


def test_invalid_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_SYNTH_PERSONS", "0")
    monkeypatch.setenv("TILANNEKUVA_LOG_LEVEL", "loud")
    with pytest.raises(ConfigurationError) as caught:
        get_settings()
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("synth_persons (TILANNEKUVA_SYNTH_PERSONS):")
    assert lines[1].startswith("log_level (TILANNEKUVA_LOG_LEVEL):")


def test_a_misspelt_key_in_the_toml_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "tilannekuva.toml").write_text('data_folder = "x"\n')
    with pytest.raises(ConfigurationError, match="data_folder: not a setting"):
        get_settings()


def test_a_toml_file_that_does_not_parse_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "tilannekuva.toml").write_text("data_dir = [\n")
    with pytest.raises(ConfigurationError, match="tilannekuva.toml"):
        get_settings()


def test_every_field_has_one_variable() -> None:
    assert [env_var(name) for name in Settings.model_fields] == [
        "TILANNEKUVA_DATA_DIR",
        "TILANNEKUVA_WAREHOUSE",
        "TILANNEKUVA_SYNTH_PERSONS",
        "TILANNEKUVA_SYNTH_SEED",
        "TILANNEKUVA_PSEUDONYM_KEY",
        "TILANNEKUVA_LOAD_MEMORY_LIMIT",
        "TILANNEKUVA_DATABASE_URL",
        "TILANNEKUVA_SECRET_KEY",
        "TILANNEKUVA_WEB_HOST",
        "TILANNEKUVA_WEB_PORT",
        "TILANNEKUVA_WEB_WORKERS",
        "TILANNEKUVA_WEB_SECURE_COOKIES",
        "TILANNEKUVA_OIDC_ISSUER",
        "TILANNEKUVA_OIDC_CLIENT_ID",
        "TILANNEKUVA_OIDC_CLIENT_SECRET",
        "TILANNEKUVA_OIDC_ROLE_CLAIM",
        "TILANNEKUVA_OIDC_ANALYST_VALUE",
        "TILANNEKUVA_OIDC_MANAGER_VALUE",
        "TILANNEKUVA_FEEDBACK_KEY",
        "TILANNEKUVA_FEEDBACK_PUBLIC_URL",
        "TILANNEKUVA_FEEDBACK_QUESTIONNAIRE",
        "TILANNEKUVA_FEEDBACK_SERVICE_AREAS",
        "TILANNEKUVA_FEEDBACK_CONTACT_TYPES",
        "TILANNEKUVA_FEEDBACK_EXCLUDED",
        "TILANNEKUVA_FEEDBACK_MIN_AGE",
        "TILANNEKUVA_FEEDBACK_MIN_DAYS_BETWEEN",
        "TILANNEKUVA_FEEDBACK_WINDOW_START",
        "TILANNEKUVA_FEEDBACK_WINDOW_END",
        "TILANNEKUVA_FEEDBACK_DELAY_MINUTES",
        "TILANNEKUVA_FEEDBACK_DAILY_CAP",
        "TILANNEKUVA_FEEDBACK_LINK_DAYS",
        "TILANNEKUVA_FEEDBACK_PROVIDER_ID",
        "TILANNEKUVA_SMS_GATEWAY_URL",
        "TILANNEKUVA_SMS_GATEWAY_TOKEN",
        "TILANNEKUVA_SMS_WEBHOOK_SECRET",
        "TILANNEKUVA_SMS_SENDER",
        "TILANNEKUVA_EVENTS_TOKEN",
        "TILANNEKUVA_LOG_LEVEL",
    ]


def test_load_memory_limit_must_be_a_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_LOAD_MEMORY_LIMIT", "1.5GB")
    assert get_settings().load_memory_limit == "1.5GB"
    monkeypatch.setenv("TILANNEKUVA_LOAD_MEMORY_LIMIT", "lots")
    with pytest.raises(ConfigurationError, match="TILANNEKUVA_LOAD_MEMORY_LIMIT"):
        get_settings()


def test_an_empty_sending_window_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_FEEDBACK_WINDOW_START", "09:00")
    monkeypatch.setenv("TILANNEKUVA_FEEDBACK_WINDOW_END", "09:00")
    with pytest.raises(ConfigurationError, match="TILANNEKUVA_FEEDBACK_WINDOW_END"):
        get_settings()
