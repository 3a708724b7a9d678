"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`. See docs/deploy.md."""

import gc
import multiprocessing
import os

bind = os.environ.get("LMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("LMS_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycling workers is off: memory stays flat without it (docs/performance.md), and a recycled worker
# is away for up to a second while it exits and its successor boots; every ~2,000 requests that was
# the slowest 1 % of all requests. LMS_MAX_REQUESTS=50000 turns it back on, spread by 10 %.
max_requests = int(os.environ.get("LMS_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
preload_app = True           # load the course (and render its Markdown) once, before forking
forwarded_allow_ips = os.environ.get("LMS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None             # the app writes its own JSON access lines (lms/logs.py)
errorlog = "-"


# Objects a worker may have made, net of those it freed, before its garbage collector looks for cycles
# in the middle of a request (Python's default: 700). At 700 the collector ran 28 times during one
# 300-trainee gradebook, walking the request's own live rows each time: a tenth of the page's time, and
# every fifth page a full collection of 10-20 ms (docs/performance-history.md, "The fifth round (late
# night): the garbage collector's pace"). The garbage of an ordinary request is collected after it is
# sent instead (post_request, below); this pace is for a request that makes more than this in one go.
YOUNG_OBJECTS = 50_000


def when_ready(server):
    """Before the first fork: load the course in the master, then freeze what the master holds.

    The course (Markdown rendered here) is loaded once and shared by every worker. gc.freeze() moves
    every object the master has made into a generation the garbage collector never scans, so a
    worker's full collections no longer walk the app, the course and the libraries (the 300-trainee
    gradebook's p99 at one connection: 150 ms without, 62 ms with) nor write to the pages it shares
    with the master (its own memory, PSS: 17 MB less). See docs/performance.md.

    The workers also inherit the collector's pace (YOUNG_OBJECTS above); the older generations keep
    Python's ratios (each collected after 10 of the younger).

    bench/run.py serves its hello-world ceiling with this same file; the course is ours alone.
    """
    app = server.app.wsgi()
    if "sqlalchemy" in app.extensions:
        from lms.content.loader import current_course

        with app.app_context():
            current_course()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, 10, 10)


# Objects a request may leave behind before the collector runs once the page is sent (post_request).
LEFT_BY_A_REQUEST = 1_000


def post_request(worker, req, environ, resp):
    """Once a page has been sent, collect the garbage its request left in reference cycles.

    The ORM's objects (each with its state and a weak reference back) and the template's context are
    freed only by the collector. A 300-trainee gradebook leaves about 7,100 such objects, so at
    YOUNG_OBJECTS the collector ran every seventh gradebook, in the middle of one, and walked that
    request's live rows with the garbage: 38 ms a time on average, up to 88 ms, which was the page's
    p99. Run here, it finds the previous page's garbage and little else (after a gradebook 1.8 ms
    in-process, 2.4 ms served on average), and no longer inside a page. A light page leaves a few dozen objects, so it skips this until a thousand
    have gathered. The older generations keep Python's ratios: every tenth collection of one generation
    takes in the next (docs/performance.md, "The garbage a page leaves").

    gunicorn calls this after the response's last byte is written, before the worker takes its next
    request. YOUNG_OBJECTS stays the collector's own pace, for a request that makes more in one go.
    """
    young, middle, old = gc.get_count()  # middle, old: collections of the generation below since their own
    if young < LEFT_BY_A_REQUEST:
        return
    _, middle_every, old_every = gc.get_threshold()
    if old > old_every:  # the oldest generation past its threshold, as Python picks
        gc.collect(2)
    elif middle > middle_every:
        gc.collect(1)
    else:
        gc.collect(0)
