"""Findings of the CSR rules as the pages show them: translated, grouped by field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk import csr
from helpdesk.tickets.fields import FIELD_LABELS, SUBJECT_FIELDS, key_value

SEVERITY_LABELS = {
    csr.Severity.ERROR: _l("Error"),
    csr.Severity.WARNING: _l("Warning"),
    csr.Severity.INFO: _l("Note"),
}
SEVERITY_ORDER = (csr.Severity.ERROR, csr.Severity.WARNING, csr.Severity.INFO)
# The order of the self-service form; findings on other fields come after.
FIELD_ORDER = (*SUBJECT_FIELDS, "key", "extra_sans", "problem_domain")


@dataclass(frozen=True)
class ShownFinding:
    """One finding with its message translated and its suggestion as a question."""

    field: str
    severity: csr.Severity
    message: str
    suggestion: str | None


def show(finding: csr.Finding) -> ShownFinding:
    return ShownFinding(
        field=finding.field,
        severity=finding.severity,
        message=finding.render(_),
        suggestion=did_you_mean(finding),
    )


def ordered(findings: Iterable[csr.Finding]) -> list[ShownFinding]:
    """Return the findings shown, errors first, then warnings, then notes."""
    ranked = sorted(findings, key=lambda f: SEVERITY_ORDER.index(f.severity))
    return [show(finding) for finding in ranked]


def by_field(findings: Iterable[csr.Finding]) -> dict[str, list[ShownFinding]]:
    """Group the findings by the field they name, errors first within each field."""
    grouped: dict[str, list[ShownFinding]] = {}
    for finding in ordered(findings):
        grouped.setdefault(finding.field, []).append(finding)
    return grouped


def did_you_mean(finding: csr.Finding) -> str | None:
    """Return the suggestion as a "Did you mean ...?" sentence, or None."""
    if finding.suggestion is None:
        return None
    if finding.suggestion == "":
        return _("Did you mean to leave this field empty?")
    suggestion = finding.suggestion
    if finding.field == "key":
        suggestion = key_name(suggestion)
    return _("Did you mean %(suggestion)s?", suggestion=suggestion)


def key_name(value: str) -> str:
    """Return the translated name of a key choice such as "RSA-2048"."""
    for key_type, key_size, label in csr.KEY_CHOICES:
        if key_value(key_type, key_size) == value:
            return _(label)
    return value


def as_text(findings: Iterable[csr.Finding]) -> str:
    """Return the findings as plain text lines for a ticket description."""
    grouped = by_field(findings)
    names = [name for name in FIELD_ORDER if name in grouped]
    names += [name for name in grouped if name not in FIELD_ORDER]
    lines = []
    for field_name in names:
        label = FIELD_LABELS.get(field_name, field_name)
        for finding in grouped[field_name]:
            line = _(
                "- %(severity)s, %(field)s: %(message)s",
                severity=SEVERITY_LABELS[finding.severity],
                field=label,
                message=finding.message,
            )
            if finding.suggestion:
                line += " " + finding.suggestion
            lines.append(line)
    return "\n".join(lines)
