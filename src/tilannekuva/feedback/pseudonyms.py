"""Keyed pseudonyms made on arrival, so a live visit event never leaves a person id behind.

A visit announced by the patient-record integration names the person with their id in that
system. The invitation rules need only to recognise the same person again (at most one
invitation per N days), so the id is replaced at once by an HMAC-SHA256 under the service's
secret (``FeedbackConfig.phone_key_secret``) and the raw id is never written anywhere. A keyed
hash, unlike a plain one, cannot be reversed by hashing every possible id: without the secret
the key says nothing.

Each kind of value is hashed with its own prefix (``person:``, ``contact:``), so a person id
that happens to equal a contact id or a phone number never yields the same key.
"""

from __future__ import annotations

import hashlib
import hmac

INVITATION_ID_HEX = 20  # as long as the random part of ``tokens.new_id``


def keyed_hash(kind: str, value: str, secret: str) -> str:
    """HMAC-SHA256 of ``kind:value`` under ``secret``, as 64 hex digits."""
    if not secret:
        raise ValueError("the pseudonym secret is empty")
    message = f"{kind}:{value}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def person_key(person_id: str, secret: str) -> str:
    """The pseudonym of a person id from a live visit event (``fb_invitations.person_key``)."""
    return keyed_hash("person", person_id.strip(), secret)


def invitation_id_for_contact(contact_id: str, secret: str) -> str:
    """The invitation id of a contact: the same contact always gets the same id.

    That is what makes announcing a visit idempotent across processes and restarts: a second
    announcement finds (or collides with) the invitation of the first, so no contact is ever
    invited twice. The id has the ``tk-inv-<hex>`` form of :func:`tokens.new_id`.
    """
    return f"tk-inv-{keyed_hash('contact', contact_id, secret)[:INVITATION_ID_HEX]}"
