"""Certificate codes: 15 random Crockford base32 symbols and one check symbol.

A code is stored and put in URLs as 16 symbols (``7K3M9QXAT4VD2HJ8``) and printed in
groups of four (``7K3M-9QXA-T4VD-2HJ8``). Whatever a person types is normalised first, so
case, spaces, hyphens and the look-alikes O, I and L do not matter.

The check symbol is Luhn mod 32 over the same alphabet, so a mistyped code can be told
apart from an unknown one without asking the database. What it catches, checked
exhaustively in ``tests/unit/test_certificate_codes.py``:

* every substitution of one symbol by another;
* every swap of two adjacent symbols (the check symbol included) except ``0`` <-> ``Z``:
  Luhn mod N cannot see a swap of the symbols worth 0 and N - 1;
* no swap of two symbols with one between them (``ABC`` -> ``CBA``): both get the same factor.
"""

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PAYLOAD_LENGTH = 15
CODE_LENGTH = PAYLOAD_LENGTH + 1

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_SYMBOLS = frozenset(ALPHABET)
_BASE = len(ALPHABET)
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Separators people type or paste between groups: whitespace, hyphen-minus and the
# Unicode dashes and minus sign that word processors substitute for it.
_SEPARATORS = re.compile(r"[\s\-\u00ad\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+")


class CodeStatus(StrEnum):
    WELL_FORMED = "well_formed"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on typed text: ``code`` is the normalised code when well formed, else None."""

    status: CodeStatus
    code: str | None = None

    @property
    def is_well_formed(self) -> bool:
        return self.status is CodeStatus.WELL_FORMED


def check_symbol(payload: str) -> str:
    """Return the Luhn mod 32 check symbol for ``payload`` (symbols of ALPHABET only).

    Walking from the right, values are multiplied by 2, 1, 2, 1, ...; the base-32 digits
    of each product are added up, and the check symbol brings the total to a multiple of 32.
    """
    total = 0
    for position, symbol in enumerate(reversed(payload)):
        addend = _VALUES[symbol] * (2 if position % 2 == 0 else 1)
        total += addend // _BASE + addend % _BASE
    return ALPHABET[(_BASE - total % _BASE) % _BASE]


def new_code() -> str:
    """Return a fresh 16-symbol code (75 random bits); uniqueness is the database's job."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return payload + check_symbol(payload)


def format_code(code: str) -> str:
    """Return a 16-symbol code as it is printed: ``XXXX-XXXX-XXXX-XXXC``.

    Raises ValueError for anything that is not 16 symbols of the alphabet.
    """
    if len(code) != CODE_LENGTH or not _SYMBOLS.issuperset(code):
        raise ValueError(f"not a certificate code: {code!r}")
    return "-".join(code[start:start + 4] for start in range(0, CODE_LENGTH, 4))


def normalize_code(text: str) -> str:
    """Return ``text`` upper-cased, without spaces or dashes, with O read as 0 and I, L as 1.

    The result is not checked: pass it to ``check_code`` (or call that directly).
    """
    return _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)


def check_code(text: str) -> CodeCheck:
    """Normalise ``text`` and say whether it is a well-formed code.

    Malformed means the wrong length, a symbol outside the alphabet (U, for instance) or
    a check symbol that does not match. Well formed says nothing about whether the code
    was ever issued.
    """
    code = normalize_code(text)
    if len(code) != CODE_LENGTH or not _SYMBOLS.issuperset(code):
        return CodeCheck(CodeStatus.MALFORMED)
    if check_symbol(code[:PAYLOAD_LENGTH]) != code[-1]:
        return CodeCheck(CodeStatus.MALFORMED)
    return CodeCheck(CodeStatus.WELL_FORMED, code)
