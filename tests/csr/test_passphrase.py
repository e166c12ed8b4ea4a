"""Passphrase policy: length, ASCII only, confirmation, common passwords."""

from __future__ import annotations

import pytest

from helpdesk.csr import check_field, check_passphrase
from helpdesk.csr.passphrase import common_passwords


def rendered(findings):
    return [f.render() for f in findings]


def test_passphrase_valid_passes():
    assert (
        check_passphrase("violet tractor 88 bagel!", "violet tractor 88 bagel!") == []
    )


@pytest.mark.parametrize(
    ("passphrase", "phrase"),
    [
        ("", "Passphrase is required"),
        ("short pass", "at least 12"),
        ("a1b2c3d4e5f", "at least 12"),
        ("x" * 129, "at most 128"),
        ("비밀번호는길어야안전합니다", "7-Zip on Korean Windows"),
        ("violet tractor 88 bägel", "7-Zip on Korean Windows"),
        ("violet\ttractor 88 bagel", "printable ASCII"),
        ("password1234", "common passwords"),
        ("Password1234", "common passwords"),
        ("QWERTYUIOP123", "common passwords"),
        ("1q2w3e4r5t6y", "common passwords"),
        ("123456789012", "common passwords"),
        ("dkssudgktpdy", "common passwords"),
        ("iloveyou2024", "common passwords"),
        ("P@ssw0rd1234", "common passwords"),
    ],
)
def test_passphrase_rejected_with_reason(passphrase, phrase):
    findings = check_passphrase(passphrase, passphrase)

    assert findings
    assert any(phrase in text for text in rendered(findings)), rendered(findings)


def test_passphrase_lengths_at_limits_pass():
    assert check_passphrase("k" * 11 + "Q", "k" * 11 + "Q") == []
    assert check_passphrase("k7" * 64, "k7" * 64) == []


def test_passphrase_confirmation_mismatch_is_error():
    findings = check_passphrase("violet tractor 88 bagel!", "violet tractor 88 bagel")

    assert rendered(findings) == [
        "The two passphrases do not match. Type the same passphrase in both fields."
    ]


@pytest.mark.parametrize(
    "passphrase",
    [
        "",
        "short",
        "password1234",
        "violet tractor 88 bagel!",
        "비밀번호는길어야안전합니다",
    ],
)
def test_passphrase_never_echoed_in_findings(passphrase):
    for finding in check_passphrase(passphrase, passphrase + "x"):
        assert finding.field == "passphrase"
        assert finding.value == ""
        assert all(not isinstance(v, str) for v in finding.params.values())
        if passphrase:
            assert passphrase not in finding.render()


def test_passphrase_check_field_checks_policy_without_confirmation():
    assert check_field("passphrase", "violet tractor 88 bagel!") == []
    assert check_field("passphrase", "password1234")


def test_common_password_list_contents():
    passwords = common_passwords()

    assert len(passwords) > 3000
    assert all(len(p) >= 12 for p in passwords)
    assert "password1234" in passwords
