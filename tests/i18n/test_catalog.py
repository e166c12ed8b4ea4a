"""The Korean catalog against a fresh extraction of every marked string."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import Translations

from .conftest import REPOSITORY, TRANSLATIONS, read_catalog

PLACEHOLDER = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)[-#0 +]*\d*(?:\.\d+)?[a-z]")


def _extract_msgids() -> dict[str, str]:
    """Extract as pybabel extract does and map each msgid to where it first appears."""
    with (REPOSITORY / "babel.cfg").open() as config_file:
        method_map, options_map = parse_mapping_cfg(config_file, "babel.cfg")
    msgids: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(REPOSITORY), method_map, options_map
    ):
        singular = message[0] if isinstance(message, tuple) else message
        msgids.setdefault(singular, f"{filename}:{lineno}")
    return msgids


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def korean():
    return read_catalog("ko")


@pytest.fixture(scope="module")
def extracted():
    return _extract_msgids()


def _korean_texts(message) -> list[str]:
    if isinstance(message.string, tuple):
        return list(message.string)
    return [message.string]


def test_extraction_finds_strings_of_every_layer(extracted):
    places = " ".join(extracted.values())

    assert "helpdesk/csr/" in places
    assert "helpdesk/uploads.py" in places
    assert "helpdesk/auth/" in places
    assert "templates/" in places


def test_every_extracted_msgid_has_korean(korean, extracted):
    untranslated = [
        f"{place}: {msgid!r}"
        for msgid, place in sorted(extracted.items(), key=lambda item: item[1])
        if msgid not in korean or not all(_korean_texts(korean[msgid]))
    ]

    assert untranslated == [], (
        "Update the catalog with `pybabel extract -F babel.cfg -o "
        "helpdesk/translations/messages.pot .` and `pybabel update -i "
        "helpdesk/translations/messages.pot -d helpdesk/translations`, "
        "then translate:\n" + "\n".join(untranslated)
    )


def test_plural_msgids_are_plural_in_catalog(korean, extracted):
    for msgid in extracted:
        message = korean.get(msgid)
        if message is not None and isinstance(message.id, tuple):
            assert len(_korean_texts(message)) == korean.num_plurals


def test_catalog_has_no_fuzzy_entries(korean):
    fuzzy = [message.id for message in korean if message.id and message.fuzzy]

    assert not korean.fuzzy, "the catalog header is fuzzy, so it will not compile"
    assert fuzzy == []


def test_catalog_passes_babel_checks(korean):
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in korean.check()
        for error in errors
    ]

    assert problems == []


def test_korean_keeps_the_placeholders_of_its_msgid(korean):
    for message in korean:
        if not message.id:
            continue
        msgids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(_placeholders(msgid) for msgid in msgids))
        for text in _korean_texts(message):
            assert _placeholders(text) == expected, f"{msgids[0]!r} -> {text!r}"


def test_korean_formats_with_its_placeholders(korean):
    # Jinja's newstyle gettext formats every template string with %, even
    # one without placeholders, so a stray % would break the page.
    for message in korean:
        if not message.id:
            continue
        for text in _korean_texts(message):
            try:
                text % dict.fromkeys(_placeholders(text), 1)
            except (TypeError, ValueError) as error:
                pytest.fail(f"{text!r}: {error}")


def test_compiled_catalog_translates(compiled_translations):
    translations = Translations.load(str(compiled_translations), ["ko"])

    assert translations.gettext("Sign in") == "로그인"
    assert translations.ngettext(
        "Too many attempts. Try again in %(num)d minute.",
        "Too many attempts. Try again in %(num)d minutes.",
        3,
    ) == ("시도 횟수가 너무 많습니다. %(num)d분 뒤에 다시 시도해 주십시오.")


def test_app_reads_catalogs_where_make_compiles_them(app_factory):
    # make translations runs pybabel compile -d helpdesk/translations.
    app = app_factory()

    assert app.extensions["babel"].translation_directories == [str(TRANSLATIONS)]
    assert (TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po").is_file()


def test_product_default_locale_is_korean():
    from config import select_config

    assert select_config("production").BABEL_DEFAULT_LOCALE == "ko"
    assert select_config("production").LANGUAGES == ["ko", "en"]
