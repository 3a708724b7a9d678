"""The public check log, written in batches.

Every public check of a certificate code adds a row: a hash of the code, the outcome, the channel and
the time, never who asked (``lms.core.certificates.services._log_row`` says what a row holds). It is
the busiest write we have, and it is a statistics log: nothing in the app reads it back. Written a row
per check, each check was a transaction of its own, which cost the verification API a quarter of its
throughput (docs/performance-history.md).

So a worker keeps the rows of its checks and writes them together, in one INSERT in a transaction of its
own, during the check that completes a batch: when it holds ``VERIFICATION_LOG_BATCH`` rows, or when its
oldest row is ``VERIFICATION_LOG_WAIT`` seconds old, and when the worker exits. Each row keeps the moment of
its own check. The check itself writes nothing, so on PostgreSQL it reads in autocommit, in one round trip
(``lms.database.one_statement``). A worker killed outright loses at most one unwritten batch of this log;
that never loses a certificate or a grade, and PostgreSQL's asynchronous commit of these rows could
already lose the last fraction of a second. A bulk check writes its rows at once, in its caller's
transaction, as it always did.
"""

import atexit
import threading
import weakref
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import Connection, insert
from sqlalchemy import text as sql

from lms.extensions import db
from lms.models import VerificationCheck


class CheckLog:
    """One worker's unwritten check rows, for one app."""

    def __init__(self, app: Flask):
        self.app = app
        self.pending: list[dict] = []
        self.lock = threading.Lock()  # a threaded server (the development one) adds from several threads
        _logs.add(self)

    def add(self, rows: list[dict], now: datetime) -> None:
        """Keep ``rows``; write everything kept, in a transaction of its own, once a batch is due."""
        if not rows:
            return
        config = self.app.config
        with self.lock:
            self.pending.extend(rows)
            if (len(self.pending) < config["VERIFICATION_LOG_BATCH"]
                    and (now - self.pending[0]["created_dt"]).total_seconds() < config["VERIFICATION_LOG_WAIT"]):
                return
            due, self.pending = self.pending, []
        self._write_now(due)

    def _write_now(self, rows: list[dict]) -> None:
        with db.engine.begin() as connection:  # on its own pooled connection, committed here
            write(rows, connection)

    def write_pending(self) -> None:
        """Write what is kept, in a transaction of its own (at exit, and for the tests)."""
        with self.lock:
            due, self.pending = self.pending, []
        if due:
            with self.app.app_context():
                self._write_now(due)


# Every app's log, to be written at exit (weakly held: the tests make an app each).
_logs: "weakref.WeakSet[CheckLog]" = weakref.WeakSet()


@atexit.register
def _write_every_log() -> None:
    for log in list(_logs):
        log.write_pending()


def write(rows: list[dict], connection: Connection | None = None) -> None:
    """Add ``rows`` to the check log now, in the transaction of ``connection`` or else of the session (to be
    committed by the caller)."""
    if not rows:
        return
    if connection is None:
        connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sql("SET LOCAL synchronous_commit TO OFF"))  # only this transaction's commit
    connection.execute(insert(VerificationCheck), rows)


def init_app(app: Flask) -> None:
    app.extensions["checklog"] = CheckLog(app)


def add(rows: list[dict], now: datetime) -> None:
    """Log the rows of public checks of one code, written with the worker's next batch."""
    current_app.extensions["checklog"].add(rows, now)
