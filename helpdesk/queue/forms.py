"""Agent forms: field corrections, replies and notes, and one-button actions."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from helpdesk.forms import DeskForm
from helpdesk.tickets.fields import (
    BOOLEAN_FIELDS,
    EDITABLE_FIELDS,
    FIELD_LABELS,
    key_choices,
    parse_key_value,
    split_names,
)
from helpdesk.tickets.forms import check_length, check_no_private_key

# The largest value of the INTEGER version column on PostgreSQL; a larger
# posted version would fail in the database instead of as a conflict.
MAX_VERSION = 2**31 - 1


def version_field() -> IntegerField:
    return IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_VERSION)],
    )


def _text(name: str) -> StringField:
    return StringField(FIELD_LABELS[name], validators=[check_length])


class CorrectionForm(DeskForm):
    """Every field an agent corrects. Status, assignee and owner are not fields."""

    version = version_field()
    problem_domain = _text("problem_domain")
    country = _text("country")
    state = _text("state")
    locality = _text("locality")
    organization = _text("organization")
    organizational_unit = _text("organizational_unit")
    common_name = _text("common_name")
    email_address = _text("email_address")
    key = SelectField(FIELD_LABELS["key"], validate_choice=False)
    include_ou_in_subject = BooleanField(FIELD_LABELS["include_ou_in_subject"])
    include_email_in_subject = BooleanField(FIELD_LABELS["include_email_in_subject"])
    add_www_variant = BooleanField(FIELD_LABELS["add_www_variant"])
    extra_sans = TextAreaField(FIELD_LABELS["extra_sans"], validators=[check_length])
    save = SubmitField(_l("Save corrections"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key.choices = key_choices()

    def validate_key(self, field) -> None:
        if not field.raw_data:
            return
        if parse_key_value(field.data or "") is None:
            raise ValidationError(
                _(
                    "%(value)s is not one of the offered key types. Choose a key "
                    "type and size from the list.",
                    value=field.data or "",
                )
            )

    def field_texts(self) -> dict[str, str]:
        """Return the posted values in the text form that field changes use.

        A text field missing from the request is left out, so it stays as it
        is; an unticked checkbox is never sent, so flags are always included.
        """
        texts = {}
        for name in EDITABLE_FIELDS:
            field = self[name]
            if name in BOOLEAN_FIELDS:
                texts[name] = "true" if field.data else "false"
            elif not field.raw_data:
                continue
            elif name == "extra_sans":
                texts[name] = "\n".join(split_names(field.data or ""))
            else:
                texts[name] = field.data or ""
        return texts

    def fill(self, texts: dict[str, str], version: int) -> None:
        """Show TEXTS (field_text() values) in the form, opened at VERSION."""
        for name, text in texts.items():
            self[name].data = text == "true" if name in BOOLEAN_FIELDS else text
        self.version.data = version


class ActionForm(DeskForm):
    """A one-button action; carries the version the page showed."""

    version = version_field()


class SuggestionForm(DeskForm):
    version = version_field()
    field = StringField(validators=[InputRequired()])
    value = StringField()
    suggestion = StringField()


class AgentReplyForm(DeskForm):
    body = TextAreaField(
        _l("Reply to the customer"), validators=[check_length, check_no_private_key]
    )
    send = SubmitField(_l("Send reply"))
    ask = SubmitField(_l("Send and wait for the customer's answer"))

    def validate_body(self, field) -> None:
        if not (field.data or "").strip() and not field.errors:
            raise ValidationError(_("The reply is empty. Write a message first."))


class NoteForm(DeskForm):
    body = TextAreaField(
        _l("Internal note (only agents see it)"),
        validators=[check_length, check_no_private_key],
    )
    add = SubmitField(_l("Add internal note"))

    def validate_body(self, field) -> None:
        if not (field.data or "").strip() and not field.errors:
            raise ValidationError(_("The note is empty. Write a note first."))
