"""What `make bench`'s report tells its reader.

It judges each of issue 24's targets on the measured ratio itself, not on the ratio rounded for the table:
the 09:20 run of 3 December served the home at 0.1489 of the hello-world, which two decimals print as 0.15,
and the report said the target was met. And it says how fast and how busy the machine was, over the run and
before each row: on the evening of 3 December the same code's ratios moved by a tenth between runs, and the
machine's speed halved within one run with nothing in the load average or the steal to show it."""

from bench import run


def _page(rps: float) -> dict:
    return {"rps": rps, "p50_ms": 10.0, "p99_ms": 20.0, "ratio": 0.0, "non_2xx": 0}


def _report(home_rps: float) -> dict:
    pages = {name: _page(1000.0) for name in run.TARGETS}
    pages |= {run.HELLO: _page(6884.18), run.HELLO_AGAIN: _page(6550.0), "trainee home": _page(home_rps),
              run.ALONE: _page(18.0), run.SUBMIT: _page(600.0) | {"requests": 10, "drafts": 10, "submitted": 10}}
    backend = {"pages": pages, "worker_memory": {"rss_mb": 150, "pss_mb": 100, "peak_rss_mb": 150},
               "scale_100_seconds": 10.0, "bulk_10000_s": 0.15, "pdf_ms_median": 68, "pdf_ms_first": 85}
    return {"date": "2026-12-03 09:20 UTC", "machine": "test", "backends": {"sqlite": backend}}


def _home_target(report: dict) -> str:
    return next(line for line in run.markdown(report).splitlines() if line.startswith("| trainee home ≥"))


def test_a_home_just_under_its_target_is_not_rounded_into_meeting_it():
    assert _home_target(_report(1024.98)) == "| trainee home ≥ 0.15 × hello-world | 0.149 | **no** |"


def test_a_home_at_its_target_meets_it():
    assert _home_target(_report(1032.7)) == "| trainee home ≥ 0.15 × hello-world | 0.150 | yes |"


def test_a_report_says_whether_its_machine_was_slow_or_busy():
    # On 3 December an idle machine (load 0.00) served hello-world at 2,800 requests/s, where earlier runs had
    # 6,700-7,500: a slow ceiling is not always a busy machine, and the report now tells the two apart.
    # The load average missed what vmstat showed: a third of the CPU taken by other guests of the host.
    before = {"cpu": "AMD EPYC", "python_loop_ms": 61.7, "load_average": [0.0, 0.03, 0.05],
              "cpu_ticks": [1000, 0, 100, 5000, 0, 0, 0, 100]}
    after = {"cpu": "AMD EPYC", "python_loop_ms": 62.4, "load_average": [1.9, 1.5, 0.9],
             "cpu_ticks": [2000, 0, 300, 5500, 0, 0, 100, 1000]}
    lines = run.markdown(_report(1032.7) | {"before": before, "after": after}).splitlines()
    assert ("- the machine: AMD EPYC; a fixed loop of pure Python took 61.7 ms before the run and 62.4 ms after it; "
            "load average before it (1, 5, 15 minutes) 0.0, 0.03, 0.05") in lines
    assert "- CPU time taken by other guests of the host (steal) during the run: 33.3 %" in lines


def test_the_machine_is_measured_where_the_bench_runs():
    measured = run.machine()
    assert measured["python_loop_ms"] > 0
    assert len(measured["load_average"]) == 3
    assert len(measured["cpu_ticks"]) == 8  # Linux: CI and this machine


def test_no_steal_is_reported_without_two_readings_of_the_cpu():
    assert run.stolen_share([], [1, 2, 3, 4, 5, 6, 7, 8]) is None
    assert run.stolen_share([0] * 8, [0] * 8) is None


def test_each_row_says_how_fast_the_machine_ran_just_before_it():
    # On 3 December the fixed loop took 55.7 ms before a run and 101.6 ms after it, with no CPU stolen:
    # the machine slowed within the run, and the rows measured in the slow stretch must show it.
    report = _report(1032.7)
    report["backends"]["sqlite"]["pages"]["lesson page"] |= {"loop_ms": 101.6}
    row = next(line for line in run.markdown(report).splitlines() if line.startswith("| lesson page |"))
    assert row.endswith("| 0 | 101.6 |")


def test_a_target_measured_while_the_machine_ran_slower_than_for_its_ceiling_is_flagged():
    # 21:00 on 3 December: the ceiling was served with the loop at 58.1 ms, the API with it at 105.0 ms.
    report = _report(1032.7)
    pages = report["backends"]["sqlite"]["pages"]
    pages[run.HELLO] |= {"loop_ms": 58.1}
    pages[run.HELLO_AGAIN] |= {"loop_ms": 101.5}
    pages["verification API"] |= {"loop_ms": 105.0}
    pages["lesson page"] |= {"loop_ms": 64.0}  # 10 % slower: within the tolerance
    lines = run.markdown(report).splitlines()
    assert ("- verification API: measured with the fixed loop at 105.0 ms, against 58.1 ms before the ceiling "
            "(81% longer)") in lines
    assert not any(line.startswith("- lesson page: measured") for line in lines)
