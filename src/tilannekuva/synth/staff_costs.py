"""Staff survey results and unit costs of the synthetic county (extract-v1 staff_survey, costs).

The QWL index (domain.md §9) of Kainuu fell to 58.25 % in 2025 (seed 003); units scatter
around 58 with a slight decline from 2024 to 2025. Costs per contact are euros by unit, year,
professional group and channel: remote channels cost a fraction of a visit, and 2025 is about
3.5 % dearer. The figures are plausible orders of magnitude, not Kainuu's accounts.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tilannekuva.synth import profiles as pf
from tilannekuva.synth.geography import County, Unit

QWL_MEAN = 58.3
QWL_UNIT_SD = 5.0
QWL_MONTH_SD = 3.0
QWL_TREND = 1.2  # points above the mean in early 2024, below it in late 2025
RESPONSE_SHARE = 0.55
STAFF_PER_RESIDENTS = 600
BASE_COST = {
    "doctor": 95.0,
    "nurse": 48.0,
    "dentist": 110.0,
    "oral_hygienist": 62.0,
    "psychologist": 88.0,
    "physiotherapist": 55.0,
    "social_worker": 60.0,
    "other": 40.0,
}
CHANNEL_FACTOR = {
    "in_person": 1.0,
    "home_visit": 1.8,
    "phone": 0.45,
    "video": 0.7,
    "e_message": 0.3,
}
EMERGENCY_FACTOR = 2.7
SERVICE_AREAS = {area: i for i, area in enumerate(pf.AREAS)}


def _service_units(county: County) -> list[Unit]:
    return [u for u in county.units if u.service_area in SERVICE_AREAS]


def staff_survey(county: County, rng: np.random.Generator) -> dict[str, pa.Array]:
    months = np.arange(np.datetime64("2024-01"), np.datetime64("2026-01"))
    trend = np.linspace(QWL_TREND, -QWL_TREND, len(months))
    units, periods, respondents, qwl = [], [], [], []
    for unit in _service_units(county):
        staff = 4 + unit.residents // STAFF_PER_RESIDENTS // (
            4 if unit.service_area == "emergency" else 1
        )
        level = rng.normal(QWL_MEAN, QWL_UNIT_SD)
        units += [unit.unit_id] * len(months)
        periods += [str(m) for m in months]
        respondents.append(rng.binomial(staff, RESPONSE_SHARE, len(months)))
        qwl.append(
            np.clip(level + trend + rng.normal(0, QWL_MONTH_SD, len(months)), 0, 100).round(1)
        )
    return {
        "unit_id": pa.array(units, pa.string()),
        "period": pa.array(periods, pa.string()),
        "respondents": pa.array(np.concatenate(respondents), pa.int64()),
        "qwl_index": pa.array(np.concatenate(qwl), pa.float64()),
    }


def costs(county: County, rng: np.random.Generator) -> dict[str, pa.Array]:
    rows: dict[str, list[object]] = {
        "unit_id": [],
        "period": [],
        "professional_group": [],
        "channel": [],
        "cost_per_contact": [],
    }
    for unit in _service_units(county):
        area = SERVICE_AREAS[unit.service_area]
        groups = pf.PROFESSIONALS[area][0]
        unit_factor = rng.uniform(0.9, 1.1)
        channels = ("in_person",) if area == pf.EMERGENCY else tuple(CHANNEL_FACTOR)
        for year, inflation in (("2024", 1.0), ("2025", 1.035)):
            for group in groups:
                for channel in channels:
                    cost = BASE_COST[group] * CHANNEL_FACTOR[channel] * unit_factor * inflation
                    cost *= EMERGENCY_FACTOR if area == pf.EMERGENCY else 1.0
                    for key, value in zip(
                        rows, (unit.unit_id, year, group, channel, round(cost, 2)), strict=True
                    ):
                        rows[key].append(value)
    return {
        "unit_id": pa.array(rows["unit_id"], pa.string()),
        "period": pa.array(rows["period"], pa.string()),
        "professional_group": pa.array(rows["professional_group"], pa.string()),
        "channel": pa.array(rows["channel"], pa.string()),
        "cost_per_contact": pa.array(rows["cost_per_contact"], pa.float64()),
    }
