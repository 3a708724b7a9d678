"""Before and after: `python bench/compare.py OLD_REV [--rounds N]` compares the working tree with OLD_REV.

Each page is served in-process (Flask's test client) against the database of LMS_DATABASE_URL,
filled as for bench/profile.py. What is measured is CPU time per request (``time.process_time``),
the best batch of several, with the two versions run one after the other in fresh processes, round
after round: on a shared machine wall-clock numbers drift by half between two runs, while the best
CPU time of a batch is steady to a few percent when the machine is otherwise idle. Beside it, the Python
function calls per request (counted with sys.setprofile), which do not depend on the machine at all. Each
child first runs its version's ``gunicorn.conf.py`` ``when_ready``, so its garbage collector is set up as
a worker's, and its ``post_request`` after every request. OLD_REV is checked out in a temporary git
worktree; both versions must work on the same database schema. Not a test: see bench/README.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside a child process, with the version under test first on sys.path.
CHILD = r'''
import json, logging, os, re, runpy, sys, time
from types import SimpleNamespace
sys.path.insert(0, os.environ["COMPARE_SOURCE"])
import lms
assert lms.__file__.startswith(os.environ["COMPARE_SOURCE"]), lms.__file__
from sqlalchemy import func, select
from lms import create_app
from lms.extensions import db
from lms.models import Certificate, CohortWeek, Enrollment, User

from flask import Flask
from flask_login import login_required

app = create_app()
# The access line is written, as in production, but to /dev/null: its cost is part of every request.
for handler in logging.getLogger("lms.access").handlers:
    handler.setStream(open(os.devnull, "w"))


@app.get("/bench/signed-in")
@login_required
def signed_in():  # the signed-in floor, as bench/floor.py serves it
    return "ok"


hello = Flask("hello")
hello.get("/")(lambda: "Hello, World!")

# The process as a gunicorn worker finds it: the version's own gunicorn.conf.py loads the course and
# sets up the garbage collector (frozen objects, its pace) the way its master does before forking, and
# its post_request hook, where it has one, runs after each request as gunicorn runs it.
conf = runpy.run_path(os.path.join(os.environ["COMPARE_SOURCE"], "gunicorn.conf.py"))
conf["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
after_request = conf.get("post_request", lambda worker, req, environ, resp: None)


def serve(client, path):
    response = client.get(path)
    after_request(None, None, None, response)
    return response


def client_for(username):
    client = app.test_client()
    if username:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": username, "password": os.environ["LMS_DEMO_PASSWORD"],
                                    "csrf_token": token})
    return client


with app.app_context():
    code = db.session.scalar(select(Certificate.code).where(Certificate.status == "valid"))
    biggest = db.session.scalar(select(Enrollment.cohort_id).group_by(Enrollment.cohort_id)
                                .order_by(func.count().desc()).limit(1))
    # bench/calendar_cohort.py's trainee, where the database has him: a cohort with its whole calendar.
    dated = db.session.scalar(select(User.username).join(Enrollment, Enrollment.user_id == User.id)
                              .join(CohortWeek, CohortWeek.cohort_id == Enrollment.cohort_id)
                              .where(User.username == "escala-1-0").limit(1))
trainee, coordinator, visitor = client_for("demo-trainee"), client_for("demo-coordinator"), client_for(None)
pages = {
    "hello-world (Flask alone)": (hello.test_client(), "/", 200),
    "health check": (visitor, "/healthz", 100),
    "signed-in floor": (trainee, "/bench/signed-in", 100),
    "lesson page": (trainee, "/weeks/2", 40),
    "trainee home": (trainee, "/", 40),
    "verification page": (visitor, f"/v/{code}", 40),
    "verification API": (visitor, f"/api/v1/verify/{code}", 40),
    "gradebook of the biggest cohort": (coordinator, f"/facilitate/cohorts/{biggest}/gradebook", 3),
}
if dated:
    calendar = client_for(dated)
    pages["signed-in floor, with its calendar"] = (calendar, "/bench/signed-in", 100)
    pages["trainee home, with its calendar"] = (calendar, "/", 40)
best, calls = {}, {}
only = os.environ.get("COMPARE_PAGES")
counted = [0]


def count(frame, event, arg):
    if event in ("call", "c_call"):
        counted[0] += 1


for name, (client, path, batch) in pages.items():
    if only and not any(word in name for word in only.split(",")):
        continue
    for _ in range(5):
        assert serve(client, path).status_code == 200, (name, path)
    times = []
    for _ in range(6):
        started = time.process_time()
        for _ in range(batch):
            serve(client, path)
        times.append((time.process_time() - started) / batch * 1000)
    best[name] = min(times)
    counted[0] = 0
    sys.setprofile(count)
    for _ in range(batch):
        serve(client, path)
    sys.setprofile(None)
    calls[name] = counted[0] / batch
print(json.dumps({"ms": best, "calls": calls}))
'''


def measure(source: Path, pages: str) -> dict[str, dict[str, float]]:
    env = dict(os.environ, COMPARE_SOURCE=str(source), COMPARE_PAGES=pages, LMS_ACCESS_LOG="true",
               # The public check's rate limit would answer most of the batches with 429.
               LMS_VERIFY_RATE_LIMIT="1000000000 per minute")
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=source, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{source}: {out.stderr.strip().splitlines()[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the git revision to compare with, e.g. HEAD~3")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", default="", help="only the pages whose names hold one of these words, "
                                                    "comma-separated (e.g. 'floor,health')")
    args = parser.parse_args()
    if "LMS_DATABASE_URL" not in os.environ or "LMS_DEMO_PASSWORD" not in os.environ:
        raise SystemExit("set LMS_DATABASE_URL and LMS_DEMO_PASSWORD to a database filled by `flask lms demo`")
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(old), args.old], cwd=ROOT, check=True)
        try:
            before, after, calls = {}, {}, {}
            for _ in range(args.rounds):
                for results, source in ((before, old), (after, ROOT)):
                    measured = measure(source, args.pages)
                    for page, ms in measured["ms"].items():
                        results[page] = min(ms, results.get(page, float("inf")))
                    for page, n in measured["calls"].items():
                        calls.setdefault(page, {})[source == ROOT] = n
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
    print(f"CPU ms per request, best of {args.rounds} rounds, and Python calls per request (the same in every run,"
          f" so a change shows even on a busy machine); before = {args.old}, after = working tree\n")
    print("| page | CPU ms before | after | change | calls before | after | change |\n|---|---:|---:|---:|---:|---:|---:|")
    for page in before:
        change = (after[page] - before[page]) / before[page] * 100
        old_calls, new_calls = calls[page][False], calls[page][True]
        print(f"| {page} | {before[page]:.3f} | {after[page]:.3f} | {change:+.0f} % | {old_calls:,.0f} | {new_calls:,.0f} "
              f"| {(new_calls - old_calls) / old_calls * 100:+.0f} % |")


if __name__ == "__main__":
    main()
