"""Opening the store migrates it; opening it again changes nothing; the history is our own."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tilannekuva.web.accounts import AccountStore
from tilannekuva.web.accounts.migrate import MIGRATIONS_DIR

pytestmark = pytest.mark.usefixtures("cheap_hashing")

TABLES = {"users", "audit_log", "failed_signins", "alembic_version_web"}


def test_opening_twice_keeps_the_data_and_the_schema(store_url: str) -> None:
    first = AccountStore.open(store_url)
    first.add_user("aino", "pitka-salasana-1", role="analyst")
    first.close()
    second = AccountStore.open(store_url)
    assert [user.username for user in second.users()] == ["aino"]
    tables = set(inspect(second.engine).get_table_names())
    second.close()
    assert tables >= TABLES
    # The default "alembic_version" stays free for the feedback store's own history.
    assert "alembic_version" not in tables


def test_the_version_table_names_the_newest_revision(store_url: str) -> None:
    AccountStore.open(store_url).close()
    heads = sorted(path.name.split("_")[0] for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
    engine = create_engine(store_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version_web")).all()
    engine.dispose()
    assert versions == [(heads[-1],)]


def test_a_missing_sqlite_folder_is_created(tmp_path: Path) -> None:
    store = AccountStore.open(f"sqlite:///{tmp_path / 'new' / 'folder' / 'store.sqlite'}")
    store.close()
    assert (tmp_path / "new" / "folder" / "store.sqlite").is_file()
