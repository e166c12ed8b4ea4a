import pytest

from helpdesk.auth.password_policy import password_problem


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple 42",
        "plum tractor harbor 58",
        "가나다라마바사아자차카타",
    ],
)
def test_password_policy_accepts_long_uncommon_password(app, password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("elevenchars", "11 characters"),
        ("", "0 characters"),
        ("x" * 257, "at most 256"),
        ("Password1234", "list of passwords"),
        ("  QWERTYUIOP12  ", "list of passwords"),
        ("abababababab", "different characters"),
    ],
)
def test_password_policy_rejects_weak_password(app, password, fragment):
    problem = password_problem(password)

    assert problem is not None
    assert fragment in problem


def test_password_policy_message_never_repeats_password(app):
    problem = password_problem("shortpass")

    assert "shortpass" not in problem


def test_password_policy_rejects_email_inside_password(app):
    problem = password_problem("me@example.com-2026", email="Me@Example.com")

    assert problem is not None
