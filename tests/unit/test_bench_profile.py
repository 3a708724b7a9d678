"""`bench/profile.py` profiles a page in a process set up as a gunicorn worker is.

Until 4 December it ran with Python's own collector pace over an unfrozen app: the gradebook of 300 took
68 ms a page in it and 46 ms in a process set up as a worker, and a dict of 3,600 rows seemed to take 8 %
of the page, the collections it happened to trigger. A profile that reads that way sends the next person
after the wrong line.
"""

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKER = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

# Run in a child: freezing the collector and changing its pace would change this test run's own.
CHILD = """
import gc
from flask import Flask
from bench.profile import as_a_worker
hook = as_a_worker(Flask("a page"))
print(gc.get_threshold()[0], gc.get_freeze_count() > 0, hook.__name__)
"""


def test_the_profiled_process_collects_garbage_as_a_worker_does():
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True)
    pace, frozen, hook = out.stdout.split()
    assert int(pace) == WORKER["YOUNG_OBJECTS"], "the collector runs at Python's own pace, not a worker's"
    assert frozen == "True", "what was loaded before the pages is not frozen, as the master freezes it"
    assert hook == WORKER["post_request"].__name__, "nothing collects after each page, as gunicorn's hook does"
