"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`. See docs/deploy.md."""

import multiprocessing
import os

bind = os.environ.get("LMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("LMS_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000          # recycle workers now and then, so memory stays flat
max_requests_jitter = 200
preload_app = True           # load the course (and render its Markdown) once, before forking
forwarded_allow_ips = os.environ.get("LMS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None             # the app writes its own JSON access lines (lms/logs.py)
errorlog = "-"


def when_ready(server):
    """Load the course once in the master (Markdown rendered here), so every worker starts with it."""
    from lms.content.loader import current_course
    from wsgi import app

    with app.app_context():
        current_course()
