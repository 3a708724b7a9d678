"""The one way the course's TOML files (course, weeks, surveys) are read."""

import tomllib
from pathlib import Path


def read_toml(path: Path) -> tuple[dict, str | None]:
    """The table in ``path``, or ``{}`` and a sentence saying why it could not be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return {}, "missing file"
    except tomllib.TOMLDecodeError as error:
        return {}, f"invalid TOML: {error}"
    except UnicodeDecodeError:
        return {}, "not UTF-8 text"
