"""The bench's quiz submits are real submits: each trainee it prepares is signed in as a login would be.

Since logins are kept on the server (issue 17), the cookies bench/submitters.py signed opened nothing,
and every benchmark "submit" was a redirect to the login page: 0 of 12,000 drafts were submitted.
"""

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from bench.submitters import submitters
from lms.extensions import db
from lms.models import Enrollment, QuizAttempt

BROWSER = "Mozilla/5.0 (Linux; Android 12) test"


def test_a_prepared_trainee_submits_his_draft_and_it_is_scored(app, client, world):
    setup = submitters(app, 2, BROWSER)
    trainee = setup["trainees"][0]
    draft = trainee["drafts"][0]
    name, _, value = trainee["cookie"].partition("=")
    client.set_cookie(name, value, domain="lms.test")
    response = client.post(f"/weeks/{draft['week']}/quiz", headers={"User-Agent": BROWSER},
                           data=MultiDict([("csrf_token", trainee["csrf_token"]), ("attempt", draft["attempt"]),
                                           ("action", "submit"), *draft["fields"]]))
    assert response.status_code == 302 and "/quiz/attempts/1" in response.headers["Location"]
    submitted = db.session.scalar(select(func.count()).select_from(QuizAttempt).join(Enrollment).where(
        Enrollment.cohort_id == setup["cohort"], QuizAttempt.status != "draft"))
    assert submitted == 1
