"""Several web workers opening a new SQLite operational store at once all start.

Without a lock they raced to create the same tables and all but one crashed at start-up
(``table users already exists``); the migration now holds a file lock beside the database.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.web.accounts import AccountStore

WORKERS = 4


def open_both_stores(url: str) -> None:
    AccountStore.open(url).close()
    FeedbackStore.open(url).close()


def test_workers_migrating_a_new_sqlite_store_at_once_all_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'operational.sqlite'}"
    context = multiprocessing.get_context("spawn")  # as uvicorn starts its workers
    workers = [context.Process(target=open_both_stores, args=(url,)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    store = FeedbackStore.open(url)  # migrated once, to the newest version
    try:
        assert store.count_answers() == 0
    finally:
        store.close()
