"""The self-service form: CSR subject, key choice, www toggle and passphrase."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import ValidationError

from helpdesk import csr
from helpdesk.forms import DeskForm
from helpdesk.tickets.fields import (
    FIELD_LABELS,
    SUBJECT_FIELDS,
    key_choices,
    key_value,
    parse_key_value,
)
from helpdesk.tickets.forms import check_length, check_no_private_key


class TextOnly:
    """Field mixin that ignores a file sent where text is expected.

    Flask-WTF merges uploaded files into the form data, so a crafted request
    could hand a text field a FileStorage. The field then counts as empty.
    """

    def process_formdata(self, valuelist):
        super().process_formdata([item for item in valuelist if isinstance(item, str)])


class TextOnlyStringField(TextOnly, StringField):
    pass


class TextOnlyPasswordField(TextOnly, PasswordField):
    pass


# The fields saved across a sign-in again: everything but the passphrase.
SAVED_FIELDS = (*SUBJECT_FIELDS, "key", "add_www_variant")


def _text(name: str) -> StringField:
    return TextOnlyStringField(
        FIELD_LABELS[name], validators=[check_length, check_no_private_key]
    )


class SelfServiceForm(DeskForm):
    """Values are kept as typed, because the CSR rules check them, not the form.

    The form only rejects what cannot be checked at all: a value longer than
    its column, a PEM private key typed into a field, a key choice that is
    not offered. PasswordField never renders the typed passphrase.
    """

    country = _text("country")
    state = _text("state")
    locality = _text("locality")
    organization = _text("organization")
    organizational_unit = _text("organizational_unit")
    common_name = _text("common_name")
    email_address = _text("email_address")
    key = SelectField(FIELD_LABELS["key"], validate_choice=False, default="RSA-2048")
    add_www_variant = BooleanField(FIELD_LABELS["add_www_variant"])
    passphrase = TextOnlyPasswordField(_l("Passphrase"))
    passphrase_confirmation = TextOnlyPasswordField(_l("Passphrase again"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key.choices = key_choices()

    def validate_key(self, field) -> None:
        if parse_key_value(field.data or "") is None:
            raise ValidationError(
                _(
                    "%(value)s is not one of the offered key types. Choose a key "
                    "type and size from the list.",
                    value=field.data or "",
                )
            )

    def check_passphrase(self) -> bool:
        """Apply the passphrase policy; each broken rule becomes a field error."""
        findings = csr.check_passphrase(
            self.passphrase.data or "", self.passphrase_confirmation.data or ""
        )
        for finding in findings:
            self.passphrase.errors.append(finding.render(_))
        return not findings

    def csr_request(self) -> csr.CsrRequest:
        """Return the typed values as a CSR request; call only on a valid form.

        Organizational Unit and Email Address stay out of the CSR subject,
        because public CAs drop both. The rules' notes next to the fields
        explain this to the customer.
        """
        key_type, key_size = parse_key_value(self.key.data)
        return csr.CsrRequest(
            country=self.country.data or "",
            state=self.state.data or "",
            locality=self.locality.data or "",
            organization=self.organization.data or "",
            organizational_unit=self.organizational_unit.data or "",
            common_name=self.common_name.data or "",
            email_address=self.email_address.data or "",
            key_type=key_type,
            key_size=key_size,
            add_www_variant=bool(self.add_www_variant.data),
        )

    def fill(self, request: csr.CsrRequest) -> None:
        """Show REQUEST's values in the form, as after applying suggestions."""
        for name in SUBJECT_FIELDS:
            self[name].data = getattr(request, name)
        self.key.data = key_value(request.key_type, request.key_size)
        self.add_www_variant.data = request.add_www_variant

    def values_to_save(self) -> dict[str, str | bool]:
        """Return the values to save across a sign-in; call on a valid form.

        A valid form has no over-long value and no private key, so the values
        fit in the session cookie and are safe to keep there.
        """
        values: dict[str, str | bool] = {}
        for name in SAVED_FIELDS:
            values[name] = self[name].data
        return values
