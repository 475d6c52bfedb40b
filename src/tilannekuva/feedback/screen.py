"""The automatic screen of free-text comments before anyone sees them.

It masks what it can detect: Finnish personal identity codes (extract-v1's pattern, anywhere
in the text), phone numbers, e-mail addresses and personal names it recognises. It cannot
catch everything (a nickname, a description of a person), which is why free text is still
shown only to the analyst role and is never published (product.md, privacy by design).

Names are found in two ways:

- a packaged list of common Finnish and Swedish first names and surnames
  (``data/names.txt``), masked when written with a capital letter, in their common Finnish
  case forms too (``Matin``, ``Virtaselle``). A listed name that is also an ordinary word
  (``Anna`` "give", ``Satu`` "fairy tale") is masked at the start of a sentence only when it is
  part of a full name, so an ordinary sentence keeps its first word;
- the word that follows a title or an introduction (``lääkäri X``, ``hoitaja X``,
  ``Dr X``, ``nimeni on X``, ``jag heter X``, ``my name is X``, ``terveisin X``), whether or
  not it is on the list, when it is capitalised; and a capitalised word right after a masked
  first name (the surname of ``Matti Kähkönen``).

Masking too much is the safe side: a capitalised place name that is also a surname
(``Koski``) is masked as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

MASK = "[…]"

_IDENTITY_CODE = re.compile(r"\b\d{6}[+\-A-FU-Y]\d{3}[0-9A-HJ-NPR-Y]\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
# +358 40 123 4567, 040-1234567, 0401234567, (09) 123 456: 7+ digits with separators
_PHONE = re.compile(r"(?<![\w])(\+?\d[\d\s\-()]{5,}\d)(?![\w])")

# A word: letters, with inner hyphens or apostrophes (Anna-Liisa, Anna's).
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PARTS = re.compile(r"[-'’]")
ORDINARY_MARK = "~"

# Words after which a capitalised word is a name: titles of health and social care staff
# (any case form: "lääkärille", "hoitajan", "läkaren") and greetings that sign a message.
_TITLE_STEMS = (
    "lääkär",
    "hoitaj",
    "tohtor",
    "kätilö",
    "fysioterapeut",
    "terapeut",
    "psykolog",
    "kuraattor",
    "sosiaalityöntekijä",
    "hygienist",
    "läkare",
    "sjuksköterska",
    "skötare",
    "barnmorska",
    "doktor",
    "doctor",
    "nurse",
    "therapist",
    "physiotherapist",
    "midwife",
)
_ABBREVIATIONS = frozenset({"dr", "tri", "yst", "t"})
_GREETINGS = frozenset({"terveisin", "mvh", "hälsningar", "regards", "ystävällisesti"})
_TITLE_WORDS = _ABBREVIATIONS | _GREETINGS
# Introductions, as lower-case word sequences; the name follows the last word.
_INTRODUCTIONS: tuple[tuple[str, ...], ...] = (
    ("nimeni", "on"),
    ("nimi", "on"),
    ("jag", "heter"),
    ("mitt", "namn", "är"),
    ("my", "name", "is"),
)

# Finnish case endings added to a name's stem (genitive, allative, adessive, ablative,
# inessive, elative, translative, essive, partitive); both vowel-harmony variants.
_ENDINGS = ("n", "lle", "lla", "llä", "lta", "ltä", "ssa", "ssä", "sta", "stä", "ksi", "na", "nä")
_NEN_ENDINGS = (
    "sen",
    "selle",
    "sella",
    "sellä",
    "selta",
    "seltä",
    "sessa",
    "sessä",
    "sesta",
    "sestä",
    "seksi",
    "sena",
    "senä",
    "seen",
    "sta",
    "stä",
    "set",
    "sten",
)
_CONSONANT_ENDINGS = ("in", "ille", "illa", "illä", "ilta", "iltä", "issa", "issä", "ista", "istä")
_GRADATION = (("tt", "t"), ("kk", "k"), ("pp", "p"))


@dataclass(frozen=True)
class NameForms:
    """Every recognised form of the listed names (lower case), and those of ordinary words."""

    forms: frozenset[str]
    ordinary: frozenset[str]


def screen_text(text: str) -> str:
    """The text with identity codes, e-mail addresses, phone numbers and names masked."""
    screened = _IDENTITY_CODE.sub(MASK, text)
    screened = _EMAIL.sub(MASK, screened)
    screened = _PHONE.sub(_mask_phone, screened)
    return mask_names(screened)


def _mask_phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return MASK if digits >= 7 else match.group(0)


def mask_names(text: str, names: NameForms | None = None) -> str:
    """The text with every personal name the screen recognises replaced by the mask."""
    known = names or packaged_names()
    words = list(_WORD.finditer(text))
    masked = _masked_words(text, words, known)
    if not masked:
        return text
    pieces: list[str] = []
    position = 0
    for index in sorted(masked):
        match = words[index]
        pieces += [text[position : match.start()], MASK]
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _masked_words(text: str, words: list[re.Match[str]], names: NameForms) -> set[int]:
    """Indexes of the words to mask."""
    masked: set[int] = set()
    lower = [word.group(0).lower() for word in words]
    for index, word in enumerate(words):
        if not _capitalised(word.group(0)):
            continue
        introduced = _introduced(text, words, lower, index)
        follows_name = (
            index - 1 in masked
            and _adjacent(text, words[index - 1], word)
            and _listed(lower[index - 1], names)
        )
        if introduced or follows_name or _listed_name(text, words, index, names):
            masked.add(index)
        following = index + 1
        if (  # the second word of an introduced name: "hoitaja Liisa Kähkönen"
            introduced
            and following < len(words)
            and _capitalised(words[following].group(0))
            and _adjacent(text, word, words[following])
        ):
            masked.add(following)
    return masked


def _introduced(text: str, words: list[re.Match[str]], lower: list[str], index: int) -> bool:
    """The word follows a title ("lääkäri", "Dr."), a greeting that signs a message
    ("Terveisin,") or an introduction ("nimeni on"), with nothing but spaces between."""
    if index == 0:
        return False
    previous = lower[index - 1]
    between = text[words[index - 1].end() : words[index].start()]
    if between.strip() == "" or (previous in _ABBREVIATIONS and between.strip() == "."):
        if previous in _TITLE_WORDS or any(stem in previous for stem in _TITLE_STEMS):
            return True
        return any(
            index >= len(phrase) and tuple(lower[index - len(phrase) : index]) == phrase
            for phrase in _INTRODUCTIONS
        )
    return previous in _GREETINGS and between.strip() == ","


def _listed_name(text: str, words: list[re.Match[str]], index: int, names: NameForms) -> bool:
    """A capitalised listed name; an ordinary-word name opening a sentence only before or
    after another listed name ("Anna Virtanen oli …", but not "Anna palautetta …")."""
    token = words[index].group(0).lower()
    if not _listed(token, names):
        return False
    if not _opens_sentence(text, words[index]) or not _ordinary(token, names):
        return True
    following = index + 1
    return (
        following < len(words)
        and _capitalised(words[following].group(0))
        and _adjacent(text, words[index], words[following])
        and _listed(words[following].group(0).lower(), names)
    )


def _listed(token: str, names: NameForms) -> bool:
    return any(part in names.forms for part in _PARTS.split(token))


def _ordinary(token: str, names: NameForms) -> bool:
    return all(part in names.ordinary for part in _PARTS.split(token) if part in names.forms)


def _capitalised(token: str) -> bool:
    """``Matti``, ``Anna-Liisa`` or ``Anna's``, not ``matti`` nor an acronym like ``HUS``."""
    letters = [ch for ch in token if ch.isalpha()]
    return token[0].isupper() and (len(letters) == 1 or not all(ch.isupper() for ch in letters))


def _opens_sentence(text: str, word: re.Match[str]) -> bool:
    before = text[: word.start()].rstrip(" \t\"'“”«»([")
    return before == "" or before[-1] in ".!?:;\n\r"


def _adjacent(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """Only spaces between the two words (a full name is not split by punctuation)."""
    between = text[first.end() : second.start()]
    return between != "" and between.strip(" \t") == ""


def name_forms(name: str) -> set[str]:
    """A name (lower case) and its common Finnish case forms, and the Swedish genitive."""
    forms = {name, name + "s"}
    if name.endswith("nen"):
        stem = name[:-3]
        forms.update(stem + ending for ending in _NEN_ENDINGS)
    elif name[-1] in "aeiouyäö":
        stems = {name}
        for strong, weak in _GRADATION:
            head, found, tail = name[:-1].rpartition(strong)
            if found:
                stems.add(head + weak + tail + name[-1])
        forms.update(stem + ending for stem in stems for ending in _ENDINGS)
        forms.update({name + "a", name + "ä", name + name[-1] + "n"})  # Mattia, Liisaan
    else:
        forms.update(name + ending for ending in _CONSONANT_ENDINGS)
        forms.update({name + "ia", name + "iä"})
    return forms


def parse_names(lines: list[str]) -> NameForms:
    """The forms of the names in a ``names.txt`` text (see the file's header)."""
    forms: set[str] = set()
    ordinary: set[str] = set()
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        name, _, mark = entry.partition(" ")
        expanded = name_forms(name.lower())
        forms |= expanded
        if mark.strip() == ORDINARY_MARK:
            ordinary |= expanded
    return NameForms(frozenset(forms), frozenset(ordinary))


@lru_cache(maxsize=1)
def packaged_names() -> NameForms:
    """The names shipped in ``tilannekuva/feedback/data/names.txt``, read once."""
    text = files("tilannekuva.feedback").joinpath("data/names.txt").read_text(encoding="utf-8")
    return parse_names(text.splitlines())
