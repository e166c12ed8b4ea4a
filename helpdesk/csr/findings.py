"""Findings: what a rule reports about one field, and the error the core raises."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# The fields a Finding can name. The web layer maps each to its form field.
FIELDS = (
    "country",
    "state",
    "locality",
    "organization",
    "organizational_unit",
    "common_name",
    "email_address",
    "key",
    "problem_domain",
    "extra_sans",
    "passphrase",
)


def N_(message: str) -> str:
    """Mark a message for extraction by pybabel; translation happens on render."""
    return message


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one value, with a message the agent can act on.

    ``message`` is an English msgid with %(name)s placeholders filled from
    ``params``. An ERROR blocks approval and the self-service download; a
    WARNING or INFO only informs.
    """

    field: str
    value: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.ERROR
    suggestion: str | None = None

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """Translate the message and fill in its placeholders."""
        return translate(self.message) % self.params


class CsrError(ValueError):
    """A request that cannot be turned into a CSR or read as one.

    ``findings`` holds the reasons when they come from the rules; str(error)
    is a plain English sentence that never contains a passphrase or key.
    """

    def __init__(self, message: str, findings: Iterable[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Return True when any finding blocks approval."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def error(field_name: str, value: str, message: str, **params: Any) -> Finding:
    return _make(field_name, value, message, Severity.ERROR, params)


def warning(field_name: str, value: str, message: str, **params: Any) -> Finding:
    return _make(field_name, value, message, Severity.WARNING, params)


def info(field_name: str, value: str, message: str, **params: Any) -> Finding:
    return _make(field_name, value, message, Severity.INFO, params)


def _make(
    field_name: str, value: str, message: str, severity: Severity, params: dict
) -> Finding:
    suggestion = params.pop("suggestion", None)
    params.setdefault("value", value)
    if suggestion is not None:
        params.setdefault("suggestion", suggestion)
    return Finding(field_name, value, message, params, severity, suggestion)
