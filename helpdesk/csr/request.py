"""The CSR request a ticket holds, as the rules and the builder see it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CsrRequest:
    """Subject fields and key choice of one ticket, as typed or corrected.

    Organizational Unit and Email Address stay on the ticket but go into the
    CSR subject only when the matching ``include_*`` flag is set.
    """

    country: str
    state: str
    locality: str
    organization: str
    organizational_unit: str
    common_name: str
    email_address: str
    key_type: str
    key_size: int
    problem_domain: str = ""
    include_ou_in_subject: bool = False
    include_email_in_subject: bool = False
    extra_sans: tuple[str, ...] = ()
    add_www_variant: bool = False
