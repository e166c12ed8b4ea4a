from flask import render_template

from helpdesk.access import roles
from helpdesk.models import Role
from helpdesk.tickets import blueprint


@blueprint.get("/tickets")
@roles(Role.ADMIN)
def index():
    return render_template("base.html")
