"""Catalog maintenance: `python -m tools.i18n fill-english PO` and `missing PO`.

Message ids are written in English, so the English catalog repeats them; filling it keeps
`missing` meaningful for both languages (a message without its text in either is a bug).
"""

import sys

from babel.messages.pofile import read_po, write_po


def _load(path: str):
    with open(path, "rb") as f:
        return read_po(f)


def fill_english(path: str) -> int:
    """Make every English text its own message id (ids are written in English); return how many changed."""
    catalog = _load(path)
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = tuple(message.id) if isinstance(message.id, tuple) else message.id
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    with open(path, "wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True, sort_output=True)
    return changed


def missing(path: str) -> list[str]:
    """Message ids without a (non-fuzzy) text in the catalog at ``path``."""
    catalog = _load(path)
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


if __name__ == "__main__":
    command, po_path = sys.argv[1], sys.argv[2]
    if command == "fill-english":
        print(f"{fill_english(po_path)} English messages filled")
    elif command == "missing":
        gaps = missing(po_path)
        print("\n".join(gaps))
        sys.exit(1 if gaps else 0)
