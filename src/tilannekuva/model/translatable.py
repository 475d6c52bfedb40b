"""A marker for English texts declared as data that the web app shows translated.

Lower layers declare some texts once in English (a data-quality check's description and
action); wrapping them in :func:`translatable` lets ``make translations`` extract them into the
web app's catalogues (``babel.cfg``) without the lower layer knowing anything about languages.
"""

from __future__ import annotations


def translatable(text: str) -> str:
    """Return ``text`` unchanged; its only job is to mark it for extraction."""
    return text
