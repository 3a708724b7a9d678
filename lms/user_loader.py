"""Flask-Login's user loader: who is signed in, asked of the database on every request.

Every signed-in request runs one query. It finds the account by its session token and this device's
login, and finds it only while the account is active and the login younger than LOGIN_LIFETIME_DAYS.
A trainee's pages all need his enrollment, his cohort, its calendar and its workshops, so the same
query brings them too (the calendar as text, see ``_statements``). It also brings two facts that are
read afresh on every request and never kept: whether he holds a valid certificate (``User.accredited``),
which his home and every page of the Network ask, and the weeks whose lesson he had opened
(``Enrollment.opened_weeks``), which each lesson page asks.

Building the five kinds of ORM objects from those rows was a third of a signed-in request's floor
(issue 24, docs/performance-history.md). So each worker thread keeps the objects it built for a login, with
the values they were built from. It uses them again when the query returns exactly those values and
the objects are still as they were loaded. That means nothing expired by a commit, nothing changed in
memory, nothing else loaded onto them, and no other copy of them in the session. Anything else builds
them again from the database. The query, and so every check it makes, still runs on every request.

The query runs on the request's connection (``lms.database.request_connection``), not through the ORM
session, and kept objects are handed to the session only when the request opens one: a page that reads
on that connection alone (the home, a lesson opened before) never opens a session. Until it does, the
account is detached. What the query loaded can be read, and changed, and a change is saved by the
session's commit as before. A relationship the query did not load (a cohort's facilitators) cannot be
loaded from a detached object, so a page reaches it through a query, as it would any other row.
"""

import json
import threading
from collections import OrderedDict
from datetime import timedelta
from typing import NamedTuple

from flask import Flask, g
from sqlalchemy import FunctionElement, Text, bindparam, func, inspect, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload

from lms.clock import utcnow
from lms.database import named_statement, request_connection
from lms.extensions import ENTERS_WITH_SESSION, db, login_manager
from lms.models import (
    CERTIFICATE_IS_VALID,
    Certificate,
    Cohort,
    CohortWeek,
    Enrollment,
    LessonView,
    LoginSession,
    User,
    Workshop,
)

KEPT_PER_THREAD = 512  # logins a worker thread remembers; the oldest is forgotten first

# The five kinds of objects, each with its mapped columns in one order: the account's three are the plain
# query's first columns and what is compared of them; the calendar's two are each one JSON text.
_KINDS = (User, Enrollment, Cohort, CohortWeek, Workshop)
_COLUMNS = {kind: [(prop.key, prop.columns[0]) for prop in inspect(kind).column_attrs] for kind in _KINDS}
_ATTRIBUTES = {kind: frozenset(inspect(kind).attrs.keys()) for kind in _KINDS}
_ACCOUNT = (User, Enrollment, Cohort)

# Whether he holds a valid certificate, asked with the account: no statement of its own. The home was four
# round trips to PostgreSQL, now three, and a page of the Network asked it up to three times
# (lms.core.network.is_member). It reads the id of his valid certificate, or NULL, not an EXISTS: PostgreSQL
# ran an EXISTS among a statement's columns as "his id among every holder's", hashing all the valid
# certificates of the programme (381 on the bench's --scale 10 database, 0.12 ms a request).
_ACCREDITED = (select(func.max(Certificate.id)).where(Certificate.user_id == User.id, CERTIFICATE_IS_VALID)
               .scalar_subquery())


class _JsonRows(FunctionElement):
    """An aggregate: the rows' values, one JSON array of arrays, as text (SQLite and PostgreSQL)."""

    type = Text()
    inherit_cache = True


@compiles(_JsonRows)  # SQLite's, and what str() shows
def _json_rows_on_sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(_JsonRows, "postgresql")
def _json_rows_on_postgresql(element, compiler, **kw):
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


# The weeks whose lesson he had opened, asked with the account: the lesson page's own question, no statement
# of its own. Found through his account's id, as the certificate is, not through the login: two index
# lookups, in both statements.
_OPENED_WEEKS = (select(_JsonRows(LessonView.week)).join(Enrollment, Enrollment.id == LessonView.enrollment_id)
                 .where(Enrollment.user_id == User.id).correlate(User).scalar_subquery())


def _statements():
    """The ORM statement that builds the objects, and the plain one that every request runs.

    The plain statement reads one row: the account's, its enrollment's and its cohort's columns, then the
    cohort's calendar and its workshops, each kind as one JSON text, then the facts of this request alone:
    the weeks whose lesson he had opened, one JSON text too, and whether he holds a valid certificate. The
    calendar's texts are compared as they are, character for character, with the texts the objects were
    built beside. Equal texts hold equal values; texts that differ for any reason, even the order the
    database listed the rows in, only make the objects be built again.

    Until the fifteenth round the calendar came as rows: a UNION ALL of the account's row, one row per
    week and one per workshop, each 70 columns wide and read with its types. A cohort with its whole
    calendar gave 25 rows, and its trainees' account query cost three times the demo trainee's on SQLite
    (161 against 50 µs in a loop; 59 µs as one row; docs/performance-history.md, fifteenth round). Joined
    side by side the two collections multiply: the ORM statement, run only when the objects are built
    again, keeps that product (12 × 12 rows), and its objects with it.

    Both statements carry the same two texts, so the objects and the texts they are kept with are read in
    one snapshot. Each text finds the account by the login's own conditions, not through the outer row, so
    the database works it out once per statement, not once per row of the product. The ORM statement
    writes over objects the session already held (``populate_existing``), so what is kept is what this
    statement read; anything the session held unsaved is flushed before it runs, so nothing is lost.
    """
    login = ((User.session_token == bindparam("token")) & User.is_active.is_(True)
             & (LoginSession.token_hash == bindparam("login")) & (LoginSession.created_dt > bindparam("since")))

    def calendar(kind):
        return (select(_JsonRows(*(column for _, column in _COLUMNS[kind]))).select_from(User)
                .join(LoginSession, LoginSession.user_id == User.id).join(Enrollment, Enrollment.user_id == User.id)
                .join(kind, kind.cohort_id == Enrollment.cohort_id).where(login).correlate(None).scalar_subquery())

    facts = (calendar(CohortWeek), calendar(Workshop), _OPENED_WEEKS, _ACCREDITED)
    cohort = joinedload(User.enrollment).joinedload(Enrollment.cohort)
    objects = (select(User, *facts).join(LoginSession, LoginSession.user_id == User.id).where(login)
               .options(cohort.joinedload(Cohort.week_dates), cohort.joinedload(Cohort.own_workshops))
               .execution_options(populate_existing=True))
    account = [column for kind in _ACCOUNT for _, column in _COLUMNS[kind]]
    row = (select(*account, *facts).select_from(User)
           .join(LoginSession, LoginSession.user_id == User.id)
           .outerjoin(Enrollment, Enrollment.user_id == User.id)
           .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id).where(login))
    return objects, named_statement("the signed-in account", row)


_OBJECTS, _ROW = _statements()  # built once, not per request
_OF_THIS_REQUEST = 2  # the last columns of both: the weeks opened and the certificate, never compared nor kept
_NOTHING = {kind: (None,) * len(_COLUMNS[kind]) for kind in _ACCOUNT}  # an outer join that found nothing


def _values(obj) -> tuple:
    """An object's column values as loaded."""
    loaded = inspect(obj).dict
    return tuple(loaded[key] for key, _ in _COLUMNS[type(obj)])


def _graph(user: User) -> list | None:
    """The account and what its query loaded with it, read without loading anything; None if a part of
    it is not loaded (the session already held some of these objects, half-loaded)."""
    loaded = inspect(user).dict
    if "enrollment" not in loaded:
        return None
    enrollment = loaded["enrollment"]
    if enrollment is None:
        return [user]  # staff: no enrollment
    cohort = inspect(enrollment).dict.get("cohort")
    calendar = inspect(cohort).dict if cohort is not None else {}
    if "week_dates" not in calendar or "own_workshops" not in calendar:
        return None
    return [user, enrollment, cohort, *calendar["week_dates"], *calendar["own_workshops"]]


def _values_of_account(graph: list) -> tuple:
    """The account's, its enrollment's and its cohort's values, laid out as the plain query's first columns."""
    found = {type(obj): obj for obj in graph[:3]}
    return sum((_values(found[kind]) if kind in found else _NOTHING[kind] for kind in _ACCOUNT), ())


def _as_loaded(obj, keys: frozenset, session) -> bool:
    """The object is as its query left it, and no other session holds it or a copy of it (``session`` is
    the request's ORM session if it is open, else None)."""
    state = inspect(obj)
    if state.modified or state.expired_attributes or state.deleted or state.was_deleted:
        return False
    if state.session_id is not None and state.session is not session:
        return False  # still attached to another live session
    if _ATTRIBUTES[type(obj)].intersection(state.dict) != keys:
        return False  # something else was loaded onto it, and may be out of date
    present = session.identity_map.get(state.key) if session is not None else None
    return present is None or present is obj


class Kept(NamedTuple):
    """One login's objects. A new session is given the account, which brings its enrollment and cohort
    along. The cohort's calendar and workshops stay out of it: a trainee's request only reads them, through
    the cohort's collections where they are loaded, and adding each one walked its relationships, 24 times
    a request for a cohort with its whole calendar (a fifth of that trainee's floor, issue 24)."""

    values: tuple  # the plain query's row as these objects would read, the facts of the request aside
    loaded: list   # each object, with the attributes its query loaded on it
    account: User


class KnownAccounts(threading.local):
    """The objects each login's query built, with the values they were built from, per worker thread."""

    def __init__(self):
        self.entries: OrderedDict[str, Kept] = OrderedDict()

    def ready(self, key: str, session) -> Kept | None:
        """What is kept for this login, if its objects are still as their query left them."""
        kept = self.entries.get(key)
        if kept is not None and not all(_as_loaded(obj, keys, session) for obj, keys in kept.loaded):
            del self.entries[key]
            return None
        return kept

    def hand_over(self, key: str, kept: Kept, session) -> User:
        """The account, for this request: given to its ORM session if one is open, or else left for the
        session to take in when the request opens one (lms.extensions.RequestSession)."""
        self.entries.move_to_end(key)
        if session is not None:
            session.add(kept.account)
        else:
            setattr(g, ENTERS_WITH_SESSION, kept.account)
        return kept.account

    def keep(self, key: str, user: User, calendar: tuple) -> None:
        """Keep the objects ``user`` brings, beside the calendar's texts the same statement read."""
        graph = _graph(user)
        if graph is None:
            return
        try:
            values = _values_of_account(graph) + calendar
        except KeyError:  # a column not loaded: the session held the object half-loaded
            return
        loaded = [(obj, _ATTRIBUTES[type(obj)].intersection(inspect(obj).dict)) for obj in graph]
        self.entries[key] = Kept(values, loaded, user)
        self.entries.move_to_end(key)
        while len(self.entries) > KEPT_PER_THREAD:
            self.entries.popitem(last=False)

    def forget(self, key: str) -> None:
        self.entries.pop(key, None)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    login_manager.session_protection = "basic"
    lifetime = timedelta(days=app.config["LOGIN_LIFETIME_DAYS"])
    known = KnownAccounts()
    app.extensions["known_accounts"] = known

    @login_manager.user_loader
    def load_user(cookie_id: str):
        session_token, _, login_token = cookie_id.partition(".")
        if not login_token:
            return None  # a cookie from before logins were kept on the server
        params = {"token": session_token, "login": LoginSession.hash_token(login_token),
                  "since": utcnow() - lifetime}
        open_session = db.session() if db.session.registry.has() else None
        kept = known.ready(cookie_id, open_session)
        if kept is not None:
            row = request_connection().execute(_ROW, params).first()
            if row is None:
                known.forget(cookie_id)
                return None
            if row[:-_OF_THIS_REQUEST] == kept.values:
                user = known.hand_over(cookie_id, kept, open_session)
                _facts_of_this_request(user, *row[-_OF_THIS_REQUEST:])
                return user
        found = db.session.execute(_OBJECTS, params).unique().one_or_none()
        if found is None:
            known.forget(cookie_id)
            return None
        user, weeks, workshops, opened, accredited = found
        user.login_token = login_token
        _facts_of_this_request(user, opened, accredited)
        known.keep(cookie_id, user, (weeks, workshops))
        return user


def _facts_of_this_request(user: User, opened: str | None, accredited: int | None) -> None:
    """Set what the account query read for this request alone: the weeks whose lesson he had opened (a JSON
    text of one-value rows; PostgreSQL gives NULL for none) and whether he holds a valid certificate."""
    user.accredited = accredited is not None
    if user.enrollment is not None:
        user.enrollment.opened_weeks = frozenset(week for (week,) in json.loads(opened)) if opened else frozenset()
