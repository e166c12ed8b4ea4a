"""Conversation messages in the browser: typed line breaks show, template spaces do not.

Only the message body keeps white space as typed. If the whole <article> did,
the template's own line breaks and indentation around the header and the
body would show as blank lines.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.browser import sign_in

from helpdesk.extensions import db
from helpdesk.models import Message, Role
from helpdesk.workflow import Status

pytestmark = pytest.mark.browser

REPLY = "First line of the reply.\nSecond line.\n\nA paragraph after a blank line."
DESCRIPTION = "The control panel says:\n  CSR is invalid\nand nothing else."

# Returns, in CSS pixels, the space inside the article that no element fills
# (beyond margins, padding and borders), and the body's height in lines.
MEASURE_ARTICLE = """
(article) => {
  const header = article.querySelector(".request-id");
  const body = article.querySelector(".message-body");
  const box = article.getBoundingClientRect();
  const articleStyle = getComputedStyle(article);
  const headerStyle = getComputedStyle(header);
  const bodyStyle = getComputedStyle(body);
  const pixels = (value) => parseFloat(value) || 0;
  const headerBox = header.getBoundingClientRect();
  const bodyBox = body.getBoundingClientRect();
  return {
    aboveHeader: headerBox.top - box.top - pixels(articleStyle.borderTopWidth)
      - pixels(articleStyle.paddingTop) - pixels(headerStyle.marginTop),
    betweenHeaderAndBody: bodyBox.top - headerBox.bottom
      - Math.max(pixels(headerStyle.marginBottom), pixels(bodyStyle.marginTop)),
    belowBody: box.bottom - pixels(articleStyle.borderBottomWidth)
      - pixels(articleStyle.paddingBottom) - pixels(bodyStyle.marginBottom)
      - bodyBox.bottom,
    bodyLines: bodyBox.height / pixels(bodyStyle.lineHeight),
  };
}
"""


def open_ticket_page(open_page, make_user, make_ticket) -> Page:
    """Sign the owner in on a ticket with a two-paragraph agent reply."""
    owner = make_user(Role.CUSTOMER, "owner@example.com")
    agent = make_user(Role.AGENT, "agent@example.com", display_name="Agent Kim")
    ticket = make_ticket(
        owner,
        Status.WAITING_ON_CUSTOMER,
        assignee_id=agent.id,
        description=DESCRIPTION,
    )
    db.session.add(Message(ticket_id=ticket.id, author_id=agent.id, body=REPLY))
    db.session.commit()
    ticket_id = ticket.id
    # Ends the test thread's transaction so the live server can write.
    db.session.rollback()

    page = open_page()
    sign_in(page, "owner@example.com")
    page.goto(f"/tickets/{ticket_id}")
    return page


def test_message_shows_no_template_whitespace(
    open_page, make_user, make_ticket, screenshot, page_problems
):
    page = open_ticket_page(open_page, make_user, make_ticket)
    message = page.locator("article.message")

    expect(message).to_have_count(1)
    screenshot(page, "conversation")
    measured = message.evaluate(MEASURE_ARTICLE)

    assert abs(measured["aboveHeader"]) < 1, measured
    assert abs(measured["betweenHeaderAndBody"]) < 1, measured
    assert abs(measured["belowBody"]) < 1, measured
    assert page_problems.messages == []


def test_message_body_keeps_typed_line_breaks(open_page, make_user, make_ticket):
    page = open_ticket_page(open_page, make_user, make_ticket)
    message = page.locator("article.message")

    measured = message.evaluate(MEASURE_ARTICLE)

    expect(message.locator(".message-body")).to_have_text(REPLY)
    assert round(measured["bodyLines"]) == 4, measured


def test_description_keeps_typed_line_breaks(open_page, make_user, make_ticket):
    page = open_ticket_page(open_page, make_user, make_ticket)
    description = page.locator(".message-body").filter(has_text="CSR is invalid")

    text = description.inner_text()

    assert text == DESCRIPTION
