"""Service-use profiles of the synthetic county: who uses which service, how, how often.

These are the tuning knobs of the generator, declared once as data. Rates are customer contacts
per person-year by age band; the channel mixes are set so the default county shows Kainuu's
44 % remote share of customer contacts of persons aged 20+ in 2024 (seed 003, RRF indicator)
and a little more in 2025. Professional-group mixes follow a Finnish health station: nurses
and public-health nurses carry most reception and family-centre contacts.
"""

from __future__ import annotations

import numpy as np

# Service areas in the order used by the generator; index 4 is the joint emergency unit.
AREAS = ("reception", "oral", "mental", "family", "emergency")
EMERGENCY = 4
AGE_BANDS = np.array([0, 1, 7, 13, 20, 45, 65, 75, 85])  # lower bounds

# contacts per person-year, per area (rows) and age band (columns, AGE_BANDS)
RATES = np.array(
    [
        [1.6, 1.3, 1.0, 1.1, 2.0, 2.7, 3.9, 5.6, 7.0],  # reception
        [0.5, 0.7, 1.1, 1.0, 0.75, 0.8, 0.75, 0.6, 0.4],  # oral
        [0.0, 0.0, 0.05, 0.45, 0.6, 0.45, 0.15, 0.08, 0.05],  # mental
        [9.0, 2.6, 0.9, 0.6, 0.0, 0.0, 0.0, 0.0, 0.0],  # family (neuvola, school health)
        [0.35, 0.25, 0.2, 0.22, 0.25, 0.25, 0.35, 0.5, 0.7],  # emergency
    ]
)
FEMALE_FACTOR = np.array([1.25, 1.1, 1.3, 1.0, 1.0])  # women use primary care more
MATERNITY_RATE = 1.2  # family-centre contacts per year of women aged 20-44
NONCUSTOMER_SHARE = 0.08  # consultations and work without the customer, per customer contact

# Probability that a customer contact is remote, by area and year (2024, 2025).
REMOTE_SHARE = np.array([[0.585, 0.605], [0.10, 0.11], [0.51, 0.53], [0.24, 0.26], [0.02, 0.02]])
REMOTE_CODES = np.array(["R50", "R55", "R56", "R52", "R51"])
REMOTE_CODE_P = np.array([0.62, 0.12, 0.16, 0.07, 0.03])
VISIT_CODES = np.array(["R10", "R20", "R41", "R30", "R40"])
VISIT_CODE_P = np.array([0.92, 0.045, 0.025, 0.005, 0.005])
HOME_VISIT_P_75PLUS = 0.25
NONCUSTOMER_CODES = np.array(["R72", "R60", "R71", "R90"])
NONCUSTOMER_CODE_P = np.array([0.48, 0.32, 0.15, 0.05])
SCHEDULED_REMOTE = {"R50", "R52"}  # booked like visits; R55/R56/R51 answer the customer

# Professional groups by area (names as in model.extract_schema.PROFESSIONAL_GROUPS).
PROFESSIONALS: dict[int, tuple[tuple[str, ...], tuple[float, ...]]] = {
    0: (("doctor", "nurse", "physiotherapist", "other"), (0.36, 0.57, 0.05, 0.02)),
    1: (("dentist", "oral_hygienist", "other"), (0.55, 0.40, 0.05)),
    2: (("psychologist", "nurse", "social_worker", "doctor"), (0.30, 0.45, 0.10, 0.15)),
    3: (("nurse", "doctor", "psychologist", "physiotherapist"), (0.80, 0.12, 0.04, 0.04)),
    4: (("doctor", "nurse"), (0.55, 0.45)),
}
URGENT_SHARE = np.array([0.16, 0.10, 0.05, 0.02, 1.0])
CARE_PLAN_SHARE = np.array([0.25, 0.20, 0.50, 0.70, 0.0])

# Reason codes (ICPC-2 in primary care, ICD-10 in oral and emergency care), by area.
REASONS = tuple(
    tuple(codes.split())
    for codes in (
        "R74 R05 L03 L86 K86 T90 A97 S88 R78 P76 D73 U71 L15 A04 J06.9 I10",
        "K02.1 K05.1 K04.0 K08.8 Z01.2 K03.6",
        "F32.1 F41.1 F10.2 P76 P74 F43.2",
        "A98 W78 Z00.1 W90 A98",
        "S93.4 R07.4 J06.9 S61.0 R10.4 T14.1",
    )
)
REASON_MISSING = 0.15
REASON_PAIR = 0.10


def age_band(age: np.ndarray) -> np.ndarray:
    return np.searchsorted(AGE_BANDS, age, side="right") - 1
