"""Customer forms: the inquiry template, replies and the download passphrase."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from helpdesk import csr
from helpdesk.forms import DeskForm
from helpdesk.tickets import services
from helpdesk.tickets.fields import (
    FIELD_LABELS,
    MAX_LENGTHS,
    SUBJECT_FIELDS,
    blocks_customer,
    can_send_as_typed,
    key_choices,
    parse_key_value,
)
from helpdesk.uploads import UploadError

PRIVATE_KEY_MESSAGE = _l(
    "This text contains a private key, so it was not saved and has been removed "
    "from the field. Never send a private key to anyone, us included: anyone "
    "who has it can impersonate your site. Write your message without it; if "
    "the key was already shared, ask for a new key."
)


def check_length(form, field) -> None:
    limit = MAX_LENGTHS.get(field.short_name)
    if limit is not None and field.data and len(field.data) > limit:
        raise ValidationError(
            _(
                "%(label)s has %(length)d characters; it can have at most "
                "%(limit)d. Shorten it.",
                label=field.label.text,
                length=len(field.data),
                limit=limit,
            )
        )


def check_no_private_key(form, field) -> None:
    if field.data and csr.contains_private_key(field.data):
        # The key is not echoed back into the page.
        field.data = ""
        raise ValidationError(str(PRIVATE_KEY_MESSAGE))


def _text(name: str) -> StringField:
    return StringField(FIELD_LABELS[name], validators=[check_length])


class TicketForm(DeskForm):
    """The inquiry template. Values are kept exactly as typed.

    A blocking finding that can_send_as_typed() allows is shown like any
    other, together with the send_as_typed box. The form validates with such
    findings only while the box is ticked, and never with any other error.
    """

    problem_domain = _text("problem_domain")
    description = TextAreaField(
        FIELD_LABELS["description"], validators=[check_length, check_no_private_key]
    )
    screenshot = FileField(FIELD_LABELS["screenshot"])
    country = _text("country")
    state = _text("state")
    locality = _text("locality")
    organization = _text("organization")
    organizational_unit = _text("organizational_unit")
    common_name = _text("common_name")
    email_address = _text("email_address")
    key = SelectField(FIELD_LABELS["key"], validate_choice=False, default="RSA-2048")
    send_as_typed = BooleanField(_l("Send it as typed; the agent will correct it"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key.choices = key_choices()
        self.processed_screenshot = None
        # Names of the fields whose shown finding the send_as_typed box covers.
        self.fields_sendable_as_typed: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        is_valid = super().validate(extra_validators)
        checks = (
            self._check_required(),
            self._check_rules(),
            self._check_key(),
            self._check_screenshot(),
        )
        return is_valid and all(checks)

    def _check_required(self) -> bool:
        is_valid = True
        if not (self.problem_domain.data or "").strip():
            self.problem_domain.errors.append(
                _(
                    "Problem domain is required. Enter the domain where the "
                    "problem appears, such as www.example.com."
                )
            )
            is_valid = False
        if not (self.description.data or "").strip() and not self.description.errors:
            self.description.errors.append(
                _(
                    "Description is required. Describe what you tried and the "
                    "error message you saw."
                )
            )
            is_valid = False
        return is_valid

    def _check_rules(self) -> bool:
        is_valid = True
        for name in (*SUBJECT_FIELDS, "problem_domain"):
            field = self[name]
            if field.errors:
                continue
            for finding in csr.check_field(name, field.data or ""):
                if not blocks_customer(finding):
                    continue
                field.errors.append(finding.render(_))
                if can_send_as_typed(finding):
                    self.fields_sendable_as_typed.append(name)
                    if self.send_as_typed.data:
                        continue
                is_valid = False
        return is_valid

    def _check_key(self) -> bool:
        if parse_key_value(self.key.data or "") is not None:
            return True
        self.key.errors.append(
            _(
                "%(value)s is not one of the offered key types. Choose a key type "
                "and size from the list.",
                value=self.key.data or "",
            )
        )
        return False

    def _check_screenshot(self) -> bool:
        try:
            self.processed_screenshot = services.process_screenshot(
                self.screenshot.data
            )
        except UploadError as error:
            self.screenshot.errors.append(error.render(_))
            return False
        return True

    def ticket_input(self) -> services.TicketInput:
        key_type, key_size = parse_key_value(self.key.data)
        return services.TicketInput(
            problem_domain=self.problem_domain.data,
            description=self.description.data,
            country=self.country.data,
            state=self.state.data,
            locality=self.locality.data,
            organization=self.organization.data,
            organizational_unit=self.organizational_unit.data or "",
            common_name=self.common_name.data,
            email_address=self.email_address.data or "",
            key_type=key_type,
            key_size=key_size,
        )


class ReplyForm(DeskForm):
    body = TextAreaField(
        _l("Your reply"), validators=[check_length, check_no_private_key]
    )

    def validate_body(self, field) -> None:
        if not (field.data or "").strip() and not field.errors:
            raise ValidationError(_("The reply is empty. Write a message first."))


class DownloadForm(DeskForm):
    """Passphrase typed twice. PasswordField never renders the typed value."""

    passphrase = PasswordField(_l("Passphrase"))
    passphrase_confirmation = PasswordField(_l("Passphrase again"))

    def validate(self, extra_validators=None) -> bool:
        is_valid = super().validate(extra_validators)
        findings = csr.check_passphrase(
            self.passphrase.data or "", self.passphrase_confirmation.data or ""
        )
        for finding in findings:
            self.passphrase.errors.append(finding.render(_))
        return is_valid and not findings


class NewKeyForm(DeskForm):
    """The customer's confirmation that a new key voids the current CSR and key."""

    confirm = BooleanField(
        _l("I understand the current CSR and key stop working"),
        validators=[
            DataRequired(
                message=_l(
                    "Tick this box to confirm that the current CSR and key stop "
                    "working, then click Request a new key again."
                )
            )
        ],
    )
