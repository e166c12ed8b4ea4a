"""Country Name: an ISO 3166-1 alpha-2 code, with suggestions for common mistakes."""

from __future__ import annotations

import pycountry

from helpdesk.csr.findings import N_, Finding, error

# Codes and names customers type that pycountry does not resolve to the code
# they mean. UK, EL and KO are not ISO 3166-1 codes (KO is not assigned).
COMMON_MISTAKES = {
    "UK": "GB",
    "ENGLAND": "GB",
    "GREAT BRITAIN": "GB",
    "EL": "GR",
    "KO": "KR",
    "KOREA": "KR",
    "SOUTH KOREA": "KR",
    "REPUBLIC OF KOREA": "KR",
    "ROK": "KR",
    "한국": "KR",
    "대한민국": "KR",
    "USA": "US",
    "AMERICA": "US",
    "UNITED STATES OF AMERICA": "US",
    "JAPAN": "JP",
    "일본": "JP",
    "CHINA": "CN",
    "중국": "CN",
    "미국": "US",
}


def suggest_country(value: str) -> str | None:
    """Return the alpha-2 code a typed country most likely means, or None."""
    text = value.strip().rstrip(".")
    if not text:
        return None
    upper = text.upper()
    if upper in COMMON_MISTAKES:
        return COMMON_MISTAKES[upper]
    if len(upper) == 2 and pycountry.countries.get(alpha_2=upper):
        return upper
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def check_country(value: str) -> list[Finding]:
    """Check that the Country Name is an upper-case ISO 3166-1 alpha-2 code."""
    if not value.strip():
        return [
            error(
                "country",
                value,
                N_(
                    "Country Name is required. Enter the two-letter ISO 3166-1 "
                    "code, such as KR for the Republic of Korea."
                ),
            )
        ]
    if len(value) == 2 and value.isascii() and value.isupper():
        if pycountry.countries.get(alpha_2=value):
            return []
    suggestion = suggest_country(value)
    if suggestion is None:
        return [
            error(
                "country",
                value,
                N_(
                    "“%(value)s” is not an ISO 3166-1 country code. Enter the "
                    "two-letter code, such as KR for the Republic of Korea or US "
                    "for the United States."
                ),
            )
        ]
    name = pycountry.countries.get(alpha_2=suggestion).name
    return [
        error(
            "country",
            value,
            N_(
                "“%(value)s” is not a two-letter ISO 3166-1 code in upper case. "
                "Enter “%(suggestion)s” (%(country)s)."
            ),
            country=name,
            suggestion=suggestion,
        )
    ]
