"""The feedback service inside the web app: its store, questionnaire and background work.

The web process is where answers arrive (the form, the kiosk, the SMS webhook), so it also
runs the feedback store and, when an SMS gateway is configured, the outbox worker that sends
invitations and replies. Several web workers may each run one: the outbox leases its rows,
so no message is sent twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.questionnaire import Questionnaire, load_questionnaire
from tilannekuva.feedback.sms.conversation import Conversation
from tilannekuva.feedback.sms.outbox_worker import OutboxWorker, outbox_worker_for
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.web.config import WebConfig

log = logging.getLogger(__name__)
SEND_INTERVAL_SECONDS = 1.0
RECOVERY_INTERVAL_SECONDS = 30.0


@dataclass(frozen=True)
class FeedbackService:
    """The parts every feedback page and webhook needs."""

    store: FeedbackStore
    config: FeedbackConfig
    questionnaire: Questionnaire
    _worker: list[OutboxWorker] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start_background(self) -> None:
        """Send from the outbox when a gateway is configured, and process replies that were
        stored but not processed (a crash between the two), now and every half minute."""
        worker = outbox_worker_for(self.store, self.config)
        if worker is not None:
            worker.start(SEND_INTERVAL_SECONDS)
            self._worker.append(worker)
        threading.Thread(target=self._recover, name="sms-recovery", daemon=True).start()

    def _recover(self) -> None:
        conversation = Conversation(self.store, self.questionnaire, self.config)
        while True:
            try:
                conversation.process_stored()
            except SQLAlchemyError as error:  # the database is down: the next round retries
                log.warning("stored replies not processed now: %s", error)
            if self._stop.wait(RECOVERY_INTERVAL_SECONDS):
                return

    def stop_background(self) -> None:
        self._stop.set()
        for worker in self._worker:
            worker.stop()
            worker.close()
        self._worker.clear()

    def attach(self, app: FastAPI) -> None:
        """Handlers find the parts on ``request.app.state``."""
        app.state.feedback_store = self.store
        app.state.feedback_config = self.config
        app.state.questionnaire = self.questionnaire


def open_feedback(config: WebConfig) -> FeedbackService:
    """Open the store (migrating it) and read the questionnaire; a broken questionnaire file
    stops the app here, before any customer sees it."""
    feedback = config.feedback_config
    return FeedbackService(
        store=FeedbackStore.open(config.database_url),
        config=feedback,
        questionnaire=load_questionnaire(feedback.questionnaire_file),
    )
