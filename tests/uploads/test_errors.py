"""Rejection messages, and what damaged files of every accepted format produce."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import helpdesk.uploads as uploads
from helpdesk.uploads import ProcessedImage, UploadError, process_screenshot

from .images import MAX_BYTES, MAX_PIXELS, encode, exif_with_gps, screenshot, upload

MESSAGES = [
    uploads.NOT_AN_IMAGE,
    uploads.TOO_LARGE,
    uploads.TOO_LARGE_UNKNOWN_SIZE,
    uploads.TOO_MANY_PIXELS,
    uploads.TOO_MANY_PIXELS_UNKNOWN_SIZE,
    uploads.DAMAGED,
]


def test_upload_error_renders_with_translation():
    catalog = {uploads.NOT_AN_IMAGE: "%(filename)s은(는) 이미지가 아닙니다."}
    error = UploadError(uploads.NOT_AN_IMAGE, {"filename": "a.pdf"})

    assert error.render(lambda message: catalog.get(message, message)) == (
        "a.pdf은(는) 이미지가 아닙니다."
    )
    assert error.render().startswith("“a.pdf” is not a PNG")
    assert str(error) == error.render()


def test_upload_error_is_value_error():
    assert issubclass(UploadError, ValueError)


def test_upload_messages_are_extracted_by_babel():
    module_path = Path(uploads.__file__)
    keywords = {"N_": None, "_": None, "_l": None}

    extracted = {
        message
        for _, message, _, _ in extract_from_file("python", module_path, keywords)
    }

    for message in MESSAGES:
        assert message in extracted


def test_upload_messages_use_named_placeholders_only():
    for message in MESSAGES:
        remainder = message.replace("%%", "")
        assert remainder.count("%") == remainder.count("%(")
        assert "{" not in message


SAMPLES = {
    "png": encode(screenshot(48, 32), "PNG"),
    "jpeg": encode(screenshot(48, 32), "JPEG", exif=exif_with_gps("FUZZ")),
    "gif": encode(screenshot(48, 32).convert("P"), "GIF"),
    "webp": encode(screenshot(48, 32), "WEBP"),
    "webp_lossless": encode(screenshot(48, 32), "WEBP", lossless=True),
    "png_palette_alpha": encode(screenshot(48, 32).convert("P"), "PNG", transparency=0),
}


@st.composite
def damaged_images(draw):
    data = bytearray(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))])
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data) - 1))
        change = draw(st.sampled_from(["replace", "cut", "insert"]))
        if change == "replace":
            data[position] = draw(st.integers(0, 255))
        elif change == "cut":
            del data[position : position + draw(st.integers(1, 64))]
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        if not data:
            data = bytearray(b"\x00")
    return bytes(data)


@settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=damaged_images())
def test_damaged_image_is_processed_or_rejected(data):
    try:
        result = process_screenshot(upload(data), MAX_BYTES, MAX_PIXELS)
    except UploadError as error:
        assert error.message in MESSAGES
        assert error.render()
        return

    assert isinstance(result, ProcessedImage)
    stored = Image.open(io.BytesIO(result.data))
    stored.load()
    assert stored.size == (result.width, result.height)
    assert b"FUZZ" not in result.data


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_each_sample_is_accepted_before_damage(sample):
    assert process_screenshot(upload(SAMPLES[sample]), MAX_BYTES, MAX_PIXELS)
