"""Pages and messages in Korean, the default, and in English on request."""

from __future__ import annotations

import io

import pytest
from flask_babel import gettext, ngettext
from werkzeug.datastructures import FileStorage

from helpdesk.csr.countries import check_country
from helpdesk.uploads import UploadError, process_screenshot

KOREAN_BROWSER = {"Accept-Language": "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"}
ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def test_sign_in_page_is_korean_for_korean_browser(korean_client):
    page = korean_client.get("/login", headers=KOREAN_BROWSER).text

    assert '<html lang="ko">' in page
    assert "로그인" in page
    assert "비밀번호" in page
    assert "이 컴퓨터에서 로그인 상태 유지" in page
    assert "Sign in" not in page
    assert "Password" not in page


def test_sign_in_page_is_korean_without_accept_language(korean_client):
    page = korean_client.get("/login").text

    assert '<html lang="ko">' in page
    assert "로그인" in page


def test_sign_in_page_is_english_for_english_browser(korean_client):
    page = korean_client.get("/login", headers=ENGLISH_BROWSER).text

    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "로그인" not in page


def test_language_switch_to_english_overrides_browser(korean_client):
    korean_client.post("/language", data={"locale": "en", "next": "/login"})

    page = korean_client.get("/login", headers=KOREAN_BROWSER).text

    assert '<html lang="en">' in page
    assert "Keep me signed in on this computer" in page
    assert "이 컴퓨터에서 로그인 상태 유지" not in page


def test_language_switch_back_to_korean(korean_client):
    korean_client.post("/language", data={"locale": "en"})
    korean_client.post("/language", data={"locale": "ko"})

    page = korean_client.get("/login", headers=ENGLISH_BROWSER).text

    assert '<html lang="ko">' in page
    assert "로그인" in page


def test_failed_sign_in_message_is_korean(korean_client):
    response = korean_client.post(
        "/login",
        data={"email": "nobody@example.com", "password": "wrong password 123"},
    )

    assert "이메일 주소 또는 비밀번호가 올바르지 않습니다." in response.text


def test_error_page_is_korean(korean_client):
    response = korean_client.get("/no/such/page")

    assert response.status_code == 404
    assert "페이지나 문의를 찾을 수 없습니다." in response.text


def test_csr_finding_renders_in_korean(korean_app):
    (finding,) = check_country("Korea")

    with korean_app.test_request_context(headers=KOREAN_BROWSER):
        message = finding.render(gettext)

    assert message == (
        "‘Korea’은(는) 대문자 두 글자로 된 ISO 3166-1 코드가 아닙니다. "
        "‘KR’(Korea, Republic of)을(를) 입력해 주십시오."
    )


def test_csr_finding_renders_in_english_for_english_browser(korean_app):
    (finding,) = check_country("Korea")

    with korean_app.test_request_context(headers=ENGLISH_BROWSER):
        message = finding.render(gettext)

    assert message.startswith("“Korea” is not a two-letter ISO 3166-1 code")


def test_upload_error_renders_in_korean(korean_app):
    upload = FileStorage(stream=io.BytesIO(b"plain text"), filename="error.png")

    with pytest.raises(UploadError) as raised:
        process_screenshot(upload, max_bytes=1024, max_pixels=1_000_000)
    with korean_app.test_request_context(headers=KOREAN_BROWSER):
        message = raised.value.render(gettext)

    assert message.startswith(
        "error.png 파일은 PNG, JPEG, GIF, WebP 이미지가 아닙니다."
    )


@pytest.mark.parametrize("count", [1, 5])
def test_plural_message_uses_korean_single_form(korean_app, count):
    with korean_app.test_request_context(headers=KOREAN_BROWSER):
        message = ngettext(
            "Too many attempts. Try again in %(num)d minute.",
            "Too many attempts. Try again in %(num)d minutes.",
            count,
        )

    assert message == f"시도 횟수가 너무 많습니다. {count}분 뒤에 다시 시도해 주십시오."
