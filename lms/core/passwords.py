"""Password rules: long enough and not one everybody tries first."""

from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def _common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, min_length: int = 10):
    """Return what is wrong with ``password`` as a translatable message, or None if it is fine."""
    if len(password) < min_length:
        return _l("Use at least %(n)s characters.", n=min_length)
    if password.casefold() in _common_passwords() or len(set(password)) < 4:
        return _l("That password is too easy to guess. Try a short sentence you will remember.")
    return None
