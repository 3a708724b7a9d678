"""Set Spanish texts from the command line: `python -m tools.translate "msgid" "texto" [...]`.

Writes the catalog as `make messages` does (sorted, unwrapped), so a translation changes only its lines.
"""

import sys

from babel.messages.pofile import read_po, write_po

CATALOG = "lms/translations/es/LC_MESSAGES/messages.po"


def translate(pairs: dict[str, str], path: str = CATALOG) -> list[str]:
    """Give each message id its text; return the ids that are not in the catalog."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    unknown = []
    for msgid, text in pairs.items():
        message = catalog.get(msgid)
        if message is None:
            unknown.append(msgid)
            continue
        message.string = text
        message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True, sort_output=True, width=0)
    return unknown


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    missing = translate(dict(zip(args[::2], args[1::2], strict=True)))
    if missing:
        sys.exit("not in the catalog (run `make messages` first): " + "; ".join(missing))
