"""Forms for sign-in, sign-up, re-authentication and password changes.

Password fields never render the typed value back into the page.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from helpdesk.auth.password_policy import MAX_PASSWORD_LENGTH, password_problem
from helpdesk.forms import DeskForm

_EMAIL_TOO_LONG = _l("The email address may have at most %(max)d characters.")

HOSTING_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def email_address(form, field) -> None:
    """Validate the field as an email address and store it in lower case."""
    value = (field.data or "").strip()
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        # gettext, not lazy_gettext: Jinja renders Flask-Babel's lazy strings
        # as safe HTML, which would put the typed value in the page unescaped.
        raise ValidationError(
            _(
                "“%(value)s” is not a valid email address. Type it like "
                "name@example.com.",
                value=value,
            )
        ) from error
    field.data = value.lower()


def hosting_account_id(form, field) -> None:
    value = (field.data or "").strip()
    if not HOSTING_ACCOUNT_ID.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a hosting account ID. Copy the ID from your "
                "hosting control panel: up to 64 letters, digits, dots, hyphens "
                "and underscores.",
                value=value,
            )
        )
    field.data = value


class NewPasswordMixin:
    """Two password fields that must match and meet the password rules."""

    def check_new_password(self, field, email: str = "") -> None:
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


def password_field(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Enter the password.")),
            Length(
                max=MAX_PASSWORD_LENGTH,
                message=_l("The password may have at most %(max)d characters."),
            ),
        ],
    )


def confirmation_field(label, other: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Type the password a second time.")),
            EqualTo(
                other, message=_l("The two passwords differ. Type the same one twice.")
            ),
        ],
    )


class LoginForm(DeskForm):
    email = StringField(
        _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=254, message=_EMAIL_TOO_LONG),
        ],
    )
    password = password_field(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this computer"))
    next = HiddenField()


class SignupForm(DeskForm, NewPasswordMixin):
    hosting_account_id = StringField(
        _l("Hosting account ID"),
        validators=[
            DataRequired(message=_l("Enter your hosting account ID.")),
            hosting_account_id,
        ],
    )
    email = StringField(
        _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=254, message=_EMAIL_TOO_LONG),
            email_address,
        ],
    )
    display_name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    password = password_field(_l("Password"))
    password_confirm = confirmation_field(_l("Password again"), "password")

    def validate_password(self, field) -> None:
        self.check_new_password(field, self.email.data or "")


class ReauthenticateForm(DeskForm):
    password = password_field(_l("Password"))
    next = HiddenField()


class PasswordChangeForm(DeskForm, NewPasswordMixin):
    current_password = password_field(_l("Current password"))
    new_password = password_field(_l("New password"))
    new_password_confirm = confirmation_field(_l("New password again"), "new_password")

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_new_password(self, field) -> None:
        self.check_new_password(field, self._email)
