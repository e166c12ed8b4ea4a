"""Oversized files and decompression bombs are rejected before they cost memory."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import pytest
from PIL import Image
from uploads.images import (
    MAX_BYTES,
    MAX_PIXELS,
    GuardedStream,
    encode,
    gif_declaring,
    jpeg_declaring,
    png_bomb,
    screenshot,
    upload,
    webp_declaring,
)
from werkzeug.datastructures import FileStorage

from helpdesk.uploads import (
    TOO_LARGE,
    TOO_LARGE_UNKNOWN_SIZE,
    TOO_MANY_PIXELS,
    TOO_MANY_PIXELS_UNKNOWN_SIZE,
    UploadError,
    process_screenshot,
)

REPOSITORY = Path(__file__).resolve().parents[2]


class CountingBytesIO(io.BytesIO):
    """A seekable upload stream that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class ShortReadStream(io.RawIOBase):
    """A socket-like stream that returns at most 1000 bytes a read."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.source = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.source.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def process_stream(stream, filename: str = "huge.png"):
    field = FileStorage(stream=stream, filename=filename, content_type="image/png")
    return process_screenshot(field, MAX_BYTES, MAX_PIXELS)


def test_oversized_stream_read_stops_at_limit():
    stream = GuardedStream(limit=MAX_BYTES + 1)

    with pytest.raises(UploadError) as caught:
        process_stream(stream)

    assert stream.position == MAX_BYTES + 1
    assert caught.value.message == TOO_LARGE_UNKNOWN_SIZE
    assert caught.value.params["limit_mb"] == "5"
    assert caught.value.render().startswith("“huge.png” is larger than 5 MB")


def test_oversized_seekable_upload_reports_its_size():
    stream = CountingBytesIO(b"\x89PNG\r\n\x1a\n" + bytes(20 * 1024 * 1024 - 8))

    with pytest.raises(UploadError) as caught:
        process_stream(stream)

    assert stream.bytes_read == MAX_BYTES + 1
    assert caught.value.message == TOO_LARGE
    assert caught.value.params["size_mb"] == "20"
    assert caught.value.params["limit_mb"] == "5"
    assert "is 20 MB, but a screenshot may be at most 5 MB" in caught.value.render()


def test_upload_of_exactly_limit_is_accepted():
    image = encode(screenshot(), "PNG")
    padded = image + bytes(MAX_BYTES - len(image))

    result = process_stream(io.BytesIO(padded), "padded.png")

    assert result is not None
    assert len(result.data) < len(image) + 1024


def test_one_byte_over_limit_is_rejected():
    image = encode(screenshot(), "PNG")
    padded = image + bytes(MAX_BYTES + 1 - len(image))

    with pytest.raises(UploadError) as caught:
        process_stream(io.BytesIO(padded))

    assert caught.value.message == TOO_LARGE
    assert caught.value.params["size_mb"] == "5.1"


def test_short_reads_still_give_whole_image():
    data = encode(screenshot(), "PNG")

    result = process_stream(ShortReadStream(data), "slow.png")

    assert result is not None
    assert (result.width, result.height) == (160, 90)


def test_short_reads_still_stop_at_limit():
    stream = ShortReadStream(bytes(MAX_BYTES + 5000))

    with pytest.raises(UploadError) as caught:
        process_stream(stream)

    assert caught.value.message == TOO_LARGE_UNKNOWN_SIZE
    assert stream.source.tell() == MAX_BYTES + 1


def rgb_png_bomb(width: int, height: int) -> bytes:
    return png_bomb(width, height, color_type=2, bit_depth=8)


# Name: (builder, declared width, declared height, channels once decoded).
# Pillow 13 warns above 89.5 megapixels and raises above 179 megapixels; the
# app's own limit, 40 megapixels, is below both, so each band is covered.
BOMBS = {
    "png_rgb_48mp": (rgb_png_bomb, 8000, 6000, 3),
    "png_gray_100mp": (png_bomb, 10000, 10000, 1),
    "png_gray_400mp": (png_bomb, 20000, 20000, 1),
    "jpeg_48mp": (jpeg_declaring, 8000, 6000, 3),
    "jpeg_4gp": (jpeg_declaring, 65000, 65000, 3),
    "gif_48mp": (gif_declaring, 8000, 6000, 1),
    "gif_4gp": (gif_declaring, 65535, 65535, 1),
    "webp_48mp": (webp_declaring, 8000, 6000, 4),
    "webp_268mp": (webp_declaring, 16383, 16383, 4),
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_decompression_bomb_is_rejected_without_decoding(bomb):
    build, width, height, channels = BOMBS[bomb]
    data = build(width, height)
    assert len(data) < MAX_BYTES

    tracemalloc.start()
    try:
        with pytest.raises(UploadError) as caught:
            process_screenshot(upload(data, "bomb.png"), MAX_BYTES, MAX_PIXELS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # tracemalloc traces Python's allocations only; Pillow's pixel buffers come
    # from C, which test_bombs_leave_resident_memory_flat measures instead.
    assert peak < 8 * 1024 * 1024
    assert peak < width * height * channels // 100
    error = caught.value
    if error.message == TOO_MANY_PIXELS:
        assert (error.params["width"], error.params["height"]) == (width, height)
    else:
        assert error.message == TOO_MANY_PIXELS_UNKNOWN_SIZE
        # Pillow itself raises above twice its warning limit.
        assert width * height > 2 * Image.MAX_IMAGE_PIXELS
    assert error.params["limit_mp"] == "40"
    assert "40 megapixels" in error.render()


def test_bomb_processing_leaves_warning_filters_alone():
    before = list(warnings.filters)

    with pytest.raises(UploadError):
        process_screenshot(
            upload(png_bomb(10000, 10000), "bomb.png"), MAX_BYTES, MAX_PIXELS
        )

    assert warnings.filters == before


# VmHWM is the peak resident memory of the probe's own address space; unlike
# ru_maxrss it does not carry over the pytest process's peak across fork/exec.
RSS_PROBE = """
import io, json, pathlib
from PIL import Image
from helpdesk.uploads import UploadError, process_screenshot
from uploads.images import MAX_BYTES, MAX_PIXELS, upload
import test_uploads_limits as limits

def peak_mb():
    status = pathlib.Path("/proc/self/status").read_text()
    line = next(row for row in status.splitlines() if row.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

bombs = {
    name: build(width, height)
    for name, (build, width, height, _) in limits.BOMBS.items()
}
baseline = peak_mb()
growth = {}
for name, data in bombs.items():
    try:
        process_screenshot(upload(data, "bomb.png"), MAX_BYTES, MAX_PIXELS)
    except UploadError:
        pass
    growth[name] = peak_mb() - baseline

# Control: decoding the 48-megapixel RGB bomb for real must show up.
image = Image.open(io.BytesIO(bombs["png_rgb_48mp"]))
image.load()
growth["control_decode"] = peak_mb() - baseline
print(json.dumps(growth))
"""


@pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads VmHWM from Linux /proc"
)
def test_bombs_leave_resident_memory_flat():
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPOSITORY), str(REPOSITORY / "tests"), str(Path(__file__).parent)]
    )
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", RSS_PROBE],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPOSITORY,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    growth = json.loads(completed.stdout)

    # A decoded 48-megapixel RGB image needs 192 MB (Pillow keeps 4 bytes a
    # pixel), so the control shows that the probe notices a real decode.
    assert growth.pop("control_decode") > 150
    for name, megabytes in growth.items():
        assert megabytes < 32, f"{name} grew resident memory by {megabytes:.0f} MB"
