"""Every rule for a CSR request, field by field and across fields."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from helpdesk.csr.countries import check_country
from helpdesk.csr.email_address import check_email_address
from helpdesk.csr.findings import N_, Finding, info, warning
from helpdesk.csr.keys import check_key
from helpdesk.csr.names import (
    check_dns_name,
    is_same_or_subdomain,
    www_variant,
)
from helpdesk.csr.passphrase import check_passphrase
from helpdesk.csr.request import CsrRequest
from helpdesk.csr.subject import check_text_field

MAX_EXTRA_SANS = 99


def check_request(request: CsrRequest) -> list[Finding]:
    """Apply every rule to every field of a request, in form order."""
    findings: list[Finding] = []
    for field_name in (
        "country",
        "state",
        "locality",
        "organization",
        "organizational_unit",
        "common_name",
        "email_address",
        "problem_domain",
    ):
        findings.extend(check_field(field_name, getattr(request, field_name), request))
    findings.extend(check_key(request.key_type, request.key_size))
    findings.extend(_check_extra_sans(request))
    return findings


def check_field(
    field_name: str, value: str, request: CsrRequest | None = None
) -> list[Finding]:
    """Apply the rules of one field to a value.

    With ``request``, rules that compare fields (Common Name against the
    problem domain, the OU and Email Address subject choices) run as well.
    The key field takes a key label such as "RSA-2048"; extra_sans takes one
    name; passphrase checks the policy without the confirmation.
    """
    checker = FIELD_CHECKERS.get(field_name)
    if checker is None:
        raise ValueError(f"unknown CSR field {field_name!r}")
    return checker(value, request)


def _check_common_name(value: str, request: CsrRequest | None) -> list[Finding]:
    result = check_dns_name("common_name", value, is_common_name=True)
    findings = list(result.findings)
    if request is None or result.a_label is None:
        return findings
    if request.add_www_variant and www_variant(result.a_label) is None:
        findings.append(
            warning(
                "common_name",
                value,
                N_(
                    "“%(value)s” is neither a registrable domain nor its www name, so "
                    "no www variant is added. Add other names as extra "
                    "subjectAltNames."
                ),
            )
        )
    findings.extend(_compare_with_problem_domain(value, result.a_label, request))
    return findings


def _compare_with_problem_domain(
    value: str, common_name: str, request: CsrRequest
) -> list[Finding]:
    problem = check_dns_name("problem_domain", request.problem_domain).a_label
    if not problem:
        return []
    base = common_name.removeprefix("*.")
    problem_base = problem.removeprefix("*.")
    if is_same_or_subdomain(base, problem_base) or is_same_or_subdomain(
        problem_base, base
    ):
        return []
    return [
        warning(
            "common_name",
            value,
            N_(
                "The Common Name “%(value)s” and the problem domain "
                "“%(problem_domain)s” are unrelated: neither is the other or a "
                "subdomain of it. Check with the customer which site the "
                "certificate is for."
            ),
            problem_domain=request.problem_domain,
        )
    ]


def _check_problem_domain(value: str, request: CsrRequest | None) -> list[Finding]:
    # The problem domain only helps the agent; a URL or path is reduced to the
    # host so it can be compared with the Common Name.
    if not value.strip():
        return []
    findings = check_dns_name("problem_domain", host_of(value)).findings
    return [
        dataclasses.replace(
            finding, value=value, params={**finding.params, "value": value}
        )
        for finding in findings
        if finding.suggestion is None
    ]


def host_of(value: str) -> str:
    """Return the host part of a problem domain that may be typed as a URL."""
    text = value.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return text.rsplit("@", 1)[-1].split(":", 1)[0]


def _check_organizational_unit(value: str, request: CsrRequest | None) -> list[Finding]:
    findings = check_text_field("organizational_unit", value)
    if not value.strip() or request is None:
        return findings
    if request.include_ou_in_subject:
        findings.append(
            warning(
                "organizational_unit",
                value,
                N_(
                    "“%(value)s” will be put in the CSR subject. Only a private CA "
                    "accepts it: public CAs have not put the Organizational Unit "
                    "in certificates since September 2022."
                ),
            )
        )
    else:
        findings.append(
            info(
                "organizational_unit",
                value,
                N_(
                    "“%(value)s” stays on the ticket but is left out of the CSR "
                    "subject: public CAs have not put the Organizational Unit in "
                    "certificates since September 2022."
                ),
            )
        )
    return findings


def _check_email(value: str, request: CsrRequest | None) -> list[Finding]:
    findings = check_email_address(value)
    if not value.strip() or request is None:
        return findings
    if request.include_email_in_subject:
        findings.append(
            warning(
                "email_address",
                value,
                N_(
                    "“%(value)s” will be put in the CSR subject and its "
                    "subjectAltName. Only a private CA accepts it: an email "
                    "address in the subject of a server certificate must also be "
                    "in the subjectAltName, so public CAs drop it."
                ),
            )
        )
    else:
        findings.append(
            info(
                "email_address",
                value,
                N_(
                    "“%(value)s” stays on the ticket but is left out of the CSR "
                    "subject: an email address in the subject of a server "
                    "certificate must also be in the subjectAltName, so public "
                    "CAs drop it."
                ),
            )
        )
    return findings


def _check_key_label(value: str, request: CsrRequest | None) -> list[Finding]:
    key_type, _, size = value.partition("-")
    return check_key(key_type.strip().upper(), int(size) if size.isdigit() else 0)


def _check_one_extra_san(value: str, request: CsrRequest | None) -> list[Finding]:
    return check_dns_name("extra_sans", value).findings


def _check_extra_sans(request: CsrRequest) -> list[Finding]:
    findings: list[Finding] = []
    names_before = _common_name_sans(request)
    for name in request.extra_sans:
        result = check_dns_name("extra_sans", name)
        findings.extend(result.findings)
        if result.a_label is None:
            continue
        if result.a_label in names_before:
            findings.append(
                info(
                    "extra_sans",
                    name,
                    N_(
                        "“%(value)s” is already in the subjectAltName as the Common "
                        "Name, its www variant or an earlier entry. The CSR lists "
                        "it once."
                    ),
                )
            )
        names_before.append(result.a_label)
    if len(request.extra_sans) > MAX_EXTRA_SANS:
        findings.append(
            warning(
                "extra_sans",
                str(len(request.extra_sans)),
                N_(
                    "There are %(value)s extra subjectAltNames; many CAs accept at "
                    "most 100 names in one certificate. Split them over several "
                    "certificates."
                ),
            )
        )
    return findings


def _check_passphrase_alone(value: str, request: CsrRequest | None) -> list[Finding]:
    return check_passphrase(value, value)


FIELD_CHECKERS: dict[str, Callable[[str, CsrRequest | None], list[Finding]]] = {
    "country": lambda value, request: check_country(value),
    "state": lambda value, request: check_text_field("state", value),
    "locality": lambda value, request: check_text_field("locality", value),
    "organization": lambda value, request: check_text_field("organization", value),
    "organizational_unit": _check_organizational_unit,
    "common_name": _check_common_name,
    "email_address": _check_email,
    "key": _check_key_label,
    "problem_domain": _check_problem_domain,
    "extra_sans": _check_one_extra_san,
    "passphrase": _check_passphrase_alone,
}


def subject_alt_names(request: CsrRequest) -> list[str]:
    """Return the DNS names of the subjectAltName as A-labels, Common Name first.

    Names that fail the rules are left out; duplicates are dropped.
    """
    names = _common_name_sans(request)
    for value in request.extra_sans:
        a_label = check_dns_name("extra_sans", value).a_label
        if a_label and a_label not in names:
            names.append(a_label)
    return names


def _common_name_sans(request: CsrRequest) -> list[str]:
    names = []
    common_name = check_dns_name("common_name", request.common_name).a_label
    if common_name:
        names.append(common_name)
        variant = www_variant(common_name) if request.add_www_variant else None
        if variant:
            names.append(variant)
    return names


def apply_suggestions(request: CsrRequest) -> CsrRequest:
    """Return the request with every suggested correction applied.

    Every suggestion the rules make is safe to apply without asking the
    customer: case, spaces, A-labels, country codes, known romanized place
    names, empty optional placeholders and RSA 1024 to RSA 2048.
    """
    changes: dict[str, object] = {}
    for field_name in (
        "country",
        "state",
        "locality",
        "organization",
        "organizational_unit",
        "common_name",
        "email_address",
    ):
        value = getattr(request, field_name)
        suggestion = _first_suggestion(check_field(field_name, value))
        if suggestion is not None:
            changes[field_name] = suggestion
    key = _first_suggestion(check_key(request.key_type, request.key_size))
    if key is not None:
        key_type, _, size = key.partition("-")
        changes["key_type"] = key_type
        changes["key_size"] = int(size)
    changes["extra_sans"] = _corrected_extra_sans(request)
    return dataclasses.replace(request, **changes)


def _corrected_extra_sans(request: CsrRequest) -> tuple[str, ...]:
    names: list[str] = []
    for value in request.extra_sans:
        suggestion = _first_suggestion(check_dns_name("extra_sans", value).findings)
        name = value if suggestion is None else suggestion
        if name not in names:
            names.append(name)
    return tuple(names)


def _first_suggestion(findings: list[Finding]) -> str | None:
    for finding in findings:
        if finding.suggestion is not None:
            return finding.suggestion
    return None
