"""Images and streams for the screenshot tests, all made here with Pillow or by hand."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw
from werkzeug.datastructures import FileStorage

from config import Config

MAX_BYTES = Config.SCREENSHOT_MAX_BYTES
MAX_PIXELS = Config.SCREENSHOT_MAX_PIXELS

RED = (220, 30, 30)
BLUE = (30, 60, 220)


def screenshot(width: int = 160, height: int = 90) -> Image.Image:
    """Return an RGB image, red on the left half and blue on the right, with text."""
    image = Image.new("RGB", (width, height), BLUE)
    drawing = ImageDraw.Draw(image)
    drawing.rectangle((0, 0, width // 2 - 1, height - 1), fill=RED)
    drawing.text((4, 4), "CSR error", fill=(255, 255, 255))
    return image


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload(
    data: bytes, filename: str = "shot.png", content_type: str = "image/png"
) -> FileStorage:
    """Wrap DATA the way Werkzeug hands a multipart file to a view."""
    return FileStorage(
        stream=io.BytesIO(data), filename=filename, content_type=content_type
    )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bomb(width: int, height: int, color_type: int = 0, bit_depth: int = 1) -> bytes:
    """Return a valid PNG of all-zero pixels that declares WIDTH x HEIGHT.

    The rows compress about 1000:1, so the file stays small while decoding it
    would need the full pixel buffer. Colour type 0 is greyscale, 2 is RGB.
    """
    channels = {0: 1, 2: 3}[color_type]
    row = bytes(1 + (width * channels * bit_depth + 7) // 8)
    compressor = zlib.compressobj(9)
    rows = [compressor.compress(row) for _ in range(height)]
    rows.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"".join(rows))
        + png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """Return a small baseline JPEG whose SOF0 header is patched to WIDTH x HEIGHT."""
    data = bytearray(encode(Image.new("RGB", (8, 8)), "JPEG"))
    start = data.index(b"\xff\xc0")
    # SOF0: marker, length (2), precision (1), height (2), width (2).
    data[start + 5 : start + 7] = height.to_bytes(2, "big")
    data[start + 7 : start + 9] = width.to_bytes(2, "big")
    return bytes(data)


def gif_declaring(width: int, height: int) -> bytes:
    """Return a small GIF whose logical screen is patched to WIDTH x HEIGHT."""
    data = bytearray(encode(Image.new("P", (8, 8)), "GIF"))
    data[6:8] = width.to_bytes(2, "little")
    data[8:10] = height.to_bytes(2, "little")
    return bytes(data)


def webp_declaring(width: int, height: int) -> bytes:
    """Return an animated WebP of 1x1 frames on a WIDTH x HEIGHT canvas."""
    frames = [Image.new("RGB", (1, 1), RED), Image.new("RGB", (1, 1), BLUE)]
    data = bytearray(
        encode(
            frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True
        )
    )
    start = data.index(b"VP8X")
    # VP8X payload: flags (4 bytes), then canvas width - 1 and height - 1 in
    # 24-bit little-endian.
    data[start + 12 : start + 15] = (width - 1).to_bytes(3, "little")
    data[start + 15 : start + 18] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def exif_with_gps(marker: str) -> Image.Exif:
    """Return EXIF with a GPS position, a camera make and a UserComment with MARKER."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = f"{marker}-MAKE"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 57.0, 3.25)
    gps[ExifTags.GPS.GPSMapDatum] = f"{marker}-GPS"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.UserComment] = b"ASCII\x00\x00\x00" + marker.encode()
    return exif


class GuardedStream(io.RawIOBase):
    """An endless PNG-looking stream that fails the test if read past LIMIT bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.position + len(buffer) > self.limit:
            raise AssertionError(
                f"read of {len(buffer)} bytes at offset {self.position} "
                f"goes past the {self.limit} bytes allowed"
            )
        view = memoryview(buffer).cast("B")
        view[:] = bytes(len(view))
        if self.position == 0 and len(view) >= 8:
            view[:8] = b"\x89PNG\r\n\x1a\n"
        self.position += len(view)
        return len(view)
