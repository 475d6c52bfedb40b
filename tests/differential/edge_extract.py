"""A hand-made extract that puts every edge case of indicators-v1 into a few rows.

Three units (u1 reception, u2 oral, u3 mental) and four persons. The cutoff
2025-03-30T22:30Z is 2025-03-31 01:30 in Helsinki, so 2024-12 is exactly 90 days old (final)
and 2025-01 is provisional. What each row is for is written next to it; the expected numbers
are worked out in ``test_pandas_baseline.py``.
"""

from __future__ import annotations

from pathlib import Path

from tests.extract_files import write_extract

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,
u3,Kajaanin mielenterveyspalvelut,205,mental,
"""

# p1 born on 29 February; p2 turns 23 on 2025-03-01; p3 turns 20 on 2025-01-20.
PERSONS = """\
person_id,birth_date,sex,municipality_code
p1,1980-02-29,2,205
p2,2002-03-01,1,205
p3,2005-01-20,2,205
p4,1950-01-15,1,205
"""

# a6 is 2024-11-01 00:30 local (Oct 31 in UTC): the oral maximum is 3 months, not 4.
ASSESSMENTS = """\
assessment_id,person_id,unit_id,assessed_at,professional_group,outcome
a1,p1,u1,2024-12-02T09:00:00,nurse,nonurgent_care
a2,p1,u1,2024-12-02T09:00:00,nurse,nonurgent_care
a3,p2,u1,2024-12-10T12:00:00,nurse,nonurgent_care
a4,p2,u2,2025-02-28T10:00:00,oral_hygienist,nonurgent_care
a5,p2,u1,2025-03-01T10:00:00,nurse,nonurgent_care
a6,p1,u2,2024-10-31T22:30:00Z,oral_hygienist,nonurgent_care
a7,p3,u1,2025-01-10T10:00:00,nurse,self_care
a8,p4,u1,2025-01-10T10:00:00,nurse,nonurgent_care
a9,p4,u1,2025-01-12T10:00:00,nurse,nonurgent_care
a10,p3,u1,2025-01-15T10:00:00,nurse,nonurgent_care
a11,p4,u1,2025-01-10T11:00:00,nurse,nonurgent_care
"""

# c9/c10: the same instant written two ways; "c10" < "c9" as strings, so c10 (at u3) is a2's
# first treatment event. c5 comes before its assessment (wait -1); c6 must not replace it.
# c13 is urgent (a9 not an orphan all the same); c14 links to another person's assessment
# (broken); c15 names a missing assessment; c16 follows a care plan; c18 is not a customer
# contact; c12 is p3's last day aged 19, c19 the first aged 20.
CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c1,p1,u1,2024-12-09T10:00:00,R10,doctor,nonurgent,,a1,,
c2,p1,u1,2024-12-20T10:00:00,R10,doctor,nonurgent,,a1,,
c9,p1,u1,2024-12-12T08:00:00+02:00,R10,doctor,nonurgent,,a2,,
c10,p1,u3,2024-12-12T06:00:00Z,R52,psychologist,nonurgent,,a2,,
c5,p2,u1,2024-12-09T12:00:00,R10,nurse,nonurgent,false,a3,,
c6,p2,u1,2024-12-12T12:00:00,R10,nurse,nonurgent,,a3,,
c7,p2,u2,2025-03-20T10:00:00,R10,dentist,nonurgent,,a4,,
c8,p2,u1,2025-03-20T10:00:00,R10,doctor,nonurgent,,a5,,
c11,p1,u2,2025-02-15T10:00:00,R10,dentist,nonurgent,,a6,,
c12,p3,u1,2025-01-19T10:00:00,R50,nurse,nonurgent,,a7,,
c13,p4,u1,2025-01-12T12:00:00,R10,doctor,urgent,,a9,,
c14,p4,u1,2025-01-16T10:00:00,R10,doctor,nonurgent,,a10,,
c15,p4,u1,2025-01-16T11:00:00,R55,nurse,nonurgent,,a_missing,,
c16,p4,u1,2025-01-11T10:00:00,R10,doctor,nonurgent,true,a11,,
c17,p4,u1,2025-01-20T10:00:00,R10,doctor,nonurgent,,a11,,
c18,p1,u1,2025-02-03T10:00:00,R60,doctor,nonurgent,,,,
c19,p3,u1,2025-01-20T10:00:00,R55,nurse,nonurgent,,,,
"""

INVITATIONS = """\
invitation_id,contact_id,channel,sent_at
i1,c1,sms,2024-12-09T12:00:00
i2,c10,sms,2024-12-12T12:00:00
i3,c7,sms,2025-03-20T12:00:00
"""

# r1 and r2 answer the same invitation; r3 is a kiosk answer; r4 has no NPS. s2 = 0 is no answer.
RESPONSES = """\
response_id,invitation_id,unit_id,submitted_at,channel,nps,s1,s2,s3,s4,s5,s6,s7,free_text
r1,i1,u1,2024-12-09T18:00:00,sms,10,5,0,,,,,,
r2,i1,u1,2024-12-10T09:00:00,sms,6,3,,,,,,,
r3,,u2,2025-01-05T10:00:00,kiosk,8,4,,,,,,,
r4,i2,u3,2024-12-12T20:00:00,sms,,2,,,,,,,
"""

# m3 Sunday, m5 Epiphany, m6 07:59:59, m7 16:00:00: outside office hours. m4: Christmas Eve,
# Christmas and Boxing Day are holidays. m8 replied before it arrived. m9's reply is after the
# cutoff. m11 is 08:30 local written in UTC. Office time is measured to the second, so the
# fractions are dropped: m12 is 60 min (within), m13 60 min 1 s (not within); m14's reply is
# 0.4 s before its message (left out).
MESSAGES = """\
message_id,person_id,unit_id,received_at,first_reply_at,channel
m1,p1,u1,2025-01-02T15:30:00,2025-01-03T08:30:00,portal
m2,p1,u1,2025-01-02T15:30:00,2025-01-03T08:30:01,portal
m3,p1,u1,2025-01-05T10:00:00,2025-01-05T10:10:00,portal
m4,p2,u1,2024-12-23T15:00:00,2024-12-27T08:00:00,portal
m5,p2,u1,2025-01-06T10:00:00,2025-01-06T10:10:00,portal
m6,p2,u1,2025-01-07T07:59:59,2025-01-07T08:10:00,portal
m7,p2,u1,2025-01-07T16:00:00,2025-01-07T16:10:00,portal
m8,p3,u1,2025-01-07T08:00:00,2025-01-07T07:00:00,portal
m9,p3,u1,2025-03-28T15:30:00,2025-03-31T08:20:00+03:00,portal
m10,p4,u1,2025-01-08T10:00:00,,portal
m11,p4,u1,2025-01-08T06:30:00Z,2025-01-08T07:30:00Z,chat
m12,p1,u2,2025-01-02T15:30:00.000,2025-01-03T08:30:00.900,portal
m13,p1,u2,2025-01-02T15:30:00.900,2025-01-03T08:30:01.000,portal
m14,p1,u2,2025-01-02T10:00:00.700,2025-01-02T10:00:00.300,portal
"""

# k2's call-back the next day clears abandonment; k4 is answered at local midnight (next day).
CALLS = """\
call_id,unit_id,arrived_at,answered_at,callback_requested,callback_at,abandoned,person_id,reason
k1,u1,2025-01-07T10:00:00,2025-01-07T10:05:00,false,,false,,
k2,u1,2025-01-07T15:00:00,,true,2025-01-08T09:00:00,true,,
k3,u1,2025-01-07T15:00:00,,false,,true,,
k4,u1,2025-01-07T23:30:00,2025-01-07T22:00:00Z,false,,false,,
k5,u1,2025-01-08T09:00:00,,,,,,
k6,u1,2025-01-08T09:00:00,,true,2025-01-08T11:00:00,false,,
"""

# Books at 2025-01-13: u1 d1 (third slot 01-14, a repeated slot counts twice), u1 d2 (10 days),
# u1 pooled nurse book (14), u1 n1 (only booked: not measurable), u2 d1 (17: same id, other
# unit), u2 d3 (two slots: not measurable), u3 x1 (first slot is 00:30 local on the snapshot day).
SLOTS = """\
snapshot_date,unit_id,professional_group,professional_id,slot_start,slot_kind,status
2025-01-13,u1,doctor,d1,2025-01-13T14:00:00,nonurgent,free
2025-01-13,u1,doctor,d1,2025-01-14T09:00:00,nonurgent,free
2025-01-13,u1,doctor,d1,2025-01-14T09:00:00,nonurgent,free
2025-01-13,u1,doctor,d1,2025-01-20T09:00:00,nonurgent,free
2025-01-13,u1,doctor,d1,2025-01-13T15:00:00,urgent,free
2025-01-13,u1,doctor,d1,2025-01-12T15:00:00,nonurgent,free
2025-01-13,u1,doctor,d2,2025-01-15T09:00:00,nonurgent,free
2025-01-13,u1,doctor,d2,2025-01-16T09:00:00,nonurgent,free
2025-01-13,u1,doctor,d2,2025-01-14T09:00:00,nonurgent,booked
2025-01-13,u1,doctor,d2,2025-01-23T09:00:00,nonurgent,free
2025-01-13,u1,nurse,,2025-01-13T09:00:00,nonurgent,free
2025-01-13,u1,nurse,,2025-01-17T09:00:00,nonurgent,free
2025-01-13,u1,nurse,,2025-01-27T09:00:00,nonurgent,free
2025-01-13,u1,nurse,n1,2025-01-14T09:00:00,nonurgent,booked
2025-01-13,u2,dentist,d1,2025-01-14T09:00:00,nonurgent,free
2025-01-13,u2,dentist,d1,2025-01-14T10:00:00,nonurgent,free
2025-01-13,u2,dentist,d1,2025-01-30T09:00:00,nonurgent,free
2025-01-13,u2,dentist,d3,2025-01-14T09:00:00,nonurgent,free
2025-01-13,u2,dentist,d3,2025-01-15T09:00:00,nonurgent,free
2025-01-13,u3,psychologist,x1,2025-01-12T22:30:00Z,nonurgent,free
2025-01-13,u3,psychologist,x1,2025-01-13T10:00:00,nonurgent,free
2025-01-13,u3,psychologist,x1,2025-01-13T11:00:00,nonurgent,free
"""

STAFF_SURVEY = """\
unit_id,period,respondents,qwl_index
u1,2025-01,10,70
u1,2025-01,0,10
u1,2025-02,5,80
u2,2025-01,0,50
"""

TABLES = {
    "units": UNITS,
    "persons": PERSONS,
    "assessments": ASSESSMENTS,
    "contacts": CONTACTS,
    "feedback_invitations": INVITATIONS,
    "feedback_responses": RESPONSES,
    "messages": MESSAGES,
    "calls": CALLS,
    "slot_snapshots": SLOTS,
    "staff_survey": STAFF_SURVEY,
}
META = {"extract_id": "edge-1", "cutoff": "2025-03-30T22:30:00Z", "source": "hand-made"}


def write_edge_extract(folder: Path) -> Path:
    """Write the edge-case extract (CSV) into ``folder``."""
    return write_extract(folder, TABLES, meta=META)


# Sources present or not: assessments.csv is only a header (available, no rows), the
# invitations are there but feedback_responses.csv is missing, and nothing else is optional.
PARTIAL = {
    "units": UNITS,
    "persons": PERSONS,
    "assessments": ASSESSMENTS.splitlines()[0] + "\n",
    "contacts": CONTACTS.replace(",a_missing,", ",,"),
    "feedback_invitations": INVITATIONS,
}


def write_partial_extract(folder: Path) -> Path:
    """Write the partial-sources extract (CSV) into ``folder``."""
    return write_extract(folder, PARTIAL, meta=META)
