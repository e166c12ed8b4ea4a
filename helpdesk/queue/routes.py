"""Agent routes under /queue: the queue, the review page and every agent action."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk import csr
from helpdesk.access import load_ticket_or_404, roles
from helpdesk.extensions import db
from helpdesk.models import Role, Ticket
from helpdesk.queue import blueprint, services
from helpdesk.queue.forms import (
    ActionForm,
    AgentReplyForm,
    CorrectionForm,
    NoteForm,
    SuggestionForm,
)
from helpdesk.tickets.fields import (
    EDITABLE_FIELDS,
    FIELD_LABELS,
    SUBJECT_FIELDS,
    field_text,
)
from helpdesk.tickets.services import visible_messages
from helpdesk.workflow import (
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Status,
    TransitionError,
    allowed_actions,
    can,
    can_edit_fields,
    can_reply,
    download_deadline,
)

# Status actions an agent triggers with one button, by their URL name.
STATUS_ACTIONS = {
    "approve": Action.APPROVE,
    "return_to_review": Action.RETURN_TO_REVIEW,
    "close": Action.CLOSE,
    "reopen": Action.REOPEN,
}
SEVERITY_LABELS = {
    csr.Severity.ERROR: _l("Error"),
    csr.Severity.WARNING: _l("Warning"),
    csr.Severity.INFO: _l("Note"),
}
# Fields with findings, in the order of the review page.
REVIEWED_FIELDS = ("problem_domain", *SUBJECT_FIELDS, "key", "extra_sans")


@blueprint.get("/")
@roles(Role.AGENT)
def index():
    view = request.args.get("view", "unassigned")
    if view not in services.QUEUE_VIEWS:
        view = "unassigned"
    status = request.args.get("status") or None
    tickets = db.session.scalars(services.queue_query(current_user, view, status)).all()
    return render_template(
        "queue/index.html",
        tickets=tickets,
        claimable_ids={
            ticket.id for ticket in tickets if can(current_user, Action.CLAIM, ticket)
        },
        view=view,
        status=status if status in set(Status) else "",
        statuses=list(Status),
        status_labels=STATUS_LABELS,
    )


@blueprint.get("/tickets/<int:ticket_id>")
@roles(Role.AGENT)
def review(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    return render_review(ticket)


@blueprint.post("/tickets/<int:ticket_id>/claim")
@roles(Role.AGENT)
def claim(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.claim(current_user, ticket)
    except TransitionError:
        return refuse(ticket, _("This ticket is already assigned or closed."))
    except services.VersionConflict as conflict:
        return render_conflict(ticket, conflict)
    flash(_("You claimed ticket %(number)s.", number=ticket.id), "success")
    return redirect(url_for("queue.review", ticket_id=ticket.id), 303)


@blueprint.post("/tickets/<int:ticket_id>/fields")
@roles(Role.AGENT)
def correct(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        return render_review(ticket, correction_form=form, status=422)
    try:
        changes = services.correct_fields(
            current_user, ticket, form.version.data, form.field_texts()
        )
    except TransitionError:
        return refuse(
            ticket, _("Fields can be corrected only while the ticket is in review.")
        )
    except services.VersionConflict as conflict:
        return render_conflict(ticket, conflict, form.field_texts())
    flash(_("%(count)d fields were corrected.", count=len(changes)), "success")
    return redirect(url_for("queue.review", ticket_id=ticket.id), 303)


@blueprint.post("/tickets/<int:ticket_id>/suggestions")
@roles(Role.AGENT)
def apply_suggestion(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    form = SuggestionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.apply_suggestion(
            current_user,
            ticket,
            form.version.data,
            form.field.data,
            form.value.data or "",
            form.suggestion.data or "",
        )
    except TransitionError:
        return refuse(
            ticket, _("Fields can be corrected only while the ticket is in review.")
        )
    except services.SuggestionNotFound:
        return refuse(ticket, _("That suggestion no longer applies. Check the field."))
    except services.VersionConflict as conflict:
        return render_conflict(ticket, conflict)
    flash(_("The suggestion was applied."), "success")
    return redirect(url_for("queue.review", ticket_id=ticket.id), 303)


@blueprint.post("/tickets/<int:ticket_id>/status/<action_name>")
@roles(Role.AGENT)
def change_status(ticket_id: int, action_name: str):
    ticket = load_ticket_or_404(ticket_id)
    action = STATUS_ACTIONS.get(action_name) or abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == Action.APPROVE:
            services.approve(current_user, ticket, form.version.data)
        else:
            services.change_status(current_user, ticket, action, form.version.data)
    except TransitionError:
        return refuse(ticket, _("This action is not possible now."))
    except services.ApprovalRefused as refusal:
        return render_review(ticket, approval_errors=refusal.findings, status=422)
    except services.VersionConflict as conflict:
        return render_conflict(ticket, conflict)
    flash(_("The ticket is now: %(status)s.", status=STATUS_LABELS[ticket.status]))
    return redirect(url_for("queue.review", ticket_id=ticket.id), 303)


@blueprint.post("/tickets/<int:ticket_id>/reply")
@roles(Role.AGENT)
def reply(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    form = AgentReplyForm(prefix="reply")
    if not form.validate_on_submit():
        return render_review(ticket, reply_form=form, status=422)
    try:
        services.reply(current_user, ticket, form.body.data, bool(form.ask.data))
    except TransitionError:
        return refuse(ticket, _("You cannot reply or ask the customer now."), form)
    except services.VersionConflict as conflict:
        return render_conflict(ticket, conflict)
    flash(_("Your reply was sent to the customer."), "success")
    return redirect(url_for("queue.review", ticket_id=ticket.id), 303)


@blueprint.post("/tickets/<int:ticket_id>/notes")
@roles(Role.AGENT)
def add_note(ticket_id: int):
    ticket = load_ticket_or_404(ticket_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return render_review(ticket, note_form=form, status=422)
    services.add_internal_note(current_user, ticket, form.body.data)
    flash(_("The internal note was added."), "success")
    return redirect(url_for("queue.review", ticket_id=ticket.id), 303)


def refuse(ticket: Ticket, message: str, reply_form=None):
    db.session.rollback()
    return render_review(ticket, error=message, reply_form=reply_form, status=409)


def render_conflict(
    ticket: Ticket,
    conflict: services.VersionConflict,
    posted: dict[str, str] | None = None,
):
    """Show what changed since the agent opened the page; nothing was saved."""
    correction_form = None
    if posted is not None:
        correction_form = CorrectionForm(formdata=None)
        texts = services.rebase_edits(ticket, conflict.opened_version, posted)
        correction_form.fill(texts, ticket.version)
    return render_review(
        ticket, conflict=conflict, correction_form=correction_form, status=409
    )


def render_review(
    ticket: Ticket,
    *,
    correction_form=None,
    reply_form=None,
    note_form=None,
    conflict=None,
    approval_errors=None,
    error=None,
    status: int = 200,
):
    if correction_form is None:
        correction_form = CorrectionForm(formdata=None)
        texts = {name: field_text(ticket, name) for name in EDITABLE_FIELDS}
        correction_form.fill(texts, ticket.version)
    actions = [
        action
        for action in allowed_actions(current_user, ticket)
        if action in (Action.CLAIM, *STATUS_ACTIONS.values())
    ]
    return (
        render_template(
            "queue/review.html",
            ticket=ticket,
            findings=services.findings_by_field(ticket),
            translate=gettext,
            reviewed_fields=REVIEWED_FIELDS,
            field_labels=FIELD_LABELS,
            status_labels=STATUS_LABELS,
            messages=visible_messages(ticket, include_internal=True),
            actions=actions,
            action_names={v: k for k, v in STATUS_ACTIONS.items()},
            can_edit=can_edit_fields(current_user, ticket),
            can_ask=can(current_user, Action.REQUEST_INFO, ticket),
            can_reply=can_reply(current_user, ticket),
            transition_labels={action: TRANSITIONS[action].label for action in actions},
            severity_labels=SEVERITY_LABELS,
            correction_form=correction_form,
            reply_form=reply_form or AgentReplyForm(prefix="reply", formdata=None),
            note_form=note_form or NoteForm(prefix="note", formdata=None),
            conflict=conflict,
            approval_errors=approval_errors,
            error=error,
            deadline=download_deadline(ticket, current_app.config["READY_TTL_HOURS"]),
        ),
        status,
    )
