"""Customer routes under /tickets: list, open, read and reply, download once."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from helpdesk import csr
from helpdesk.access import (
    load_attachment_or_404,
    load_ticket_or_404,
    roles,
    visible_tickets,
)
from helpdesk.auth.fresh import is_login_fresh, redirect_to_reauthenticate
from helpdesk.extensions import db
from helpdesk.models import Role, Ticket
from helpdesk.tickets import blueprint, services
from helpdesk.tickets.fields import FIELD_LABELS, SUBJECT_FIELDS
from helpdesk.tickets.forms import (
    DownloadForm,
    NewKeyForm,
    ReplyForm,
    TicketForm,
)
from helpdesk.workflow import (
    NEXT_STEP_FOR_CUSTOMER,
    STATUS_LABELS,
    Action,
    Status,
    can,
    can_reply,
    download_deadline,
)

REFUSAL_MESSAGES = {
    services.DownloadRefused.ALREADY_DELIVERED: lambda: _(
        "This key was already delivered: the ZIP file can be downloaded only "
        "once. If you do not have the ZIP file, request a new key on the ticket "
        "page."
    ),
    services.DownloadRefused.EXPIRED: lambda: _(
        "The download period for this key has ended. An agent will check the "
        "ticket and make it ready again."
    ),
    services.DownloadRefused.NOT_READY: lambda: _(
        "This ticket is not ready for download. The ticket page says what happens next."
    ),
}


@blueprint.get("/tickets")
@roles(Role.CUSTOMER)
def index():
    query = visible_tickets(current_user).order_by(Ticket.id.desc())
    tickets = db.session.scalars(query).all()
    return render_template(
        "tickets/index.html",
        tickets=tickets,
        status_labels=STATUS_LABELS,
        next_steps=NEXT_STEP_FOR_CUSTOMER,
    )


@blueprint.route("/tickets/new", methods=["GET", "POST"])
@roles(Role.CUSTOMER)
def new():
    form = TicketForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("tickets/new.html", form=form), status

    ticket = services.open_ticket(
        current_user, form.ticket_input(), form.processed_screenshot
    )
    flash(_("Ticket %(number)s was opened.", number=ticket.id), "success")
    return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)


@blueprint.get("/tickets/<int:ticket_id>")
@roles(Role.CUSTOMER)
def show(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    return render_ticket(ticket)


@blueprint.post("/tickets/<int:ticket_id>/reply")
@roles(Role.CUSTOMER)
def reply(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    form = ReplyForm()
    if not can_reply(current_user, ticket):
        flash(_("This ticket is closed, so it takes no more replies."), "error")
        return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)
    if not form.validate_on_submit():
        return render_ticket(ticket, reply_form=form, status=422)

    try:
        services.add_customer_reply(current_user, ticket, form.body.data)
    except StaleDataError:
        db.session.rollback()
        flash(_("The ticket changed while you wrote. Send your reply again."), "error")
        return render_ticket(ticket, reply_form=form, status=409)
    flash(_("Your reply was sent."), "success")
    return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)


@blueprint.get("/tickets/<int:ticket_id>/screenshots/<public_id>")
@roles(Role.CUSTOMER, Role.AGENT)
def screenshot(ticket_id: int, public_id: str):
    # Only the ticket's customer and the agents may see it, as on the ticket pages.
    ticket = load_ticket_or_404(ticket_id)
    attachment = load_attachment_or_404(ticket, public_id)
    response = Response(attachment.data, mimetype=attachment.content_type)
    extension = "jpg" if attachment.content_type == "image/jpeg" else "png"
    response.headers.set(
        "Content-Disposition",
        "inline",
        filename=f"ticket-{ticket.id}-screenshot-{attachment.id}.{extension}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/tickets/<int:ticket_id>/download")
@roles(Role.CUSTOMER)
def download_form(ticket_id: int):
    # A GET (or HEAD) only shows the form; nothing is generated or claimed.
    ticket = load_ticket_or_404(ticket_id)
    if not is_login_fresh():
        return redirect_to_reauthenticate()
    reason = services.download_refusal_reason(ticket)
    notice = REFUSAL_MESSAGES[reason]() if reason else None
    return render_download(ticket, DownloadForm(), notice)


@blueprint.post("/tickets/<int:ticket_id>/download")
@roles(Role.CUSTOMER)
def download(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    if not is_login_fresh():
        return redirect_to_reauthenticate(
            url_for("tickets.download_form", ticket_id=ticket.id)
        )
    form = DownloadForm()
    if not form.validate_on_submit():
        return render_download(ticket, form, status=422)

    try:
        delivery = services.deliver_key(current_user, ticket.id, form.passphrase.data)
    except services.DownloadRefused as refusal:
        message = REFUSAL_MESSAGES[refusal.reason]()
        return render_download(ticket, DownloadForm(), message, status=409)
    except services.DeliveryFailed:
        message = _(
            "The key could not be generated, so nothing was delivered and the "
            "ticket is still ready. Try again in a few minutes; if it fails "
            "again, reply on the ticket."
        )
        return render_download(ticket, DownloadForm(), message, status=500)
    return zip_response(delivery)


@blueprint.post("/tickets/<int:ticket_id>/new-key")
@roles(Role.CUSTOMER)
def new_key(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    if not can(current_user, Action.REQUEST_NEW_KEY, ticket):
        flash(_("A new key can be requested only after a key was delivered."), "error")
        return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)
    form = NewKeyForm()
    if not form.validate_on_submit():
        return render_ticket(ticket, new_key_form=form, status=422)

    try:
        services.request_new_key(current_user, ticket)
    except StaleDataError:
        db.session.rollback()
        flash(_("The ticket changed meanwhile. Check it and try again."), "error")
        return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)
    flash(
        _("The old key was voided. Choose a passphrase to download a new key."),
        "success",
    )
    return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)


def zip_response(delivery: csr.Delivery) -> Response:
    """Return the ZIP as a plain attachment: no ETag, Range or conditional handling."""
    response = Response(delivery.zip_bytes, mimetype="application/zip")
    response.headers.set(
        "Content-Disposition", "attachment", filename=delivery.zip_filename
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def download_state(ticket: Ticket) -> dict:
    """Describe whether TICKET can be downloaded now and until when."""
    deadline = download_deadline(ticket, current_app.config["READY_TTL_HOURS"])
    is_expired = services.download_deadline_passed(ticket)
    return {
        "deadline": deadline,
        "is_downloadable": ticket.status == Status.READY and not is_expired,
        "is_expired": is_expired,
    }


def render_download(ticket: Ticket, form, message=None, status: int = 200):
    return (
        render_template(
            "tickets/download.html",
            ticket=ticket,
            form=form,
            refusal=message,
            status_labels=STATUS_LABELS,
            **download_state(ticket),
        ),
        status,
    )


def render_ticket(
    ticket: Ticket, reply_form=None, new_key_form=None, status: int = 200
):
    """Render the customer's ticket page; internal notes are never loaded."""
    messages = services.visible_messages(ticket, include_internal=False)
    return (
        render_template(
            "tickets/show.html",
            ticket=ticket,
            messages=messages,
            attachments=ticket.attachments,
            subject_fields=SUBJECT_FIELDS,
            field_labels=FIELD_LABELS,
            status_labels=STATUS_LABELS,
            next_step=NEXT_STEP_FOR_CUSTOMER[Status(ticket.status)],
            can_reply=can_reply(current_user, ticket),
            can_request_new_key=can(current_user, Action.REQUEST_NEW_KEY, ticket),
            reply_form=reply_form or ReplyForm(formdata=None),
            download_form=DownloadForm(formdata=None),
            new_key_form=new_key_form or NewKeyForm(formdata=None),
            current_csr=ticket.current_csr,
            **download_state(ticket),
        ),
        status,
    )
