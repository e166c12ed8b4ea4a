"""Forms that take a CSR or certificate as pasted text or an uploaded file.

Both reject a private key wherever it appears: in PEM form in the text or
the file, or as a DER private key file. A rejected key is dropped from the
form, so the page never echoes it back.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import TextAreaField

from helpdesk import csr
from helpdesk.forms import DeskForm
from helpdesk.selfservice.forms import TextOnly

# A CSR is 1 to 2 KB and a certificate chain a few KB (an estimate), so this
# leaves ample room and still bounds the work of parsing.
MAX_INPUT_BYTES = 100_000

# PEM text is base64: spell checking and autocorrection would only damage it.
TEXT_AREA_ATTRIBUTES = {
    "rows": 14,
    "spellcheck": "false",
    "autocomplete": "off",
    "autocapitalize": "off",
}

PRIVATE_KEY_MESSAGE = _l(
    "This contains a private key, so nothing was checked or saved and it was "
    "removed from the form. Never send a private key to anyone, us included: "
    "anyone who has it can impersonate your site. Treat this key as exposed: "
    "make a new key and CSR, and have the certificate reissued for them."
)


def is_der_private_key(data: bytes) -> bool:
    """Return True when DATA is a DER private key, encrypted or not."""
    try:
        serialization.load_der_private_key(data, password=None)
    except TypeError:
        # Raised for an encrypted key when no password is given.
        return True
    except UnsupportedAlgorithm:
        # The structure is a private key, of a type cryptography cannot use.
        return True
    except ValueError:
        return False
    return True


def file_contains_private_key(data: bytes) -> bool:
    # Latin-1 maps every byte to a character, so a PEM header is found
    # whatever encoding the rest of the file uses.
    if csr.contains_private_key(data.decode("latin-1")):
        return True
    return is_der_private_key(data)


class TextOnlyAreaField(TextOnly, TextAreaField):
    pass


class PemInputForm(DeskForm):
    """The pasted text or the uploaded file; a chosen file wins over the text.

    After validate(), INPUT_BYTES contains what to read, INPUT_FIELD is the
    field it came from, and HAS_PRIVATE_KEY is True when a private key was
    rejected.
    """

    # Subclasses name what is expected, such as "CSR" or "certificate".
    missing_message = _l("Paste the text or choose a file.")

    def validate(self, extra_validators=None) -> bool:
        self.input_bytes: bytes | None = None
        self.input_field = self.text
        self.has_private_key = False
        if not super().validate(extra_validators):
            return False

        text = self.text.data or ""
        upload = self.upload.data
        is_upload = upload is not None and bool(upload.filename)
        data = upload.read(MAX_INPUT_BYTES + 1) if is_upload else text.encode("utf-8")
        if csr.contains_private_key(text):
            return self._reject_private_key(self.text)
        if is_upload and file_contains_private_key(data):
            return self._reject_private_key(self.upload)
        return self._accept(self.upload if is_upload else self.text, data)

    def _reject_private_key(self, field) -> bool:
        self.has_private_key = True
        self.text.data = ""
        field.errors.append(str(PRIVATE_KEY_MESSAGE))
        return False

    def _accept(self, field, data: bytes) -> bool:
        if len(data) > MAX_INPUT_BYTES:
            field.errors.append(
                _(
                    "The input is larger than %(limit)d bytes. A CSR or certificate "
                    "is a few kilobytes: choose the .csr, .crt or .pem file itself, "
                    "not an archive or a bundle of many files.",
                    limit=MAX_INPUT_BYTES,
                )
            )
            return False
        if not data.strip():
            field.errors.append(str(self.missing_message))
            return False
        self.input_bytes = data
        self.input_field = field
        return True


class CsrCheckForm(PemInputForm):
    text = TextOnlyAreaField(_l("CSR (PEM text)"), render_kw=TEXT_AREA_ATTRIBUTES)
    upload = FileField(_l("Or choose a CSR file (.csr, .pem or .der)"))
    missing_message = _l(
        "Paste the CSR, starting with -----BEGIN CERTIFICATE REQUEST-----, or "
        "choose the CSR file."
    )


class CertificateCheckForm(PemInputForm):
    text = TextOnlyAreaField(
        _l("Certificate (PEM text)"), render_kw=TEXT_AREA_ATTRIBUTES
    )
    upload = FileField(
        _l("Or choose the certificate file (.crt, .cer, .pem, .der or .p7b)")
    )
    missing_message = _l(
        "Paste the certificate, starting with -----BEGIN CERTIFICATE-----, or "
        "choose the certificate file your certificate authority sent."
    )
