"""Routes for the CSR check (/csr-check) and the certificate check of a ticket.

Customers and agents use both. The certificate check loads the ticket with
load_ticket_or_404, so another customer's ticket is a 404.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from helpdesk import csr
from helpdesk.access import load_ticket_or_404, roles, visible_tickets
from helpdesk.extensions import db
from helpdesk.inspect import blueprint, services
from helpdesk.inspect.forms import CertificateCheckForm, CsrCheckForm
from helpdesk.models import IssuedCsr, Role, Ticket
from helpdesk.selfservice import findings
from helpdesk.tickets.fields import FIELD_LABELS

CSR_CHECK = "csr_check"
CERTIFICATE_CHECK = "certificate_check"
# Request bodies larger than this are rejected before they are parsed.
# Werkzeug spools an uploaded file above 500 KiB to a temporary file, and a
# file sent here may hold a private key, so a body must stay below that.
MAX_BODY_BYTES = 256 * 1024
RECENT_TICKETS = 50
# Subject and issuer attributes by their short names, as csr.inspect_* list them.
ATTRIBUTE_LABELS = {
    "C": FIELD_LABELS["country"],
    "ST": FIELD_LABELS["state"],
    "L": FIELD_LABELS["locality"],
    "O": FIELD_LABELS["organization"],
    "OU": FIELD_LABELS["organizational_unit"],
    "CN": FIELD_LABELS["common_name"],
    "emailAddress": FIELD_LABELS["email_address"],
}


# Every page shows keys in one form, "RSA 2048" or "ECDSA P-256": the global
# takes a key type and size, the filter a stored value such as "RSA-2048".
blueprint.add_app_template_global(csr.key_display_name, "key_display_name")
blueprint.add_app_template_filter(csr.key_label_display_name, "key_display_name")


@blueprint.url_value_preprocessor
def limit_body_size(endpoint, values) -> None:
    # URL value preprocessors run before every before_request function,
    # including the CSRF check that reads the form.
    request.max_content_length = MAX_BODY_BYTES


@blueprint.errorhandler(413)
def body_too_large(error):
    message = _(
        "The upload is too large. A CSR or certificate is a few kilobytes: choose "
        "the .csr, .crt or .pem file itself, not an archive or a bundle."
    )
    page = render_template(
        "errors/error.html",
        status=413,
        message=message,
        request_id=g.get("request_id", ""),
    )
    return page, 413


@blueprint.get("/csr-check")
@roles(Role.CUSTOMER, Role.AGENT)
def csr_form():
    return render_csr_page(CsrCheckForm())


@blueprint.post("/csr-check")
@roles(Role.CUSTOMER, Role.AGENT)
def csr_check():
    form = CsrCheckForm()
    if not form.validate_on_submit():
        if form.has_private_key:
            services.record_private_key_rejected(current_user, CSR_CHECK, None)
        return render_csr_page(form, status=422)

    try:
        summary = services.read_csr(form.input_bytes)
    except services.UnreadableInput as problem:
        form.input_field.errors.append(unreadable_message(problem.looks_like, "csr"))
        return render_csr_page(form, status=422)
    return render_csr_page(form, summary=summary)


@blueprint.get("/certificates")
@roles(Role.CUSTOMER, Role.AGENT)
def certificates():
    number = request.args.get("ticket", "").strip().lstrip("#")
    # isdigit() alone accepts "²" and "１", which int() rejects or rereads.
    if number.isascii() and number.isdigit():
        return redirect(url_for("inspect.certificate_form", ticket_id=int(number)))
    query = (
        visible_tickets(current_user)
        .where(Ticket.id.in_(sa.select(IssuedCsr.ticket_id)))
        .options(selectinload(Ticket.issued_csrs))
        .order_by(Ticket.id.desc())
        .limit(RECENT_TICKETS)
    )
    tickets = db.session.scalars(query).all()
    return render_template("inspect/certificates.html", tickets=tickets)


@blueprint.get("/tickets/<int:ticket_id>/certificate")
@roles(Role.CUSTOMER, Role.AGENT)
def certificate_form(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    return render_certificate_page(ticket, CertificateCheckForm())


@blueprint.post("/tickets/<int:ticket_id>/certificate")
@roles(Role.CUSTOMER, Role.AGENT)
def certificate_check(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    form = CertificateCheckForm()
    if not form.validate_on_submit():
        if form.has_private_key:
            services.record_private_key_rejected(
                current_user, CERTIFICATE_CHECK, ticket.id
            )
        return render_certificate_page(ticket, form, status=422)

    try:
        check = services.check_certificate(current_user, ticket, form.input_bytes)
    except services.UnreadableInput as problem:
        message = unreadable_message(problem.looks_like, "certificate")
        form.input_field.errors.append(message)
        return render_certificate_page(ticket, form, status=422)
    return render_certificate_page(ticket, form, check=check)


def unreadable_message(looks_like: str, expected: str) -> str:
    """Explain why the input could not be read, naming what it looks like instead."""
    if expected == "csr" and looks_like == services.UnreadableInput.CERTIFICATE:
        return _(
            "This is a certificate, not a CSR. Check an issued certificate on its "
            "ticket's certificate page; here, paste the CSR that starts with "
            "-----BEGIN CERTIFICATE REQUEST-----."
        )
    if expected == "certificate" and looks_like == services.UnreadableInput.CSR:
        return _(
            "This is a CSR, not a certificate. Paste the certificate your "
            "certificate authority issued for it, which starts with "
            "-----BEGIN CERTIFICATE-----."
        )
    if expected == "csr":
        return _(
            "This is not a readable CSR. Paste the whole CSR, from -----BEGIN "
            "CERTIFICATE REQUEST----- to -----END CERTIFICATE REQUEST-----, or "
            "choose the .csr file in PEM or DER form."
        )
    return _(
        "This is not a readable certificate. Paste the whole certificate, from "
        "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, or choose the "
        ".crt, .cer, .der or .p7b file your certificate authority sent."
    )


def render_csr_page(form, summary=None, status: int = 200):
    return (
        render_template(
            "inspect/csr.html",
            form=form,
            summary=summary,
            findings=findings.ordered(summary.findings) if summary else [],
            severity_labels=findings.SEVERITY_LABELS,
            field_labels=FIELD_LABELS,
            attribute_labels=ATTRIBUTE_LABELS,
        ),
        status,
    )


def render_certificate_page(ticket: Ticket, form, check=None, status: int = 200):
    return (
        render_template(
            "inspect/certificate.html",
            ticket=ticket,
            form=form,
            check=check,
            attribute_labels=ATTRIBUTE_LABELS,
        ),
        status,
    )
