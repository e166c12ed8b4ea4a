from flask import render_template

from helpdesk.access import roles
from helpdesk.models import Role
from helpdesk.queue import blueprint


@blueprint.get("/")
@roles(Role.ADMIN)
def index():
    return render_template("base.html")
