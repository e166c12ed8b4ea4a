"""DNS names for the Common Name and subjectAltName: syntax, IDN and public suffixes.

Public suffix decisions use the list shipped in the publicsuffixlist package,
so nothing is downloaded at run time:

- A name is internal unless its top-level domain is in the ICANN section of
  the list. Special-use names (RFC 6761, RFC 8375, RFC 9476) and common
  private names such as .corp, .home and .lan are internal too.
- A wildcard directly on an ICANN suffix (``*.co.kr``) is an error. On a
  private-section suffix (``*.github.io``) it is a warning, because a CA
  issues that only to the operator of the whole suffix.
- The apex of a name is its registrable domain under both sections, so a
  site registered under a private suffix (``shop.blogspot.com``) is an apex
  like ``example.co.kr`` is.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field

import idna
from publicsuffixlist import PublicSuffixList

from helpdesk.csr.findings import N_, Finding, error, info, warning

ICANN_SUFFIXES = PublicSuffixList(only_icann=True, accept_unknown=False)
ALL_SUFFIXES = PublicSuffixList(accept_unknown=False)

# Names that never resolve on the public Internet, even where the list has them.
SPECIAL_USE_SUFFIXES = frozenset(
    {
        "alt",
        "arpa",
        "corp",
        "example",
        "home",
        "internal",
        "intranet",
        "invalid",
        "lan",
        "local",
        "localdomain",
        "localhost",
        "onion",
        "private",
        "test",
    }
)

MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63
MAX_COMMON_NAME_LENGTH = 64
LDH_LABEL = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class NameCheck:
    """The verdict on one DNS name and its A-label when it has a valid one."""

    findings: list[Finding] = field(default_factory=list)
    a_label: str | None = None
    u_label: str | None = None


def normalize_name(value: str) -> str:
    """Strip spaces and trailing dots, lower-case, and map full-width forms (NFKC)."""
    name = unicodedata.normalize("NFKC", value).strip().rstrip(".").strip()
    return name.lower()


def check_dns_name(
    field_name: str, value: str, *, is_common_name: bool = False
) -> NameCheck:
    """Check one Common Name or subjectAltName value the way public CAs do.

    Every finding that has a suggestion carries the fully corrected A-label,
    so applying any one of them yields the same name.
    """
    findings: list[Finding] = []
    name = normalize_name(value)
    if not name:
        return NameCheck([_missing(field_name, value)])

    if _is_ip_address(name):
        return NameCheck(
            [
                error(
                    field_name,
                    value,
                    N_(
                        "“%(value)s” is an IP address. Public CAs issue certificates "
                        "for domain names only: enter the domain name of the site, "
                        "such as www.example.com."
                    ),
                )
            ]
        )

    labels = name.split(".")
    is_wildcard = labels[0] == "*"
    base_labels = labels[1:] if is_wildcard else labels
    if "*" in ".".join(base_labels) or (is_wildcard and not base_labels):
        return NameCheck(
            [
                error(
                    field_name,
                    value,
                    N_(
                        "The wildcard in “%(value)s” is not allowed there. A wildcard "
                        "must be the whole left-most label, as in *.example.com, "
                        "and there can be only one."
                    ),
                )
            ]
        )

    a_labels: list[str] = []
    label_findings: list[Finding] = []
    for label in base_labels:
        a_label, problem = _label_to_ascii(field_name, value, label)
        label_findings.extend(problem)
        a_labels.append(a_label or label)
    if label_findings:
        return NameCheck(_unique(label_findings))

    base = ".".join(a_labels)
    a_name = "*." + base if is_wildcard else base
    u_name = _to_unicode(a_name)

    if a_name != value:
        findings.append(_suggest_correction(field_name, value, a_name, u_name))

    findings.extend(_check_lengths(field_name, value, a_name, is_common_name))
    findings.extend(_check_public_name(field_name, value, base, is_wildcard))
    return NameCheck(findings, a_name, u_name)


def apex_of(a_name: str) -> str | None:
    """Return the registrable domain of an A-label name, or None if there is none."""
    base = a_name[2:] if a_name.startswith("*.") else a_name
    return ALL_SUFFIXES.privatesuffix(base)


def www_variant(a_name: str) -> str | None:
    """Return the name a "www variant" adds, or None when the name has none.

    An apex gets www.<apex>; www.<apex> gets the apex; a wildcard on an apex
    gets the apex, because *.<apex> already covers www.<apex>.
    """
    apex = apex_of(a_name)
    if apex is None:
        return None
    if a_name == apex:
        return "www." + apex
    if a_name in ("www." + apex, "*." + apex):
        return apex
    return None


def is_same_or_subdomain(name: str, parent: str) -> bool:
    return name == parent or name.endswith("." + parent)


def _label_to_ascii(
    field_name: str, value: str, label: str
) -> tuple[str | None, list[Finding]]:
    if label.isascii():
        return label, _check_ldh_label(field_name, value, label)
    punycode_length = len("xn--") + len(label.encode("punycode"))
    if punycode_length > MAX_LABEL_LENGTH:
        return None, [
            error(
                field_name,
                value,
                N_(
                    "The label “%(label)s” in “%(value)s” has %(length)s characters as "
                    "an A-label; a DNS label can have at most 63."
                ),
                label=label,
                length=punycode_length,
            )
        ]
    try:
        a_label = idna.alabel(label)
    except idna.IDNAError:
        return None, [
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” is not a valid internationalized domain name "
                    "(IDNA 2008): the label “%(label)s” contains characters that "
                    "domain names cannot use. Check the spelling with the "
                    "customer."
                ),
                label=label,
            )
        ]
    return a_label.decode("ascii"), []


def _check_ldh_label(field_name: str, value: str, label: str) -> list[Finding]:
    problems: list[Finding] = []
    if not label:
        problems.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” has an empty label (two dots in a row or a "
                    "leading dot). Remove the extra dot."
                ),
            )
        )
        return problems
    if "_" in label:
        problems.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” contains an underscore. Host names may contain "
                    "only letters, digits and hyphens, and public CAs reject "
                    "underscores."
                ),
            )
        )
    elif not LDH_LABEL.match(label):
        problems.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” contains characters a host name cannot have. Use "
                    "only letters, digits, hyphens and dots between labels."
                ),
            )
        )
    if len(label) > MAX_LABEL_LENGTH:
        problems.append(
            error(
                field_name,
                value,
                N_(
                    "The label “%(label)s” in “%(value)s” has %(length)s characters; "
                    "a DNS label can have at most 63."
                ),
                label=label,
                length=len(label),
            )
        )
    if label.startswith("-") or label.endswith("-"):
        problems.append(
            error(
                field_name,
                value,
                N_(
                    "The label “%(label)s” in “%(value)s” starts or ends with a "
                    "hyphen. Remove the hyphen at the edge of the label."
                ),
                label=label,
            )
        )
    if not problems and label.startswith("xn--") and _to_unicode(label) is None:
        problems.append(
            error(
                field_name,
                value,
                N_(
                    "The label “%(label)s” in “%(value)s” starts with xn-- but is not "
                    "a valid internationalized label. Enter the name as the "
                    "customer writes it, for example in Korean."
                ),
                label=label,
            )
        )
    return problems


def _suggest_correction(
    field_name: str, value: str, a_name: str, u_name: str | None
) -> Finding:
    is_idn = u_name is not None and u_name != a_name
    if is_idn and value == u_name:
        return info(
            field_name,
            value,
            N_(
                "The internationalized name “%(unicode)s” goes into the CSR as its "
                "A-label “%(ascii)s”. Both name the same site."
            ),
            unicode=u_name,
            ascii=a_name,
            suggestion=a_name,
        )
    if is_idn:
        return error(
            field_name,
            value,
            N_(
                "Write “%(value)s” as “%(suggestion)s” (the A-label of “%(unicode)s”), "
                "in lower case, without spaces or a trailing dot."
            ),
            unicode=u_name,
            ascii=a_name,
            suggestion=a_name,
        )
    return error(
        field_name,
        value,
        N_(
            "Write “%(value)s” as “%(suggestion)s”: in lower case, without spaces or "
            "a trailing dot."
        ),
        suggestion=a_name,
    )


def _check_lengths(
    field_name: str, value: str, a_name: str, is_common_name: bool
) -> list[Finding]:
    if is_common_name and len(a_name) > MAX_COMMON_NAME_LENGTH:
        return [
            error(
                field_name,
                value,
                N_(
                    "The Common Name “%(ascii)s” has %(length)s characters; a Common "
                    "Name can have at most 64. Use a shorter name as the Common "
                    "Name and add this one as an extra subjectAltName."
                ),
                ascii=a_name,
                length=len(a_name),
            )
        ]
    if len(a_name) > MAX_NAME_LENGTH:
        return [
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” has %(length)s characters; a domain name can have "
                    "at most 253."
                ),
                length=len(a_name),
            )
        ]
    return []


def _check_public_name(
    field_name: str, value: str, base: str, is_wildcard: bool
) -> list[Finding]:
    labels = base.split(".")
    is_special_use = any(
        ".".join(labels[i:]) in SPECIAL_USE_SUFFIXES for i in range(len(labels))
    )
    is_icann_suffix = not is_special_use and ICANN_SUFFIXES.is_public(base)
    if not is_icann_suffix and (
        len(labels) < 2 or is_special_use or ICANN_SUFFIXES.publicsuffix(base) is None
    ):
        return [
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” is an internal name (a single label, localhost, or "
                    "a name under no public top-level domain such as .local, "
                    ".internal or .lan). Public CAs do not issue certificates for "
                    "internal names: enter the public domain name of the site."
                ),
            )
        ]
    if is_icann_suffix:
        if is_wildcard:
            return [
                error(
                    field_name,
                    value,
                    N_(
                        "“%(value)s” puts a wildcard directly on the public suffix "
                        "“%(suffix)s”. A wildcard must sit on a domain you own, as "
                        "in *.example.%(suffix)s."
                    ),
                    suffix=base,
                )
            ]
        return [
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” is a public suffix, not a domain anyone can own. "
                    "Enter the customer's domain, such as example.%(value)s."
                ),
            )
        ]
    if ALL_SUFFIXES.is_public(base):
        return [
            warning(
                field_name,
                value,
                N_(
                    "“%(suffix)s” is a shared suffix run by a private operator. A "
                    "CA issues for “%(value)s” only to that operator; check that "
                    "the customer runs it."
                ),
                suffix=base,
            )
        ]
    return []


def _missing(field_name: str, value: str) -> Finding:
    if field_name == "common_name":
        return error(
            field_name,
            value,
            N_(
                "Common Name is required. Enter the domain name of the site, such "
                "as www.example.com."
            ),
        )
    return error(
        field_name,
        value,
        N_("This subjectAltName is empty. Enter a domain name or remove the entry."),
    )


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _to_unicode(a_name: str) -> str | None:
    try:
        return ".".join(
            "*" if label == "*" else idna.ulabel(label) for label in a_name.split(".")
        )
    except (idna.IDNAError, UnicodeError):
        return None


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.message, str(finding.params.get("label", "")))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
