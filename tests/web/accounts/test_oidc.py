"""The identity provider's role claim decides the role: analyst, unit manager, or none."""

from __future__ import annotations

from typing import Any

import pytest

from tilannekuva.web.accounts.oidc import identity_from_claims, role_from_claims
from tilannekuva.web.config import OidcConfig

CONFIG = OidcConfig(issuer="https://idp.example", client_id="c", client_secret="s")


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"groups": ["staff", "tilannekuva-analyst"]}, "analyst"),
        ({"groups": ["tilannekuva-manager"]}, "manager"),
        ({"groups": "tilannekuva-manager"}, "manager"),
        ({"groups": ["tilannekuva-manager", "tilannekuva-analyst"]}, "analyst"),
        ({"groups": ["staff"]}, None),
        ({"groups": []}, None),
        ({}, None),
        ({"groups": {"tilannekuva-analyst": True}}, None),  # not a list or a string
        ({"roles": ["tilannekuva-analyst"]}, None),  # another claim than the configured one
    ],
)
def test_the_role_claim_maps_to_a_role(claims: dict[str, Any], role: str | None) -> None:
    assert role_from_claims(claims, CONFIG) == role


def test_the_claim_name_and_values_are_configurable() -> None:
    config = OidcConfig(
        issuer="https://idp.example",
        client_id="c",
        client_secret="s",
        role_claim="roles",
        analyst_value="TK.Analyst",
        manager_value="TK.Manager",
    )
    assert role_from_claims({"roles": ["TK.Manager"]}, config) == "manager"
    assert role_from_claims({"groups": ["tilannekuva-analyst"]}, config) is None


def test_the_username_prefers_the_preferred_username_then_email_then_subject() -> None:
    full = {"sub": "123", "email": "a@k.fi", "preferred_username": "aino", "name": "Aino A"}
    assert identity_from_claims(full, CONFIG).username == "aino"
    assert identity_from_claims(full, CONFIG).display_name == "Aino A"
    assert identity_from_claims({"sub": "123", "email": "a@k.fi"}, CONFIG).username == "a@k.fi"
    only_subject = identity_from_claims({"sub": "123"}, CONFIG)
    assert (only_subject.username, only_subject.display_name) == ("123", "123")
