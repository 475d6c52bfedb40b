"""The analytical store: typed tables of the current load plus the load history."""

from tilannekuva.warehouse.store import WarehouseBusy, WarehouseMissing, connect, ibis_connect

__all__ = ["WarehouseBusy", "WarehouseMissing", "connect", "ibis_connect"]
