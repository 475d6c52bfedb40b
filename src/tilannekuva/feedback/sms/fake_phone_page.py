"""The fake gateway's ``/phone`` page: what a customer's phone would show, with a reply box.

It stands for an external system (the provider and the customers' phones), so its text is
English and not translated; it is still a proper page — a language, a title, headings, a
label for every reply box — so that anyone running the demo can use it with a keyboard or a
screen reader. Every message is escaped; links in messages (the follow-up form) are made
clickable so the demo can go on from the phone to the form.
"""

from __future__ import annotations

import html
import re

_LINK = re.compile(r"https?://[^\s<>\"]+")


def _linked(text: str) -> str:
    """Escape a message and make its links clickable (the follow-up form link)."""
    parts: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group())
        parts.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def render_phone_page(conversations: dict[str, list[tuple[str, str, str]]]) -> str:
    """The fake phone: per number, the messages received and sent, and a reply box."""
    sections = []
    for index, (number, items) in enumerate(conversations.items()):
        anchor = f"phone-{number.lstrip('+')}"
        rows = "".join(
            f'<li class="{direction}"><span class="who">'
            f"{'Received' if direction == 'in' else 'Sent'}</span> "
            f'<time datetime="{html.escape(at)}">{html.escape(at[11:19])}</time> '
            f"<p>{_linked(text)}</p></li>"
            for direction, at, text in items
        )
        sections.append(
            f'<section id="{anchor}" aria-labelledby="{anchor}-title">'
            f'<h2 id="{anchor}-title">{html.escape(number)}</h2>'
            f"<ol>{rows}</ol>"
            f'<form method="post" action="/phone/reply#{anchor}">'
            f'<input type="hidden" name="phone" value="{html.escape(number)}">'
            f'<label for="reply-{index}">Reply from {html.escape(number)}</label> '
            f'<input id="reply-{index}" name="text" autocomplete="off" required> '
            f'<button type="submit">Send</button></form></section>'
        )
    body = "".join(sections) or "<p>No messages yet.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Fake phone — SMS gateway</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;"
        "color:#111;background:#fff}"
        "ol{list-style:none;padding:0}li{margin:.5rem 0;padding:.5rem;border-radius:.5rem}"
        "li.in{background:#e8eef7}li.out{background:#e6f4ea;margin-left:3rem}"
        "li p{margin:.25rem 0 0}.who{font-weight:600}"
        "section{border-bottom:1px solid #888;padding-bottom:1rem}"
        "input[name=text]{font-size:1.1rem;padding:.4rem;min-width:8rem}"
        "button{font-size:1.1rem;padding:.4rem 1rem}a{color:#0645ad}"
        "</style></head><body><main><h1>Fake phone</h1>"
        "<p>This page stands for the SMS provider and the customers' phones: messages the "
        'service sent, and a box to reply. <a href="/phone">Refresh</a></p>'
        f"{body}</main></body></html>"
    )
