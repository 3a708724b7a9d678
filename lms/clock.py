"""The one clock: aware UTC now. Rules take ``now`` as an argument; views, commands and column defaults ask here.

It sits beside ``extensions`` rather than in ``core`` because the models read it too, and ``core`` reads the models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
