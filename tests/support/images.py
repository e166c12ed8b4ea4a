"""Test images made with Pillow, so no binary fixture lives in the repository."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def make_png(width: int = 320, height: int = 200, text: str = "CSR error") -> bytes:
    """Return a PNG that looks like a small error screenshot."""
    image = Image.new("RGB", (width, height), (245, 245, 245))
    drawing = ImageDraw.Draw(image)
    drawing.rectangle((10, 10, width - 10, 50), fill=(200, 40, 40))
    drawing.text((20, 22), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
