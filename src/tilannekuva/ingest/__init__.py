"""Loading extracts (extract-v1, CSV or Parquet) into the warehouse, quarantining bad rows."""

from tilannekuva.ingest.errors import ExtractUnreadable, ReasonCode
from tilannekuva.ingest.load import LoadResult, load_extract

__all__ = ["ExtractUnreadable", "LoadResult", "ReasonCode", "load_extract"]
