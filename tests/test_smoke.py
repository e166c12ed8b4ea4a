from helpdesk import audit
from helpdesk.models import Role


def test_app_starts_and_redirects_anonymous_home(client):
    response = client.get("/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_audit_chain_records_user_creation(app, make_user):
    make_user(Role.ADMIN)
    make_user(Role.AGENT)

    report = audit.verify()

    assert report.is_intact
    assert report.checked == 2
