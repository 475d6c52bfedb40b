"""Languages of the web app: translation catalogues and locale-aware numbers and dates.

UI text lives in Babel catalogues (``locale/<lang>/LC_MESSAGES/messages.po``, English message
ids); they are compiled in memory when the app starts, so no binary ``.mo`` files are kept in
the repository. Finnish is the default (product brief: Finnish first), Swedish and English are
one visible click away. Numbers and dates follow the locale: ``12,5 %`` in Finnish and Swedish,
``12.5%`` in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.support import Translations

LOCALES: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT_LOCALE = "fi"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
TIME_ZONE = "Europe/Helsinki"


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> Translations:
    """The compiled catalogue of a locale (fuzzy entries are left out, as gettext does)."""
    po_file = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


@lru_cache(maxsize=len(LOCALES))
def babel_locale(locale: str) -> Locale:
    """Babel's CLDR data of a locale, parsed once (parsing costs more than formatting).

    English is written the British way (``1 Mar 2025``, 24-hour clock), as in EU texts.
    """
    return Locale.parse(locale if locale != "en" else "en_GB")


@lru_cache(maxsize=len(LOCALES))
def number_symbols(locale: str) -> tuple[str, str]:
    """The locale's group and decimal symbols from CLDR (``\xa0`` and ``,`` in Finnish)."""
    parsed = babel_locale(locale)
    return get_group_symbol(locale=parsed), get_decimal_symbol(locale=parsed)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


@lru_cache(maxsize=4096)
def period_label(period: str, locale: str) -> str:
    """A period label in words, computed once per period and locale (pages show many)."""
    if len(period) == 7 and period[4] == "-" and period[5] != "Q":
        first = date(int(period[:4]), int(period[5:7]), 1)
        return format_date(first, "LLLL yyyy", locale=babel_locale(locale))
    if len(period) == 7 and period[5] == "Q":
        return f"Q{period[6]} {period[:4]}"
    return period


def negotiate_locale(requested: str | None, accept_language: str | None, default: str) -> str:
    """The explicit choice when valid, else the browser's first supported language, else
    the default. ``accept_language`` is the raw header (``sv-FI,sv;q=0.9,en;q=0.8``)."""
    if requested in LOCALES:
        return requested
    if accept_language:
        weighted = []
        for position, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            weighted.append((-quality, position, tag.strip().lower()))
        for _, _, tag in sorted(weighted):
            language = tag.split("-")[0]
            if language in LOCALES:
                return language
    return default if default in LOCALES else DEFAULT_LOCALE


@dataclass(frozen=True)
class Formatter:
    """Numbers, periods and dates as the reader's locale writes them."""

    locale: str

    @property
    def _babel_locale(self) -> Locale:
        return babel_locale(self.locale)

    def number(self, value: float | int | None, decimals: int = 1) -> str:
        """``1 234,5`` (fi, sv) or ``1,234.5`` (en); an empty value is a dash.

        The same text as Babel's ``format_decimal`` with the pattern ``#,##0.0…`` (a property
        test holds them equal), made from the locale's CLDR symbols and Python's decimal
        formatting: a page of a few thousand numbers would otherwise spend most of its time
        parsing Babel's pattern again for every number.
        """
        if value is None:
            return "–"
        rounded = Decimal(str(value)).quantize(_QUANTA[decimals], rounding=ROUND_HALF_EVEN)
        return self._localise(format(rounded, f",.{decimals}f"))

    def plain(self, value: float | int | None) -> str:
        """A number with as many decimals as it has (up to six), for tables and downloads."""
        if value is None:
            return "–"
        if isinstance(value, int) or float(value).is_integer():
            return self.number(int(value), 0)
        rounded = Decimal(str(value)).quantize(_QUANTA[6], rounding=ROUND_HALF_EVEN)
        text = format(rounded, ",.6f").rstrip("0")
        return self._localise(text + "0" if text.endswith(".") else text)

    def _localise(self, text: str) -> str:
        """Python's ``1,234.5`` with the locale's group and decimal symbols."""
        group, decimal = number_symbols(self.locale)
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    def period(self, period: str) -> str:
        """``2025-03`` → ``maaliskuu 2025``; ``2025-Q1`` → ``Q1 2025``; ``2025`` → ``2025``."""
        return period_label(period, self.locale)

    def short_period(self, period: str) -> str:
        """Axis labels: ``3/2025`` for a month, the label itself otherwise."""
        if len(period) == 7 and period[5] != "Q":
            return f"{int(period[5:7])}/{period[:4]}"
        return self.period(period)

    def date(self, value: date | None) -> str:
        if value is None:
            return "–"
        return format_date(value, "medium", locale=self._babel_locale)

    def datetime(self, value: datetime | None) -> str:
        """A local (Helsinki) wall-clock moment, without a zone designator."""
        if value is None:
            return "–"
        return format_datetime(value, "medium", locale=self._babel_locale)


def N_(message: str) -> str:
    """Mark a message id for extraction where it is translated later (Babel's ``N_``)."""
    return message
