"""The data-quality report: recording faults and data anomalies of the current load.

Checks are declared as data in ``checks``; ``build_report`` runs them on the warehouse and
``render`` shows the result in the terminal (``docs/quality.md`` lists the checks).
"""

from tilannekuva.quality.checks import CHECKS, CHECKS_BY_ID, QualityCheck, Severity
from tilannekuva.quality.context import NoCurrentLoad
from tilannekuva.quality.report import CheckResult, QualityReport, build_report

__all__ = [
    "CHECKS",
    "CHECKS_BY_ID",
    "CheckResult",
    "NoCurrentLoad",
    "QualityCheck",
    "QualityReport",
    "Severity",
    "build_report",
]
