"""The README scenario in headless Chromium, with CSRF protection on.

A customer signs up and opens a ticket with a domain name as the Email
Address: the form names the value and the fix, and the customer ticks "Send
it as typed" and submits again. An agent claims the ticket, reads the
Email Address finding, corrects the Email Address and the key size, replies
and approves. The customer downloads the ZIP once, a second submit of the
same form is rejected, and the admin finds every step in the audit log.
"""

from __future__ import annotations

import re

import pytest
from cryptography.x509.oid import NameOID
from playwright.sync_api import Page, expect
from support.browser import sign_in
from support.delivery import (
    EXAMPLE_SUBJECT,
    check_with_command_line_tools,
    open_delivery,
    spki_der,
    subject_alt_names,
    subject_value,
)
from support.images import make_png
from support.scenario import (
    CORRECTED_EMAIL,
    CUSTOMER_EMAIL,
    DOMAIN_IN_EMAIL_FIELD,
    HOSTING_ACCOUNT_ID,
    PASSPHRASE,
    PASSWORD,
    REPLY_TEXT,
    TICKET_FORM,
)

from helpdesk.models import Role

pytestmark = pytest.mark.browser

TEXT_FIELD_LABELS = {
    "problem_domain": "Problem domain",
    "description": "Description",
    "country": "Country Name",
    "state": "State or Province Name",
    "locality": "Locality Name",
    "organization": "Organization Name",
    "organizational_unit": "Organizational Unit Name",
    "common_name": "Common Name",
    "email_address": "Email Address",
}


def sign_up(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("Hosting account ID").fill(HOSTING_ACCOUNT_ID)
    page.get_by_label("Email address").fill(CUSTOMER_EMAIL)
    page.get_by_label("Your name").fill("Example Hosting")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="My tickets")).to_be_visible()


def fill_ticket_form(page: Page) -> None:
    for name, label in TEXT_FIELD_LABELS.items():
        page.get_by_label(label, exact=True).fill(TICKET_FORM[name])
    page.get_by_label("Key type and size").select_option(TICKET_FORM["key"])
    choose_screenshot(page)


def choose_screenshot(page: Page) -> None:
    page.get_by_label("Error screenshot").set_input_files(
        files=[{"name": "error.png", "mimeType": "image/png", "buffer": make_png()}]
    )


def open_ticket(page: Page, screenshot) -> int:
    page.get_by_role("link", name="Open a ticket").click()
    fill_ticket_form(page)
    page.get_by_role("button", name="Open the ticket").click()

    # The form names the domain typed as Email Address and the fix, keeps
    # every value, and offers to send the value as typed.
    email_errors = page.locator("#email_address-errors")
    expect(email_errors).to_contain_text(
        f"“{DOMAIN_IN_EMAIL_FIELD}” is a domain name, not an email address"
    )
    expect(email_errors).to_contain_text(f"admin@{DOMAIN_IN_EMAIL_FIELD}")
    for name, label in TEXT_FIELD_LABELS.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(TICKET_FORM[name])
    expect(page.get_by_label("Key type and size")).to_have_value(TICKET_FORM["key"])
    send_as_typed = page.get_by_label("Send it as typed; the agent will correct it")
    expect(send_as_typed).not_to_be_checked()
    screenshot(page, "02-ticket-form-names-domain-email")

    send_as_typed.check()
    choose_screenshot(page)
    page.get_by_role("button", name="Open the ticket").click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    details = page.locator(
        "section", has=page.get_by_role("heading", name="Request details")
    )
    expect(details.get_by_role("row", name="Email Address")).to_contain_text(
        DOMAIN_IN_EMAIL_FIELD
    )
    screenshot(page, "03-customer-ticket-submitted")
    return int(page.url.rsplit("/", 1)[1])


def work_ticket(page: Page, ticket_id: int, screenshot) -> None:
    screenshot(page, "04-agent-queue")
    page.get_by_role("link", name=f"#{ticket_id}").click()
    page.get_by_role("button", name="Claim", exact=True).click()
    expect(page.get_by_role("heading", name="Correct the fields")).to_be_visible()
    email_row = page.locator("#field-email_address")
    expect(email_row).to_contain_text(DOMAIN_IN_EMAIL_FIELD)
    expect(email_row).to_contain_text("is a domain name, not an email address")

    correction = page.locator("form", has=page.get_by_role("button", name="Save"))
    correction.get_by_label("Email Address", exact=True).fill(CORRECTED_EMAIL)
    correction.get_by_label("Key type and size").select_option("RSA-2048")
    correction.get_by_role("button", name="Save corrections").click()
    history = page.locator(
        "section", has=page.get_by_role("heading", name="Field history")
    )
    email_change = history.get_by_role("row").filter(has_text="Email Address")
    expect(email_change).to_have_count(1)
    expect(email_change.locator("td").nth(3)).to_have_text(DOMAIN_IN_EMAIL_FIELD)
    expect(email_change.locator("td").nth(4)).to_have_text(CORRECTED_EMAIL)
    key_change = history.get_by_role("row").filter(has_text="Key type and size")
    expect(key_change.locator("td").nth(3)).to_have_text("RSA-1024")
    expect(key_change.locator("td").nth(4)).to_have_text("RSA-2048")
    expect(history).to_contain_text("Agent Kim")

    page.get_by_label("Reply to the customer").fill(REPLY_TEXT)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("article.message").filter(has_text=REPLY_TEXT)).to_have_count(1)

    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".status")).to_contain_text("Ready to download")
    screenshot(page, "05-agent-review-approved")


def fill_passphrase(page: Page) -> None:
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Passphrase again").fill(PASSPHRASE)


def download_zip(page: Page, tmp_path) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the ZIP file").click()
    download = download_info.value
    assert download.suggested_filename == "shop.example.com.zip"
    saved = tmp_path / "delivery.zip"
    try:
        download.save_as(saved)
        return saved.read_bytes()
    finally:
        download.delete()
        saved.unlink(missing_ok=True)


def check_delivery(zip_bytes: bytes, tmp_path) -> None:
    delivery = open_delivery(zip_bytes, PASSPHRASE)
    csr = delivery.csr

    assert csr.is_signature_valid
    assert spki_der(csr.public_key()) == spki_der(delivery.private_key.public_key())
    assert delivery.private_key.key_size == 2048
    for oid, expected in EXAMPLE_SUBJECT.items():
        assert subject_value(csr, oid) == expected, oid._name
    assert subject_value(csr, NameOID.EMAIL_ADDRESS) is None
    assert "shop.example.com" in subject_alt_names(csr)
    check_with_command_line_tools(delivery, PASSPHRASE, tmp_path / "interop")


def check_audit_log(page: Page, ticket_id: int, screenshot) -> None:
    page.goto(f"/admin/audit?ticket_id={ticket_id}")
    actions = page.locator("table.audit td.action code.raw").all_inner_texts()
    keys = page.locator("table.audit dl.details dt").all_inner_texts()
    values = page.locator("table.audit dl.details dd").all_inner_texts()
    details = [f"{key}: {value}" for key, value in zip(keys, values, strict=True)]
    screenshot(page, "08-admin-audit-log")

    assert actions.count("ticket.created") == 1
    assert actions.count("ticket.claimed") == 1
    assert actions.count("ticket.field_changed") == 2
    assert actions.count("ticket.replied") == 1
    assert actions.count("ticket.downloaded") == 1
    assert actions.count("ticket.download_refused") == 1
    assert "action: approve" in details
    assert f"old: {DOMAIN_IN_EMAIL_FIELD}" in details
    assert f"new: {CORRECTED_EMAIL}" in details
    assert "old: RSA-1024" in details
    assert "new: RSA-2048" in details

    page.get_by_role("button", name="Verify the hash chain").click()
    expect(page.get_by_role("status")).to_contain_text("The chain is intact")
    screenshot(page, "09-admin-audit-chain-intact")


def test_browser_scenario_from_signup_to_audit_log(
    open_page, make_user, screenshot, page_problems, tmp_path, browser_downloads
):
    make_user(Role.AGENT, "agent@example.com", display_name="Agent Kim")
    make_user(Role.ADMIN, "admin@example.com")
    customer = open_page()
    agent = open_page()
    admin = open_page()

    sign_up(customer)
    screenshot(customer, "01-customer-tickets")
    ticket_id = open_ticket(customer, screenshot)

    sign_in(agent, "agent@example.com")
    work_ticket(agent, ticket_id, screenshot)

    customer.reload()
    expect(customer.get_by_text(REPLY_TEXT)).to_be_visible()
    # A second tab shows the same form, as after a double submit or the
    # back button. Its submit must be rejected once the first tab has the ZIP.
    second_tab = customer.context.new_page()
    page_problems.watch(second_tab)
    second_tab.goto(f"/tickets/{ticket_id}")
    fill_passphrase(second_tab)
    fill_passphrase(customer)
    screenshot(customer, "06-customer-download-form")
    zip_bytes = download_zip(customer, tmp_path)
    assert list(browser_downloads.iterdir()) == []
    second_tab.get_by_role("button", name="Download the ZIP file").click()
    expect(second_tab.get_by_role("alert")).to_contain_text("already delivered")
    screenshot(second_tab, "07-second-download-rejected")
    check_delivery(zip_bytes, tmp_path)

    customer.reload()
    expect(customer.locator("#csr_pem")).to_contain_text("BEGIN CERTIFICATE REQUEST")

    sign_in(admin, "admin@example.com")
    check_audit_log(admin, ticket_id, screenshot)

    assert page_problems.messages == []
