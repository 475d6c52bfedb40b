"""The one-time web-link feedback form ``/f/{token}``: mobile first, WCAG 2.1 AA, no JavaScript.

A customer opens the link from the SMS (or e-mail) on a phone. The form asks the national
structure (domain.md §5.1): the recommendation question (0–10), the 2–7 national statements
chosen for the invitation's service, the county's own statements and an open comment. Every
question may be skipped; only an entirely empty submission is refused, with an error message
linked to the first field (WCAG 3.3.1).

Why there is no session CSRF token here: the form has no session. What protects it is the
unguessable one-time token in the address (144 random bits, stored only as its hash): a
forged cross-site POST would have to know the token, and whoever knows it is the respondent.
One answer per invitation is guaranteed by the store, not by the page: the answer key is
``web:<invitation_id>``, unique in the database, so a resubmission or a double tap stores
nothing new.

States of a link, in order: unknown (404), expired (410), already answered through the form
(thank-you page), the invitation already has an SMS score (the form without the
recommendation question, completing that answer), else the full form. Every response is
``Cache-Control: no-store``: the page shows one person's state.

The page language is the invitation's language unless the reader chose one (``?lang=`` or the
language switch); the answer is stored with the language the page was shown in.

The helpers that build and read scale questions are shared with the kiosk and the staff pulse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tilannekuva.feedback.questionnaire import Questionnaire, Statement
from tilannekuva.feedback.store import Answer, FeedbackStore, Invitation, StoredAnswer
from tilannekuva.web.i18n import LOCALES
from tilannekuva.web.pages.language import LOCALE_COOKIE
from tilannekuva.web.templating import render, request_locale, translator

router = APIRouter()

NO_STORE = {"Cache-Control": "no-store, private"}
WEB_CHANNEL = "web_link"
NPS_FIELD = "nps"
COMMENT_FIELD = "comment"
COMMENT_LIMIT = 2000


# --- questions: shared by the web form, the kiosk and the staff pulse ----------------------


@dataclass(frozen=True)
class Choice:
    value: int
    label: str
    field_id: str


@dataclass(frozen=True)
class Question:
    """One radio group: a fieldset whose legend is the question."""

    name: str
    text: str
    choices: tuple[Choice, ...]
    checked: int | None = None
    low: str = ""  # what the ends of a numeric scale mean (the 0–10 question)
    high: str = ""

    @property
    def first_id(self) -> str:
        return self.choices[0].field_id


def nps_question(questionnaire: Questionnaire, language: str, checked: int | None) -> Question:
    """The recommendation question: 0–10, its ends named beside the numbers."""
    return Question(
        NPS_FIELD,
        questionnaire.text(questionnaire.recommend, language),
        tuple(Choice(value, str(value), f"{NPS_FIELD}-{value}") for value in range(11)),
        checked,
        low=questionnaire.text(questionnaire.recommend_low, language),
        high=questionnaire.text(questionnaire.recommend_high, language),
    )


def statement_question(
    statement: Statement, labels: tuple[str, ...], language: str, checked: int | None
) -> Question:
    """A statement on the 1–5 scale, "cannot say" (stored as 0) last."""
    order = (1, 2, 3, 4, 5, 0)
    return Question(
        statement.key,
        statement.text(language),
        tuple(Choice(value, labels[value], f"{statement.key}-{value}") for value in order),
        checked,
    )


def pulse_question(
    statement: Statement, labels: tuple[str, ...], language: str, checked: int | None
) -> Question:
    """A staff pulse item on the 1–5 scale (no "cannot say")."""
    return Question(
        statement.key,
        statement.text(language),
        tuple(
            Choice(value, labels[value - 1], f"{statement.key}-{value}") for value in range(1, 6)
        ),
        checked,
    )


def read_choice(form: Mapping[str, Any], name: str, allowed: range) -> int | None:
    """The chosen value of a radio group, or None (not answered, or not a value on its scale:
    a tampered form is treated as a skipped question, never stored)."""
    raw = form.get(name)
    if not isinstance(raw, str) or not raw.strip().lstrip("-").isdigit():
        return None
    value = int(raw)
    return value if value in allowed else None


def read_comment(form: Mapping[str, Any]) -> str | None:
    raw = form.get(COMMENT_FIELD)
    text = raw.strip()[:COMMENT_LIMIT] if isinstance(raw, str) else ""
    return text or None


def page_language(request: Request, default: str) -> str:
    """The reader's explicit choice (``?lang=``, the language switch), else ``default``.

    Sets it as the request's locale, so the page is rendered in it."""
    language = _language(_chosen_language(request), default)
    request.state.locale = language
    return language


def _chosen_language(request: Request) -> str | None:
    """``?lang=`` or the language switch's cookie, when the reader chose one."""
    return request.query_params.get("lang") or request.cookies.get(LOCALE_COOKIE)


def _language(chosen: str | None, default: str) -> str:
    return chosen if chosen in LOCALES else default if default in LOCALES else "fi"


def here(request: Request) -> str:
    """This page's path and query (``?lang=`` stays on when the form is posted)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def message_page(
    request: Request, title: str, text: str, *, status_code: int = 200
) -> HTMLResponse:
    """A short page for a respondent: thanks, expired link, unknown link."""
    response = render(
        request,
        "feedback_message.html",
        {"title": title, "text": text},
        status_code=status_code,
    )
    response.headers.update(NO_STORE)
    response.headers["Content-Language"] = request_locale(request)
    return response


# --- the web-link form ---------------------------------------------------------------------


@dataclass(frozen=True)
class LinkState:
    """Where a link stands: its invitation and the answer already stored for it, if any."""

    invitation: Invitation | None
    expired: bool
    web_answer: StoredAnswer | None  # answered through this form
    sms_answer: StoredAnswer | None  # a score by SMS, to complete here
    completed: bool  # the SMS answer already has statements, own answers or a comment

    @property
    def closed(self) -> bool:
        """Whether the link can take no answer (any more)."""
        return (
            self.invitation is None or self.web_answer is not None or self.completed or self.expired
        )


def link_state(store: FeedbackStore, token: str) -> LinkState:
    invitation, answers, with_own = store.invitation_with_answers(token)
    if invitation is None:
        return LinkState(None, False, None, None, False)
    expired = invitation.expired(store.now())
    web = next((a for a in answers if a.channel == WEB_CHANNEL), None)  # key web:<invitation>
    other = None if web is not None else next(iter(answers), None)
    completed = other is not None and (
        any(value is not None for value in other.statements.values())
        or other.free_text is not None
        or other.response_id in with_own
    )
    return LinkState(invitation, expired, web, other, completed)


def web_key(invitation: Invitation) -> str:
    return f"web:{invitation.invitation_id}"


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback_store
    return store


def _questionnaire(request: Request) -> Questionnaire:
    questionnaire: Questionnaire = request.app.state.questionnaire
    return questionnaire


def form_questions(
    questionnaire: Questionnaire,
    invitation: Invitation,
    language: str,
    *,
    with_nps: bool,
    values: Mapping[str, int | None],
) -> list[Question]:
    labels = tuple(questionnaire.scale_labels.get(language) or questionnaire.scale_labels["fi"])
    questions = [nps_question(questionnaire, language, values.get(NPS_FIELD))] if with_nps else []
    for statement in _asked_statements(questionnaire, invitation):
        questions.append(statement_question(statement, labels, language, values.get(statement.key)))
    return questions


def question_names(
    questionnaire: Questionnaire, invitation: Invitation, *, with_nps: bool
) -> list[str]:
    """The field names of :func:`form_questions` (reading a posted form needs only these)."""
    statements = _asked_statements(questionnaire, invitation)
    return [NPS_FIELD] * with_nps + [statement.key for statement in statements]


def _asked_statements(questionnaire: Questionnaire, invitation: Invitation) -> list[Statement]:
    """The national statements of the invitation's service, then the county's own."""
    return [*questionnaire.statements_for(invitation.service_area), *questionnaire.own]


def _unit_name(request: Request, unit_id: str) -> str | None:
    snapshots = getattr(request.app.state, "snapshots", None)
    shown = snapshots.shown() if snapshots is not None else None  # see first_snapshot.py
    unit = shown.unit(unit_id) if shown is not None else None
    return unit.name if unit is not None else None


def _form_page(
    request: Request,
    state: LinkState,
    *,
    values: Mapping[str, int | None] | None = None,
    comment: str = "",
    error: bool = False,
) -> HTMLResponse:
    invitation = state.invitation
    assert invitation is not None
    language = request_locale(request)
    with_nps = state.sms_answer is None
    questions = form_questions(
        _questionnaire(request), invitation, language, with_nps=with_nps, values=values or {}
    )
    questionnaire = _questionnaire(request)
    response = render(
        request,
        "feedback_form.html",
        {
            "questions": questions,
            "with_nps": with_nps,
            "comment_label": questionnaire.text(questionnaire.comment, language),
            "comment": comment,
            "comment_limit": COMMENT_LIMIT,
            "error": error,
            "unit_name": _unit_name(request, invitation.unit_id),
            "action": here(request),
        },
        status_code=422 if error else 200,
    )
    response.headers.update(NO_STORE)
    response.headers["Content-Language"] = language
    return response


def _closed_page(request: Request, state: LinkState) -> HTMLResponse | None:
    """The page of a link that cannot take an answer (any more), or None when it can."""
    if not state.closed:
        return None
    _ = translator(request)
    if state.invitation is None:
        return message_page(
            request,
            _("Feedback link not found"),
            _(
                "This feedback link is not valid. Please check that the whole address was "
                "copied from the message.",
            ),
            status_code=404,
        )
    if state.web_answer is not None or state.completed:
        return _thanks(request)
    return message_page(  # expired
        request,
        _("This feedback link has expired"),
        _(
            "Answers through this link are no longer accepted. Thank you for your interest.",
        ),
        status_code=410,
    )


def _thanks(request: Request) -> HTMLResponse:
    _ = translator(request)
    return message_page(
        request,
        _("Thank you for your feedback"),
        _("Your answer has been saved. You can close this page."),
    )


@router.get("/f/{token}", response_class=HTMLResponse, include_in_schema=False)
async def feedback_form(request: Request, token: str) -> HTMLResponse:
    state = await run_in_threadpool(link_state, _store(request), token)
    page_language(request, state.invitation.language if state.invitation else "fi")
    closed = _closed_page(request, state)
    return closed if closed is not None else _form_page(request, state)


@router.post("/f/{token}", include_in_schema=False)
async def submit_feedback(request: Request, token: str) -> Response:
    form = await request.form()
    taken = await run_in_threadpool(
        take_answer,
        _store(request),
        _questionnaire(request),
        token,
        form,
        _chosen_language(request),
    )
    state = taken.state
    page_language(request, state.invitation.language if state.invitation else "fi")
    closed = _closed_page(request, state)
    if closed is not None:
        return closed
    if not taken.stored:
        return _form_page(request, state, values=taken.values, comment="", error=True)
    # Post/redirect/get: reloading the thank-you page does not post again.
    return RedirectResponse(here(request), status_code=303, headers=NO_STORE)


@dataclass(frozen=True)
class Taken:
    """What became of a posted form: the link's state and whether the answer was stored."""

    state: LinkState
    stored: bool
    values: Mapping[str, int | None]


def take_answer(
    store: FeedbackStore,
    questionnaire: Questionnaire,
    token: str,
    form: Mapping[str, Any],
    chosen_language: str | None,
) -> Taken:
    """Read the link and store the posted answer, in one go (one hop to a worker thread, which
    costs a busy server as much as a database round trip). Nothing is stored for a closed link
    or an entirely empty form."""
    state = link_state(store, token)
    invitation = state.invitation
    if invitation is None or state.closed:
        return Taken(state, False, {})
    language = _language(chosen_language, invitation.language)
    with_nps = state.sms_answer is None  # decided now: an SMS score may have come meanwhile
    values = {
        name: read_choice(form, name, range(11) if name == NPS_FIELD else range(6))
        for name in question_names(questionnaire, invitation, with_nps=with_nps)
    }
    comment = read_comment(form)
    if comment is None and all(value is None for value in values.values()):
        return Taken(state, False, values)
    statements = {k: v for k, v in values.items() if v is not None and not k.startswith("own_")}
    statements.pop(NPS_FIELD, None)
    own = {k: v for k, v in values.items() if v is not None and k.startswith("own_")}
    if state.sms_answer is not None:
        store.complete_answer(
            state.sms_answer.response_id, statements=statements, own=own, free_text=comment
        )
    else:
        answer = Answer(
            answer_key=web_key(invitation),
            unit_id=invitation.unit_id,
            channel=WEB_CHANNEL,
            language=language,
            questionnaire_version=questionnaire.version,
            submitted_at=store.now(),
            invitation_id=invitation.invitation_id,
            service_area=invitation.service_area,
            nps=values.get(NPS_FIELD),
            statements=statements,
            own=own,
            free_text=comment,
        )
        store.record_answer(answer)
    return Taken(state, True, values)
