"""Forms of the admin area: new accounts and the audit log filter."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from helpdesk.auth.forms import (
    NewPasswordMixin,
    confirmation_field,
    email_address,
    hosting_account_id,
    password_field,
)
from helpdesk.forms import DeskForm
from helpdesk.models import Role

# Ticket ids are INTEGER columns; a larger number would fail in the database.
MAX_ID = 2**31 - 1

ROLE_LABELS = {
    Role.CUSTOMER: _l("Customer"),
    Role.AGENT: _l("Agent"),
    Role.ADMIN: _l("Admin"),
}


class NewUserForm(DeskForm, NewPasswordMixin):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in Role.ALL]
    )
    email = StringField(
        _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter the email address.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
            email_address,
        ],
    )
    display_name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter the name shown to others.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    hosting_account_id = StringField(_l("Hosting account ID (customers only)"))
    password = password_field(_l("Initial password"))
    password_confirm = confirmation_field(_l("Initial password again"), "password")

    def validate_hosting_account_id(self, field) -> None:
        if self.role.data != Role.CUSTOMER:
            if (field.data or "").strip():
                raise ValidationError(
                    _l("Only customer accounts have a hosting account ID; clear it.")
                )
            field.data = None
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("A customer account needs a hosting account ID."))
        hosting_account_id(self, field)

    def validate_password(self, field) -> None:
        self.check_new_password(field, self.email.data or "")


class AuditFilterForm(DeskForm):
    """Filters read from the query string (GET) or the export form (POST)."""

    class Meta:
        # The filter is a GET. The export POST is still checked, because
        # CSRFProtect checks every POST, with or without a form class.
        csrf = False

    actor = StringField(
        _l("Actor email contains"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
        ],
    )
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    ticket_id = StringField(_l("Ticket number"), validators=[Optional()])
    date_from = DateField(_l("From (UTC)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC), inclusive"), validators=[Optional()])

    def validate_ticket_id(self, field) -> None:
        value = (field.data or "").strip()
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            # gettext, not lazy_gettext: Jinja renders Flask-Babel's lazy
            # strings as safe HTML, so the typed value would not be escaped.
            raise ValidationError(
                _(
                    "“%(value)s” is not a ticket number. Type digits only, like 42.",
                    value=value,
                )
            )
        field.data = value

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(
                _(
                    "The end date %(end)s is before the start date %(start)s. "
                    "Swap them.",
                    end=field.data.isoformat(),
                    start=self.date_from.data.isoformat(),
                )
            )
