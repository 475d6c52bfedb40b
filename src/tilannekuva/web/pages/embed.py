"""Embeddable public views: the county scorecard without the site's header, for an iframe.

A county publishes its key figures on its own website by embedding ``/embed/scorecard``
(``?lang=sv`` or ``?lang=en`` for other languages). These pages are always computed for the
``public`` role, even for a signed-in analyst, because whatever is embedded is published; and
only they may be framed by other sites (``frame-ancestors`` in ``app.py``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tilannekuva.web.i18n import Formatter
from tilannekuva.web.pages.scorecard import build_cards
from tilannekuva.web.templating import render, request_locale, translator

router = APIRouter()

EMBED_ROLE = "public"


@router.get("/embed/scorecard", response_class=HTMLResponse, include_in_schema=False)
def embedded_scorecard(request: Request) -> HTMLResponse:
    snapshot = request.app.state.snapshots.current()
    locale = request_locale(request)
    cards = build_cards(snapshot, EMBED_ROLE, Formatter(locale), locale, translator(request))
    quarter = next((card.line.judged for card in cards if card.line.quarter), None)
    return render(request, "scorecard.html", {"cards": cards, "quarter": quarter}, embed=True)
