"""The data-quality checks, declared once as data.

Each check names a recording fault (kirjaamisen virhe) or a data anomaly that the seeds ask
the county to see and fix: orphan care-need assessments and missing codes (seed 002 TP3 osa 3,
seeds 003 and 004), broken links between an assessment and its visit (extract-v1 "broken link",
indicators-v1 Common terms "valid link"), and the load's own rejections (extract-v1 quarantine).
The computation lives in ``finders``; the terminal report, the JSON file and ``docs/quality.md``
are all derived from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tilannekuva.model.translatable import translatable


class Severity(StrEnum):
    """How much a finding matters for the numbers built on the data.

    ``error``: the rows are in the warehouse but an indicator has to leave them out or counts
    them wrongly. ``warning``: rows were rejected, or a recorded fact is probably wrong.
    ``info``: nothing is wrong with a number, but the analyst should know.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class QualityCheck:
    """One check: what it finds, where a finding is counted and what to do about it.

    ``unit`` and ``month`` say which unit and which local (Europe/Helsinki) month a finding is
    counted for; ``examples`` says what the example ids are (ids only: never a person id or
    free text); ``source`` is the rule in the specification the check comes from.
    """

    id: str
    name_fi: str
    name_sv: str
    name_en: str
    severity: Severity
    description: str
    action: str
    unit: str
    month: str
    examples: str
    source: str

    def name(self, lang: str) -> str:
        """The check's name in ``fi``, ``sv`` or ``en`` (English for any other code)."""
        return {"fi": self.name_fi, "sv": self.name_sv}.get(lang, self.name_en)


CHECKS: tuple[QualityCheck, ...] = (
    QualityCheck(
        id="broken_links",
        name_fi="Rikkinäiset linkit hoidon tarpeen arviointiin",
        name_sv="Brutna länkar till vårdbehovsbedömningen",
        name_en="Broken assessment links",
        severity=Severity.ERROR,
        description=translatable(
            "Contacts whose assessment_id is not empty but names no surviving assessment, or "
            "an assessment of another person. The contact counts as not linked: it lowers "
            "assessment coverage and its assessment may look like an orphan."
        ),
        action=translatable(
            "Open the contact in the patient record and link it to the right care-need "
            "assessment of the same customer, or remove the wrong link."
        ),
        unit="the contact's unit",
        month="the contact's start_at",
        examples="contact_id",
        source="indicators-v1 Common terms (valid link); extract-v1 foreign keys",
    ),
    QualityCheck(
        id="visit_before_assessment",
        name_fi="Käynti ennen hoidon tarpeen arviointia",
        name_sv="Besök före vårdbehovsbedömningen",
        name_en="Visit dated before its assessment",
        severity=Severity.ERROR,
        description=translatable(
            "Validly linked contacts whose local date is before the local date of the "
            "assessment they are linked to. When such a contact is the first treatment event, "
            "the assessment leaves both care-guarantee indicators."
        ),
        action=translatable(
            "Check the booking: appointment books that force bookings into the past, or an "
            "assessment recorded after the visit, produce these (seed 003)."
        ),
        unit="the contact's unit",
        month="the contact's start_at",
        examples="contact_id",
        source=(
            "indicators-v1 Common terms (wait_days) and Clarifications "
            "(negative first treatment event)"
        ),
    ),
    QualityCheck(
        id="orphan_assessments",
        name_fi="Irralliset hoidon tarpeen arvioinnit",
        name_sv="Vårdbehovsbedömningar utan besök",
        name_en="Orphan assessments",
        severity=Severity.WARNING,
        description=translatable(
            "Assessments with outcome nonurgent_care to which no surviving contact has a valid "
            "link, whatever the contact's type, urgency or date. Detail 'provisional' marks "
            "assessments of a month that ended fewer than 90 days before the cutoff (the visit "
            "may still come); 'final' marks the rest."
        ),
        action=translatable(
            "Link the realised visit to the assessment; if care was not needed after all, "
            "correct the assessment's outcome. Kainuu reported 47-80 % orphans (seed 003)."
        ),
        unit="the assessment's unit",
        month="the assessment's assessed_at",
        examples="assessment_id",
        source="indicators-v1 orphan_assessments",
    ),
    QualityCheck(
        id="duplicate_keys",
        name_fi="Toistuvat tunnisteet",
        name_sv="Upprepade nycklar",
        name_en="Duplicate keys",
        severity=Severity.WARNING,
        description=translatable(
            "Rows whose primary key repeats within a file. 'identical_dropped': a whole-row "
            "copy, one kept and the copy dropped. 'conflicting_rejected': copies with "
            "different content, every copy rejected."
        ),
        action=translatable(
            "Ask the source system's owner why the extract repeats the key; conflicting "
            "copies mean the events are missing from every indicator until fixed."
        ),
        unit="none (the rows are not in the warehouse)",
        month="none",
        examples="file:line",
        source="extract-v1 General rules and Clarifications (duplicates)",
    ),
    QualityCheck(
        id="unknown_codes",
        name_fi="Tuntemattomat koodit ja arvot",
        name_sv="Okända koder och värden",
        name_en="Unknown codes and values",
        severity=Severity.WARNING,
        description=translatable(
            "Rows rejected because a contact-type code is not in the code table, or an enum "
            "column (service area, professional group, urgency, outcome, channel, ...) holds "
            "a value outside its list. Detail: file and column."
        ),
        action=translatable(
            "Record the code from the national code set (THL Hilmo Yhteystapa) or map the "
            "local code in codes/contact_types.csv; fix the source system's value lists."
        ),
        unit="none (the rows are not in the warehouse)",
        month="none",
        examples="file:line",
        source="extract-v1 contacts (unknown code) and Clarifications (invalid values)",
    ),
    QualityCheck(
        id="quarantined_rows",
        name_fi="Karanteeniin hylätyt rivit",
        name_sv="Rader i karantän",
        name_en="Quarantined rows",
        severity=Severity.WARNING,
        description=translatable(
            "Every row the load rejected, by reason code (required, invalid, identity_code, "
            "duplicate_key, unknown_code, foreign_key, rejected_parent, malformed_row). "
            "Duplicate keys and unknown codes are also shown by their own checks."
        ),
        action=translatable(
            "Read the quarantine (file, line, column, reason) and correct the rows at the "
            "source; rejected rows are missing from every indicator."
        ),
        unit="none (the rows are not in the warehouse)",
        month="none",
        examples="file:line",
        source="extract-v1 General rules (quarantine)",
    ),
    QualityCheck(
        id="reply_before_message",
        name_fi="Vastaus ennen viestiä",
        name_sv="Svar före meddelandet",
        name_en="Reply stamped before its message",
        severity=Severity.ERROR,
        description=translatable(
            "E-messages whose first_reply_at is earlier than received_at. The message leaves "
            "message_reply_1h altogether."
        ),
        action=translatable("Check the messaging system's clocks and how replies are stamped."),
        unit="the message's unit",
        month="the message's received_at",
        examples="message_id",
        source="indicators-v1 message_reply_1h",
    ),
    QualityCheck(
        id="future_timestamps",
        name_fi="Aikaleimat poimintahetken jälkeen",
        name_sv="Tidsstämplar efter uttagstidpunkten",
        name_en="Timestamps after the cutoff",
        severity=Severity.ERROR,
        description=translatable(
            "Timestamp cells later than the load's cutoff (the moment the extract was taken), "
            "one finding per cell. Appointment slots (slot_snapshots.slot_start) lie in the "
            "future by nature and are not checked. Detail: table.column."
        ),
        action=translatable(
            "Events cannot happen after the extract was taken: check the source system's "
            "clock, time zone and the extract's cutoff."
        ),
        unit="the row's unit (an invitation: its contact's unit)",
        month="the row's anchor timestamp (as its indicators use it)",
        examples="file:line",
        source="extract-v1 extract.json (cutoff)",
    ),
    QualityCheck(
        id="units_with_no_events",
        name_fi="Yksiköt ilman tapahtumia",
        name_sv="Enheter utan händelser",
        name_en="Units with no events",
        severity=Severity.INFO,
        description=translatable(
            "Units with no contacts, assessments, messages, calls, feedback responses or "
            "appointment-book slots in the current load. A unit that is another unit's parent "
            "is a level of the organisation hierarchy (events do not roll up) and is not "
            "reported."
        ),
        action=translatable(
            "Check whether the unit is still active and whether its events are recorded "
            "under another unit_id."
        ),
        unit="the unit itself",
        month="none",
        examples="unit_id",
        source="extract-v1 units",
    ),
    QualityCheck(
        id="missing_optional_files",
        name_fi="Puuttuvat valinnaiset tiedostot",
        name_sv="Saknade valfria filer",
        name_en="Missing optional files",
        severity=Severity.INFO,
        description=translatable(
            "Optional extract files that were not present: the source is not available, and "
            "the indicators that need it have no rows (not zero). The report lists which "
            "indicators each missing file disables."
        ),
        action=translatable(
            "Ask for the file from its source system if its indicators are needed."
        ),
        unit="none",
        month="none",
        examples="table name",
        source="extract-v1 (missing optional file); indicators-v1 Clarifications",
    ),
    QualityCheck(
        id="extra_columns",
        name_fi="Tuntemattomat sarakkeet",
        name_sv="Okända kolumner",
        name_en="Unknown extra columns",
        severity=Severity.INFO,
        description=translatable(
            "Columns that extract format v1 does not know, kept aside and not used. One "
            "finding per file and column."
        ),
        action=translatable(
            "Check the column's name against extract format v1; a misspelt column is ignored."
        ),
        unit="none",
        month="none",
        examples="file[column]",
        source="extract-v1 (unknown extra columns)",
    ),
)

CHECKS_BY_ID: dict[str, QualityCheck] = {check.id: check for check in CHECKS}
