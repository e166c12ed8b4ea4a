"""Screenshots keep their pixels and lose everything else the upload carried."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from support.write_guard import watch_file_writes
from uploads.images import (
    MAX_BYTES,
    MAX_PIXELS,
    encode,
    exif_with_gps,
    screenshot,
    upload,
)

from helpdesk.uploads import ProcessedImage, process_screenshot

MARKER = "CSRDESK-SECRET-MARKER"
SCRIPT = b"<script>alert(document.cookie)</script>"
ICC_PROFILE = b"ICC-" + MARKER.encode() * 4
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + MARKER.encode() + b"</x:xmpmeta>"


def process(data: bytes, filename: str = "shot.png") -> ProcessedImage:
    result = process_screenshot(upload(data, filename), MAX_BYTES, MAX_PIXELS)
    assert result is not None
    return result


def reopened(result: ProcessedImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    return image


def png_chunk_types(data: bytes) -> list[bytes]:
    types = []
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        types.append(data[position + 4 : position + 8])
        position += 12 + length
    return types


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", b"<html>" + SCRIPT + b"</html>")
    return buffer.getvalue()


def test_jpeg_exif_with_gps_is_removed():
    data = encode(screenshot(), "JPEG", exif=exif_with_gps(MARKER))
    source = Image.open(io.BytesIO(data)).getexif()
    assert source.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"

    result = process(data, "phone.jpg")

    image = reopened(result)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in image.info
    assert b"Exif\x00\x00" not in result.data
    assert MARKER.encode() not in result.data


def test_jpeg_comment_icc_and_xmp_are_removed():
    data = encode(
        screenshot(),
        "JPEG",
        comment=MARKER.encode(),
        icc_profile=ICC_PROFILE,
        xmp=XMP,
    )
    assert data.count(MARKER.encode()) >= 3

    result = process(data, "photo.jpg")

    image = reopened(result)
    for key in ("comment", "icc_profile", "xmp", "exif"):
        assert key not in image.info
    assert b"ICC_PROFILE" not in result.data
    assert b"adobe:ns:meta" not in result.data
    assert MARKER.encode() not in result.data


def test_png_text_chunks_icc_and_exif_are_removed():
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", MARKER)
    text.add_text("Compressed", MARKER * 20, zip=True)
    text.add_itxt("Author", MARKER, lang="ko", tkey="작성자")
    data = encode(
        screenshot(),
        "PNG",
        pnginfo=text,
        icc_profile=ICC_PROFILE,
        exif=exif_with_gps(MARKER),
    )
    source_types = set(png_chunk_types(data))
    assert {b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf"} <= source_types

    result = process(data)

    assert set(png_chunk_types(result.data)) <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
    image = reopened(result)
    assert image.text == {}
    assert dict(image.getexif()) == {}
    assert MARKER.encode() not in result.data


@pytest.mark.parametrize(
    "trailer",
    [SCRIPT, b"<html><body>" + SCRIPT + b"</body></html>", zip_archive()],
    ids=["script", "html", "zip"],
)
def test_png_polyglot_loses_appended_data(trailer):
    data = encode(screenshot(), "PNG") + trailer

    result = process(data)

    assert result.data.endswith(b"IEND\xaeB`\x82")
    assert png_chunk_types(result.data)[-1] == b"IEND"
    assert b"<script" not in result.data
    assert b"PK\x03\x04" not in result.data


def test_png_with_html_in_text_chunk_loses_it():
    text = PngImagePlugin.PngInfo()
    text.add_text("Description", (b"<html>" + SCRIPT + b"</html>").decode())
    data = encode(screenshot(), "PNG", pnginfo=text)

    result = process(data)

    assert b"<script" not in result.data


def test_jpeg_polyglot_loses_trailing_script():
    data = encode(screenshot(), "JPEG") + SCRIPT + zip_archive()

    result = process(data, "photo.jpg")

    assert result.data.endswith(b"\xff\xd9")
    assert b"<script" not in result.data
    assert b"PK\x03\x04" not in result.data


def test_gif_comment_and_trailing_data_are_removed():
    data = encode(screenshot().convert("P"), "GIF", comment=MARKER.encode())
    assert MARKER.encode() in data

    result = process(data + SCRIPT, "anim.gif")

    assert result.content_type == "image/png"
    assert MARKER.encode() not in result.data
    assert b"<script" not in result.data


def test_webp_exif_and_xmp_are_removed():
    data = encode(
        screenshot(), "WEBP", lossless=True, exif=exif_with_gps(MARKER), xmp=XMP
    )
    assert MARKER.encode() in data

    result = process(data, "shot.webp")

    image = reopened(result)
    assert dict(image.getexif()) == {}
    assert MARKER.encode() not in result.data
    assert b"adobe:ns:meta" not in result.data


@pytest.mark.parametrize("source_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_processing_writes_no_file(source_format):
    image = screenshot() if source_format != "GIF" else screenshot().convert("P")
    data = encode(image, source_format)

    with watch_file_writes() as writes:
        process(data)

    assert writes == []
