"""The waiting-room kiosk ``/kiosk/{kiosk_id}``: a tablet fixed to a unit, one customer after
another, no sign-in.

The screen is kept short (issue 4: quick and easy): the recommendation question and the
national statements chosen for the unit's service, on one screen, with large touch targets and
language buttons (fi, sv, en) that apply to this screen only, so the next customer starts in
the kiosk's own language.

Double submissions: every rendered form carries a random nonce, signed with the app's secret
(itsdangerous) together with the kiosk id. The answer is stored under the key
``kiosk:<kiosk_id>:<nonce>``, unique in the store, so a double tap or a resent POST stores one
answer; a nonce that was not signed by this app (or for another kiosk) is refused, so answers
cannot be made up by posting to the address. The kiosk id itself is random, so a stranger
cannot aim answers at an arbitrary unit.

After an answer a thank-you screen returns to a fresh form by itself (``static/kiosk.js``),
and a half-filled form is cleared after a minute without touches; without JavaScript the
"new answer" button does the same. Every response is ``Cache-Control: no-store``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from tilannekuva.feedback.questionnaire import Questionnaire
from tilannekuva.feedback.store import Answer, FeedbackStore
from tilannekuva.feedback.store.kiosks import Kiosk
from tilannekuva.web.i18n import LANGUAGE_NAMES, LOCALES
from tilannekuva.web.pages.feedback_form import (
    NO_STORE,
    NPS_FIELD,
    Question,
    message_page,
    nps_question,
    read_choice,
    statement_question,
)
from tilannekuva.web.templating import render, translator

router = APIRouter()

KIOSK_CHANNEL = "kiosk"
FORM_SALT = "tilannekuva.kiosk-form"
FORM_MAX_AGE = 24 * 60 * 60  # a form left on the screen overnight is not accepted
IDLE_SECONDS = 60  # a half-filled form is cleared after this long without a touch
THANKS_SECONDS = 8  # the thank-you screen returns to a fresh form after this long


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.config.secret_key, salt=FORM_SALT)


def new_form_token(request: Request, kiosk_id: str) -> str:
    """A signed, random nonce for one rendering of the kiosk's form."""
    return _serializer(request).dumps([kiosk_id, secrets.token_urlsafe(12)])


def form_nonce(request: Request, kiosk_id: str, token: str) -> str | None:
    """The nonce of a form token this app signed for this kiosk, else None."""
    try:
        data = _serializer(request).loads(token, max_age=FORM_MAX_AGE)
    except BadSignature:
        return None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or data[0] != kiosk_id
        or not isinstance(data[1], str)
    ):
        return None
    return data[1]


@dataclass(frozen=True)
class KioskLanguage:
    code: str
    name: str
    href: str
    current: bool


def _home(kiosk_id: str) -> str:
    return "/kiosk/" + quote(kiosk_id, safe="")


def _language(request: Request, kiosk: Kiosk) -> str:
    """``?lang=`` chosen on this screen, else the kiosk's language (never a cookie: the
    tablet is shared)."""
    chosen = request.query_params.get("lang")
    language = chosen if chosen in LOCALES else kiosk.language
    request.state.locale = language
    return language


def _kiosk_or_none(request: Request, kiosk_id: str) -> Kiosk | None:
    store: FeedbackStore = request.app.state.feedback_store
    kiosk = store.kiosk(kiosk_id)
    return kiosk if kiosk is not None and kiosk.active else None


def _not_in_use(request: Request) -> HTMLResponse:
    _ = translator(request)
    return message_page(
        request,
        _("Kiosk not found"),
        _("This feedback kiosk is not in use."),
        status_code=404,
    )


def _service_area(request: Request, kiosk: Kiosk) -> str | None:
    """The kiosk's service, else its unit's service area in the current load."""
    if kiosk.service_area:
        return kiosk.service_area
    unit = request.app.state.snapshots.current().unit(kiosk.unit_id)
    return unit.service_area if unit is not None else None


def kiosk_questions(
    questionnaire: Questionnaire,
    service_area: str | None,
    language: str,
    values: dict[str, int | None],
) -> list[Question]:
    labels = tuple(questionnaire.scale_labels.get(language) or questionnaire.scale_labels["fi"])
    return [
        nps_question(questionnaire, language, values.get(NPS_FIELD)),
        *(
            statement_question(statement, labels, language, values.get(statement.key))
            for statement in questionnaire.statements_for(service_area)
        ),
    ]


def _page(
    request: Request,
    kiosk: Kiosk,
    *,
    thanks: bool = False,
    error: str | None = None,
    form_token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = _language(request, kiosk)
    home = _home(kiosk.kiosk_id)
    questionnaire: Questionnaire = request.app.state.questionnaire
    languages = [
        KioskLanguage(code, LANGUAGE_NAMES[code], f"{home}?lang={code}", code == language)
        for code in LOCALES
    ]
    response = render(
        request,
        "kiosk.html",
        {
            "kiosk": kiosk,
            "home": home,
            "kiosk_languages": languages,
            "thanks": thanks,
            "error": error,
            "questions": []
            if thanks
            else kiosk_questions(questionnaire, _service_area(request, kiosk), language, {}),
            "form_token": form_token or new_form_token(request, kiosk.kiosk_id),
            "action": f"{home}?lang={language}",
            "idle_seconds": IDLE_SECONDS,
            "thanks_seconds": THANKS_SECONDS,
        },
        status_code=status_code,
    )
    response.headers.update(NO_STORE)
    response.headers["Content-Language"] = language
    return response


@router.get("/kiosk/{kiosk_id}", response_class=HTMLResponse, include_in_schema=False)
async def kiosk_form(request: Request, kiosk_id: str) -> HTMLResponse:
    kiosk = await run_in_threadpool(_kiosk_or_none, request, kiosk_id)
    if kiosk is None:
        return _not_in_use(request)
    return _page(request, kiosk)


@router.post("/kiosk/{kiosk_id}", response_class=HTMLResponse, include_in_schema=False)
async def kiosk_answer(request: Request, kiosk_id: str) -> HTMLResponse:
    form = await request.form()
    kiosk = await run_in_threadpool(_kiosk_or_none, request, kiosk_id)
    if kiosk is None:
        return _not_in_use(request)
    language = _language(request, kiosk)
    _ = translator(request)  # in the screen's language
    posted = form.get("form_token")
    token = posted if isinstance(posted, str) else ""
    nonce = form_nonce(request, kiosk_id, token)
    if nonce is None:
        refused = _("The form could not be accepted. Please answer again.")
        return _page(request, kiosk, error=refused, status_code=400)
    questionnaire: Questionnaire = request.app.state.questionnaire
    service_area = _service_area(request, kiosk)
    questions = kiosk_questions(questionnaire, service_area, language, {})
    values = {
        q.name: read_choice(form, q.name, range(11) if q.name == NPS_FIELD else range(6))
        for q in questions
    }
    if all(value is None for value in values.values()):
        empty = _("Choose at least one answer before sending.")
        return _page(request, kiosk, error=empty, form_token=token, status_code=422)
    store: FeedbackStore = request.app.state.feedback_store
    answer = Answer(
        answer_key=f"kiosk:{kiosk.kiosk_id}:{nonce}",
        unit_id=kiosk.unit_id,
        channel=KIOSK_CHANNEL,
        language=language,
        questionnaire_version=questionnaire.version,
        submitted_at=store.now(),
        service_area=service_area,
        nps=values.pop(NPS_FIELD),
        statements={key: value for key, value in values.items() if value is not None},
    )
    await run_in_threadpool(store.record_answer, answer)  # a second tap finds it stored
    return _page(request, kiosk, thanks=True)
