from flask import redirect, url_for
from flask_login import current_user

from helpdesk.access import public
from helpdesk.auth import blueprint


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
    # TODO: the sign-in form replaces this placeholder.
    return "sign in", 200


@blueprint.route("/reauthenticate", methods=["GET", "POST"])
@public
def reauthenticate():
    return "sign in again", 200


@blueprint.post("/logout")
@public
def logout():
    return redirect(url_for("auth.login"))
