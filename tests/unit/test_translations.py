"""Every interface message has its Spanish and its English text."""

from pathlib import Path

import pytest

from lms.i18n_tools import missing

CATALOGS = Path(__file__).resolve().parents[2] / "lms" / "translations"


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_message_lacks_its_text(language):
    gaps = missing(str(CATALOGS / language / "LC_MESSAGES" / "messages.po"))
    assert gaps == [], f"{len(gaps)} messages without a {language} text, e.g. {gaps[:5]}"


def test_the_catalogs_cover_every_message_in_the_code():
    from babel.messages.pofile import read_po
    with open(CATALOGS / "messages.pot", "rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    with open(CATALOGS / "es" / "LC_MESSAGES" / "messages.po", "rb") as f:
        spanish = {m.id for m in read_po(f) if m.id}
    assert template <= spanish, f"run `make messages`: {sorted(map(str, template - spanish))[:5]}"
