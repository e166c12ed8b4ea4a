"""Admin pages: accounts and the audit log. Every view is for admins only."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from helpdesk import audit
from helpdesk.access import roles
from helpdesk.admin import audit_log, blueprint
from helpdesk.admin.forms import ROLE_LABELS, AuditFilterForm, NewUserForm
from helpdesk.auth import accounts
from helpdesk.extensions import db
from helpdesk.models import Role, User

USERS_PER_PAGE = 50
EVENTS_PER_PAGE = 50
# Pages past this one are empty anyway; the cap keeps the OFFSET that a page
# number becomes within the database's 64-bit integers.
MAX_PAGE = 1_000_000


@blueprint.app_template_filter("audit_details")
def audit_details_filter(details: dict | None) -> list[tuple[str, str]]:
    return audit_log.details_items(details)


def _page_number() -> int:
    return min(request.args.get("page", 1, type=int), MAX_PAGE)


@blueprint.get("/")
@roles(Role.ADMIN)
def index():
    return redirect(url_for("admin.users"))


@blueprint.get("/users")
@roles(Role.ADMIN)
def users():
    page = _page_number()
    query = sa.select(User).order_by(User.role, User.email)
    pagination = db.paginate(query, page=page, per_page=USERS_PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html", pagination=pagination, role_labels=ROLE_LABELS
    )


@blueprint.route("/users/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_user():
    form = NewUserForm()
    if not form.validate_on_submit():
        return render_template("admin/new_user.html", form=form)
    try:
        user = accounts.create_account(
            form.email.data,
            form.password.data,
            form.role.data,
            hosting_account_id=form.hosting_account_id.data,
            display_name=form.display_name.data,
            via="admin",
            actor=current_user._get_current_object(),
        )
        db.session.commit()
    except accounts.EmailTakenError:
        db.session.rollback()
        form.email.errors.append(
            _("An account with %(email)s already exists.", email=form.email.data)
        )
        return render_template("admin/new_user.html", form=form)
    flash(
        _(
            "Created the account %(email)s. Tell the initial password to its "
            "owner privately.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@blueprint.post("/users/<int:user_id>/deactivate")
@roles(Role.ADMIN)
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account. Ask another admin."), "error")
        return redirect(url_for("admin.users"))
    if user.is_active:
        accounts.deactivate(user, actor=current_user._get_current_object())
        db.session.commit()
    flash(
        _(
            "Deactivated %(email)s. Every session of that account has ended.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))


@blueprint.post("/users/<int:user_id>/reactivate")
@roles(Role.ADMIN)
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot change the state of your own account."), "error")
        return redirect(url_for("admin.users"))
    if not user.is_active:
        accounts.reactivate(user, actor=current_user._get_current_object())
        db.session.commit()
    flash(
        _("Reactivated %(email)s. The account can sign in again.", email=user.email),
        "success",
    )
    return redirect(url_for("admin.users"))


def _action_choice_label(action: str) -> str:
    label = audit_log.ACTION_LABELS.get(action)
    if label is None:
        return action
    return f"{label} ({action})"


def _audit_filter_form(formdata) -> AuditFilterForm:
    form = AuditFilterForm(formdata)
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(action, _action_choice_label(action))
        for action in audit_log.known_actions()
    ]
    return form


@blueprint.get("/audit")
@roles(Role.ADMIN)
def audit_events():
    form = _audit_filter_form(request.args)
    if not form.validate():
        return render_template("admin/audit.html", form=form, pagination=None), 400
    audit_filter = audit_log.AuditFilter.from_form(form)
    page = _page_number()
    pagination = db.paginate(
        audit_log.newest_first(audit_filter),
        page=page,
        per_page=EVENTS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/audit.html",
        form=form,
        pagination=pagination,
        filter_args=audit_filter.as_query_args(),
        target_emails=audit_log.target_emails(pagination.items),
        action_labels=audit_log.ACTION_LABELS,
        role_labels=ROLE_LABELS,
    )


@blueprint.post("/audit/export")
@roles(Role.ADMIN)
def export_audit_log():
    form = _audit_filter_form(request.form)
    if not form.validate():
        abort(400)
    audit_filter = audit_log.AuditFilter.from_form(form)
    audit.record("audit.exported", details={"filter": audit_filter.as_query_args()})
    db.session.commit()

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Response(
        stream_with_context(audit_log.export_csv(audit_filter)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-log-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.get("/audit/verify")
@roles(Role.ADMIN)
def verify_audit_chain():
    report = audit.verify()
    return render_template("admin/verify.html", report=report)
