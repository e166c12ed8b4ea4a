"""The uploaded file name is kept only as display text."""

from __future__ import annotations

import unicodedata

import pytest

from helpdesk.uploads import (
    MAX_FILENAME_LENGTH,
    NOT_AN_IMAGE,
    UploadError,
    display_filename,
    process_screenshot,
)

from .images import MAX_BYTES, MAX_PIXELS, encode, screenshot, upload

KOREAN_NAME = "인증서 오류 화면.png"


@pytest.mark.parametrize(
    ("raw_name", "expected"),
    [
        ("shot.png", "shot.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\x\\shot.png", "shot.png"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("shot\r\n.png", "shot.png"),
        ("shot.png\r\nX-Injected: 1", "shot.pngX-Injected: 1"),
        ("shot\x00.php.png", "shot.php.png"),
        ("tab\there.png", "tabhere.png"),
        ("del\x7fete\x85.png", "delete.png"),
        ("line\u2028break\u2029.png", "linebreak.png"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("\u2066isolated\u2069.png", "isolated.png"),
        ("  spaced name.png  ", "spaced name.png"),
        (KOREAN_NAME, KOREAN_NAME),
        ("folder/" + KOREAN_NAME, KOREAN_NAME),
        ("..", ""),
        (".", ""),
        ("uploads/", ""),
        ("\r\n\x00", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_display_filename_cleans(raw_name, expected):
    assert display_filename(raw_name) == expected


def test_display_filename_composes_decomposed_hangul():
    decomposed = unicodedata.normalize("NFD", KOREAN_NAME)
    assert decomposed != KOREAN_NAME

    assert display_filename(decomposed) == KOREAN_NAME


def test_display_filename_caps_length_and_keeps_extension():
    name = display_filename("a" * 996 + ".png")

    assert len(name) == MAX_FILENAME_LENGTH
    assert name.endswith("a.png")


def test_display_filename_caps_length_without_extension():
    name = display_filename("b" * 1000)

    assert name == "b" * MAX_FILENAME_LENGTH


def test_display_filename_caps_length_of_korean_name():
    name = display_filename("가" * 1000 + ".png")

    assert len(name) == MAX_FILENAME_LENGTH
    assert name.endswith("가.png")


def test_display_filename_cuts_long_extension_like_text():
    name = display_filename("c" * 10 + "." + "d" * 990)

    assert len(name) == MAX_FILENAME_LENGTH
    assert name.startswith("cccccccccc.ddd")


def test_processed_screenshot_carries_clean_name():
    field = upload(encode(screenshot(), "PNG"), "..\\..\\temp\\오류\r\n.png")

    result = process_screenshot(field, MAX_BYTES, MAX_PIXELS)

    assert result is not None
    assert result.original_filename == "오류.png"


def test_processed_screenshot_may_have_empty_name():
    field = upload(encode(screenshot(), "PNG"), "../")

    result = process_screenshot(field, MAX_BYTES, MAX_PIXELS)

    assert result is not None
    assert result.original_filename == ""


def test_rejection_names_clean_file_name():
    field = upload(b"<html></html>", "C:\\fake\\page\r\n.png")

    with pytest.raises(UploadError) as caught:
        process_screenshot(field, MAX_BYTES, MAX_PIXELS)

    assert caught.value.message == NOT_AN_IMAGE
    assert caught.value.params["filename"] == "page.png"
    assert "\r" not in caught.value.render()


def test_rejection_of_unnamed_file_says_unnamed():
    with pytest.raises(UploadError) as caught:
        process_screenshot(upload(b"plain text", "/"), MAX_BYTES, MAX_PIXELS)

    assert caught.value.render().startswith("“(unnamed)” is not")
