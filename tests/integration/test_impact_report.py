"""The impact report: real figures for groups of five or more, nothing about smaller groups or one man."""

from sqlalchemy import select

from lms.content.loader import current_course
from lms.demo.progress import answer_surveys
from lms.extensions import db
from lms.models import Cohort, User


def _demo(runner):
    assert runner.invoke(args=["lms", "demo"]).exit_code == 0


def test_coordinator_sees_paired_change_for_the_demo_class(runner, client, auth, make_user):
    _demo(runner)
    make_user("coordinadora", "coordinator")
    auth.login("coordinadora")
    done = db.session.scalar(select(Cohort).where(Cohort.name.like("%Promoción I")))
    page = client.get(f"/reports/impact?cohort={done.id}").get_data(as_text=True)
    assert "Cambio del inicio al final" in page
    assert "<svg" in page and "<table" in page
    assert "oculto" not in page.split("Cambio del inicio al final")[1].split("</table>")[0]


def test_groups_under_five_are_hidden(client, auth, world):
    for name in ("a1", "a2", "a3"):
        user = User(username=name, display_name=name, role="trainee", password_hash="x")
        db.session.add(user)
    db.session.commit()
    answer_surveys(world.trainee.enrollment, current_course(), "pre", 0.4, seed=1)
    answer_surveys(world.trainee.enrollment, current_course(), "post", 0.9, seed=2)
    db.session.commit()
    auth.login("facilitadora")
    page = client.get("/reports/impact").get_data(as_text=True)
    assert "oculto: menos de 5 personas" in page
    csv_text = client.get("/reports/impact.csv").data.decode("utf-8-sig")
    assert csv_text.strip().splitlines() == ["grupo;encuesta;medida;inicio;final"]


def test_the_csv_carries_no_identity(runner, client, auth, make_user):
    _demo(runner)
    make_user("coordinadora", "coordinator")
    auth.login("coordinadora")
    text = client.get("/reports/impact.csv").data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) > 25  # the demo class's first batch of five complete pairs, six measures each
    names = [u.display_name for u in db.session.scalars(select(User))] + \
            [u.username for u in db.session.scalars(select(User))]
    assert not any(name in text for name in names)
    assert all(len(cell) < 40 for line in lines for cell in line.split(";"))  # no 64-character pseudonyms


def test_a_facilitator_reports_only_on_his_cohorts(runner, client, auth):
    _demo(runner)
    auth.login("demo-facilitator-2", password=_demo_password(runner))
    page = client.get("/reports/impact").get_data(as_text=True)
    assert "Promoción I" not in page


def _demo_password(runner):
    out = runner.invoke(args=["lms", "demo"]).output
    return out.split("password for all: ")[1].split(")")[0]


def test_trainees_and_verifiers_cannot_open_the_report(client, auth, world):
    for username in ("jose", "municipio"):
        auth.login(username)
        assert client.get("/reports/impact").status_code == 403
        assert client.get("/reports/impact.csv").status_code == 403
        auth.logout()


def test_the_chart_and_the_table_show_the_same_numbers(runner, client, auth, make_user):
    """One rounding and one decimal mark for both, and whole labels (issue 17)."""
    import re
    _demo(runner)
    make_user("coordinadora", "coordinator")
    auth.login("coordinadora")
    done = db.session.scalar(select(Cohort).where(Cohort.name.like("%Promoción I")))
    page = client.get(f"/reports/impact?cohort={done.id}").get_data(as_text=True)
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    shown = re.findall(r">(\d+[,.]\d+)</text>", svg)
    assert shown and all("," in value for value in shown), "Spanish writes 2,38"
    cells = re.findall(r'<td class="num">(\d+,\d+)</td>', table)
    assert set(shown) <= set(cells)
    labels = re.findall(r"<text x=\"0\" y=\"\d+\">([^<]+)</text>", svg)
    assert labels and all(label.endswith(("· inicio", "· final")) for label in labels)


# ---------------------------------------------------------------- re-identification (issue 18)

def _men(make_user, cohort, prefix: str, n: int, phases=("pre", "post")):
    course, men = current_course(), []
    for i in range(n):
        man = make_user(f"{prefix}{i}", cohort=cohort)
        for phase in phases:
            answer_surveys(man.enrollment, course, phase, 0.3 + 0.1 * (i % 5), seed=hash((prefix, i, phase)) % 1000)
        men.append(man)
    db.session.commit()
    return men


def _csv_rows(client) -> list[str]:
    return sorted(client.get("/reports/impact.csv").data.decode("utf-8-sig").strip().splitlines()[1:])


def test_one_more_man_finishing_does_not_change_the_csv(client, auth, world, make_user):
    """Attack (a): download, wait for one man to finish the end survey, download again, diff."""
    _men(make_user, world.cohort, "p", 5)
    late = _men(make_user, world.cohort, "q", 1, phases=("pre",))[0]
    auth.login("facilitadora")
    before = _csv_rows(client)
    assert before, "the first five men's pairs are released"
    answer_surveys(late.enrollment, current_course(), "post", 0.9, seed=7)
    db.session.commit()
    assert _csv_rows(client) == before
    _men(make_user, world.cohort, "r", 3)
    assert _csv_rows(client) == before  # nine complete pairs: still one batch of five
    _men(make_user, world.cohort, "s", 1)
    after = _csv_rows(client)
    assert len(after) == 2 * len(before)  # the tenth completes the second batch: five new men at once


def test_a_small_cohort_is_left_out_of_every_total(client, auth, world, make_user):
    """Attack (b): subtract one cohort's figures from "all my cohorts"; the hidden cohort is not in the total."""
    world.other_cohort.facilitators.append(world.facilitator)
    db.session.commit()
    _men(make_user, world.cohort, "p", 5)
    _men(make_user, world.other_cohort, "b", 3)
    auth.login("facilitadora")
    total = client.get("/reports/impact").get_data(as_text=True)
    alone = client.get(f"/reports/impact?cohort={world.cohort.id}").get_data(as_text=True)
    small = client.get(f"/reports/impact?cohort={world.other_cohort.id}").get_data(as_text=True)
    table = lambda page: page.split("Cambio del inicio al final")[-1].split("</table>")[0]  # noqa: E731
    assert table(total) == table(alone)
    assert "oculto: menos de 5 personas" in table(small)
    rows = _csv_rows(client)
    assert rows and not any(row.startswith("Grupo B") for row in rows)
