"""Screenshot uploads: decode a PNG, JPEG, GIF or WebP in memory and re-encode it.

Only the re-encoded bytes leave this module, so EXIF (GPS positions), ICC
profiles, comments, text chunks, extra frames and anything appended after the
image data are never stored. The format comes from the content alone; the file
name and the declared Content-Type are ignored. This module writes nothing to
disk, though Werkzeug may already have spooled a large upload to a temporary
file before the view runs.

Re-encoding: JPEG stays JPEG at quality 90 (a photo saved as PNG typically grows
several times over), and PNG, GIF and WebP become PNG (lossless, so text in a
screenshot stays sharp). Animated GIF, APNG and WebP keep their first frame.
Colour profiles are dropped without conversion, so a wide-gamut screenshot
shows slightly duller colours; that is enough for an error screenshot.

This module imports nothing from Flask: messages are msgids translated when
UploadError.render() is called, so it also works outside a request.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from PIL import ExifTags, Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

logger = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a message for extraction by pybabel; translation happens on render."""
    return message


# Pillow format names tried by Image.open, in order. Pillow's JPEG opener may
# return "MPO" for a JPEG with a multi-picture segment (some phone cameras).
ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
OUTPUT_FORMATS = {
    "PNG": "PNG",
    "GIF": "PNG",
    "WEBP": "PNG",
    "JPEG": "JPEG",
    "MPO": "JPEG",
}
# The first bytes of a PNG, a JPEG (SOI and the next marker's 0xFF), and a GIF.
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
# EXIF Orientation value -> the transposition that shows the image upright.
EXIF_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
JPEG_QUALITY = 90
MAX_FILENAME_LENGTH = 255
MEGABYTE = 1024 * 1024

# Modes that the PNG and JPEG encoders write unchanged. Any other decoded mode
# is converted to RGB, or to RGBA when the image has transparency.
PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})
JPEG_MODES = frozenset({"L", "RGB"})

# Exceptions Pillow raises for a damaged, truncated or malformed file. Image.open
# turns a plugin's SyntaxError, IndexError, TypeError or struct.error into
# UnidentifiedImageError (an OSError), but load() can raise them directly.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)

# Bidirectional-text controls can make "invoice<U+202E>gnp.exe" display as
# "invoiceexe.png", so they are removed with the other control characters.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e") | (
    frozenset("\u2066\u2067\u2068\u2069")
)
UNNAMED = "(unnamed)"

NOT_AN_IMAGE = N_(
    "“%(filename)s” is not a PNG, JPEG, GIF or WebP image. Save the screenshot in "
    "one of these formats and attach it again."
)
TOO_LARGE = N_(
    "“%(filename)s” is %(size_mb)s MB, but a screenshot may be at most "
    "%(limit_mb)s MB. Crop it or save it as JPEG, then attach it again."
)
TOO_LARGE_UNKNOWN_SIZE = N_(
    "“%(filename)s” is larger than %(limit_mb)s MB, the maximum for a screenshot. "
    "Crop it or save it as JPEG, then attach it again."
)
TOO_MANY_PIXELS = N_(
    "“%(filename)s” is %(width)s × %(height)s pixels, more than the "
    "%(limit_mp)s megapixels a screenshot may have. Scale it down or crop it, "
    "then attach it again."
)
TOO_MANY_PIXELS_UNKNOWN_SIZE = N_(
    "“%(filename)s” has more than the %(limit_mp)s megapixels a screenshot may "
    "have. Scale it down or crop it, then attach it again."
)
DAMAGED = N_(
    "“%(filename)s” could not be read because the image data is damaged or "
    "incomplete. Save the screenshot again and attach the new file."
)


@dataclass(frozen=True)
class ProcessedImage:
    """A screenshot ready to store: only the re-encoded bytes, never the upload."""

    data: bytes
    content_type: str  # "image/png" or "image/jpeg" as re-encoded here
    width: int
    height: int
    original_filename: str  # display text only, never a path


class UploadError(ValueError):
    """A rejected screenshot; ``message`` is a msgid filled from ``params``."""

    def __init__(self, message: str, params: dict[str, Any]) -> None:
        super().__init__(message % params)
        self.message = message
        self.params = params

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """Translate the message and fill in its placeholders."""
        return translate(self.message) % self.params


def process_screenshot(
    file_storage: FileStorage | None, max_bytes: int, max_pixels: int
) -> ProcessedImage | None:
    """Decode an uploaded screenshot and re-encode it without its metadata.

    Returns None when no file was chosen or the file is empty, since the
    screenshot is optional. Raises UploadError for anything else that is
    not a PNG, JPEG, GIF or WebP of at most ``max_bytes`` bytes and
    ``max_pixels`` pixels that decodes completely.
    """
    if file_storage is None or not file_storage.filename:
        return None
    filename = display_filename(file_storage.filename)
    shown_name = filename or UNNAMED

    data = _read_at_most(file_storage.stream, max_bytes + 1)
    if not data:
        return None
    if len(data) > max_bytes:
        raise _too_large(file_storage.stream, len(data), max_bytes, shown_name)

    image, source_format = _decode(data, shown_name, max_pixels)
    output_format = OUTPUT_FORMATS[source_format]
    encoded = _encode(image, output_format)
    logger.info(
        "Accepted screenshot %r: %s %dx%d, %d bytes in, %d bytes stored",
        filename,
        source_format,
        image.width,
        image.height,
        len(data),
        len(encoded),
    )
    return ProcessedImage(
        data=encoded,
        content_type=CONTENT_TYPES[output_format],
        width=image.width,
        height=image.height,
        original_filename=filename,
    )


def display_filename(raw_name: str | None) -> str:
    """Reduce an uploaded file name to its last part, as text safe to display.

    Removes directories (split on both / and \\), control characters such as
    CR, LF, NUL and tab, line separators and bidirectional-text controls. The
    text is normalized to NFC, because browsers on macOS may send decomposed
    Hangul. At most MAX_FILENAME_LENGTH characters are kept, cut from the stem
    so that a short extension stays. The result may be empty and must never be
    used as a path.
    """
    if not raw_name:
        return ""
    text = unicodedata.normalize("NFC", raw_name)
    text = "".join(char for char in text if _is_displayable(char))
    text = text.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if text in {".", ".."}:
        return ""
    if len(text) <= MAX_FILENAME_LENGTH:
        return text

    stem, dot, extension = text.rpartition(".")
    if dot and stem and len(extension) < 16:
        keep = MAX_FILENAME_LENGTH - len(extension) - 1
        return f"{stem[:keep].rstrip()}.{extension}"
    return text[:MAX_FILENAME_LENGTH].rstrip()


def _is_displayable(char: str) -> bool:
    # Cc: C0/C1 controls and DEL. Zl, Zp: line and paragraph separators.
    # Cs: lone surrogates, which cannot be encoded for the database.
    if unicodedata.category(char) in {"Cc", "Zl", "Zp", "Cs"}:
        return False
    return char not in BIDI_CONTROLS


def _read_at_most(stream: IO[bytes], limit: int) -> bytes:
    # Start from the beginning when possible, so that a form validated twice
    # reads the whole file again instead of an empty rest.
    if stream.seekable():
        stream.seek(0)

    # A single read() may return fewer bytes than asked before the end of the
    # stream, so read until LIMIT bytes or the end, and never past LIMIT.
    chunks = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _too_large(
    stream: IO[bytes], bytes_read: int, max_bytes: int, shown_name: str
) -> UploadError:
    limit_mb = _format_number(max_bytes / MEGABYTE)
    total = _total_size(stream, bytes_read)
    if total is None:
        return _rejected(TOO_LARGE_UNKNOWN_SIZE, filename=shown_name, limit_mb=limit_mb)
    # Round up so that a file just over the limit never shows the limit itself.
    size_mb = _format_number(math.ceil(total * 10 / MEGABYTE) / 10)
    return _rejected(TOO_LARGE, filename=shown_name, size_mb=size_mb, limit_mb=limit_mb)


def _total_size(stream: IO[bytes], bytes_read: int) -> int | None:
    # Werkzeug spools uploads into a seekable file, so the size is known
    # without reading the rest; a plain socket stream gives None.
    try:
        if not stream.seekable():
            return None
        position = stream.tell()
        end = stream.seek(0, io.SEEK_END)
    except (OSError, ValueError):
        return None
    return bytes_read + max(0, end - position)


def _decode(data: bytes, shown_name: str, max_pixels: int) -> tuple[Image.Image, str]:
    # NOTE: on Python 3.11 catch_warnings() swaps the process-wide filter list,
    # so a warning another thread raises meanwhile may be recorded here.
    # Pillow's DecompressionBombWarning is recorded rather than raised because
    # the max_pixels check in _open() is the limit that applies here.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", Image.DecompressionBombWarning)
        warnings.filterwarnings("always", category=UserWarning, module=r"PIL\.")
        try:
            image = _open(data, shown_name, max_pixels)
            _load_first_frame(image, shown_name, max_pixels)
            source_format = image.format or ""
            upright = _apply_orientation(image, shown_name)
        finally:
            for warning in caught:
                logger.info(
                    "Pillow warned about screenshot %r: %s", shown_name, warning.message
                )
    return upright, source_format


def _open(data: bytes, shown_name: str, max_pixels: int) -> Image.Image:
    # Image.open reads only the header, so the pixel count is checked before
    # any pixel is decoded. NOTE: for WebP, Pillow's open already has libwebp
    # reserve the canvas, 8 bytes a pixel and up to 16383 x 16383. Those pages
    # are not touched before this check, so resident memory stays small.
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        raise _rejected(
            TOO_MANY_PIXELS_UNKNOWN_SIZE,
            filename=shown_name,
            limit_mp=_format_number(max_pixels / 1_000_000),
        ) from error
    except (UnidentifiedImageError, *DECODE_ERRORS) as error:
        # A file that starts like one of the accepted formats but fails on
        # its header is a damaged screenshot rather than the wrong kind of file.
        message = DAMAGED if _has_accepted_signature(data) else NOT_AN_IMAGE
        raise _rejected(message, filename=shown_name) from error

    width, height = image.size
    if width < 1 or height < 1:
        raise _rejected(DAMAGED, filename=shown_name)
    if width * height > max_pixels:
        raise _rejected(
            TOO_MANY_PIXELS,
            filename=shown_name,
            width=width,
            height=height,
            limit_mp=_format_number(max_pixels / 1_000_000),
        )
    return image


def _has_accepted_signature(data: bytes) -> bool:
    if data.startswith(SIGNATURES):
        return True
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _load_first_frame(image: Image.Image, shown_name: str, max_pixels: int) -> None:
    # load() decodes the current frame, which after Image.open is the first;
    # later frames of an animation are never decoded.
    try:
        image.load()
    except Image.DecompressionBombError as error:
        raise _rejected(
            TOO_MANY_PIXELS_UNKNOWN_SIZE,
            filename=shown_name,
            limit_mp=_format_number(max_pixels / 1_000_000),
        ) from error
    except DECODE_ERRORS as error:
        raise _rejected(DAMAGED, filename=shown_name) from error


def _apply_orientation(image: Image.Image, shown_name: str) -> Image.Image:
    # Rotate or flip the pixels as ImageOps.exif_transpose does, but skip its
    # step that writes the EXIF back. In Pillow 13 that step raises on some
    # malformed EXIF values, and the EXIF is dropped here anyway.
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except DECODE_ERRORS as error:
        logger.info("Ignored unreadable EXIF in screenshot %r: %s", shown_name, error)
        return image
    if not isinstance(orientation, int) or orientation not in EXIF_ORIENTATIONS:
        return image
    return image.transpose(EXIF_ORIENTATIONS[orientation])


def _encode(image: Image.Image, output_format: str) -> bytes:
    pixels = _convert_for(image, output_format)
    # Pillow's PNG encoder copies an ICC profile and transparency from .info
    # and its JPEG encoder copies a comment, so the metadata goes first.
    pixels.info = {}
    buffer = io.BytesIO()
    if output_format == "JPEG":
        pixels.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    else:
        pixels.save(buffer, format="PNG")
    return buffer.getvalue()


def _convert_for(image: Image.Image, output_format: str) -> Image.Image:
    if output_format == "JPEG":
        return image if image.mode in JPEG_MODES else image.convert("RGB")
    if image.has_transparency_data:
        return image if image.mode in {"RGBA", "LA"} else image.convert("RGBA")
    return image if image.mode in PNG_MODES else image.convert("RGB")


def _rejected(message: str, **params: Any) -> UploadError:
    logger.info("Rejected screenshot %r: %s", params.get("filename"), message % params)
    return UploadError(message, params)


def _format_number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
