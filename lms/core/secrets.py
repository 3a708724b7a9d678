"""Secrets kept as files in the instance folder, never in the database or in git."""

import contextlib
import os
from pathlib import Path


def instance_secret(path: Path, make) -> str:
    """The secret stored at ``path``, created with ``make()`` (mode 600) on first use.

    Several workers may start at the same moment: whoever comes second reads the first one's secret.
    """
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            # O_CREAT with mode 0600 sets the mode before any byte is written; O_EXCL never overwrites.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(make())
    return path.read_text().strip()
