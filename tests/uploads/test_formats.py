"""Which uploads become screenshots, in which format, and which are rejected."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageSequence

from helpdesk.uploads import (
    DAMAGED,
    NOT_AN_IMAGE,
    ProcessedImage,
    UploadError,
    process_screenshot,
)

from .images import (
    BLUE,
    MAX_BYTES,
    MAX_PIXELS,
    RED,
    encode,
    screenshot,
    upload,
)


def process(data: bytes, filename: str = "shot.png", **kwargs) -> ProcessedImage:
    result = process_screenshot(upload(data, filename, **kwargs), MAX_BYTES, MAX_PIXELS)
    assert result is not None
    return result


def reject(data: bytes, filename: str = "shot.png", **kwargs) -> UploadError:
    with pytest.raises(UploadError) as caught:
        process_screenshot(upload(data, filename, **kwargs), MAX_BYTES, MAX_PIXELS)
    return caught.value


def decoded(result: ProcessedImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    return image


def near(pixel, expected, tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


ACCEPTED = [
    ("PNG", {}, "image/png", "PNG"),
    ("JPEG", {"quality": 95}, "image/jpeg", "JPEG"),
    ("GIF", {}, "image/png", "PNG"),
    ("WEBP", {"lossless": True}, "image/png", "PNG"),
    ("WEBP", {"quality": 90}, "image/png", "PNG"),
]


@pytest.mark.parametrize(
    ("source_format", "options", "content_type", "output_format"), ACCEPTED
)
def test_accepted_format_is_reencoded(
    source_format, options, content_type, output_format
):
    original = encode(screenshot(), source_format, **options)

    result = process(original)

    assert result.content_type == content_type
    image = decoded(result)
    assert image.format == output_format
    assert image.size == (160, 90)
    assert (result.width, result.height) == (160, 90)
    rgb = image.convert("RGB")
    assert near(rgb.getpixel((20, 60)), RED)
    assert near(rgb.getpixel((140, 60)), BLUE)


def test_jpeg_named_png_stays_jpeg():
    result = process(
        encode(screenshot(), "JPEG"), "error.png", content_type="image/png"
    )

    assert result.content_type == "image/jpeg"
    assert decoded(result).format == "JPEG"
    assert result.original_filename == "error.png"


def test_gif_renamed_jpg_is_stored_as_png():
    result = process(
        encode(screenshot().convert("P"), "GIF"), "error.jpg", content_type="image/jpeg"
    )

    assert result.content_type == "image/png"
    assert decoded(result).format == "PNG"


REJECTED_CONTENT = {
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        b'width="10" height="10"><script>alert(1)</script></svg>',
        "error.svg",
        "image/svg+xml",
    ),
    "html_named_png": (
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "error.png",
        "image/png",
    ),
    "pdf": (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
        "error.pdf",
        "application/pdf",
    ),
    "text": (b"The CSR generator said: invalid country.\n", "error.txt", "text/plain"),
    "bmp": (None, "error.bmp", "image/bmp"),
    "tiff": (None, "error.tiff", "image/tiff"),
    "ico": (None, "error.ico", "image/x-icon"),
}


@pytest.mark.parametrize("case", sorted(REJECTED_CONTENT))
def test_non_image_content_is_rejected(case):
    data, filename, content_type = REJECTED_CONTENT[case]
    if data is None:
        # Formats Pillow can decode but a screenshot may not use.
        pillow_format = {"bmp": "BMP", "tiff": "TIFF", "ico": "ICO"}[case]
        data = encode(screenshot(32, 32), pillow_format)

    error = reject(data, filename, content_type=content_type)

    assert error.message == NOT_AN_IMAGE
    assert error.params["filename"] == filename
    text = error.render()
    assert filename in text
    assert "PNG, JPEG, GIF or WebP" in text


def test_same_upload_processed_twice_gives_same_result():
    field = upload(encode(screenshot(), "PNG"))

    first = process_screenshot(field, MAX_BYTES, MAX_PIXELS)
    second = process_screenshot(field, MAX_BYTES, MAX_PIXELS)

    assert first is not None
    assert second == first


def test_missing_file_is_no_screenshot():
    assert process_screenshot(None, MAX_BYTES, MAX_PIXELS) is None


def test_empty_filename_is_no_screenshot():
    empty_field = upload(b"", filename="", content_type="application/octet-stream")

    assert process_screenshot(empty_field, MAX_BYTES, MAX_PIXELS) is None


def test_empty_file_is_no_screenshot():
    assert process_screenshot(upload(b"", "shot.png"), MAX_BYTES, MAX_PIXELS) is None


@pytest.mark.parametrize(
    ("source_format", "cut"),
    [
        ("PNG", 0.5),
        ("PNG", 0.9),
        ("JPEG", 0.5),
        ("JPEG", 0.9),
        ("GIF", 0.5),
        ("WEBP", 0.5),
    ],
)
def test_truncated_image_is_rejected(source_format, cut):
    # Noise does not compress, so cutting the file cuts into the pixel data.
    image = Image.effect_noise((200, 150), 64).convert("RGB")
    data = encode(image, source_format)

    error = reject(data[: int(len(data) * cut)])

    assert error.message == DAMAGED
    assert "damaged or incomplete" in error.render()


def test_png_with_bad_idat_crc_is_rejected():
    data = bytearray(encode(screenshot(), "PNG"))
    start = data.index(b"IDAT")
    length = int.from_bytes(data[start - 4 : start], "big")
    data[start + 4 + length // 2] ^= 0xFF

    error = reject(bytes(data))

    assert error.message == DAMAGED


@pytest.mark.parametrize(
    "start",
    [
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
        b"GIF89a",
        b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    ],
)
def test_header_only_image_is_rejected_as_damaged(start):
    error = reject(start)

    assert error.message == DAMAGED


def test_animated_gif_keeps_first_frame_only():
    frames = [Image.new("P", (40, 30), index) for index in range(3)]
    for index, frame in enumerate(frames):
        frame.putpalette([*RED, *BLUE, 0, 200, 0] + [0] * 759)
        frame.paste(index, (0, 0, 40, 30))
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(data)).n_frames == 3

    image = decoded(process(data))

    assert getattr(image, "n_frames", 1) == 1
    assert near(image.convert("RGB").getpixel((5, 5)), RED, tolerance=0)


@pytest.mark.parametrize("source_format", ["PNG", "WEBP"])
def test_animated_png_and_webp_keep_first_frame_only(source_format):
    frames = [Image.new("RGB", (40, 30), color) for color in (RED, BLUE, RED)]
    data = encode(
        frames[0],
        source_format,
        save_all=True,
        append_images=frames[1:],
        **({"lossless": True} if source_format == "WEBP" else {}),
    )
    assert Image.open(io.BytesIO(data)).n_frames == 3

    image = decoded(process(data))

    assert len(list(ImageSequence.Iterator(image))) == 1
    assert b"acTL" not in process(data).data
    assert near(image.convert("RGB").getpixel((5, 5)), RED, tolerance=0)


def test_multi_picture_jpeg_keeps_first_picture_as_jpeg():
    first, second = screenshot(), Image.new("RGB", (160, 90), (0, 200, 0))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data), formats=["JPEG"]).format == "MPO"

    result = process(data, "camera.jpg")

    image = decoded(result)
    assert result.content_type == "image/jpeg"
    assert image.format == "JPEG"
    assert b"MPF\x00" not in result.data
    assert near(image.getpixel((20, 60)), RED)


@pytest.mark.parametrize(
    ("orientation", "size", "top_left_color"),
    [
        (1, (160, 90), RED),
        (3, (160, 90), BLUE),
        (6, (90, 160), RED),
        (8, (90, 160), BLUE),
    ],
)
def test_exif_orientation_is_applied(orientation, size, top_left_color):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    data = encode(screenshot(), "JPEG", exif=exif, quality=95)

    result = process(data, "phone.jpg")

    image = decoded(result)
    assert image.size == size
    assert (result.width, result.height) == size
    assert near(image.getpixel((10, 10)), top_left_color)
    assert ExifTags.Base.Orientation not in image.getexif()


def test_unreadable_exif_keeps_image_unrotated():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    data = bytearray(encode(screenshot(), "JPEG", exif=exif))
    start = data.index(b"Exif\x00\x00")
    # Break the TIFF byte-order mark so Pillow cannot parse the EXIF block.
    data[start + 6 : start + 8] = b"XX"

    result = process(bytes(data), "phone.jpg")

    assert (result.width, result.height) == (160, 90)


@pytest.mark.parametrize(
    ("mode", "output_mode"),
    [
        ("1", "1"),
        ("L", "L"),
        ("LA", "LA"),
        ("I;16", "I;16"),
        ("P", "P"),
        ("RGB", "RGB"),
        ("RGBA", "RGBA"),
    ],
)
def test_png_modes_survive_reencoding(mode, output_mode):
    data = encode(screenshot().convert(mode), "PNG")

    image = decoded(process(data))

    assert image.mode == output_mode
    assert image.size == (160, 90)


def test_palette_transparency_becomes_alpha():
    image = screenshot().convert("P")
    transparent_index = image.getpixel((10, 60))
    data = encode(image, "PNG", transparency=transparent_index)

    output = decoded(process(data))

    assert output.mode == "RGBA"
    assert output.getpixel((10, 60))[3] == 0
    assert output.getpixel((150, 60))[3] == 255


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_jpeg_modes_are_stored_as_gray_or_rgb(mode):
    data = encode(screenshot().convert(mode), "JPEG")

    image = decoded(process(data, "scan.jpg"))

    assert image.mode == ("L" if mode == "L" else "RGB")
