"""Templates must work under the CSP: no inline scripts, styles or handlers."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html"))

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", TEMPLATE_FILES, ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_template_has_no_inline_script_or_style(template):
    source = template.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(source), "inline <script> element"
    assert not STYLE_ELEMENT.search(source), "<style> element"
    assert not STYLE_ATTRIBUTE.search(source), "style= attribute"
    assert not EVENT_HANDLER.search(source), "on...= event handler attribute"
    assert not JAVASCRIPT_URL.search(source), "javascript: URL"


def test_template_scan_finds_templates():
    assert TEMPLATES / "base.html" in TEMPLATE_FILES


def test_template_scan_catches_inline_style():
    assert STYLE_ATTRIBUTE.search('<p style="color: red">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/app.js"></script>')
    assert EVENT_HANDLER.search('<img src=x onerror="alert(1)">')
