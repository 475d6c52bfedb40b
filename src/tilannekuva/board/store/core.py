"""The board store's connection: engine, sessions, the SQLite write lock and the clock.

:class:`BoardStore` (``store.py``) is this core plus one mixin per concern (the event log;
source systems and wall displays), as the feedback store is built. Every write is committed
before a method returns: an event the API acknowledged is on disk.
"""

from __future__ import annotations

from tilannekuva.warehouse.operational import Clock, OperationalStore, utc_now


class StoreCore(OperationalStore):
    """An open board database; subclasses add the operations."""


__all__ = ["Clock", "StoreCore", "utc_now"]
