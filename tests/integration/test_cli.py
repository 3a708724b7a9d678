"""The `flask lms …` commands people rely on."""

import json

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Cohort, LessonView, QuizAttempt, User


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (User, Cohort, QuizAttempt, LessonView))


def test_demo_creates_every_role_and_running_it_twice_changes_nothing(app, runner, monkeypatch):
    app.config["DEMO_PASSWORD"] = "demo-clave-2026"
    first = runner.invoke(args=["lms", "demo"])
    assert first.exit_code == 0, first.output
    for username in ("demo-trainee", "demo-facilitator", "demo-coordinator", "demo-verifier", "demo-admin",
                     "demo-trainee-2", "demo-facilitator-2", "demo-graduate"):
        assert username in first.output
    assert "demo-clave-2026" in first.output
    assert "invite code: " in first.output
    counts = _counts()
    second = runner.invoke(args=["lms", "demo"])
    assert second.exit_code == 0
    assert _counts() == counts
    trainee = db.session.scalar(select(User).where(User.username == "demo-trainee"))
    assert trainee.check_password("demo-clave-2026")


def test_demo_trainee_has_weeks_one_and_two_complete_and_the_graduate_all_twelve(app, runner):
    from datetime import datetime, timezone

    from lms.content.loader import current_course
    from lms.core.progress import progress_of
    runner.invoke(args=["lms", "demo"])
    now = datetime.now(timezone.utc)
    trainee = db.session.scalar(select(User).where(User.username == "demo-trainee"))
    progress = progress_of(trainee.enrollment, current_course(), now)
    assert [w.week for w in progress.weeks if w.is_complete] == [1, 2]
    assert progress.week(3).state == "in_progress"
    graduate = db.session.scalar(select(User).where(User.username == "demo-graduate"))
    assert progress_of(graduate.enrollment, current_course(), now).is_complete


def test_user_and_cohort_create(runner):
    out = runner.invoke(args=["lms", "user", "create", "--username", "fac1", "--name", "Facilitadora Uno",
                              "--role", "facilitator", "--password", "una clave segura"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(args=["lms", "cohort", "create", "--name", "Grupo Z", "--start-date", "2027-03-01",
                              "--facilitator", "fac1"])
    assert out.exit_code == 0 and "invite code: " in out.output
    weak = runner.invoke(args=["lms", "user", "create", "--username", "x1", "--name", "Equis", "--role",
                               "verifier", "--password", "123"])
    assert weak.exit_code != 0


def test_course_check_passes_on_the_course(runner):
    out = runner.invoke(args=["lms", "course", "check"])
    assert out.exit_code == 0, out.output
    assert "12 weeks" in out.output


def test_gift_check_prints_json_for_a_quiz(runner):
    out = runner.invoke(args=["lms", "gift", "check", "courses/promotores/01-bienvenida/quiz.es.gift", "--json"])
    assert out.exit_code == 0
    questions = json.loads(out.output)
    assert all({"name", "type", "text", "answers"} <= set(q) for q in questions)
    assert questions[0]["name"] == "w01-q01"


def test_gift_check_names_the_line_of_a_malformed_file(runner, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::q1:: Bien {=sí ~no}\n\n::q2:: Mal {=sí ~no\n", encoding="utf-8")
    out = runner.invoke(args=["lms", "gift", "check", str(bad)])
    assert out.exit_code == 1
    assert "line 3" in out.output


def test_gift_export_writes_files_that_parse_back_the_same(runner, tmp_path):
    from lms.content.gift import parse_gift
    from lms.content.loader import current_course
    out = runner.invoke(args=["lms", "gift", "export", str(tmp_path)])
    assert out.exit_code == 0
    exported = parse_gift((tmp_path / "promotores-w04.es.gift").read_text(encoding="utf-8"))
    original = current_course().week(4).quiz.questions("es")
    assert [(q.name, q.type, [a.fraction for a in q.answers]) for q in exported] == \
        [(q.name, q.type, [a.fraction for a in q.answers]) for q in original]
