"""Profile one page in-process: `python bench/profile.py USER PATH [--requests N] [--html FILE]`.

Uses the database of LMS_DATABASE_URL (fill it with `flask lms demo --scale 10` first), sets the process
up as a gunicorn worker (``as_a_worker``), logs USER in with LMS_DEMO_PASSWORD through the test client,
warms the page up, then runs it N times under pyinstrument and prints the call tree, the mean time per
request and the SQL queries per request.
USER "-" stays anonymous (the verification pages). Not a test: see bench/README.md.
"""

import argparse
import os
import re
import runpy
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import event

from lms import create_app
from lms.extensions import db


def main() -> None:
    # The bench extra (pip install -e '.[bench]'), imported here: the tests import this file without it.
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("user")
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = parser.parse_args()

    os.environ.setdefault("LMS_ACCESS_LOG", "false")  # one JSON line per request would bury the report
    app = create_app()
    after_request = as_a_worker(app)
    client = app.test_client()
    if args.user != "-":
        page = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": args.user, "password": os.environ["LMS_DEMO_PASSWORD"],
                                    "csrf_token": token})

    def serve():
        response = client.get(args.path)
        after_request(None, None, None, response)
        return response

    for _ in range(5):
        response = serve()
    print(f"{args.path}: {response.status_code}, {len(response.data)} bytes")

    with app.app_context():
        engine = db.engine
    queries = 0

    def count(*_):
        nonlocal queries
        queries += 1

    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    for _ in range(args.requests):
        serve()
    elapsed = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", count)
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(args.requests):
            serve()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{elapsed / args.requests * 1000:.2f} ms per request (not profiled), "
          f"{queries / args.requests:.1f} queries per request")
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())


def as_a_worker(app):
    """Set the process up as gunicorn sets up a worker, as bench/compare.py does: the repository's
    gunicorn.conf.py loads the course and freezes what is loaded, sets the garbage collector's pace, and
    gives its post_request hook, run here after each request. Without it the collector runs at Python's
    own pace over the whole app, and its time lands in whichever line of the page was making objects (on
    4 December a dict of 3,600 rows seemed to take 8 % of the gradebook; timed alone, 2 %)."""
    conf = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    conf["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
    return conf["post_request"]


if __name__ == "__main__":
    main()
