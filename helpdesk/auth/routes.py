import logging
import math
from datetime import UTC, datetime, timedelta

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login.config import COOKIE_NAME

from helpdesk.access import public, signed_in
from helpdesk.auth import accounts, blueprint, throttle
from helpdesk.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    ReauthenticateForm,
    SignupForm,
)
from helpdesk.auth.redirects import safe_next_path
from helpdesk.auth.sessions import end_session, mark_password_entered, start_session
from helpdesk.extensions import db, limiter

logger = logging.getLogger(__name__)


def _next_or_home(target: str | None) -> str:
    return safe_next_path(target) or url_for("auth.home")


def _signup_limit() -> str:
    return current_app.config["SIGNUP_LIMIT_PER_IP"]


def _throttled(template: str, wait_seconds: int, **context):
    """Render TEMPLATE with status 429, a Retry-After header and the wait in words."""
    minutes = math.ceil(wait_seconds / 60)
    retry_at = datetime.now(UTC) + timedelta(seconds=wait_seconds)
    message = ngettext(
        "Too many wrong passwords. Try again in %(num)d minute, after %(time)s UTC.",
        "Too many wrong passwords. Try again in %(num)d minutes, after %(time)s UTC.",
        minutes,
        time=retry_at.strftime("%H:%M"),
    )
    logger.warning("password attempts throttled from %s", request.remote_addr)
    page = render_template(template, throttle_message=message, **context)
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(wait_seconds)
    return response


@blueprint.get("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_admin:
        return redirect(url_for("admin.index"))
    if current_user.is_agent:
        return redirect(url_for("queue.index"))
    return redirect(url_for("tickets.index"))


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_next_or_home(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("auth/login.html", form=form)

    wait = throttle.retry_after_seconds(form.email.data or "")
    if wait is not None:
        return _throttled("auth/login.html", wait, form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form)

    check = accounts.check_sign_in(form.email.data, form.password.data)
    if not check.is_success:
        return _login_failed(form, check)
    throttle.forget_failures(form.email.data)
    accounts.record_sign_in(check.account, form.remember.data)
    db.session.commit()
    start_session(check.account, remember=form.remember.data)
    return redirect(_next_or_home(form.next.data))


def _login_failed(form: LoginForm, check: accounts.SignInCheck):
    accounts.record_failed_sign_in(form.email.data, check)
    db.session.commit()
    throttle.record_failure(form.email.data)
    logger.warning("sign-in failed from %s", request.remote_addr)
    # One message for an unknown account, a wrong password and a deactivated
    # account, so the page does not tell which emails have accounts.
    message = _("The email address or password is incorrect. Check both and try again.")
    return render_template("auth/login.html", form=form, login_error=message)


@blueprint.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@public
def signup():
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignupForm()
    if not form.validate_on_submit():
        return render_template("auth/signup.html", form=form)

    try:
        user = accounts.sign_up_customer(
            form.email.data,
            form.password.data,
            form.hosting_account_id.data,
            form.display_name.data,
        )
        db.session.commit()
    except accounts.EmailTakenError:
        db.session.rollback()
        form.email.errors.append(
            _(
                "An account with %(email)s already exists. Sign in, or use another "
                "email address.",
                email=form.email.data,
            )
        )
        return render_template("auth/signup.html", form=form)
    start_session(user, remember=False)
    flash(
        _("Welcome, %(name)s. Your account is ready.", name=user.display_name),
        "success",
    )
    return redirect(url_for("auth.home"))


@blueprint.post("/logout")
@signed_in
def logout():
    accounts.sign_out(current_user._get_current_object())
    db.session.commit()
    end_session()
    flash(_("You have signed out on every device."), "success")
    return redirect(url_for("auth.login"))


@blueprint.route("/reauthenticate", methods=["GET", "POST"])
@signed_in
def reauthenticate():
    user = current_user._get_current_object()
    form = ReauthenticateForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("auth/reauthenticate.html", form=form)

    wait = throttle.retry_after_seconds(user.email)
    if wait is not None:
        return _throttled("auth/reauthenticate.html", wait, form=form)
    if not form.validate():
        return render_template("auth/reauthenticate.html", form=form)

    is_correct = accounts.reauthenticate(user, form.password.data)
    db.session.commit()
    if not is_correct:
        throttle.record_failure(user.email)
        form.password.errors.append(_("The password is incorrect. Try again."))
        return render_template("auth/reauthenticate.html", form=form)
    throttle.forget_failures(user.email)
    mark_password_entered()
    return redirect(_next_or_home(form.next.data))


@blueprint.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm(user.email)
    if request.method == "GET":
        return render_template("auth/change_password.html", form=form)

    wait = throttle.retry_after_seconds(user.email)
    if wait is not None:
        return _throttled("auth/change_password.html", wait, form=form)
    if not form.validate() or not _current_password_accepted(user, form):
        return render_template("auth/change_password.html", form=form)

    accounts.change_password(user, form.new_password.data)
    db.session.commit()
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    had_remember_cookie = cookie_name in request.cookies
    start_session(user, remember=had_remember_cookie)
    flash(
        _("Your password was changed. Every other session of this account has ended."),
        "success",
    )
    return redirect(url_for("auth.home"))


def _current_password_accepted(user, form: PasswordChangeForm) -> bool:
    is_correct = accounts.verify_current_password(user, form.current_password.data)
    db.session.commit()
    if not is_correct:
        throttle.record_failure(user.email)
        form.current_password.errors.append(
            _("The current password is incorrect. Try again.")
        )
        return False
    if form.new_password.data == form.current_password.data:
        form.new_password.errors.append(
            _("The new password is the same as the current one. Choose another.")
        )
        return False
    throttle.forget_failures(user.email)
    return True


@blueprint.post("/language")
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    return redirect(_next_or_home(request.form.get("next")))
