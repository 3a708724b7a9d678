"""Who is signed in, asked of the database on every request, even when the objects are used again.

A worker keeps the account objects it built for a login and uses them again while the account query
returns the same values (lms/user_loader.py, issue 24). These stories are the ways that could go
wrong. An account closed, a login ended, a role, a cohort, a calendar or a name changed by someone
else must all show on the very next request. So must anything a page changed without saving, or loaded
onto the account.

Requests run without the test's own app context, as in production, so each has its own database
session; the changes are made through the test's session, as another worker would make them.
"""

import pytest
from flask_login import current_user, login_required
from helpers import AuthActions, app_config, complete_course, count_queries, issue_certificate
from sqlalchemy import delete, event, func, insert, select, update

from lms import create_app, user_loader
from lms.extensions import db
from lms.models import (
    Certificate,
    CertificateStatus,
    Cohort,
    CohortWeek,
    LessonView,
    LoginSession,
    Role,
    User,
    Workshop,
)


@pytest.fixture
def served(database_url, tmp_path, world):
    app = create_app(app_config(database_url, tmp_path / "served"))

    @app.get("/test/rename-in-memory")
    def rename_in_memory():
        current_user.display_name = "Otro Nombre"  # never saved
        return "renamed"

    @app.get("/test/facilitators")
    def facilitators():
        # The account query does not load a cohort's facilitators: a page asks the request's session for them.
        cohort = db.session.get(Cohort, current_user.enrollment.cohort_id)
        assert cohort is current_user.enrollment.cohort
        return ", ".join(f.display_name for f in cohort.facilitators)

    @app.get("/test/signed-in")
    @login_required
    def signed_in():
        return {"orm_session_opened": db.session.registry.has()}

    @app.get("/test/my-account")
    @login_required
    def my_account():
        account = current_user._get_current_object()
        return {"same_object": db.session.get(User, account.id) is account}

    @app.get("/test/rename-and-save")
    @login_required
    def rename_and_save():
        current_user.display_name = "José Renombrado"  # before the request's session is open
        db.session.commit()
        return "saved"

    @app.get("/test/workshop-then-who")
    def workshop_then_who():
        # A page that reads week 3's workshop before it asks who is signed in. Between the two, the
        # coordination moves the workshop from another worker: the session's copy is now out of date.
        workshop = db.session.scalars(select(Workshop).where(Workshop.week == 3)).one()
        with db.engine.connect() as elsewhere:
            elsewhere.execute(update(Workshop).where(Workshop.id == workshop.id).values(place="Casa de la Juventud"))
            elsewhere.commit()
        return current_user.display_name

    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def jose(served):
    client = served.test_client()
    AuthActions(client).login("jose")
    assert "José Ñahui" in client.get("/").text
    return client


def _change(statement) -> None:
    """A change made elsewhere (another worker, a coordinator), committed."""
    db.session.execute(statement)
    db.session.commit()


def _kept(served) -> dict:
    return served.extensions["known_accounts"].entries


def test_a_second_page_uses_the_kept_objects_and_still_asks_the_database(served, jose):
    jose.get("/weeks/2")  # the first opening is recorded, and its commit leaves the objects to be built again
    jose.get("/weeks/2")
    assert len(_kept(served)) == 1
    kept_user = next(iter(_kept(served).values())).account
    with served.app_context():
        engine = db.engine
    with count_queries(engine) as sent:
        assert jose.get("/weeks/2").status_code == 200
    assert sent["n"] == 1, "the account query alone: it says whether he had opened the lesson"
    assert "login_sessions" in sent["statements"][0]
    assert next(iter(_kept(served).values())).account is kept_user, "the account was built again"


def test_a_page_that_asks_only_who_is_signed_in_checks_him_without_opening_the_orm_session(served, world, jose):
    """The account is checked on the request's connection; the ORM session, its transaction and its close
    are paid only by a page that queries through it (lms.database.request_connection)."""
    jose.get("/test/signed-in")
    with served.app_context():
        engine = db.engine
    with count_queries(engine) as sent:
        assert jose.get("/test/signed-in").get_json() == {"orm_session_opened": False}
    assert sent["n"] == 1 and "login_sessions" in sent["statements"][0], "the account is still asked every time"
    _change(update(User).where(User.id == world.trainee.id).values(is_active=False))
    response = jose.get("/test/signed-in")
    assert response.status_code == 302 and "/login" in response.location


def test_a_trainees_home_and_a_lesson_he_opened_before_are_read_without_the_orm_session(served, jose):
    """His progress, his surveys and his certificate are read on the request's connection too, and his home
    still shows the week he started."""
    jose.get("/weeks/2")  # the first opening is recorded, through the session, and committed
    jose.get("/weeks/2")
    began = []

    def session_began(*args):
        began.append(args)

    event.listen(db.session, "after_begin", session_began)
    try:
        home = jose.get("/").text
        assert jose.get("/weeks/2").status_code == 200
    finally:
        event.remove(db.session, "after_begin", session_began)
    assert began == [], "a page that only reads opened the ORM session"
    assert "José Ñahui" in home and home.count('class="week week-in_progress"') == 1, "week 2 is not shown started"


def _parts(key) -> int:
    return sum(_parts(part) for part in key) if isinstance(key, tuple) else 1


def test_a_lesson_he_opened_on_his_other_phone_is_known_as_opened_on_this_ones_next_page(served, jose, world):
    """The weeks whose lesson he had opened come with his account on every request and are never kept:
    week 3, opened on his other phone and recorded by another worker, is known here at once. The lesson
    page then asks nothing but the account query; read from what this worker kept, it would try to record
    the opening again."""
    jose.get("/weeks/2")  # the first opening is recorded, and its commit leaves the objects to be built again
    jose.get("/weeks/2")  # built and kept, knowing week 2 opened
    _change(insert(LessonView).values(enrollment_id=world.trainee.enrollment.id, week=3))
    with served.app_context():
        engine = db.engine
    with count_queries(engine) as sent:
        assert jose.get("/weeks/3").status_code == 200
    assert sent["n"] == 1 and "login_sessions" in sent["statements"][0], sent["statements"]
    views = select(func.count()).select_from(LessonView).where(LessonView.week == 3)
    assert db.session.scalar(views) == 1


def test_the_statements_of_a_trainees_home_and_lesson_are_found_by_name(served, jose):
    """SQLAlchemy finds a statement's SQL in its compiled cache by a key it hashes at every execution. The
    account query's key, spelled out, holds 1,215 values and progress's 973, and hashing them cost a tenth of
    a signed-in request (issue 24). Named (lms.database.named_statement), each key holds three: the lambda's
    code, its class and the name."""
    for url in ("/weeks/2", "/weeks/2", "/"):  # the first opening is written and committed
        jose.get(url).close()
    with served.app_context():
        engine = db.engine
    keys = []

    def executed(connection, statement, *_):
        keys.append((_parts(statement._generate_cache_key().key), str(statement)[:60]))

    event.listen(engine, "before_execute", executed)
    try:
        home = jose.get("/").text
        assert jose.get("/weeks/2").status_code == 200
    finally:
        event.remove(engine, "before_execute", executed)
    assert "José Ñahui" in home
    assert len(keys) == 4, keys  # the home's three (budgets: test_query_budgets.py), the lesson's one
    assert {size for size, _ in keys} == {3}, [key for key in keys if key[0] != 3]


def test_a_page_that_opens_the_session_finds_the_account_in_it_and_uses_one_connection(served, jose):
    """No second copy of his account to fall out of step with, and a worker's pool serves as many requests
    at once as before."""
    jose.get("/test/my-account")
    with served.app_context():
        engine = db.engine
    checkouts = []
    event.listen(engine, "checkout", lambda *args: checkouts.append(args))
    assert jose.get("/test/my-account").get_json() == {"same_object": True}
    assert jose.get("/weeks/2").status_code == 200
    assert len(checkouts) == 2, "the account check and the page's own queries share the request's connection"


def test_a_change_to_the_account_made_before_the_session_opens_is_saved_by_its_commit(served, world, jose):
    jose.get("/test/signed-in")  # so the next request is handed the kept account, before any session opens
    assert jose.get("/test/rename-and-save").text == "saved"
    db.session.expire_all()
    assert db.session.get(User, world.trainee.id).display_name == "José Renombrado"
    assert "José Renombrado" in jose.get("/").text


def test_an_account_closed_elsewhere_is_signed_out_on_its_next_request(served, world, jose):
    _change(update(User).where(User.id == world.trainee.id).values(is_active=False))
    response = jose.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert not _kept(served)


def test_a_login_ended_elsewhere_is_signed_out_on_its_next_request(served, world, jose):
    _change(delete(LoginSession).where(LoginSession.user_id == world.trainee.id))
    response = jose.get("/weeks/2")
    assert response.status_code == 302 and "/login" in response.location


def test_a_trainee_moved_to_another_cohort_sees_it_on_his_next_page(served, world, jose):
    from lms.models import Enrollment
    _change(update(Enrollment).where(Enrollment.user_id == world.trainee.id).values(cohort_id=world.other_cohort.id))
    home = jose.get("/").text
    assert "Grupo B" in home and "Grupo A" not in home


def test_a_new_role_applies_on_the_next_request(served, world, jose):
    _change(update(User).where(User.id == world.trainee.id).values(role=str(Role.FACILITATOR)))
    response = jose.get("/")
    assert response.status_code == 302 and response.location.endswith("/facilitate/")


def test_a_certificate_issued_or_suspended_elsewhere_shows_on_his_next_page(served, world, jose):
    """Whether he holds a valid certificate comes with each request's account query, never from what the
    worker kept: the Network opens to him on the page after his accreditation, and closes on the page
    after his certificate is suspended."""
    complete_course(world)
    for _ in range(2):  # the course's changes build the objects again; the second page uses them
        assert 'href="/red/"' not in jose.get("/").text
    certificate = issue_certificate(world, world.trainee)
    assert 'href="/red/"' in jose.get("/").text
    assert jose.get("/red/actividades").status_code == 200
    _change(update(Certificate).where(Certificate.id == certificate.id).values(status=CertificateStatus.SUSPENDED))
    assert 'href="/red/"' not in jose.get("/").text
    assert jose.get("/red/actividades").status_code == 403


def test_a_name_changed_elsewhere_shows_at_once(served, world, jose):
    _change(update(User).where(User.id == world.trainee.id).values(display_name="José Ñahui Quispe"))
    assert "José Ñahui Quispe" in jose.get("/").text


def test_a_workshop_moved_by_the_coordination_shows_on_the_next_lesson(served, world, jose):
    for path in ("/weeks/2", "/weeks/3", "/"):  # lessons opened before: reading one again writes nothing
        jose.get(path)
    _change(update(Cohort).where(Cohort.id == world.cohort.id).values(workshop_place="Casa de la Juventud"))
    assert "Casa de la Juventud" in jose.get("/weeks/2").text
    week = jose.get("/weeks/3").text
    jose.get("/")
    db.session.add(Workshop(cohort_id=world.cohort.id, week=3, held_on=world.cohort.start_date,
                            place="Parroquia San Martín"))
    db.session.commit()
    assert "Parroquia San Martín" not in week
    assert "Parroquia San Martín" in jose.get("/weeks/3").text


def test_a_copy_the_session_held_before_the_account_was_asked_is_not_kept_out_of_date(served, world, jose):
    """The objects kept for a login and the calendar's texts they are compared with come from one statement,
    which writes over the copy the page's session already held (populate_existing): otherwise the stale copy
    would be kept beside the new texts, and every later page would match them and show the old place."""
    db.session.add(Workshop(cohort_id=world.cohort.id, week=3, held_on=world.cohort.start_date,
                            place="Parroquia San Martín"))
    db.session.commit()
    for _ in range(2):  # the first opening of week 3 writes; the second reads the kept objects
        assert "Parroquia San Martín" in jose.get("/weeks/3").text
    assert jose.get("/test/workshop-then-who").text == "José Ñahui"
    for _ in range(2):
        assert "Casa de la Juventud" in jose.get("/weeks/3").text


def test_a_cohort_with_its_whole_calendar_costs_the_account_query_one_row_and_its_objects_are_used_again(
        served, world, jose):
    """Twelve weeks dated and twelve workshops set: the account query reads one row, with the calendar as
    two texts (the product would be 144 rows, the union it replaced read 25), and the texts read the same
    from one request to the next, so the kept objects are used again (issue 24)."""
    import json
    from datetime import time, timedelta

    from lms.clock import utcnow
    start = world.cohort.start_date
    for week in range(1, 13):
        db.session.add(CohortWeek(cohort_id=world.cohort.id, week=week, opens_on=start + timedelta(weeks=week - 1)))
        db.session.add(Workshop(cohort_id=world.cohort.id, week=week, held_on=start + timedelta(weeks=week - 1, days=2),
                                starts_at=time(18, 30), minutes=120, place=f"Local comunal {week}"))
    db.session.commit()
    jose.get("/weeks/2")  # the objects are built again, with the calendar, and kept
    jose.get("/")
    kept_user = next(iter(_kept(served).values())).account
    assert "Local comunal 2" in jose.get("/weeks/2").text
    assert next(iter(_kept(served).values())).account is kept_user, "the calendar's texts did not read the same"

    login = db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == world.trainee.id)).one()
    rows = db.session.execute(user_loader._ROW, {"token": world.trainee.session_token, "login": login.token_hash,
                                                 "since": utcnow() - timedelta(days=1)}).all()
    assert len(rows) == 1
    weeks, workshops, opened, accredited = rows[0][-4:]
    assert len(json.loads(weeks)) == 12 and len(json.loads(workshops)) == 12 and not accredited
    assert json.loads(opened) == [[2]]  # the lesson he opened
    assert "Local comunal 12" in workshops

    _change(update(Workshop).where(Workshop.cohort_id == world.cohort.id, Workshop.week == 2)
            .values(place="Casa de la Juventud"))
    assert "Casa de la Juventud" in jose.get("/weeks/2").text
    # The kept calendar is read through the cohort and never given to the session (each add walked its
    # relationships). A page that commits first, the first opening of week 3, still draws its workshop.
    assert "Local comunal 3" in jose.get("/weeks/3").text
    assert "Local comunal 3" in jose.get("/weeks/3").text  # and from the objects that commit left to rebuild


def test_a_week_moved_by_the_coordination_opens_on_its_new_date_on_his_next_page(served, world, jose):
    """A week's date is one of the calendar's values: moved elsewhere, the next page reads it."""
    from datetime import timedelta

    from lms.clock import utcnow
    today = utcnow().date()
    db.session.add(CohortWeek(cohort_id=world.cohort.id, week=3, opens_on=today + timedelta(days=30)))
    db.session.commit()
    for _ in range(2):  # built again with the calendar, then used again
        assert jose.get("/weeks/3").status_code == 403
    _change(update(CohortWeek).where(CohortWeek.cohort_id == world.cohort.id, CohortWeek.week == 3)
            .values(opens_on=today - timedelta(days=1)))
    assert jose.get("/weeks/3").status_code == 200


def test_a_change_a_page_made_without_saving_does_not_reach_the_next_request(served, jose):
    assert jose.get("/test/rename-in-memory").text == "renamed"
    home = jose.get("/").text
    assert "José Ñahui" in home and "Otro Nombre" not in home


def test_what_a_page_loaded_onto_the_account_is_asked_again(served, world, make_user, jose):
    assert jose.get("/test/facilitators").text == "Ana Facilitadora"
    new = make_user("facilitador-c", Role.FACILITATOR, display_name="Carla Facilitadora")
    world.cohort.facilitators.append(new)
    db.session.commit()
    assert jose.get("/test/facilitators").text == "Ana Facilitadora, Carla Facilitadora"


def test_a_worker_keeps_a_bounded_number_of_logins(served, world, monkeypatch):
    monkeypatch.setattr(user_loader, "KEPT_PER_THREAD", 2)
    for username in ("jose", "carlos", "facilitadora"):
        client = served.test_client()
        AuthActions(client).login(username)
        client.get("/")
    assert len(_kept(served)) == 2


def test_the_account_query_stays_short_enough_for_psycopg_to_keep_its_translation():
    """psycopg translates a statement's placeholders on every run when the statement is over 4 kB."""
    from psycopg import _queries
    from sqlalchemy.dialects.postgresql.psycopg import dialect
    sql = str(user_loader._ROW.compile(dialect=dialect()))
    assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH, len(sql.encode())
