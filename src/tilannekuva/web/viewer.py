"""Who is looking: a public visitor, a signed-in unit manager or an analyst.

The role decides, on the server, what a page may show (product brief: suppression is never
left to the browser):

- public visitors (no sign-in) and unit managers see aggregates with small cells suppressed
  (indicators-v1 role ``public``);
- unit managers and analysts see record ids of data-quality findings (to fix them in the
  patient record system), and each such view is written to the audit trail;
- only analysts see unsuppressed numbers, the quarantine reasons and the load history details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

SESSION_USER_KEY = "user"
UserRole = Literal["analyst", "manager"]
USER_ROLES: tuple[str, ...] = ("analyst", "manager")


@dataclass(frozen=True)
class Viewer:
    """The person behind a request; ``role`` None means a public visitor."""

    username: str | None = None
    display_name: str | None = None
    role: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.role in USER_ROLES

    @property
    def data_role(self) -> str:
        """The indicator role the numbers are computed for: ``analyst`` or ``public``."""
        return "analyst" if self.role == "analyst" else "public"

    @property
    def is_analyst(self) -> bool:
        return self.role == "analyst"

    @property
    def can_see_record_ids(self) -> bool:
        return self.role in USER_ROLES


PUBLIC = Viewer()


def viewer_from_session(session: Mapping[str, Any]) -> Viewer:
    """The viewer a signed session cookie names; anything malformed is a public visitor."""
    data = session.get(SESSION_USER_KEY)
    if not isinstance(data, dict) or data.get("role") not in USER_ROLES:
        return PUBLIC
    username = data.get("username")
    if not isinstance(username, str) or not username:
        return PUBLIC
    name = data.get("name")
    return Viewer(username, name if isinstance(name, str) else username, data["role"])


def session_user(username: str, display_name: str, role: UserRole) -> dict[str, str]:
    """What sign-in stores in the session for :func:`viewer_from_session` to read."""
    return {"username": username, "name": display_name, "role": role}
