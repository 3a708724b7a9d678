"""The municipality's report costs the same number of SQL queries for 5 promoters as for 1,000 with 20 activities each."""

import random
from datetime import date

import pytest
from helpers import count_queries
from sqlalchemy import func, insert, select

from lms.core.calendar import lima_today
from lms.core.certificates.codes import new_code
from lms.demo.scale import add_network_activity
from lms.extensions import db
from lms.models import ActivityReport, Certificate, Network, Sector, User


def _promoters(cohort, count: int, prefix: str) -> None:
    """``count`` accredited promoters in ``cohort``: accounts and valid certificates, written in bulk."""
    db.session.execute(insert(User), [
        {"username": f"{prefix}{i}", "display_name": f"Promotor {i}", "password_hash": "x", "role": "trainee",
         "locale": "es", "is_active": True, "session_token": f"{prefix}-{i}"} for i in range(count)])
    ids = db.session.scalars(select(User.id).where(User.username.like(f"{prefix}%"))).all()
    today = date.today()
    db.session.execute(insert(Certificate), [
        {"code": new_code(), "user_id": uid, "cohort_id": cohort.id, "holder_name": "Promotor",
         "course_slug": "promotores", "course_title": "Curso", "issuer": "Municipio", "hours": 48, "locale": "es",
         "completed_on": today, "issued_on": today, "kid": "k", "token": "t", "content_version": "v",
         "status": "valid"} for n, uid in enumerate(ids)])
    add_network_activity(cohort.id, random.Random(7), lima_today())
    db.session.commit()


@pytest.mark.slow
def test_the_report_over_1000_promoters_with_20_activities_each_runs_the_same_queries_as_over_5(world, auth,
                                                                                               client):
    network = Network(name="Red", district="Carmen de la Legua Reynoso")
    db.session.add(network)
    db.session.flush()
    db.session.add_all([Sector(network_id=network.id, name=f"Sector {n}") for n in range(1, 7)])
    db.session.commit()
    auth.login("municipio")
    _promoters(world.cohort, 5, "pocos")
    client.get("/red/informe")
    with count_queries() as small:
        assert client.get("/red/informe").status_code == 200
    _promoters(world.other_cohort, 995, "muchos")
    assert db.session.scalar(select(func.count(ActivityReport.id))) == 20_000
    client.get("/red/informe")
    with count_queries() as large:
        page = client.get("/red/informe")
    assert page.status_code == 200
    assert large["n"] == small["n"], f"{small['n']} queries for 5 promoters, {large['n']} for 1,000"
    for url in ("/red/informe.csv", "/red/informe.pdf", "/verify/registry"):
        client.get(url)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        assert queries["n"] <= small["n"], url
