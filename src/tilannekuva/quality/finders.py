"""Which function computes which declared check (``checks.CHECKS``).

Kept apart from the declarations so that the check texts stay plain data; a test asserts that
every declared check has exactly one finder.
"""

from __future__ import annotations

from collections.abc import Callable

from tilannekuva.quality import event_checks, link_checks, load_checks, missing_sources
from tilannekuva.quality.context import Finding, WarehouseView

Finder = Callable[[WarehouseView], list[Finding]]

FINDERS: dict[str, Finder] = {
    "broken_links": link_checks.broken_links,
    "visit_before_assessment": link_checks.visit_before_assessment,
    "orphan_assessments": link_checks.orphan_assessments,
    "duplicate_keys": load_checks.duplicate_keys,
    "unknown_codes": load_checks.unknown_codes,
    "quarantined_rows": load_checks.quarantined_rows,
    "reply_before_message": event_checks.reply_before_message,
    "future_timestamps": event_checks.future_timestamps,
    "units_with_no_events": event_checks.units_with_no_events,
    "missing_optional_files": missing_sources.missing_optional_files,
    "extra_columns": load_checks.extra_columns,
}
