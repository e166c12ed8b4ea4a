"""README.txt for the delivery ZIP, in Korean and English."""

from __future__ import annotations

from functools import cache
from importlib import resources

README_TEMPLATE_FILE = "delivery-readme.txt"


def readme_text(name: str) -> str:
    """Return the README for files named ``name``, with Windows line endings.

    The template in helpdesk/data has a {name} placeholder for the file stem.
    """
    return _template().replace("{name}", name).replace("\n", "\r\n")


@cache
def _template() -> str:
    return (
        resources.files("helpdesk")
        .joinpath("data", README_TEMPLATE_FILE)
        .read_text(encoding="utf-8")
    )
