"""How the data-quality pages say things: severities, quarantine reason codes, check texts.

The checks are declared once in ``tilannekuva.quality.checks`` with their names in Finnish,
Swedish and English and their description and action in English; the pages show the
declared name in the reader's language and look the English texts up in the translation
catalogue (an untranslated text is shown in English rather than not at all). Reason codes
are extract-v1's (``docs/warehouse.md``), each with a short phrase a unit manager understands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tilannekuva.quality.checks import QualityCheck, Severity
from tilannekuva.web.i18n import N_

Translate = Callable[[str], str]

SEVERITY_WORDS: dict[Severity, str] = {
    Severity.ERROR: N_("Error"),
    Severity.WARNING: N_("Warning"),
    Severity.INFO: N_("Information"),
}
"""Severity in words: the page never tells it by colour alone."""

REASON_CODE_WORDS: dict[str, str] = {
    "required": N_("required value missing"),
    "invalid": N_("invalid value"),
    "identity_code": N_("personal identity code in the data"),
    "duplicate_key": N_("duplicate key"),
    "unknown_code": N_("unknown code"),
    "foreign_key": N_("refers to a missing row"),
    "rejected_parent": N_("its parent row was rejected"),
    "malformed_row": N_("malformed row"),
}
"""extract-v1 quarantine reason codes (``quarantine.reason_code``)."""

DETAIL_WORDS: dict[str, str] = {
    "no_assessment": N_("no such assessment"),
    "other_person": N_("assessment of another person"),
    "provisional": N_("provisional: the visit may still come"),
    "final": N_("final"),
    "identical_dropped": N_("identical copy dropped"),
    "conflicting_rejected": N_("conflicting copies rejected"),
}
"""Details of findings (``Finding.detail``) that are codes: the link checks' kinds and the
duplicate-key outcomes. Quarantine reason codes are said as below; other details are file,
table and column names, shown as they are."""


def severity_words(severity: Severity, _: Translate) -> str:
    return _(SEVERITY_WORDS[severity])


def detail_words(detail: str, _: Translate) -> str:
    words = DETAIL_WORDS.get(detail) or REASON_CODE_WORDS.get(detail)
    return _(words) if words is not None else detail


def reason_code_words(code: str, _: Translate) -> str:
    """The phrase of a reason code; a code this version does not know is shown as it is."""
    words = REASON_CODE_WORDS.get(code)
    return _(words) if words is not None else code


@dataclass(frozen=True)
class CheckTexts:
    """A check's description and action in the reader's language (English when untranslated)."""

    description: str
    action: str


def check_texts(check: QualityCheck, _: Translate) -> CheckTexts:
    """Looked up in Python, not in a template: the texts hold ``%`` signs (``47-80 %``)."""
    return CheckTexts(_(check.description), _(check.action))
