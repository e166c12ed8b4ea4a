"""Measure process_screenshot on a 1920x1080 PNG and a 4000x3000 JPEG.

Run from the repository root:

    .venv/bin/python bench/bench_uploads.py [--runs N]

For each input it prints the median and range of the wall time over N runs
and the tracemalloc peak of one run, which counts Python allocations only (the
bytes read and written). It also prints how far one run raises the peak
resident memory of a fresh process, which includes Pillow's pixel buffers.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from werkzeug.datastructures import FileStorage

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from helpdesk.uploads import process_screenshot  # noqa: E402

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000


def make_png_screenshot() -> bytes:
    """Return a 1920x1080 PNG shaped like a control-panel error screenshot."""
    image = Image.new("RGB", (1920, 1080), (246, 247, 249))
    drawing = ImageDraw.Draw(image)
    drawing.rectangle((0, 0, 1920, 64), fill=(32, 48, 80))
    drawing.rectangle((0, 64, 280, 1080), fill=(230, 233, 238))
    for row in range(40):
        top = 90 + row * 24
        drawing.text((20, top), f"Menu item {row}", fill=(40, 40, 40))
        drawing.text(
            (320, top),
            f"openssl req -new -key server.key -out server.csr  line {row}",
            fill=(20, 20, 20),
        )
    drawing.rectangle((600, 400, 1400, 640), fill=(255, 235, 235), outline=(200, 0, 0))
    drawing.text(
        (640, 440), "Error: the Common Name is not a valid domain", fill=(180, 0, 0)
    )
    return _encode(image, "PNG")


def make_jpeg_photo() -> bytes:
    """Return a 4000x3000 JPEG with gradients and sensor-like noise, under 5 MB."""
    gradient = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 24).filter(ImageFilter.GaussianBlur(1))
    image = Image.merge("RGB", (gradient, noise, gradient.rotate(180)))
    return _encode(image, "JPEG", quality=85)


def _encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


CASES = {"png_1920x1080": make_png_screenshot, "jpeg_4000x3000": make_jpeg_photo}


def run_once(data: bytes):
    field = FileStorage(stream=io.BytesIO(data), filename="bench")
    return process_screenshot(field, MAX_BYTES, MAX_PIXELS)


def measure_case(name: str, runs: int) -> dict:
    data = CASES[name]()
    result = run_once(data)  # warm-up; also imports Pillow's plugins
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        run_once(data)
        durations.append(time.perf_counter() - started)

    tracemalloc.start()
    run_once(data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "name": name,
        "input_bytes": len(data),
        "output_bytes": len(result.data),
        "content_type": result.content_type,
        "median_ms": statistics.median(durations) * 1000,
        "min_ms": min(durations) * 1000,
        "max_ms": max(durations) * 1000,
        "traced_peak_mb": traced_peak / 2**20,
        "rss_growth_mb": resident_growth_in_fresh_process(data),
    }


def resident_growth_in_fresh_process(data: bytes) -> float:
    # The input goes in on stdin so that building it does not raise the
    # child's peak before the measurement starts.
    completed = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--resident-growth"],
        input=data,
        capture_output=True,
        check=True,
    )
    return float(completed.stdout)


def print_resident_growth() -> None:
    data = sys.stdin.buffer.read()
    baseline = peak_resident_kib()
    run_once(data)
    print(f"{(peak_resident_kib() - baseline) / 1024:.1f}")


def peak_resident_kib() -> int:
    # VmHWM starts afresh with the child's own address space, unlike
    # ru_maxrss, which Linux carries over from the parent across fork and exec.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no VmHWM line; this needs Linux")


def machine_summary() -> str:
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Pillow {Image.__version__}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per input")
    parser.add_argument(
        "--resident-growth", action="store_true", help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.resident_growth:
        print_resident_growth()
        return

    print(f"Machine: {machine_summary()}")
    print(f"Runs per input: {arguments.runs}\n")
    print(
        "| input | input size | stored as | stored size | median | range "
        "| tracemalloc peak | resident memory growth |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in CASES:
        row = measure_case(name, arguments.runs)
        print(
            f"| {row['name']} | {row['input_bytes'] / 2**20:.2f} MB "
            f"| {row['content_type']} | {row['output_bytes'] / 2**20:.2f} MB "
            f"| {row['median_ms']:.0f} ms "
            f"| {row['min_ms']:.0f}-{row['max_ms']:.0f} ms "
            f"| {row['traced_peak_mb']:.1f} MB | {row['rss_growth_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
