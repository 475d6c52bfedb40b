"""What an SMS reply says: a score 0–10, an opt-out, or other text.

The invitation asks for "a number 0–10", and people answer the way they write to a person:
``9``, ``9.``, ``9/10``, ``arvosana 9``, ``ysi``, ``nio``, ``ten``, ``9, friendly staff``.
Reading more into a reply than it says would store answers nobody gave, so the rules are
strict where a reply is ambiguous:

- a score is ONE whole number 0–10: two different numbers (``9 tai 10``), a number outside the
  scale (``11``, ``95``, ``-1``) or a decimal (``8,5``) is not a score;
- digits may be followed by a comment (``9, ystävällinen henkilökunta``), which is kept as the
  answer's free text; a number written as a word counts only on its own (``yksi parhaista``,
  "one of the best", is not a score of 1);
- ``STOP``, ``LOPETA`` or ``SLUTA`` alone (any case, punctuation around it) is an opt-out —
  the words the invitation itself names, in the three languages.

Everything else is other text; :mod:`conversation` decides what to do with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SCALE = range(0, 11)
OPT_OUT_WORDS = frozenset({"stop", "lopeta", "sluta"})

_FINNISH = {
    "nolla": 0, "yksi": 1, "kaksi": 2, "kolme": 3, "neljä": 4, "viisi": 5, "kuusi": 6,
    "seitsemän": 7, "kahdeksan": 8, "yhdeksän": 9, "kymmenen": 10,
    # colloquial names of the school grades, as Finns write them
    "ykkönen": 1, "kakkonen": 2, "kolmonen": 3, "nelonen": 4, "vitonen": 5, "kuutonen": 6,
    "seiska": 7, "kasi": 8, "ysi": 9, "kymppi": 10,
}  # fmt: skip
_SWEDISH = {
    "noll": 0, "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
}  # fmt: skip
_ENGLISH = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


def _with_ascii_spellings(words: dict[str, int]) -> dict[str, int]:
    """Phones without Nordic letters write ``yhdeksan`` and ``atta``; accept both."""
    plain = {
        unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode(): value
        for word, value in words.items()
    }
    return {**plain, **words}


NUMBER_WORDS = _with_ascii_spellings({**_FINNISH, **_SWEDISH, **_ENGLISH})
# Words that also mean "a"/"one of": inside a sentence they are not a number.
_ARTICLES = frozenset({"one", "en", "ett", "yksi"})
# Words people put around a score that say nothing else.
_LEAD_WORDS = frozenset(
    {
        *("arvosana", "arvosanani", "arvio", "arvioni", "vastaus", "vastaukseni", "annan"),
        *("antaisin", "numero", "pisteet", "täysi", "taysi"),
        *("betyg", "betyget", "mitt", "svar", "jag", "ger", "skulle", "ge"),
        *("score", "rating", "grade", "my", "answer", "i", "d", "would", "give"),
    }
)
_UNIT_WORDS = frozenset({"p", "pistettä", "pistetta", "pts", "points", "poäng", "poang"})
_COURTESY_WORDS = frozenset({"kiitos", "kiitti", "tack", "thanks", "thank", "you", "thx"})
_OUT_OF_WORDS = frozenset({"of", "av"})  # "9 out of 10", "9 av 10"
_MINUS = frozenset("-−–")

_TOKEN = re.compile(r"(?P<num>[0-9]+(?:[.,][0-9]+)?)|(?P<word>[^\W\d_]+)|(?P<sym>\S)")


@dataclass(frozen=True)
class Score:
    """A score 0–10; ``comment`` is what was written after it, if anything."""

    value: int
    comment: str | None = None


@dataclass(frozen=True)
class OptOut:
    """The sender wants no more messages."""


@dataclass(frozen=True)
class OtherText:
    """Anything that is neither a score nor an opt-out (the text, stripped)."""

    text: str


Reply = Score | OptOut | OtherText


@dataclass(frozen=True)
class _Token:
    kind: str  # num, word, sym
    text: str
    start: int
    end: int

    @property
    def folded(self) -> str:
        return self.text.casefold()


def parse_reply(text: str) -> Reply:
    """Read one SMS reply (never raises)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    tokens = [
        _Token(match.lastgroup or "sym", match.group(), match.start(), match.end())
        for match in _TOKEN.finditer(cleaned)
    ]
    said = [token.folded for token in tokens if token.kind != "sym"]
    if len(said) == 1 and said[0] in OPT_OUT_WORDS:
        return OptOut()
    score = _score(cleaned, tokens)
    return score if score is not None else OtherText(cleaned)


def _score(cleaned: str, tokens: list[_Token]) -> Score | None:
    tokens = _without_denominators(tokens)
    digits = [token for token in tokens if token.kind == "num"]
    spelled = [token for token in tokens if token.kind == "word" and token.folded in NUMBER_WORDS]
    if digits:
        spelled = [token for token in spelled if token.folded not in _ARTICLES]
    numbers = digits + spelled
    if not numbers:
        return None
    position = {id(token): index for index, token in enumerate(tokens)}
    values = {_value(tokens, position[id(token)]) for token in numbers}
    if len(values) != 1:
        return None
    (value,) = values
    if value is None:
        return None
    first = min(numbers, key=lambda token: token.start)
    before = [token for token in tokens if token.end <= first.start and token.kind == "word"]
    if any(token.folded not in _LEAD_WORDS for token in before):
        return None
    after = [token for token in tokens if token.start >= first.end]
    if first.kind == "word":
        # a spelled number counts only on its own: "kymmenen!", "nio, tack"
        extra = [
            token
            for token in after
            if token.kind != "sym"
            and token.folded not in _COURTESY_WORDS | _UNIT_WORDS
            and token.folded != first.folded
        ]
        return None if extra else Score(value)
    return Score(value, _comment(cleaned, after))


def _without_denominators(tokens: list[_Token]) -> list[_Token]:
    """Drop the ``10`` of ``9/10``, ``9 / 10``, ``9 of 10``, ``9 out of 10``, ``9 av 10``."""
    kept: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kept.append(token)
        index += 1
        if token.kind != "num":
            continue
        lookahead = index
        if lookahead < len(tokens) and tokens[lookahead].folded == "out":
            lookahead += 1
        if lookahead < len(tokens) and (
            tokens[lookahead].text == "/" or tokens[lookahead].folded in _OUT_OF_WORDS
        ):
            following = lookahead + 1
            if following < len(tokens) and tokens[following].text == "10":
                index = following + 1
    return kept


def _value(tokens: list[_Token], position: int) -> int | None:
    """The number ``tokens[position]`` stands for; None for a decimal, a negative or a number
    outside 0–10."""
    token = tokens[position]
    if token.kind == "word":
        return NUMBER_WORDS[token.folded]
    if not token.text.isdigit():
        return None  # 8,5 or 8.5
    if position > 0 and _is_minus_sign(tokens, position - 1):
        return None  # -1
    value = int(token.text)
    return value if value in SCALE else None


def _is_minus_sign(tokens: list[_Token], position: int) -> bool:
    """A minus glued to the number that follows it, but not to a word or number before it
    (``9-10`` is a range: two numbers)."""
    sign = tokens[position]
    if sign.text not in _MINUS or sign.end != tokens[position + 1].start:
        return False
    if position == 0:
        return True
    previous = tokens[position - 1]
    return previous.end != sign.start or previous.kind == "sym"


def _comment(cleaned: str, after: list[_Token]) -> str | None:
    """The words after a score, if any say more than "points" or "thanks"."""
    rest = list(after)
    while rest and (rest[0].kind == "sym" or rest[0].folded in _UNIT_WORDS):
        rest.pop(0)
    if not any(token.kind == "word" for token in rest):
        return None
    if all(token.folded in _COURTESY_WORDS for token in rest if token.kind == "word"):
        return None
    return cleaned[rest[0].start :].strip()
