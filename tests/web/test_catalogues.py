"""Every text of the web app exists in Finnish and Swedish (product brief: fi first, sv, en).

The message ids are extracted from the templates and the Python modules exactly as
``make translations`` does (``babel.cfg``), so a string added without translations fails here,
and so does a translation whose placeholders differ from its message id. The data-quality
checks' descriptions and actions (``quality/checks.py``, marked ``translatable``) are included.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tilannekuva.web.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    found = set()
    keywords = {**DEFAULT_KEYWORDS, "translatable": None}
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


@pytest.fixture(scope="module")
def messages() -> set[str]:
    found = source_messages()
    assert len(found) > 50, "extraction found almost nothing: is babel.cfg right?"
    return found


@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_every_message_is_translated(messages: set[str], locale: str) -> None:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    translated = {str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(messages - set(translated))
    assert not missing, f"{locale}: {len(missing)} messages without translation: {missing[:10]}"
    for message_id, text in translated.items():
        assert set(PLACEHOLDER.findall(message_id)) == set(PLACEHOLDER.findall(text)), (
            f"{locale}: placeholders differ in {message_id!r}"
        )


def test_the_english_catalogue_exists_for_plural_forms() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        assert read_po(handle, locale="en").locale is not None
