"""Every interface message has its Spanish and its English text."""

from pathlib import Path

import pytest

from tools.i18n import missing

CATALOGS = Path(__file__).resolve().parents[2] / "lms" / "translations"


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_message_lacks_its_text(language):
    gaps = missing(str(CATALOGS / language / "LC_MESSAGES" / "messages.po"))
    assert gaps == [], f"{len(gaps)} messages without a {language} text, e.g. {gaps[:5]}"


def test_every_message_in_the_code_is_in_the_catalogs():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po
    root = CATALOGS.parents[1]
    method_map = [("lms/**.py", "python"), ("lms/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    in_code = {message[2] if isinstance(message[2], str) else message[2][0]
               for message in extract_from_dir(str(root), method_map, keywords=keywords)
               if message[0].startswith("lms")}
    with open(CATALOGS / "es" / "LC_MESSAGES" / "messages.po", "rb") as f:
        spanish = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert len(in_code) > 300  # the extraction found the interface
    new = sorted(in_code - spanish)
    assert not new, f"run `make messages` and translate: {new[:5]}"


def test_english_texts_are_the_english_message_ids():
    from babel.messages.pofile import read_po
    with open(CATALOGS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        differing = [m.id for m in read_po(f) if m.id and isinstance(m.id, str) and m.string != m.id]
    assert differing == [], "run `python -m tools.i18n fill-english …`: " + repr(differing[:3])


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_compiled_catalogs_match_their_sources(language):
    # The .mo files are committed so that `pip install .` serves Spanish without make; a stale one
    # would show yesterday's words. `make translations` compiles them.
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po
    folder = CATALOGS / language / "LC_MESSAGES"
    def texts(catalog):  # `make translations` compiles with --use-fuzzy: fuzzy texts count
        return {_plain(m.id): _plain(m.string) for m in catalog if m.id and m.string}

    with open(folder / "messages.po", "rb") as f:
        source = texts(read_po(f))
    with open(folder / "messages.mo", "rb") as f:
        compiled = texts(read_mo(f))
    assert compiled == source, "run `make translations`"


def _plain(text):
    """A message id or text as a hashable value (plural forms come as lists)."""
    return text if isinstance(text, str) else tuple(text)
