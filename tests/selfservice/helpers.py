"""Form values and a download helper shared by the self-service and check tests."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent

PASSPHRASE = "violet tractor 88 bagel!"
# Every rule passes for these values; the www toggle adds www.example.co.kr.
VALID_FIELDS = {
    "country": "KR",
    "state": "Seoul",
    "locality": "Gangnam-gu",
    "organization": "Example Co., Ltd.",
    "organizational_unit": "",
    "common_name": "example.co.kr",
    "email_address": "",
    "key": "EC-256",
    "add_www_variant": "y",
}


def fields(**changes) -> dict[str, str]:
    """Return VALID_FIELDS with CHANGES; a value of None leaves the field out."""
    values = {**VALID_FIELDS, **changes}
    return {name: value for name, value in values.items() if value is not None}


def download(client, passphrase: str = PASSPHRASE, **changes):
    data = fields(**changes)
    data["passphrase"] = passphrase
    data["passphrase_confirmation"] = passphrase
    return client.post("/selfservice/download", data=data)


def audit_events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))
