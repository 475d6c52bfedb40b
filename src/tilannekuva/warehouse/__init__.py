"""The analytical store: typed tables of the current load plus the load history."""

from tilannekuva.warehouse.store import WarehouseMissing, connect, ibis_connect

__all__ = ["WarehouseMissing", "connect", "ibis_connect"]
