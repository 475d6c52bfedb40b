"""The indicator engine of ``indicators-v1.md``: catalogue, computation and output.

Definitions live in :mod:`tilannekuva.indicators.catalogue`; each indicator family is one
module of Ibis expressions; :func:`compute_indicators` runs them over the warehouse's current
load and :func:`write_indicators` writes the rows as ``output-v1.md`` says.
"""

from tilannekuva.indicators.engine import compute_indicators
from tilannekuva.indicators.output import write_indicators
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.run import IndicatorRun, QuarantinedRow, indicators_for_extract

__all__ = [
    "IndicatorRow",
    "IndicatorRun",
    "QuarantinedRow",
    "compute_indicators",
    "indicators_for_extract",
    "write_indicators",
]
