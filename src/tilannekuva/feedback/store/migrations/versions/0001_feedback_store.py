"""The feedback store: invitations, responses, SMS outbox and inbox, opt-outs, kiosks, pulse.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fb_inbound",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_message_id", sa.String(length=128), nullable=False),
        sa.Column("phone_key", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_message_id"),
    )
    with op.batch_alter_table("fb_inbound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fb_inbound_phone_key"), ["phone_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_fb_inbound_processed_at"), ["processed_at"], unique=False
        )

    op.create_table(
        "fb_invitations",
        sa.Column("invitation_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=128), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("service_area", sa.String(length=64), nullable=True),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("phone_key", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("help_sent", sa.Boolean(), nullable=False),
        sa.Column("followup_sent", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("invitation_id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("fb_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fb_invitations_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fb_invitations_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fb_invitations_person_key"), ["person_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fb_invitations_phone_key"), ["phone_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fb_invitations_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "fb_kiosks",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("service_area", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    op.create_table(
        "fb_opt_outs",
        sa.Column("phone_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("phone_key"),
    )
    op.create_table(
        "fb_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("invitation_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("to_phone", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_message_id", sa.String(length=128), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
        sa.UniqueConstraint("provider_message_id"),
    )
    with op.batch_alter_table("fb_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fb_outbox_invitation_id"), ["invitation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fb_outbox_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fb_outbox_status"), ["status"], unique=False)

    op.create_table(
        "fb_pulse_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("answer_key", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("index_value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_key"),
    )
    with op.batch_alter_table("fb_pulse_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fb_pulse_answers_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_fb_pulse_answers_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "fb_pulse_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("fb_pulse_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fb_pulse_tokens_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "fb_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("response_id", sa.String(length=64), nullable=False),
        sa.Column("answer_key", sa.String(length=200), nullable=False),
        sa.Column("invitation_id", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("service_area", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("s1", sa.Integer(), nullable=True),
        sa.Column("s2", sa.Integer(), nullable=True),
        sa.Column("s3", sa.Integer(), nullable=True),
        sa.Column("s4", sa.Integer(), nullable=True),
        sa.Column("s5", sa.Integer(), nullable=True),
        sa.Column("s6", sa.Integer(), nullable=True),
        sa.Column("s7", sa.Integer(), nullable=True),
        sa.Column("free_text", sa.Text(), nullable=True),
        sa.Column("free_text_screened", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["fb_invitations.invitation_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_key"),
        sa.UniqueConstraint("response_id"),
    )
    with op.batch_alter_table("fb_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fb_responses_invitation_id"), ["invitation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fb_responses_submitted_at"), ["submitted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fb_responses_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_fb_responses_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "fb_own_answers",
        sa.Column("response_id", sa.String(length=64), nullable=False),
        sa.Column("statement_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["fb_responses.response_id"],
        ),
        sa.PrimaryKeyConstraint("response_id", "statement_key"),
    )


def downgrade() -> None:
    op.drop_table("fb_own_answers")
    with op.batch_alter_table("fb_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fb_responses_updated_at"))
        batch_op.drop_index(batch_op.f("ix_fb_responses_unit_id"))
        batch_op.drop_index(batch_op.f("ix_fb_responses_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_fb_responses_invitation_id"))

    op.drop_table("fb_responses")
    with op.batch_alter_table("fb_pulse_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fb_pulse_tokens_unit_id"))

    op.drop_table("fb_pulse_tokens")
    with op.batch_alter_table("fb_pulse_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fb_pulse_answers_unit_id"))
        batch_op.drop_index(batch_op.f("ix_fb_pulse_answers_period"))

    op.drop_table("fb_pulse_answers")
    with op.batch_alter_table("fb_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fb_outbox_status"))
        batch_op.drop_index(batch_op.f("ix_fb_outbox_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_fb_outbox_invitation_id"))

    op.drop_table("fb_outbox")
    op.drop_table("fb_opt_outs")
    op.drop_table("fb_kiosks")
    with op.batch_alter_table("fb_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fb_invitations_sent_at"))
        batch_op.drop_index(batch_op.f("ix_fb_invitations_phone_key"))
        batch_op.drop_index(batch_op.f("ix_fb_invitations_person_key"))
        batch_op.drop_index(batch_op.f("ix_fb_invitations_created_at"))
        batch_op.drop_index(batch_op.f("ix_fb_invitations_contact_id"))

    op.drop_table("fb_invitations")
    with op.batch_alter_table("fb_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fb_inbound_processed_at"))
        batch_op.drop_index(batch_op.f("ix_fb_inbound_phone_key"))

    op.drop_table("fb_inbound")
