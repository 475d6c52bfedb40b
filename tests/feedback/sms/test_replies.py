"""Reading SMS replies: every form of a score, the opt-out words, and what is not a score."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilannekuva.feedback.sms.replies import (
    NUMBER_WORDS,
    OPT_OUT_WORDS,
    OptOut,
    OtherText,
    Reply,
    Score,
    parse_reply,
)

SCORES: list[tuple[str, Reply]] = [
    # digits, decorated the way people write
    ("9", Score(9)),
    (" 9 ", Score(9)),
    ("9.", Score(9)),
    ("9!", Score(9)),
    ("9!!", Score(9)),
    ("9/10", Score(9)),
    ("9 / 10", Score(9)),
    ("10/10", Score(10)),
    ("9 out of 10", Score(9)),
    ("9 av 10", Score(9)),
    ("9p", Score(9)),
    ("9 p.", Score(9)),
    ("9 pistettä", Score(9)),
    ("(9)", Score(9)),
    ('"9"', Score(9)),
    ("09", Score(9)),
    ("0", Score(0)),
    ("10", Score(10)),
    ("9 👍", Score(9)),
    ("9 9", Score(9)),
    ("9, kiitos", Score(9)),
    ("arvosana 9", Score(9)),
    ("Arvosana: 9", Score(9)),
    ("annan 9", Score(9)),
    ("betyg 9", Score(9)),
    ("jag ger 9", Score(9)),
    ("score 9", Score(9)),
    ("I'd give 9", Score(9)),
    ("my rating: 9/10", Score(9)),
    # digits with a comment after them
    ("9, ystävällinen henkilökunta", Score(9, "ystävällinen henkilökunta")),
    ("10 Great staff!", Score(10, "Great staff!")),
    ("10, one of the best", Score(10, "one of the best")),
    ("8 - jonotus kesti", Score(8, "jonotus kesti")),
    # number words in the three languages
    ("nolla", Score(0)),
    ("yksi", Score(1)),
    ("kaksi", Score(2)),
    ("kolme", Score(3)),
    ("neljä", Score(4)),
    ("viisi", Score(5)),
    ("kuusi", Score(6)),
    ("seitsemän", Score(7)),
    ("kahdeksan", Score(8)),
    ("yhdeksän", Score(9)),
    ("Yhdeksän!", Score(9)),
    ("yhdeksan", Score(9)),
    ("kymmenen", Score(10)),
    ("kymppi", Score(10)),
    ("ysi", Score(9)),
    ("täysi kymppi", Score(10)),
    ("noll", Score(0)),
    ("ett", Score(1)),
    ("två", Score(2)),
    ("fem", Score(5)),
    ("åtta", Score(8)),
    ("atta", Score(8)),
    ("nio", Score(9)),
    ("Nio, tack", Score(9)),
    ("tio", Score(10)),
    ("zero", Score(0)),
    ("one", Score(1)),
    ("seven", Score(7)),
    ("nine", Score(9)),
    ("NINE", Score(9)),
    ("ten", Score(10)),
    ("ten, thanks", Score(10)),
]

NOT_SCORES = [
    "11",
    "-1",
    "- 1 -",  # spaced out: still a minus sign? no: a dash around a score is decoration
    "95",
    "100",
    "8,5",
    "8.5",
    "9 tai 10",
    "9-10",
    "9 or 10",
    "nine or ten",
    "yhdeksän tai kymmenen",
    "9, odotin 20 min",
    "yksi parhaista",  # "one of the best": a word inside a sentence is not a number
    "one of the best",
    "en bra tjänst",
    "Lääkäri oli 5 min myöhässä",
    "Kiitos hyvästä palvelusta",
    "hello",
    "?",
    "",
    "+358 40 123 4567",
]

OPT_OUTS = ["STOP", "stop", "Stop", " stop ", "stop.", "STOP!", "LOPETA", "lopeta", "Lopeta.",
            "SLUTA", "sluta", "  Sluta! ", "'STOP'", "*stop*"]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SCORES)
def test_every_form_of_a_score(text: str, expected: Reply) -> None:
    assert parse_reply(text) == expected


@pytest.mark.parametrize("text", [t for t in NOT_SCORES if t != "- 1 -"])
def test_what_is_not_a_score_is_other_text(text: str) -> None:
    assert parse_reply(text) == OtherText(text.strip())


def test_a_dash_set_apart_is_decoration_not_a_minus() -> None:
    assert parse_reply("- 1 -") == Score(1)
    assert parse_reply("-1") == OtherText("-1")


@pytest.mark.parametrize("text", OPT_OUTS)
def test_opt_out_words_in_any_case_with_punctuation(text: str) -> None:
    assert parse_reply(text) == OptOut()


@pytest.mark.parametrize("text", ["stop it", "please stop", "STOP 9", "stopp", "lopettaa"])
def test_an_opt_out_word_in_a_sentence_is_not_an_opt_out(text: str) -> None:
    assert not isinstance(parse_reply(text), OptOut)


# --- properties -------------------------------------------------------------------------------

decoration_before = st.sampled_from(["", " ", "  ", "arvosana ", "Arvosana: ", "betyg ", "score "])
decoration_after = st.sampled_from(["", " ", ".", "!", "!!", "/10", " / 10", " p", " pistettä"])


@given(st.integers(0, 10), decoration_before, decoration_after)
def test_any_decorated_score_is_read(value: int, before: str, after: str) -> None:
    assert parse_reply(f"{before}{value}{after}") == Score(value)


@given(st.integers().filter(lambda n: not 0 <= n <= 10), decoration_before, decoration_after)
def test_a_number_outside_the_scale_is_never_a_score(value: int, before: str, after: str) -> None:
    assert not isinstance(parse_reply(f"{before}{value}{after}"), Score)


@given(st.integers(0, 10), st.integers(0, 99), st.sampled_from([",", "."]))
def test_a_decimal_is_never_a_score(whole: int, fraction: int, mark: str) -> None:
    assert not isinstance(parse_reply(f"{whole}{mark}{fraction}"), Score)


@given(st.integers(0, 10), st.integers(0, 10), st.sampled_from([" ", " tai ", " or ", ", "]))
def test_two_different_numbers_are_not_a_score(first: int, second: int, joint: str) -> None:
    reply = parse_reply(f"{first}{joint}{second}")
    if first == second:  # the same number twice is still that score
        assert isinstance(reply, Score) and reply.value == first
    else:
        assert not isinstance(reply, Score)


@given(st.sampled_from(sorted(NUMBER_WORDS)), st.sampled_from(["", "!", ".", " "]))
def test_every_number_word_alone_is_its_number(word: str, punctuation: str) -> None:
    for written in (word, word.upper(), word.capitalize()):
        assert parse_reply(written + punctuation) == Score(NUMBER_WORDS[word])


@given(
    st.sampled_from(sorted(OPT_OUT_WORDS)),
    st.sampled_from(["", " ", ".", "!", "  "]),
    st.sampled_from(["", " ", "*"]),
    st.booleans(),
)
def test_opt_out_word_with_any_case_and_punctuation(
    word: str, after: str, before: str, upper: bool
) -> None:
    assert parse_reply(f"{before}{word.upper() if upper else word}{after}") == OptOut()


@given(st.text(max_size=200))
def test_any_text_is_read_without_failing(text: str) -> None:
    reply = parse_reply(text)
    if isinstance(reply, Score):
        assert 0 <= reply.value <= 10
        assert reply.comment is None or reply.comment.strip()


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No")), max_size=60))
def test_text_without_digits_or_number_words_is_never_a_score(text: str) -> None:
    words = {word.strip(".,!?").casefold() for word in text.split()}
    if not words & set(NUMBER_WORDS):
        assert not isinstance(parse_reply(text), Score)
