from flask import render_template

from helpdesk.access import roles
from helpdesk.admin import blueprint
from helpdesk.models import Role


@blueprint.get("/")
@roles(Role.ADMIN)
def index():
    return render_template("base.html")
