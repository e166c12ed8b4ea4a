"""Unicode oddities in the CSR subject: named in a message, kept in the form.

The CSR rules accept printable ASCII only in the subject, so each odd value
must get a message next to its field that quotes the value, and the form
shown again must contain exactly what was typed. On the customer's ticket
form, where an agent corrects free text later, an accepted value must be
stored exactly as typed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Ticket
from hostile.helpers import (
    assert_not_server_error,
    assert_nothing_lost,
    field_messages,
    input_value,
    snapshot,
)

ODDITIES = {
    "rtl_override": "Seoul\u202egnp.exe",
    "zero_width_joiner": "Gang\u200dnam",
    "zero_width_space": "Gang\u200bnam",
    "byte_order_mark": "\ufeffSeoul",
    "combining_acute": "Exam\u0301ple",
    "emoji": "Shop \U0001f600",
    "emoji_zwj_sequence": "Team \U0001f469\u200d\U0001f4bb",
    "full_width_digits": "Block \uff11\uff12",
    "full_width_letters": "\uff33\uff45\uff4f\uff55\uff4c",
    "hangul": "\uc11c\uc6b8",
    "decomposed_hangul": "\u1109\u1165\u110b\u116e\u11af",
    "cyrillic_lookalike": "Exampl\u0435",
}
COUNTRY_ODDITIES = {
    "full_width": "\uff2b\uff32",
    "joiner_inside": "K\u200dR",
    "rtl_override": "\u202eRK",
    "flag_emoji": "\U0001f1f0\U0001f1f7",
    "combining": "K\u0301R",
}
DOMAIN_ODDITIES = {
    "rtl_override": "shop\u202e.example.com",
    "zero_width_joiner": "sh\u200dop.example.com",
    "emoji": "\U0001f600.example.com",
    "byte_order_mark": "\ufeffshop.example.com",
    "full_width_dot": "shop\uff0eexample\uff0ecom",
}
SUBJECT = {
    "country": "KR",
    "state": "Seoul",
    "locality": "Gangnam-gu",
    "organization": "Example Co., Ltd.",
    "organizational_unit": "",
    "common_name": "example.co.kr",
    "email_address": "",
    "key": "EC-256",
}
TEXT_FIELDS = ("state", "locality", "organization", "organizational_unit")


def _cases():
    for field in TEXT_FIELDS:
        for name, value in ODDITIES.items():
            yield pytest.param(field, value, id=f"{field}-{name}")
    for name, value in COUNTRY_ODDITIES.items():
        yield pytest.param("country", value, id=f"country-{name}")
    for name, value in DOMAIN_ODDITIES.items():
        yield pytest.param("common_name", value, id=f"common_name-{name}")
    for name in ("rtl_override", "zero_width_joiner", "hangul", "full_width_digits"):
        value = "admin" + ODDITIES[name].replace(" ", "") + "@example.com"
        yield pytest.param("email_address", value, id=f"email_address-{name}")


@pytest.mark.parametrize(("field", "value"), list(_cases()))
def test_selfservice_names_odd_value_and_keeps_it(world, server_errors, field, value):
    before = snapshot()

    response = world.client("customer").post(
        "/selfservice", data={**SUBJECT, field: value}
    )
    page = response.get_data(as_text=True)

    assert_not_server_error(response, server_errors, f"{field}={value!r}")
    assert response.status_code in (200, 422)
    assert input_value(page, field) == value, "the form lost what was typed"
    messages = field_messages(page, field)
    assert "Error" in messages or "오류" in messages, f"no error next to {field}"
    assert value in messages, f"the message does not quote {value!r}: {messages}"
    assert "Download the ZIP file" not in page
    assert_nothing_lost(before, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(field, value, id=f"{field}-{name}")
        for field in ("state", "organization")
        for name, value in ODDITIES.items()
    ],
)
def test_ticket_form_stores_odd_free_text_exactly(world, server_errors, field, value):
    form = {
        **SUBJECT,
        "key": "RSA-2048",
        "problem_domain": "example.co.kr",
        "description": "The control panel rejects the CSR.",
        field: value,
    }

    response = world.client("customer").post("/tickets/new", data=form)

    assert_not_server_error(response, server_errors, f"{field}={value!r}")
    if response.status_code == 303:
        db.session.rollback()
        ticket = db.session.scalars(
            sa.select(Ticket).order_by(Ticket.id.desc())
        ).first()
        assert getattr(ticket, field) == value, "the stored value differs"
    else:
        page = response.get_data(as_text=True)
        assert input_value(page, field) == value
        assert value in field_messages(page, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("common_name", value, id=f"common_name-{name}")
        for name, value in DOMAIN_ODDITIES.items()
    ],
)
def test_ticket_form_refuses_odd_common_name_by_name(
    world, server_errors, field, value
):
    form = {
        **SUBJECT,
        "key": "RSA-2048",
        "problem_domain": "example.co.kr",
        "description": "The control panel rejects the CSR.",
        field: value,
    }
    before = snapshot()

    response = world.client("customer").post("/tickets/new", data=form)
    page = response.get_data(as_text=True)

    assert_not_server_error(response, server_errors, f"{field}={value!r}")
    if response.status_code == 303:
        db.session.rollback()
        ticket = db.session.scalars(
            sa.select(Ticket).order_by(Ticket.id.desc())
        ).first()
        assert ticket.common_name == value
        return
    assert response.status_code == 422
    assert input_value(page, field) == value
    assert value in field_messages(page, field)
    assert input_value(page, "description") == form["description"]
    assert_nothing_lost(before, field)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Messages quote a value with a right-to-left override as it is, so the "
        "browser shows the rest of the message reversed. Deciding how to show "
        "such values (a <bdi> element, or the code point written out) is open."
    ),
)
def test_bidi_override_in_value_does_not_reverse_message(world):
    value = "Seoul\u202egnp.exe"

    response = world.client("customer").post(
        "/selfservice", data={**SUBJECT, "state": value}
    )
    page = response.get_data(as_text=True)
    error_block = page[page.find('id="state-findings"') :]
    error_block = error_block[: error_block.find("</div>\n  </div>")]

    assert "\u202e" not in error_block or "<bdi>" in error_block
