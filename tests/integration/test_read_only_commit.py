"""A request that only read ends its transaction with COMMIT; anything that wrote or failed still rolls back.

On PostgreSQL, psycopg forgets its prepared statements at every ROLLBACK, and every request used to
end with one, so no query was ever prepared (issue 24). A read-only transaction is over the same way
with either command. These stories hold the line between the two: nothing a failed or abandoned
request did may be kept. They run on both databases with the setting switched on. It is on by default,
and only does anything, on PostgreSQL (lms/database.py): SQLite keeps no prepared statements, and its
transactions end with ROLLBACK.

Requests here run without the test's own app context, as in production, so each one ends its
transaction when its context ends.
"""

import pytest
from flask import abort
from flask_login import current_user, login_required
from helpers import AuthActions, app_config
from sqlalchemy import bindparam, event, text, update

from lms import create_app
from lms.database import request_connection
from lms.extensions import db
from lms.models import User


@pytest.fixture
def served(database_url, tmp_path, world):
    """A second app on the same database, with a few routes that write and then give up, and the list of
    how each of its transactions ended."""
    config = app_config(database_url, tmp_path / "served")
    config["COMMIT_READ_ONLY_TRANSACTIONS"] = True
    app = create_app(config)
    trainee_id, admin_id = world.trainee.id, world.admin.id

    @app.get("/test/rename-then-refuse")
    def rename_then_refuse():
        db.session.execute(update(User).where(User.id == trainee_id).values(display_name="Cambiado"))
        abort(409)

    @app.get("/test/rename-without-saving")
    def rename_without_saving():
        db.session.get(User, trainee_id).display_name = "Cambiado"
        return "not saved"

    @app.get("/test/rename-then-fail")
    def rename_then_fail():
        db.session.execute(update(User).where(User.id == trainee_id).values(display_name="Cambiado"))
        raise RuntimeError("the view failed")

    @app.get("/test/signed-in-rename-then-refuse")
    @login_required
    def signed_in_rename_then_refuse():
        db.session.execute(update(User).where(User.id == current_user.id).values(display_name="Cambiado"))
        db.session.execute(update(User).where(User.id == trainee_id).values(locale="en"))
        abort(409)

    @app.get("/test/signed-in-write-on-the-request-connection-then-refuse")
    @login_required
    def signed_in_write_on_the_request_connection_then_refuse():
        request_connection().execute(update(User).where(User.id == current_user.id).values(display_name="Cambiado"))
        abort(409)

    @app.get("/test/signed-in-rename-many-on-the-request-connection-then-refuse")
    @login_required
    def signed_in_rename_many_on_the_request_connection_then_refuse():
        rename = update(User).where(User.id == bindparam("who")).values(display_name=bindparam("name"))
        request_connection().execute(rename, [{"who": current_user.id, "name": "Cambiado"},
                                              {"who": admin_id, "name": "Cambiado"}])  # one executemany
        abort(409)

    @app.get("/test/prepared")
    def prepared():
        return {"statements": list(db.session.scalars(text("SELECT statement FROM pg_prepared_statements")))}

    ends = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", lambda connection: ends.append("COMMIT"))
    event.listen(engine, "rollback", lambda connection: ends.append("ROLLBACK"))
    app.ends = ends
    yield app
    engine.dispose()


def _display_name(world) -> str:
    db.session.expire_all()
    return db.session.get(User, world.trainee.id).display_name


def test_a_page_that_only_reads_ends_with_commit_on_postgresql(served, world, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps no prepared statements: its reads end with ROLLBACK (the last story)")
    client = served.test_client()
    AuthActions(client).login("jose")
    # Not the health check: on PostgreSQL it runs its statement with no transaction at all
    # (test_pool_checks.py), and the prepared statements below live on all the same. Each page twice: the
    # second time the worker's kept account is used, and the page reads on the request's connection without
    # ever opening the ORM session (lms.database.request_connection); that transaction ends with COMMIT too.
    # (On PostgreSQL those reads run in autocommit, so the driver has nothing to send for it: test_pool_checks.py.)
    for path in ("/", "/weeks/2", "/", "/weeks/2"):
        served.ends.clear()
        assert client.get(path).status_code in (200, 302)
        assert served.ends and set(served.ends) == {"COMMIT"}, f"{path} ended with {served.ends}"


def test_a_request_that_wrote_and_was_refused_keeps_nothing(served, world):
    client = served.test_client()
    served.ends.clear()
    assert client.get("/test/rename-then-refuse").status_code == 409
    assert served.ends == ["ROLLBACK"]
    assert _display_name(world) == "José Ñahui"


def test_a_signed_in_request_that_wrote_and_was_refused_keeps_nothing(served, world):
    """His account was checked on the request's connection, outside the ORM session; the session that
    writes after it opens on that connection, in charge of its transaction, and the refusal undoes it whole."""
    client = served.test_client()
    AuthActions(client).login("jose")
    client.get("/")  # the kept account is ready: the next request checks it on the request's connection
    served.ends.clear()
    assert client.get("/test/signed-in-rename-then-refuse").status_code == 409
    assert served.ends[-1] == "ROLLBACK"
    assert _display_name(world) == "José Ñahui"
    assert db.session.get(User, world.trainee.id).locale != "en"


def test_a_write_on_the_request_connection_without_the_session_is_undone_by_a_refusal(served, world):
    """The connection a request reads on is not only for reading: on PostgreSQL it reads in autocommit, and
    a statement that writes begins a transaction first, so the refusal after it undoes it."""
    client = served.test_client()
    AuthActions(client).login("jose")
    client.get("/")  # the kept account is ready: the next request checks it on the request's connection
    assert client.get("/test/signed-in-write-on-the-request-connection-then-refuse").status_code == 409
    assert _display_name(world) == "José Ñahui"


def test_several_rows_written_at_once_on_the_request_connection_are_undone_by_a_refusal(served, world):
    """The same, when the write is one statement sent with many rows of parameters (the driver's
    executemany): it too begins a transaction before it is sent."""
    client = served.test_client()
    AuthActions(client).login("jose")
    client.get("/")  # the kept account is ready: the next request checks it on the request's connection
    assert client.get("/test/signed-in-rename-many-on-the-request-connection-then-refuse").status_code == 409
    assert _display_name(world) == "José Ñahui"
    assert db.session.get(User, world.admin.id).display_name != "Cambiado"


def test_a_change_never_saved_is_not_committed_by_the_end_of_the_request(served, world):
    client = served.test_client()
    served.ends.clear()
    assert client.get("/test/rename-without-saving").text == "not saved"
    assert served.ends == ["ROLLBACK"]
    assert _display_name(world) == "José Ñahui"


def test_a_request_that_wrote_and_then_failed_keeps_nothing(served, world):
    client = served.test_client()
    served.ends.clear()
    assert client.get("/test/rename-then-fail").status_code == 500  # the error page
    assert "COMMIT" not in served.ends
    assert _display_name(world) == "José Ñahui"


def test_a_lesson_opened_for_the_first_time_is_still_recorded(served, world):
    """A page that writes commits its own work, as before; the end of the request only adds a COMMIT
    where nothing was written."""
    from lms.models import LessonView
    client = served.test_client()
    AuthActions(client).login("jose")
    assert client.get("/weeks/2").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(LessonView)) == 1


def test_on_postgresql_the_account_query_stays_prepared_from_one_request_to_the_next(served, world, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no prepared statements on a server to keep")
    client = served.test_client()
    AuthActions(client).login("jose")
    for _ in range(8):  # psycopg prepares a statement the sixth time it runs on a connection
        client.get("/healthz")
        client.get("/weeks/2")
    statements = client.get("/test/prepared").get_json()["statements"]
    assert any("FROM users JOIN login_sessions" in s for s in statements), statements


@pytest.mark.parametrize("setting", [None, True, False])
def test_only_postgresql_ends_its_reads_with_commit_unless_told_not_to(database_url, tmp_path, world, setting):
    """LMS_COMMIT_READ_ONLY_TRANSACTIONS: unset or true, PostgreSQL's reads end with COMMIT; false gives
    back ROLLBACK. SQLite ends them with ROLLBACK whatever it says."""
    config = app_config(database_url, tmp_path)
    if setting is not None:
        config["COMMIT_READ_ONLY_TRANSACTIONS"] = setting
    app = create_app(config)
    trainee_id = world.trainee.id
    app.get("/test/read")(lambda: db.session.get(User, trainee_id).display_name)
    with app.app_context():
        engine = db.engine
    ends = []
    event.listen(engine, "commit", lambda connection: ends.append("COMMIT"))
    event.listen(engine, "rollback", lambda connection: ends.append("ROLLBACK"))
    try:
        assert app.test_client().get("/test/read").text == "José Ñahui"
    finally:
        engine.dispose()
    assert ends == ["COMMIT" if database_url.startswith("postgresql") and setting is not False else "ROLLBACK"]
