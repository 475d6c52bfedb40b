"""The questionnaire: every text a respondent sees or receives, as versioned configuration.

The national structure (domain.md §5.1) is the packaged default
(``questionnaires/national-v1.toml``); a county points ``feedback_questionnaire`` at its own
copy. The file is validated when it is read — every text in Finnish, Swedish and English,
2–7 known national statements per service, placeholders present in every language — so a
broken questionnaire stops the service at start-up instead of reaching a customer.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from tilannekuva.model.extract_schema import STATEMENTS

LANGUAGES = ("fi", "sv", "en")
DEFAULT_FILE = Path(__file__).parent / "questionnaires" / "national-v1.toml"
DEFAULT_SERVICE = "default"
MIN_STATEMENTS, MAX_STATEMENTS = 2, 7
SMS_PLACEHOLDERS = {
    "invitation": {"unit", "days"},
    "thanks_with_link": {"link"},
    "thanks": set(),
    "help": set(),
    "opted_out": set(),
    "closed": set(),
}

Texts = Mapping[str, str]  # language → text


class QuestionnaireError(ValueError):
    """The questionnaire file cannot be used; the message names the file and the problem."""


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fi: str
    sv: str
    en: str


class _Statement(_Texts):
    theme: str | None = None


class _Scale(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fi: list[str]
    sv: list[str]
    en: list[str]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    recommend: _Texts
    recommend_low: _Texts
    recommend_high: _Texts
    scale: _Scale
    comment: _Texts
    statements: dict[str, _Statement]
    services: dict[str, list[str]]
    own: dict[str, _Texts] = {}
    sms: dict[str, _Texts]
    pulse: dict[str, _Texts]
    pulse_scale: _Scale

    @field_validator("version")
    @classmethod
    def _short_version(cls, value: str) -> str:
        if not value or len(value) > 32:
            raise ValueError("version must be 1–32 characters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> _File:
        unknown = set(self.statements) - set(STATEMENTS)
        if unknown:
            raise ValueError(f"national statements are s1…s7, not {', '.join(sorted(unknown))}")
        if DEFAULT_SERVICE not in self.services:
            raise ValueError("services needs a 'default' list")
        for service, keys in self.services.items():
            if not MIN_STATEMENTS <= len(keys) <= MAX_STATEMENTS:
                raise ValueError(f"service {service} must ask 2–7 statements, not {len(keys)}")
            missing = [key for key in keys if key not in self.statements]
            if missing:
                raise ValueError(f"service {service} names undefined {', '.join(missing)}")
        for key in self.own:
            if not key.startswith("own_"):
                raise ValueError(f"own statement keys start with 'own_', not {key!r}")
        if set(self.sms) != set(SMS_PLACEHOLDERS):
            raise ValueError(f"sms needs exactly: {', '.join(sorted(SMS_PLACEHOLDERS))}")
        for name, texts in self.sms.items():
            for language in LANGUAGES:
                found = _placeholders(getattr(texts, language))
                if found != SMS_PLACEHOLDERS[name]:
                    wanted = sorted(SMS_PLACEHOLDERS[name]) or "no placeholders"
                    raise ValueError(
                        f"sms.{name}.{language} must use exactly {wanted}, not {sorted(found)}"
                    )
        for scale, size in ((self.scale, 6), (self.pulse_scale, 5)):
            for language in LANGUAGES:
                if len(getattr(scale, language)) != size:
                    raise ValueError(f"a scale has {size} labels in every language")
        return self


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Statement:
    """One statement: ``s1``…``s7`` (national) or ``own_*`` (the county's own)."""

    key: str
    texts: Texts
    theme: str | None = None

    def text(self, language: str) -> str:
        return pick(self.texts, language)


@dataclass(frozen=True)
class SmsTexts:
    invitation: Texts
    thanks_with_link: Texts
    thanks: Texts
    help: Texts
    opted_out: Texts
    closed: Texts


@dataclass(frozen=True)
class Questionnaire:
    """One version of the questionnaire, in every language."""

    version: str
    recommend: Texts
    recommend_low: Texts
    recommend_high: Texts
    scale_labels: Mapping[str, tuple[str, ...]]  # language → labels of 0 (cannot say), 1…5
    comment: Texts
    national: Mapping[str, Statement]
    services: Mapping[str, tuple[str, ...]]
    own: tuple[Statement, ...]
    sms: SmsTexts
    pulse_items: tuple[Statement, ...]
    pulse_scale: Mapping[str, tuple[str, ...]]  # language → labels of 1…5

    def statements_for(self, service_area: str | None) -> tuple[Statement, ...]:
        """The national statements asked about a service (its own list, else the default)."""
        keys = self.services.get(service_area or DEFAULT_SERVICE) or self.services[DEFAULT_SERVICE]
        return tuple(self.national[key] for key in keys)

    @staticmethod
    def text(texts: Texts, language: str) -> str:
        return pick(texts, language)


def pick(texts: Texts, language: str) -> str:
    """The text in ``language``; Finnish when the language is not one of ours."""
    return texts.get(language) or texts["fi"]


def _texts(model: _Texts) -> dict[str, str]:
    return {language: getattr(model, language) for language in LANGUAGES}


def _scale(model: _Scale) -> dict[str, tuple[str, ...]]:
    return {language: tuple(getattr(model, language)) for language in LANGUAGES}


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    """Read and validate a questionnaire file (None: the packaged national default)."""
    return _load(path or DEFAULT_FILE)


@cache
def _load(path: Path) -> Questionnaire:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = _File.model_validate(raw)
    except OSError as error:
        raise QuestionnaireError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{path}: not valid TOML ({error})") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'file'}: {item['msg']}"
            for item in error.errors()
        )
        raise QuestionnaireError(f"{path}: {problems}") from None
    return Questionnaire(
        version=parsed.version,
        recommend=_texts(parsed.recommend),
        recommend_low=_texts(parsed.recommend_low),
        recommend_high=_texts(parsed.recommend_high),
        scale_labels=_scale(parsed.scale),
        comment=_texts(parsed.comment),
        national={
            key: Statement(key, _texts(model), model.theme)
            for key, model in sorted(parsed.statements.items())
        },
        services={service: tuple(keys) for service, keys in parsed.services.items()},
        own=tuple(Statement(key, _texts(model)) for key, model in parsed.own.items()),
        sms=SmsTexts(**{name: _texts(model) for name, model in parsed.sms.items()}),
        pulse_items=tuple(Statement(key, _texts(model)) for key, model in parsed.pulse.items()),
        pulse_scale=_scale(parsed.pulse_scale),
    )
