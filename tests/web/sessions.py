"""Signed session cookies for tests: act as a signed-in user without going through a form.

Starlette's ``SessionMiddleware`` stores the session as base64 JSON signed with
``itsdangerous.TimestampSigner``; this builds the same cookie, so a test can open a page as an
analyst or a unit manager. The sign-in form itself is tested in ``test_signin.py``.
"""

from __future__ import annotations

import json
from base64 import b64encode

import itsdangerous

from tilannekuva.web.viewer import SESSION_USER_KEY, UserRole, session_user

SESSION_COOKIE = "tilannekuva_session"


def session_cookie(secret_key: str, username: str, role: UserRole) -> str:
    data = {SESSION_USER_KEY: session_user(username, username.title(), role)}
    payload = b64encode(json.dumps(data).encode("utf-8"))
    return itsdangerous.TimestampSigner(secret_key).sign(payload).decode("utf-8")
