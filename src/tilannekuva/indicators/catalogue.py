"""The indicator catalogue of ``indicators-v1.md``, declared once as data.

Definitions are data (style habit 3): the computation checks which tables an indicator needs
here, the suppression rule reads ``suppressible`` and ``unit`` from here, and
``docs/indicators.md`` is rendered from here. A number shown anywhere can therefore be traced
to one entry and its ``version``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    """Unit of measure; decides how ``value`` follows from numerator and denominator."""

    PERCENT = "percent"  # value = 100 × numerator / denominator
    NPS = "nps"  # value = 100 × (promoters − detractors) / answers, −100…100
    MEAN = "mean"  # value = numerator / denominator
    INDEX = "index"  # value = numerator / denominator (weighted mean of an index)
    DAYS = "days"  # value = a median of days; numerator and denominator empty
    COUNT = "count"  # value = the count; numerator and denominator empty


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Target:
    """A target value (in the indicator's unit) and the period by which it should be met."""

    value: float
    deadline: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator of ``indicators-v1.md``.

    ``requires`` lists the extract tables the indicator reads; when any of them was a missing
    optional file the indicator has no rows at all (indicators-v1, Clarifications; extract-v1:
    "not computable, not as zero"). ``suppressible`` is False only for the T3 family, which
    describes appointment books, not people.
    """

    id: str
    name_fi: str
    name_sv: str
    name_en: str
    definition: str
    numerator: str
    denominator: str
    unit: Unit
    direction: Direction
    anchor: str
    source: str
    requires: tuple[str, ...]
    targets: tuple[Target, ...] = ()
    suppressible: bool = True
    version: str = "v1"


_CG_TABLES = ("contacts", "contact_types", "assessments", "persons", "units")
_RRF = "Kestävän kasvun ohjelma (RRF), Pillar 4; domain.md §4"


def _statement(i: int) -> Indicator:
    return Indicator(
        id=f"statement_mean_s{i}",
        name_fi=f"Kansallisen asiakaspalautteen väittämän {i} keskiarvo",
        name_sv=f"Medelvärde för det nationella kundrespons-påståendet {i}",
        name_en=f"Mean of national customer-feedback statement {i}",
        definition=f"Mean of the answers 1–5 to statement s{i}; 0 and empty are no answer.",
        numerator=f"sum of the s{i} answers 1–5",
        denominator=f"number of s{i} answers 1–5",
        unit=Unit.MEAN,
        direction=Direction.HIGHER_BETTER,
        anchor="response submitted_at; the response's unit",
        source="THL national customer feedback; domain.md §5",
        requires=("feedback_responses",),
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="care_guarantee_7d",
        name_fi="Kiireettömään hoitoon pääsy 7 vuorokaudessa hoidon tarpeen arvioinnista",
        name_sv="Tillgång till icke-brådskande vård inom 7 dygn från vårdbedömningen",
        name_en="First treatment events within 7 days of the care-need assessment",
        definition=(
            "Share of first treatment events (earliest eligible non-urgent visit validly linked "
            "to an assessment with outcome nonurgent_care) realised within 7 calendar days."
        ),
        numerator="first treatment events with wait_days ≤ 7",
        denominator="first treatment events of nonurgent_care assessments with wait_days ≥ 0",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="visit start_at; the visit's unit",
        source=_RRF + " (investment I1); THL Hoitoonpääsy perusterveydenhuollossa",
        requires=_CG_TABLES,
        targets=(
            Target(66.0, "2024-Q2", "interim"),
            Target(80.0, "2025-Q4"),
        ),
    ),
    Indicator(
        id="care_guarantee_legal",
        name_fi="Kiireettömään hoitoon pääsy lakisääteisessä enimmäisajassa",
        name_sv="Tillgång till icke-brådskande vård inom den lagstadgade maximitiden",
        name_en="First treatment events within the legal maximum wait",
        definition=(
            "As care_guarantee_7d, restricted to visits at reception and oral-care units; the "
            "numerator uses the legal maximum in force on the assessment date for the person's "
            "age (under 23 / 23 or over) and the unit's service area."
        ),
        numerator="first treatment events on or before the legal maximum date",
        denominator="first treatment events at reception/oral units with wait_days ≥ 0",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="visit start_at; the visit's unit",
        source="Health Care Act §51, Finlex 117/2023, HE 134/2024; domain.md §3",
        requires=_CG_TABLES,
    ),
    *(
        Indicator(
            id=f"assessment_coverage{suffix}",
            name_fi=f"Hoidon tarpeen arviointiin linkitettyjen kiireettömien käyntien osuus{fi}",
            name_sv=f"Andel icke-brådskande besök kopplade till en vårdbedömning{sv}",
            name_en=f"Share of non-urgent visits with a valid assessment link{en}",
            definition=(
                "Share of eligible non-urgent visits (urgency nonurgent, no care plan, a visit "
                f"contact type){restriction} that carry a valid link to an assessment."
            ),
            numerator="eligible non-urgent visits with a valid assessment link",
            denominator=f"eligible non-urgent visits{restriction}",
            unit=Unit.PERCENT,
            direction=Direction.HIGHER_BETTER,
            anchor="visit start_at; the visit's unit",
            source=_RRF + " (investment I3, regional target > 5 %); seed 003; domain.md §2.4",
            requires=("contacts", "contact_types", "assessments"),
            # Seed 003 sets the regional "> 5 %" target for all non-urgent visits and for
            # doctors; dentists are followed without a target of their own.
            targets=()
            if suffix == "_dentist"
            else (Target(5.0, "2025-Q4", "regional target: more than 5 %"),),
        )
        for suffix, fi, sv, en, restriction in (
            ("", "", "", "", ""),
            ("_doctor", ", lääkärit", ", läkare", ", doctors", " of doctors"),
            ("_dentist", ", hammaslääkärit", ", tandläkare", ", dentists", " of dentists"),
        )
    ),
    Indicator(
        id="orphan_assessments",
        name_fi="Hoidon tarpeen arvioinnit, joihin ei liity käyntiä",
        name_sv="Vårdbedömningar utan något besök",
        name_en="Care-need assessments that never led to a visit",
        definition=(
            "Share of assessments with outcome nonurgent_care to which no surviving contact "
            "has a valid link. Provisional while the period ended fewer than 90 days before "
            "the extract's cutoff."
        ),
        numerator="nonurgent_care assessments without any validly linked contact",
        denominator="assessments with outcome nonurgent_care",
        unit=Unit.PERCENT,
        direction=Direction.LOWER_BETTER,
        anchor="assessed_at; the assessing unit",
        source="Seed 003 (recording quality); domain.md §1.3",
        requires=("assessments", "contacts"),
    ),
    Indicator(
        id="remote_contact_share_20plus",
        name_fi="Sähköisesti etänä hoidettujen asiakaskontaktien osuus, 20 vuotta täyttäneet",
        name_sv="Andel kundkontakter som sköts på distans, personer 20 år och äldre",
        name_en="Share of customer contacts handled remotely, persons aged 20+",
        definition=(
            "Share of customer contacts of persons aged 20 or more at the contact whose "
            "contact type is remote."
        ),
        numerator="customer contacts of persons aged 20+ with a remote contact type",
        denominator="customer contacts of persons aged 20+",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="contact start_at; the contact's unit",
        source=_RRF + " (investment I4)",
        requires=("contacts", "contact_types", "persons"),
        targets=(Target(35.0, None, "deadline conflicts in sources: 2/2025 or Q4/2024"),),
    ),
    Indicator(
        id="nps",
        name_fi="Suositteluindeksi (NPS)",
        name_sv="Rekommendationsindex (NPS)",
        name_en="Net promoter score",
        definition="Percent of promoters (9–10) minus percent of detractors (0–6).",
        numerator="promoters − detractors",
        denominator="responses with an NPS answer",
        unit=Unit.NPS,
        direction=Direction.HIGHER_BETTER,
        anchor="response submitted_at; the response's unit",
        source="THL national customer feedback; domain.md §5.3",
        requires=("feedback_responses",),
    ),
    Indicator(
        id="nps_promoters_pct",
        name_fi="Suosittelijoiden osuus",
        name_sv="Andel promotorer",
        name_en="Share of promoters",
        definition="Percent of NPS answers that are 9 or 10.",
        numerator="NPS answers 9–10",
        denominator="responses with an NPS answer",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="response submitted_at; the response's unit",
        source="THL national customer feedback; domain.md §5.3",
        requires=("feedback_responses",),
    ),
    Indicator(
        id="nps_detractors_pct",
        name_fi="Arvostelijoiden osuus",
        name_sv="Andel kritiker",
        name_en="Share of detractors",
        definition="Percent of NPS answers that are 0–6.",
        numerator="NPS answers 0–6",
        denominator="responses with an NPS answer",
        unit=Unit.PERCENT,
        direction=Direction.LOWER_BETTER,
        anchor="response submitted_at; the response's unit",
        source="THL national customer feedback; domain.md §5.3",
        requires=("feedback_responses",),
    ),
    Indicator(
        id="feedback_response_rate",
        name_fi="Palautekutsujen vastausosuus",
        name_sv="Svarsandel för inbjudningar till kundrespons",
        name_en="Feedback invitations answered",
        definition="Share of feedback invitations that at least one response names.",
        numerator="invitations named by at least one response",
        denominator="invitations",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="invitation sent_at; the invited contact's unit",
        source="Seed 003 (SMS feedback pilot); domain.md §5",
        requires=("feedback_invitations", "feedback_responses", "contacts"),
    ),
    *(_statement(i) for i in range(1, 8)),
    Indicator(
        id="message_reply_1h",
        name_fi="Sähköisiin viesteihin vastattu tunnin kuluessa (virka-aikana)",
        name_sv="E-meddelanden besvarade inom en kontorstimme",
        name_en="E-messages answered within one office hour",
        definition=(
            "Share of messages received during office hours (Mon–Fri 08–16 local, Finnish "
            "public holidays excluded) whose first reply came within 60 office-hour minutes."
        ),
        numerator="messages replied within 3600 office seconds, by the cutoff",
        denominator="messages received during office hours (reply not before the message)",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="received_at; the message's unit",
        source="Seed 001/003 (one-hour reply promise); HE 74/2022 office hours; domain.md §3.4",
        requires=("messages",),
    ),
    Indicator(
        id="call_same_day",
        name_fi="Puheluihin vastattu tai soitettu takaisin samana päivänä",
        name_sv="Samtal besvarade eller återuppringda samma dag",
        name_en="Calls answered or called back the same day",
        definition="Share of calls answered or called back on the local date they arrived.",
        numerator="calls with answered_at or callback_at on the arrival's local date",
        denominator="calls",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER_BETTER,
        anchor="arrived_at; the call's unit",
        source="Care guarantee: contact on weekdays the same day (HE 74/2022); domain.md §3.1",
        requires=("calls",),
    ),
    Indicator(
        id="call_abandon_rate",
        name_fi="Keskeytyneet puhelut ilman takaisinsoittoa",
        name_sv="Avbrutna samtal utan återuppringning",
        name_en="Abandoned calls without a call-back",
        definition="Share of calls abandoned (NULL = not abandoned) and never called back.",
        numerator="calls with abandoned = true and no callback_at",
        denominator="calls",
        unit=Unit.PERCENT,
        direction=Direction.LOWER_BETTER,
        anchor="arrived_at; the call's unit",
        source="Seed 001/003 (phone access); domain.md §2.1",
        requires=("calls",),
    ),
    Indicator(
        id="t3_days",
        name_fi="T3-luku (kolmas vapaa kiireetön aika), päivää",
        name_sv="T3 (tredje lediga icke-brådskande tid), dagar",
        name_en="T3: days to the third next available non-urgent appointment",
        definition=(
            "Median over the unit's measurable appointment books × snapshots of the calendar "
            "days from the snapshot date to the book's third free non-urgent slot."
        ),
        numerator="",
        denominator="",
        unit=Unit.DAYS,
        direction=Direction.LOWER_BETTER,
        anchor="snapshot_date; the book's unit",
        source="THL T3 recommendation (Hyvä vastaanotto, 2020 update); domain.md §6",
        requires=("slot_snapshots",),
        suppressible=False,
    ),
    Indicator(
        id="t3_days_doctor",
        name_fi="T3-luku, lääkärit, päivää",
        name_sv="T3, läkare, dagar",
        name_en="T3 for doctors' appointment books, days",
        definition="As t3_days over the books of professional group doctor only.",
        numerator="",
        denominator="",
        unit=Unit.DAYS,
        direction=Direction.LOWER_BETTER,
        anchor="snapshot_date; the book's unit",
        source="THL T3 recommendation (Hyvä vastaanotto, 2020 update); domain.md §6",
        requires=("slot_snapshots",),
        suppressible=False,
    ),
    Indicator(
        id="t3_not_measurable",
        name_fi="T3: ajanvarauskirjat, joista T3 ei ole mitattavissa",
        name_sv="T3: tidböcker där T3 inte kan mätas",
        name_en="T3: appointment books not measurable",
        definition=(
            "Number of snapshot × book combinations with fewer than three free non-urgent "
            "slots on or after the snapshot date."
        ),
        numerator="",
        denominator="",
        unit=Unit.COUNT,
        direction=Direction.LOWER_BETTER,
        anchor="snapshot_date; the book's unit",
        source="THL T3 recommendation; domain.md §6",
        requires=("slot_snapshots",),
        suppressible=False,
    ),
    Indicator(
        id="qwl_index",
        name_fi="Työelämän laatu (QWL-indeksi)",
        name_sv="Arbetslivskvalitet (QWL-index)",
        name_en="Quality of working life (QWL index)",
        definition="Respondent-weighted mean of the units' QWL index (0–100).",
        numerator="Σ respondents × qwl_index",
        denominator="Σ respondents",
        unit=Unit.INDEX,
        direction=Direction.HIGHER_BETTER,
        anchor="survey period (month); the survey's unit",
        source="QWL survey (Kesti, University of Lapland); seed 003; domain.md §9",
        requires=("staff_survey",),
    ),
    Indicator(
        id="contacts_total",
        name_fi="Asiakaskontaktit",
        name_sv="Kundkontakter",
        name_en="Customer contacts",
        definition="Number of contacts whose type is a customer contact.",
        numerator="",
        denominator="",
        unit=Unit.COUNT,
        direction=Direction.NEUTRAL,
        anchor="contact start_at; the contact's unit",
        source="Avohilmo yhteystapa; extract-v1 codes/contact_types.csv",
        requires=("contacts", "contact_types"),
    ),
    Indicator(
        id="contacts_remote",
        name_fi="Etäasiointikontaktit",
        name_sv="Distanskontakter",
        name_en="Remote customer contacts",
        definition="Number of customer contacts whose type is remote.",
        numerator="",
        denominator="",
        unit=Unit.COUNT,
        direction=Direction.NEUTRAL,
        anchor="contact start_at; the contact's unit",
        source="Avohilmo yhteystapa; extract-v1 codes/contact_types.csv",
        requires=("contacts", "contact_types"),
    ),
    Indicator(
        id="contacts_in_person",
        name_fi="Lähikontaktit",
        name_sv="Fysiska kontakter",
        name_en="In-person customer contacts",
        definition=(
            "Number of customer contacts whose channel is in_person, home_visit or other_visit."
        ),
        numerator="",
        denominator="",
        unit=Unit.COUNT,
        direction=Direction.NEUTRAL,
        anchor="contact start_at; the contact's unit",
        source="Avohilmo yhteystapa; extract-v1 codes/contact_types.csv",
        requires=("contacts", "contact_types"),
    ),
)

INDICATORS_BY_ID: dict[str, Indicator] = {ind.id: ind for ind in INDICATORS}
