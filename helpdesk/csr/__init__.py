"""The CSR core: subject rules, key choices, CSR building, packaging, inspection.

Nothing here imports Flask. Messages are English msgids marked with N_();
the web layer translates them when it renders a Finding.
"""

from helpdesk.csr.builder import public_key_sha256
from helpdesk.csr.delivery import Delivery, build_delivery
from helpdesk.csr.findings import (
    FIELDS,
    N_,
    CsrError,
    Finding,
    Severity,
    has_errors,
)
from helpdesk.csr.inspection import (
    CertificateSummary,
    CsrSummary,
    contains_private_key,
    inspect_certificate,
    inspect_csr,
    match_certificate,
)
from helpdesk.csr.keys import (
    KEY_CHOICES,
    key_display_name,
    key_label,
    key_label_display_name,
)
from helpdesk.csr.packaging import DEFAULT_KDF_ROUNDS
from helpdesk.csr.passphrase import check_passphrase
from helpdesk.csr.request import CsrRequest
from helpdesk.csr.rules import (
    apply_suggestions,
    check_field,
    check_request,
    subject_alt_names,
)

__all__ = [
    "DEFAULT_KDF_ROUNDS",
    "FIELDS",
    "KEY_CHOICES",
    "N_",
    "CertificateSummary",
    "CsrError",
    "CsrRequest",
    "CsrSummary",
    "Delivery",
    "Finding",
    "Severity",
    "apply_suggestions",
    "build_delivery",
    "check_field",
    "check_passphrase",
    "check_request",
    "contains_private_key",
    "has_errors",
    "inspect_certificate",
    "inspect_csr",
    "key_display_name",
    "key_label",
    "key_label_display_name",
    "match_certificate",
    "public_key_sha256",
    "subject_alt_names",
]
