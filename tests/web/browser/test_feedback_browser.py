"""The feedback pages in a real browser: the web-link form on a phone and by keyboard alone, the
kiosk's answer → thanks → fresh form cycle and its inactivity reset, double submissions, and
an axe-core scan (WCAG 2.1 A/AA, no serious or critical violation) of every feedback page.

The answers are read back from the live server's feedback store (the same database), so each
test checks what was stored, not only what the page said. The kiosk's timers run on
Playwright's fake clock: the test moves time on instead of waiting for it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.web.browser.accounts import Account, sign_in
from tests.web.browser.harness import LiveServer, axe_violations, blocking, describe
from tilannekuva.feedback.store import FeedbackStore, Invitation, NewInvitation
from tilannekuva.feedback.store.kiosks import Kiosk
from tilannekuva.web.config import WebConfig
from tilannekuva.web.pages.kiosk import IDLE_SECONDS, THANKS_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("axe_available")]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
MIN_TARGET_PX = 44  # WCAG 2.5.5 target size


@pytest.fixture(scope="module")
def feedback(browser_web_config: WebConfig, live_server: LiveServer) -> Iterator[FeedbackStore]:
    """The live server's feedback store, opened a second time (the same database)."""
    store = FeedbackStore.open(browser_web_config.database_url)
    yield store
    store.close()


def touch_context(
    browser: Browser, live_server: LiveServer, size: dict[str, int]
) -> BrowserContext:
    opened = browser.new_context(
        base_url=live_server.base_url,
        viewport=size,  # type: ignore[arg-type]
        locale="fi-FI",
        has_touch=True,
        is_mobile=size is PHONE,
    )
    opened.set_default_timeout(TIMEOUT_MS)
    return opened


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    opened = touch_context(browser, live_server, PHONE)
    yield opened.new_page()
    opened.close()


@pytest.fixture
def tablet(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    opened = touch_context(browser, live_server, TABLET)
    yield opened.new_page()
    opened.close()


def invite(store: FeedbackStore, unit_id: str, *, days_ago: float = 0) -> tuple[Invitation, str]:
    return store.record_invitation(
        NewInvitation(
            contact_id=f"browser-{uuid.uuid4().hex[:8]}",
            unit_id=unit_id,
            person_key=uuid.uuid4().hex,
            channel="sms",
            language="fi",
            questionnaire_version="national-1",
            send_after=store.now() - timedelta(days=days_ago),
            valid_for=timedelta(days=7),
            service_area="reception",
        )
    )


@pytest.fixture
def kiosk(feedback: FeedbackStore, reception_unit_id: str) -> Kiosk:
    return feedback.add_kiosk(reception_unit_id, "Odotustila", "fi")


def kiosk_answers(store: FeedbackStore, kiosk: Kiosk) -> int:
    return sum(1 for a in store.answers(unit_id=kiosk.unit_id) if a.channel == "kiosk")


def watch(page: Page) -> list[str]:
    """Collect blocked content (CSP) and script errors of the page from now on."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def assert_accessible(page: Page, problems: list[str] | None = None) -> None:
    found = blocking(axe_violations(page))
    assert not found, f"{page.url}:\n{describe(found)}"
    assert not problems, "\n".join(problems or [])


def assert_large_targets(page: Page, selector: str) -> None:
    for box in (page.locator(selector).nth(i).bounding_box() for i in range(3)):
        assert box is not None
        assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, box


def active(page: Page) -> str:
    """The focused element as ``tag#id[name]``."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return `${e.tagName.toLowerCase()}#${e.id}[${e.getAttribute('name') || ''}]`; }"
        )
    )


def tab_to(page: Page, pattern: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``pattern`` (``active``'s form)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if re.fullmatch(pattern, active(page)):
            return
    raise AssertionError(f"Tab never reached {pattern}; stopped at {active(page)}")


# --- the web-link form -----------------------------------------------------------------


def test_the_form_is_filled_and_sent_on_a_phone(
    phone: Page, feedback: FeedbackStore, reception_unit_id: str
) -> None:
    invitation, token = invite(feedback, reception_unit_id)
    problems = watch(phone)
    phone.goto(f"/f/{token}")
    assert phone.locator("html").get_attribute("lang") == "fi"
    assert_accessible(phone, problems)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_large_targets(phone, "label.choice")
    phone.locator("label[for='nps-9']").tap()
    phone.locator("label[for='s1-5']").tap()
    phone.locator("label[for='s2-0']").tap()  # cannot say
    phone.locator("#comment").fill("Nopeasti pääsin vastaanotolle.")
    phone.locator("button[type='submit']").tap()
    expect(phone.locator("form")).to_have_count(0)
    assert phone.url.endswith(f"/f/{token}")
    assert_accessible(phone, problems)
    stored = feedback.answer_by_key(f"web:{invitation.invitation_id}")
    assert stored is not None and stored.channel == "web_link"
    assert (stored.nps, stored.statements["s1"], stored.statements["s2"]) == (9, 5, 0)
    assert stored.free_text == "Nopeasti pääsin vastaanotolle."


def test_the_form_works_with_the_keyboard_alone(
    page: Page, feedback: FeedbackStore, reception_unit_id: str
) -> None:
    invitation, token = invite(feedback, reception_unit_id)
    page.goto(f"/f/{token}")
    tab_to(page, r"button#\[\]")  # Send, without answering anything
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    tab_to(page, r"a#form-error\[\]")
    page.keyboard.press("Enter")  # the error links to the first question
    assert active(page) == "input#nps-0[nps]"
    page.keyboard.press("Space")  # 0 …
    for _ in range(9):
        page.keyboard.press("ArrowRight")  # … moved on to 9
    tab_to(page, r"input#s1-\d\[s1\]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # 1 → 2
    tab_to(page, r"textarea#comment\[comment\]")
    page.keyboard.type("Kaikki sujui.")
    tab_to(page, r"button#\[\]")
    page.keyboard.press("Enter")
    expect(page.locator("form")).to_have_count(0)
    stored = feedback.answer_by_key(f"web:{invitation.invitation_id}")
    assert stored is not None
    assert (stored.nps, stored.statements["s1"], stored.free_text) == (9, 2, "Kaikki sujui.")


# --- the kiosk -------------------------------------------------------------------------


def test_kiosk_answer_then_thanks_then_a_fresh_form_by_itself(
    tablet: Page, feedback: FeedbackStore, kiosk: Kiosk
) -> None:
    problems = watch(tablet)
    tablet.clock.install()
    tablet.goto(f"/kiosk/{kiosk.kiosk_id}")
    assert_accessible(tablet, problems)
    assert_large_targets(tablet, ".kiosk-languages a")
    assert_large_targets(tablet, "label.choice")
    before = kiosk_answers(feedback, kiosk)
    tablet.locator("label[for='nps-10']").tap()
    tablet.locator("button[type='submit']").tap()
    expect(tablet.locator("#new-answer")).to_be_visible()
    assert_accessible(tablet, problems)
    assert kiosk_answers(feedback, kiosk) == before + 1
    with tablet.expect_navigation():
        tablet.clock.run_for(THANKS_SECONDS * 1000 + 500)
    assert tablet.url.endswith(f"/kiosk/{kiosk.kiosk_id}")
    expect(tablet.locator("form.kiosk-form")).to_be_visible()
    assert tablet.locator("input:checked").count() == 0
    assert not problems


def test_kiosk_new_answer_button_works_without_waiting(tablet: Page, kiosk: Kiosk) -> None:
    tablet.goto(f"/kiosk/{kiosk.kiosk_id}?lang=sv")
    tablet.locator("label[for='nps-7']").tap()
    tablet.locator("button[type='submit']").tap()
    tablet.locator("#new-answer").tap()
    expect(tablet.locator("form.kiosk-form")).to_be_visible()
    assert tablet.locator("html").get_attribute("lang") == "fi"  # the kiosk's own language


def test_a_half_filled_kiosk_form_is_cleared_after_inactivity(
    tablet: Page, feedback: FeedbackStore, kiosk: Kiosk
) -> None:
    tablet.clock.install()
    tablet.goto(f"/kiosk/{kiosk.kiosk_id}?lang=en")
    tablet.locator("label[for='nps-3']").tap()
    expect(tablet.locator("#nps-3")).to_be_checked()
    before = kiosk_answers(feedback, kiosk)
    with tablet.expect_navigation():
        tablet.clock.run_for((IDLE_SECONDS + 1) * 1000)
    assert tablet.url.endswith(f"/kiosk/{kiosk.kiosk_id}")
    assert tablet.locator("html").get_attribute("lang") == "fi"
    assert tablet.locator("input:checked").count() == 0
    assert kiosk_answers(feedback, kiosk) == before  # nothing was sent


def test_a_double_submission_stores_one_answer(
    tablet: Page, feedback: FeedbackStore, kiosk: Kiosk
) -> None:
    tablet.goto(f"/kiosk/{kiosk.kiosk_id}")
    before = kiosk_answers(feedback, kiosk)
    tablet.locator("label[for='nps-8']").tap()
    # The same form posted twice at once, as a double tap that beats the page's script would.
    statuses = tablet.evaluate(
        """async () => {
            const form = document.querySelector('form.kiosk-form');
            const body = new URLSearchParams(new FormData(form));
            const send = () => fetch(form.action, {method: 'POST', body});
            return (await Promise.all([send(), send()])).map(r => r.status);
        }"""
    )
    assert statuses == [200, 200]
    assert kiosk_answers(feedback, kiosk) == before + 1
    tablet.reload()
    tablet.locator("label[for='nps-6']").tap()
    tablet.locator("button[type='submit']").dblclick()
    expect(tablet.locator("#new-answer")).to_be_visible()
    assert kiosk_answers(feedback, kiosk) == before + 2


# --- every feedback page passes the scan -----------------------------------------------


def test_feedback_pages_have_no_serious_violation(
    page: Page,
    feedback: FeedbackStore,
    reception_unit_id: str,
    kiosk: Kiosk,
    analyst: Account,
) -> None:
    _, open_token = invite(feedback, reception_unit_id)
    _, expired_token = invite(feedback, reception_unit_id, days_ago=10)
    [pulse_token] = feedback.create_pulse_links(reception_unit_id, "2026-01", 1, valid_days=7)
    problems = watch(page)
    public = [
        f"/f/{expired_token}",
        "/f/unknown-token",
        f"/kiosk/{kiosk.kiosk_id}?lang=sv",
        f"/pulse/{pulse_token}",
        "/embed/feedback",
        "/embed/feedback?lang=en",
    ]
    for path in public:
        page.goto(path)
        assert_accessible(page, problems)
    page.goto(f"/f/{open_token}?lang=en")
    page.locator("button[type='submit']").click()  # the form with its error message
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, problems)
    sign_in(page, analyst)
    for path in ("/feedback", f"/feedback/units/{reception_unit_id}", "/feedback?window=month"):
        page.goto(path)
        assert_accessible(page, problems)
