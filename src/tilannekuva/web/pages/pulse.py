"""The anonymous staff pulse form ``/pulse/{token}``: a few statements on a 1–5 scale.

Staff get one-time links that name a unit and a month, never a person (``feedback/pulse.py``);
the page says so plainly, and that results are reported only for groups of five or more, so
people can answer honestly. One answer per link is kept by the store (the token is claimed in
the same transaction as the answer is stored), so a double submission changes nothing. Like
the web-link form it needs no session CSRF token: the unguessable token in the address is
what a forged cross-site POST would lack. Every response is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from tilannekuva.feedback.pulse import SMALLEST_GROUP, PulseLinkClosed
from tilannekuva.feedback.questionnaire import Questionnaire
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.pulse import PulseLink
from tilannekuva.web.pages.feedback_form import (
    NO_STORE,
    Question,
    message_page,
    pulse_question,
    read_choice,
)
from tilannekuva.web.templating import render, request_locale, translator

router = APIRouter()


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback_store
    return store


def pulse_questions(
    questionnaire: Questionnaire, language: str, values: dict[str, int | None]
) -> list[Question]:
    labels = tuple(questionnaire.pulse_scale.get(language) or questionnaire.pulse_scale["fi"])
    return [
        pulse_question(item, labels, language, values.get(item.key))
        for item in questionnaire.pulse_items
    ]


def _unknown(request: Request) -> HTMLResponse:
    _ = translator(request)
    return message_page(
        request,
        _("Pulse link not found"),
        _(
            "This pulse link is not valid. Please check that the whole address was copied.",
        ),
        status_code=404,
    )


def _expired(request: Request) -> HTMLResponse:
    _ = translator(request)
    return message_page(
        request,
        _("This pulse link has expired"),
        _("Answers through this link are no longer accepted."),
        status_code=410,
    )


def _thanks(request: Request) -> HTMLResponse:
    _ = translator(request)
    return message_page(
        request,
        _("Thank you for your answer"),
        _(
            "Your answer has been saved anonymously. You can close this page.",
        ),
    )


def _closed(request: Request, link: PulseLink | None) -> HTMLResponse | None:
    if link is None:
        return _unknown(request)
    if link.used:
        _ = translator(request)
        return message_page(
            request,
            _("This pulse link has already been used"),
            _("Each link takes one answer, and this one has been answered."),
        )
    if link.expired:
        return _expired(request)
    return None


def _form(
    request: Request, link: PulseLink, *, error: bool = False, status_code: int = 200
) -> HTMLResponse:
    questionnaire: Questionnaire = request.app.state.questionnaire
    language = request_locale(request)
    response = render(
        request,
        "pulse.html",
        {
            "questions": pulse_questions(questionnaire, language, {}),
            "error": error,
            "period": link.period,
            "smallest_group": SMALLEST_GROUP,
            "action": request.url.path,
        },
        status_code=status_code,
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/pulse/{token}", response_class=HTMLResponse, include_in_schema=False)
async def pulse_form(request: Request, token: str) -> HTMLResponse:
    link = await run_in_threadpool(_store(request).pulse_token, token)
    closed = _closed(request, link)
    if closed is not None:
        return closed
    assert link is not None
    return _form(request, link)


@router.post("/pulse/{token}", response_class=HTMLResponse, include_in_schema=False)
async def pulse_answer(request: Request, token: str) -> HTMLResponse:
    form = await request.form()
    store = _store(request)
    link = await run_in_threadpool(store.pulse_token, token)
    if link is None:
        return _unknown(request)
    if link.used:
        return _thanks(request)  # a double submission: the first one was stored
    if link.expired:
        return _expired(request)
    questionnaire: Questionnaire = request.app.state.questionnaire
    items = {
        item.key: value
        for item in questionnaire.pulse_items
        if (value := read_choice(form, item.key, range(1, 6))) is not None
    }
    if not items:
        return _form(request, link, error=True, status_code=422)
    try:
        await run_in_threadpool(store.record_pulse_answer, token, items)
    except PulseLinkClosed as closed:
        return _expired(request) if closed.reason == "expired" else _unknown(request)
    return _thanks(request)  # stored now, or by a simultaneous first submission
