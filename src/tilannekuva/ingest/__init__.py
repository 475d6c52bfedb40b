"""Loading extracts (extract-v1, CSV or Parquet) into the warehouse, quarantining bad rows."""

from tilannekuva.ingest.errors import ExtractUnreadable, ReasonCode
from tilannekuva.ingest.load import DEFAULT_MEMORY_LIMIT, LoadResult, load_extract

__all__ = ["DEFAULT_MEMORY_LIMIT", "ExtractUnreadable", "LoadResult", "ReasonCode", "load_extract"]
