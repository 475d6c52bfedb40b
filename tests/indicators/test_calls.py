"""call_same_day and call_abandon_rate: local dates, NULL abandoned, later call-backs."""

from __future__ import annotations

from pathlib import Path

from tests.indicators.fixtures import compute

CALL_HEADER = (
    "call_id,unit_id,arrived_at,answered_at,callback_requested,callback_at,abandoned,"
    "person_id,reason"
)
UNITS = "unit_id,name,municipality_code,service_area,parent_id\n" + "".join(
    f"{u},Unit {u},205,reception,\n" for u in ("k1", "k2", "k3", "k4", "k5", "k6", "k7")
)


def test_calls_same_day_and_abandoned(tmp_path: Path) -> None:
    calls = (
        "\n".join(
            [
                CALL_HEADER,
                # k1: answered the same local day → same day, not abandoned
                "a,k1,2025-03-03T09:00:00,2025-03-03T09:05:00,,,false,,",
                # k2: arrives 23:59 and answered 00:01 → not the same day
                "b,k2,2025-03-03T23:59:00,2025-03-04T00:01:00,,,,,",
                # k3: UTC dates equal but local dates differ (21:30Z = 23:30, 22:30Z = 00:30)
                "c,k3,2025-03-03T21:30:00Z,2025-03-03T22:30:00Z,,,,,",
                # k4: abandoned, call-back the same day → same day, abandonment cleared
                "d,k4,2025-03-03T09:00:00,,true,2025-03-03T15:00:00,true,,",
                # k5: abandoned, call-back next day → not same day, abandonment still cleared
                "e,k5,2025-03-03T09:00:00,,true,2025-03-04T08:00:00,TRUE,,",
                # k6: abandoned and never called back → abandoned
                "f,k6,2025-03-03T09:00:00,,,,1,,",
                # k7: abandoned NULL → not abandoned; no answer → not same day
                "g,k7,2025-03-03T09:00:00,,,,,,",
            ]
        )
        + "\n"
    )
    result = compute(tmp_path, {"units": UNITS, "calls": calls})
    same_day = {
        u: result.nd("call_same_day", "2025-03", u)
        for u in ("k1", "k2", "k3", "k4", "k5", "k6", "k7")
    }
    assert same_day == {
        "k1": (1, 1),
        "k2": (0, 1),
        "k3": (0, 1),
        "k4": (1, 1),
        "k5": (0, 1),
        "k6": (0, 1),
        "k7": (0, 1),
    }
    abandoned = {u: result.nd("call_abandon_rate", "2025-03", u)[0] for u in same_day}
    assert abandoned == {"k1": 0, "k2": 0, "k3": 0, "k4": 0, "k5": 0, "k6": 1, "k7": 0}
    # County: 2 of 7 same day = 28.571…; 1 of 7 abandoned.
    assert result.row("call_same_day", "2025-Q1", "").value == 200 / 7
    assert result.nd("call_abandon_rate", "2025", "") == (1, 7)
