"""Refusals render as pages a person can read, in a real browser."""

import pytest
from playwright.sync_api import expect
from support.scenario import PASSWORD

from helpdesk.extensions import db
from helpdesk.models import Role

pytestmark = pytest.mark.browser


def make_owned_ticket(make_user, make_ticket) -> int:
    """Return the id of a ticket owned by owner@example.com.

    Reading the id starts a transaction, and on SQLite every transaction here
    begins with BEGIN IMMEDIATE, so the rollback releases the write lock that
    the live server needs.
    """
    owner = make_user(Role.CUSTOMER, "owner@example.com")
    ticket_id = make_ticket(owner).id
    db.session.rollback()
    return ticket_id


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Email address")).to_have_count(0)


def test_foreign_ticket_shows_not_found_page(
    open_page, make_user, make_ticket, screenshot, page_problems
):
    ticket_id = make_owned_ticket(make_user, make_ticket)
    make_user(Role.CUSTOMER, "other@example.com")
    page = open_page()
    sign_in(page, "other@example.com")

    response = page.goto(f"/tickets/{ticket_id}")
    screenshot(page, "foreign-ticket-404")

    assert response.status == 404
    expect(page.get_by_role("heading", name="404")).to_be_visible()
    expect(page.locator(".error-message")).to_contain_text("not found")
    expect(page.get_by_text("shop.example.com")).to_have_count(0)
    assert page_problems.messages == []


def test_agent_on_admin_page_sees_forbidden_page(
    open_page, make_user, screenshot, page_problems
):
    make_user(Role.AGENT, "agent@example.com")
    page = open_page()
    sign_in(page, "agent@example.com")

    response = page.goto("/admin/users")
    screenshot(page, "agent-on-admin-403")

    assert response.status == 403
    expect(page.locator(".error-message")).to_contain_text("permission")
    expect(page.get_by_role("link", name="Queue")).to_be_visible()
    assert page_problems.messages == []


def test_anonymous_ticket_link_leads_to_login_then_back(
    open_page, make_user, make_ticket, live_server
):
    ticket_id = make_owned_ticket(make_user, make_ticket)
    page = open_page()

    page.goto(f"/tickets/{ticket_id}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email address").fill("owner@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server(f"/tickets/{ticket_id}"))
