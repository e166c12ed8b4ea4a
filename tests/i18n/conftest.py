"""Apps that speak Korean from catalogs compiled for this test session.

Compiled .mo files are build output (make translations writes them next to
the .po sources), so a fresh clone has none. The session compiles the .po
sources into a temporary folder and points the apps here at it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from helpdesk.extensions import babel

REPOSITORY = Path(__file__).resolve().parents[2]
TRANSLATIONS = REPOSITORY / "helpdesk" / "translations"


def read_catalog(locale: str):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def forget_loaded_translations() -> None:
    # Flask-Babel caches each locale's loaded catalog in the Domain of the one
    # module-level Babel object, so the cache is shared by every app in the
    # process whatever its BABEL_TRANSLATION_DIRECTORIES. Needs an app context.
    babel.domain_instance.cache.clear()


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory) -> Path:
    """Compile every .po catalog the way pybabel compile does; return the folder."""
    folder = tmp_path_factory.mktemp("translations")
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        mo_path = folder / locale / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, read_catalog(locale))
    return folder


@pytest.fixture
def korean_app(app_factory, compiled_translations):
    """An app with the product's default locale, Korean, and compiled catalogs."""
    app = app_factory(
        BABEL_DEFAULT_LOCALE="ko",
        BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations),
    )
    with app.app_context():
        forget_loaded_translations()
        yield app
        forget_loaded_translations()


@pytest.fixture
def korean_client(korean_app):
    return korean_app.test_client()
