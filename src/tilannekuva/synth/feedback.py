"""Customer feedback: SMS invitations after visits and the answers (extract-v1 feedback files).

Calibrated on Kainuu's SMS pilot (seed 003): 2 180 SMS sent, 429 answers (20 %), NPS 78 on
the −100…100 scale and a statement mean of 4.6 on 1–5. The national structure (domain.md §5)
is one NPS question and two to seven statements, so s6 and s7 are often not asked (NULL) and
an answer 0 means "cannot say". Kiosk tablets collect answers without any invitation. Free text
comes from a small list of Finnish, Swedish and English comments, some with commas and quotes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.synth.calendar import CUTOFF_LOCAL, timestamp_text
from tilannekuva.synth.contacts import Contacts
from tilannekuva.synth.ids import event_ids

INVITE_SHARE = 0.12  # of in-person visits at the health stations
RESPONSE_RATE = 0.20
KIOSK_PER_RESPONSE = 0.12
INVITE_CHANNELS = np.array(["sms", "email", "web_link"])
INVITE_CHANNEL_P = np.array([0.90, 0.05, 0.05])
# NPS answers 0..10: promoters 82.5 %, detractors 4 % -> NPS 78.5
NPS_P = np.array([0.004, 0.002, 0.002, 0.003, 0.004, 0.010, 0.015, 0.052, 0.078, 0.200, 0.630])
# statements 1..5: mean 1(.01)+2(.02)+3(.05)+4(.22)+5(.70) = 4.58
STATEMENT_P = np.array([0.01, 0.02, 0.05, 0.22, 0.70])
NPS_MISSING = 0.03
NOT_APPLICABLE = 0.04
EXTRA_STATEMENTS_ASKED = 0.4  # s6 and s7
FREE_TEXT_SHARE = 0.18
FREE_TEXTS = (
    "Ystävällinen ja asiantunteva palvelu.",
    "Aika järjestyi nopeasti, kiitos!",
    "Jonotus kesti liian kauan, muuten hyvä.",
    'Hoitaja selitti asiat selkeästi ja sanoi "soita jos tulee kysyttävää".',
    "Pysäköinti oli hankalaa, mutta vastaanotto sujui hyvin.",
    "En saanut vastausta kysymykseeni.",
    "Lääkäri kuunteli ja otti huolen vakavasti.",
    "Tack för god service.",
    "Very helpful staff, thank you.",
    "Soittopyyntöön vastattiin samana päivänä.",
)


def _statements(rng: np.random.Generator, n: int) -> dict[str, pa.Array]:
    out = {}
    extra_asked = rng.random(n) < EXTRA_STATEMENTS_ASKED
    for i in range(1, 8):
        value = rng.choice(5, size=n, p=STATEMENT_P) + 1
        value = np.where(rng.random(n) < NOT_APPLICABLE, 0, value)
        asked = extra_asked if i >= 6 else np.ones(n, dtype=bool)
        out[f"s{i}"] = pa.array(value, pa.int64(), mask=~asked)
    return out


def generate_feedback(
    c: Contacts, contact_ids: pa.Array, unit_ids: pa.Array, rng: np.random.Generator, chunk: int
) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """``(invitations, responses)`` columns for one chunk's contacts."""
    in_person = (c.code == "R10") & (c.area < 4)
    invited = np.flatnonzero(in_person & (rng.random(len(c)) < INVITE_SHARE))
    n = len(invited)
    sent = c.start[invited] + (rng.integers(60, 180, n) * 60).astype("timedelta64[s]")
    late = (sent - sent.astype("datetime64[D]")) > np.timedelta64(20 * 3600, "s")
    next_morning = (
        sent.astype("datetime64[D]") + np.timedelta64(1, "D") + np.timedelta64(9 * 3600, "s")
    )
    sent = np.where(late, next_morning.astype("datetime64[s]"), sent)
    channel = INVITE_CHANNELS[rng.choice(3, size=n, p=INVITE_CHANNEL_P)]
    invitation_ids = event_ids("I", chunk, n)
    invitations = {
        "invitation_id": invitation_ids,
        "contact_id": pc.take(contact_ids, pa.array(invited)),
        "channel": pa.array(channel, pa.string()),
        "sent_at": timestamp_text(sent),
    }
    delay = np.exp(rng.normal(np.log(25 * 60), 1.6, n)).astype(np.int64).astype("timedelta64[s]")
    submitted = sent + delay
    answered = np.flatnonzero(
        (rng.random(n) < RESPONSE_RATE) & (submitted <= np.datetime64(CUTOFF_LOCAL, "s"))
    )
    kiosk_n = rng.binomial(len(answered), KIOSK_PER_RESPONSE) if len(answered) else 0
    kiosk_src = (
        rng.choice(np.flatnonzero(in_person), size=kiosk_n) if kiosk_n else np.zeros(0, np.int64)
    )
    kiosk_at = c.start[kiosk_src] + (rng.integers(15, 60, kiosk_n) * 60).astype("timedelta64[s]")
    m = len(answered) + kiosk_n
    nps = rng.choice(11, size=m, p=NPS_P)
    free = rng.random(m) < FREE_TEXT_SHARE
    texts = np.array(FREE_TEXTS)[rng.integers(0, len(FREE_TEXTS), m)]
    responses = {
        "response_id": event_ids("R", chunk, m),
        "invitation_id": pa.concat_arrays(
            [pc.take(invitation_ids, pa.array(answered)), pa.nulls(kiosk_n, pa.string())]
        ),
        "unit_id": pc.take(
            unit_ids, pa.array(np.concatenate([c.unit[invited[answered]], c.unit[kiosk_src]]))
        ),
        "submitted_at": timestamp_text(np.concatenate([submitted[answered], kiosk_at])),
        "channel": pa.array(
            np.concatenate([channel[answered], np.full(kiosk_n, "kiosk")]), pa.string()
        ),
        "nps": pa.array(nps, pa.int64(), mask=rng.random(m) < NPS_MISSING),
        **_statements(rng, m),
        "free_text": pa.array(texts, pa.string(), mask=~free),
    }
    return invitations, responses
