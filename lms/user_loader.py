"""Flask-Login's user loader: who is signed in, asked of the database on every request.

Every signed-in request runs one query. It finds the account by its session token and this device's
login, and finds it only while the account is active and the login younger than LOGIN_LIFETIME_DAYS.
A trainee's pages all need his enrollment, his cohort, its calendar and its workshops, so the same
query brings their rows too, and whether he holds a valid certificate (``User.accredited``): his home
and every page of the Network ask it.

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

import threading
from collections import OrderedDict
from datetime import timedelta
from typing import NamedTuple

from flask import Flask, g
from sqlalchemy import bindparam, cast, exists, inspect, literal_column, null, select, union_all
from sqlalchemy.orm import joinedload

from lms.clock import utcnow
from lms.database import named_statement, request_connection
from lms.extensions import ENTERS_WITH_SESSION, db, login_manager
from lms.models import CERTIFICATE_IS_VALID, Certificate, Cohort, CohortWeek, Enrollment, LoginSession, User, Workshop

KEPT_PER_THREAD = 512  # logins a worker thread remembers; the oldest is forgotten first

# The five kinds of objects, each with its mapped columns in one order, used for the query's columns and
# for what is compared.
_KINDS = (User, Enrollment, Cohort, CohortWeek, Workshop)
_COLUMNS = {kind: [(prop.key, prop.columns[0]) for prop in inspect(kind).column_attrs] for kind in _KINDS}
_ATTRIBUTES = {kind: frozenset(inspect(kind).attrs.keys()) for kind in _KINDS}


def _slices() -> list[tuple[int, int, int]]:
    """Where each kind's values sit in a row of the plain query, and which of them is its id."""
    slices, start = [], 0
    for kind in _KINDS:
        columns = [column for _, column in _COLUMNS[kind]]
        slices.append((start, start + len(columns), columns.index(inspect(kind).primary_key[0])))
        start += len(columns)
    return slices


_SLICES = _slices()

# Asked with the account, it costs no statement of its own: the home was four round trips to PostgreSQL,
# now three, and a page of the Network asked it up to three times (lms.core.network.is_member).
_ACCREDITED = exists().where(Certificate.user_id == User.id, CERTIFICATE_IS_VALID)
_NULL = literal_column("NULL")  # written as it is: SQLAlchemy gives each null() a label ("NULL AS anon__27")


def _statements():
    """The ORM statement that builds the objects, and the same rows as plain columns.

    The calendar and the workshops are two collections of the cohort. Joined side by side they would
    multiply: a cohort with its twelve weeks dated and twelve workshops set gives 144 rows, each carrying
    the account's columns again, and the account query of its trainees cost 4.5 ms instead of 0.7 ms. So
    the plain query, the one every request runs, is a UNION ALL of three parts: the account's row, one row
    per week and one per workshop, each with the other parts' columns left NULL. All three find the account
    by the same login conditions. The ORM statement, run only when the objects are built again, keeps its
    one query (the query budgets count one account query), and with it the product. Whether he holds a
    valid certificate is the last column of both: the plain query's account row carries it, the other rows
    a NULL.
    """
    login = ((User.session_token == bindparam("token")) & User.is_active.is_(True)
             & (LoginSession.token_hash == bindparam("login")) & (LoginSession.created_dt > bindparam("since")))
    cohort = joinedload(User.enrollment).joinedload(Enrollment.cohort)
    objects = (select(User, _ACCREDITED).join(LoginSession, LoginSession.user_id == User.id).where(login)
               .options(cohort.joinedload(Cohort.week_dates), cohort.joinedload(Cohort.own_workshops)))

    def part(*kinds, typed=False):
        # The first part gives each column of the union its type, so its NULLs are cast to their column's
        # type (PostgreSQL matches the parts' columns by type, and each is read back as its type); the other
        # parts' NULLs take the type of the column they stand in. Short SQL matters: psycopg keeps its
        # translation of a statement only when the statement is under 4 kB.
        return select(*(column if kind in kinds else cast(null(), column.type) if typed else _NULL
                        for kind in _KINDS for _, column in _COLUMNS[kind]))

    # Each part repeats the login's joins and conditions. A common table expression would state them once,
    # but a statement that starts with WITH might write, so lms.database would end the request with a
    # ROLLBACK, and psycopg forgets its prepared statements at every ROLLBACK.
    account = (part(User, Enrollment, Cohort, typed=True).add_columns(_ACCREDITED).select_from(User)
               .join(LoginSession, LoginSession.user_id == User.id)
               .outerjoin(Enrollment, Enrollment.user_id == User.id)
               .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id).where(login))
    calendar = [part(kind).add_columns(_NULL).select_from(User).join(LoginSession, LoginSession.user_id == User.id)
                .join(Enrollment, Enrollment.user_id == User.id).join(kind, kind.cohort_id == Enrollment.cohort_id)
                .where(login) for kind in (CohortWeek, Workshop)]
    return objects, named_statement("the signed-in account", union_all(account, *calendar))


_OBJECTS, _ROWS = _statements()  # built once, not per request


def _values(obj) -> tuple:
    """An object's column values as loaded."""
    loaded = inspect(obj).dict
    return tuple(loaded[key] for key, _ in _COLUMNS[type(obj)])


def _values_of_rows(rows) -> tuple:
    """What the plain query found: each kind's objects as a set of their values (the two collections
    multiply the rows, so one object's values come several times)."""
    found = tuple(set() for _ in _KINDS)
    for row in rows:
        for values, (start, end, key) in zip(found, _SLICES):
            if row[start + key] is not None:  # None: the outer join found nothing (no enrollment, no workshop)
                values.add(tuple(row[start:end]))
    return tuple(frozenset(values) for values in found)


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


def _values_of_objects(graph: list) -> tuple:
    found = tuple(set() for _ in _KINDS)
    for obj in graph:
        found[_KINDS.index(type(obj))].add(_values(obj))
    return tuple(frozenset(values) for values in found)


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

    values: tuple  # the column values the objects were built from, as _values_of_rows gives them
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

    def keep(self, key: str, user: User) -> None:
        graph = _graph(user)
        if graph is None:
            return
        try:
            values = _values_of_objects(graph)
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
            rows = request_connection().execute(_ROWS, params).all()
            if not rows:
                known.forget(cookie_id)
                return None
            if _values_of_rows(rows) == kept.values:
                user = known.hand_over(cookie_id, kept, open_session)
                user.accredited = next(bool(row[-1]) for row in rows if row[-1] is not None)
                return user
        found = db.session.execute(_OBJECTS, params).unique().one_or_none()
        if found is None:
            known.forget(cookie_id)
            return None
        user, accredited = found
        user.login_token, user.accredited = login_token, bool(accredited)
        known.keep(cookie_id, user)
        return user
