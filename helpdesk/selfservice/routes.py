"""Customer routes under /selfservice: check the fields, download, or ask an agent.

The page is one form. "Check" posts to /selfservice and shows every rule's
findings next to the fields. When no rule reports an error, the passphrase
fields appear and "Download" posts the same form to /selfservice/download.
When a rule fails or the key cannot be generated, "Open a ticket" posts it
to /selfservice/ticket instead.
"""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from helpdesk import csr
from helpdesk.access import roles
from helpdesk.auth.fresh import is_login_fresh, redirect_to_reauthenticate
from helpdesk.extensions import limiter
from helpdesk.models import Role
from helpdesk.selfservice import blueprint, findings, services
from helpdesk.selfservice.forms import SelfServiceForm
from helpdesk.tickets.fields import FIELD_LABELS, parse_key_value
from helpdesk.tickets.routes import zip_response

# Session key of the values typed before a sign-in again, so the customer does
# not type them twice.
SAVED_VALUES_KEY = "selfservice_saved_values"
RULES = "rules"
GENERATION_FAILED = "generation_failed"
# Every download generates a key and runs PBKDF2: 0.1 s to 1.8 s of CPU in
# docs/benchmarks.md (RSA-4096 the slowest). One account gets this many an
# hour unless the SELFSERVICE_DOWNLOAD_LIMIT setting sets another limit.
DEFAULT_DOWNLOAD_LIMIT = "20/hour"


def download_limit() -> str:
    return current_app.config.get("SELFSERVICE_DOWNLOAD_LIMIT", DEFAULT_DOWNLOAD_LIMIT)


def user_key() -> str:
    """Return the rate-limit key: the account when signed in, else the IP address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


@blueprint.get("/selfservice")
@roles(Role.CUSTOMER)
def index():
    saved = session.pop(SAVED_VALUES_KEY, None)
    if not isinstance(saved, dict) or parse_key_value(saved.get("key", "")) is None:
        return render_page(SelfServiceForm())
    form = SelfServiceForm(formdata=None, data=saved)
    return render_page(form, csr.check_request(form.csr_request()))


@blueprint.post("/selfservice")
@roles(Role.CUSTOMER)
def check():
    form = SelfServiceForm()
    if not form.validate_on_submit():
        return render_page(form, status=422)

    csr_request = form.csr_request()
    if "apply_suggestions" in request.form:
        csr_request = csr.apply_suggestions(csr_request)
        form.fill(csr_request)
    return render_page(form, csr.check_request(csr_request))


@blueprint.post("/selfservice/download")
@limiter.limit(download_limit, key_func=user_key)
@roles(Role.CUSTOMER)
def download():
    form = SelfServiceForm()
    if not form.validate_on_submit():
        return render_page(form, status=422)
    if not is_login_fresh():
        session[SAVED_VALUES_KEY] = form.values_to_save()
        return redirect_to_reauthenticate(url_for("selfservice.index"))

    csr_request = form.csr_request()
    rule_findings = csr.check_request(csr_request)
    if csr.has_errors(rule_findings) or not form.check_passphrase():
        return render_page(form, rule_findings, status=422)
    try:
        delivery, _ticket = services.deliver(
            current_user, csr_request, form.passphrase.data, delivery_description()
        )
    except services.GenerationFailed:
        return render_page(form, rule_findings, is_failed=True, status=500)
    return zip_response(delivery)


@blueprint.post("/selfservice/ticket")
@roles(Role.CUSTOMER)
def open_ticket():
    form = SelfServiceForm()
    if not form.validate_on_submit():
        return render_page(form, status=422)

    csr_request = form.csr_request()
    is_failure = request.form.get("reason") == GENERATION_FAILED
    reason = GENERATION_FAILED if is_failure else RULES
    description = ticket_description(csr.check_request(csr_request), reason)
    ticket = services.open_ticket(current_user, csr_request, description, reason)
    flash(
        _(
            "Ticket %(number)s was opened with your values and the problems found. "
            "An agent will correct the fields with you.",
            number=ticket.id,
        ),
        "success",
    )
    return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)


def delivery_description() -> str:
    return _(
        "Made on the self-service page: every CSR rule passed, and the key and "
        "CSR were downloaded at once."
    )


def ticket_description(rule_findings: list[csr.Finding], reason: str) -> str:
    """Return the ticket description: why it was opened, then every finding."""
    if reason == GENERATION_FAILED:
        opening = _(
            "Opened from the self-service page because generating the key and CSR "
            "failed. Nothing was downloaded."
        )
    else:
        opening = _(
            "Opened from the self-service page because the CSR rules found "
            "problems that block the download."
        )
    listed = findings.as_text(rule_findings)
    if not listed:
        return opening
    return opening + "\n\n" + _("Problems found:") + "\n" + listed


def render_page(form, rule_findings=None, *, is_failed=False, status: int = 200):
    """Render the form; RULE_FINDINGS is None before the fields were checked."""
    is_checked = rule_findings is not None and not form.errors.keys() - {"passphrase"}
    rule_findings = rule_findings or []
    grouped = findings.by_field(rule_findings)
    has_errors = csr.has_errors(rule_findings)
    context = {
        "form": form,
        "findings": grouped,
        "other_findings": [
            shown for name in grouped if name not in form for shown in grouped[name]
        ],
        "field_labels": FIELD_LABELS,
        "severity_labels": findings.SEVERITY_LABELS,
        "is_checked": is_checked,
        "has_errors": has_errors,
        "can_download": is_checked and not has_errors and not is_failed,
        "can_open_ticket": (is_checked and has_errors) or is_failed,
        "has_suggestions": any(f.suggestion is not None for f in rule_findings),
        "sans": csr.subject_alt_names(form.csr_request()) if is_checked else [],
        "is_failed": is_failed,
        "is_fresh": is_login_fresh(),
        "ticket_reason": GENERATION_FAILED if is_failed else RULES,
    }
    return render_template("selfservice/index.html", **context), status
