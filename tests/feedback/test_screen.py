"""The free-text screen: what it masks before an analyst reads a comment, and what it leaves.

Comments arrive in Finnish, Swedish and English; the screen must hide identity codes, phone
numbers, e-mail addresses and the names it can recognise (a listed name, or any capitalised
word after a title such as "lääkäri" or "Dr"), and must not turn ordinary sentences into
gibberish: a name that is also an ordinary word ("Anna" = give, "Satu" = fairy tale) keeps its
place at the start of a sentence unless a surname follows it.
"""

from __future__ import annotations

import pytest

from tilannekuva.feedback.screen import MASK, mask_names, name_forms, packaged_names, screen_text

M = MASK


@pytest.mark.parametrize(
    ("text", "screened"),
    [
        # identity codes, phone numbers, e-mail addresses
        ("Hetu 131052-308T kirjattiin väärin.", f"Hetu {M} kirjattiin väärin."),
        ("Soittakaa 040 123 4567 tai +358 40 1234567", f"Soittakaa {M} tai {M}"),
        ("Mail me at anna.virtanen@example.fi please", f"Mail me at {M} please"),
        # Finnish: listed names, full names, case forms, titles
        ("Lääkäri Virtanen oli todella ystävällinen.", f"Lääkäri {M} oli todella ystävällinen."),
        ("Matti Kähkönen hoiti minua hyvin.", f"{M} {M} hoiti minua hyvin."),
        ("Kiitos Matille ja Pekalle!", f"Kiitos {M} ja {M}!"),
        ("Kiitos hoitajalle Liisalle.", f"Kiitos hoitajalle {M}."),
        ("Aika meni hyvin, kiitos Virtaselle!", f"Aika meni hyvin, kiitos {M}!"),
        ("Terveydenhoitaja Kyllönen auttoi.", f"Terveydenhoitaja {M} auttoi."),
        ("Nimeni on Aada Pöllänen ja odotin tunnin.", f"Nimeni on {M} {M} ja odotin tunnin."),
        ("Anna Virtanen oli mukava.", f"{M} {M} oli mukava."),
        ("Terveisin,\nJuha", f"Terveisin,\n{M}"),
        # Swedish
        ("Läkaren Johansson var snäll.", f"Läkaren {M} var snäll."),
        ("Jag heter Karin Nyberg.", f"Jag heter {M} {M}."),
        ("Tack till sjuksköterskan Eva.", f"Tack till sjuksköterskan {M}."),
        ("Vi träffade Annika och Lars.", f"Vi träffade {M} och {M}."),
        # English
        ("Dr. Smith was great, thanks.", f"Dr. {M} was great, thanks."),
        ("My name is John Smith and I waited long.", f"My name is {M} {M} and I waited long."),
        ("The nurse Emma explained everything.", f"The nurse {M} explained everything."),
        ("I met Anna-Liisa and Anna's son.", f"I met {M} and {M} son."),
    ],
)
def test_personal_details_are_masked(text: str, screened: str) -> None:
    assert screen_text(text) == screened


@pytest.mark.parametrize(
    "text",
    [
        "Anna palautetta useammin, se auttaa.",  # anna = give
        "Satu oli kertomus, jonka luin odotellessa.",  # satu = fairy tale
        "Palvelu oli hyvää. Per person var det dyrt.",  # Swedish per
        "Koski on kaunis paikka, hoito oli hyvä.",  # not on the list: a place
        "Hoitaja oli ystävällinen. Kiitos.",  # a title, then a new sentence
        "The nurse. Then I left.",
        "Jag fick bra vård och snabb hjälp.",
        "The doctor listened and the waiting time was short.",
        "HUS ja KELA hoitivat asiat.",  # acronyms
        "Odotin 45 minuuttia, mutta hoito oli hyvää.",
        "lääkäri oli kiireinen mutta asiallinen",
        "Arvo hoidolle: erinomainen.",  # arvo = value
        "Onni oli, että pääsin heti.",  # onni = luck
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert screen_text(text) == text


def test_lower_case_names_are_ordinary_words() -> None:
    assert mask_names("kallio ja niemi ja laine") == "kallio ja niemi ja laine"


def test_an_ordinary_word_name_is_masked_inside_a_sentence() -> None:
    assert mask_names("Kiitos Satu, olit ihana.") == f"Kiitos {M}, olit ihana."


def test_finnish_case_forms_of_names() -> None:
    forms = name_forms("matti")
    assert {"matti", "matin", "matille", "mattia", "matista"} <= forms
    assert {"virtasen", "virtaselle", "virtasta"} <= name_forms("virtanen")
    assert {"liisan", "liisalle", "liisaa"} <= name_forms("liisa")
    assert "eriks" in name_forms("erik") and "erikille" in name_forms("erik")


def test_the_packaged_list_has_common_first_names_and_surnames() -> None:
    names = packaged_names()
    for name in ("matti", "liisa", "juha", "anna", "erik", "karin", "korhonen", "virtanen"):
        assert name in names.forms
    assert "anna" in names.ordinary and "matti" not in names.ordinary
    assert len(names.forms) > 3000  # ~330 names with their case forms
