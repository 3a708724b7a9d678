import time, pytest
from browser.conftest import login, PHONE, PAGES
pytestmark = pytest.mark.browser

def test_debug(browser, live_server):
    live = live_server
    ctxs = {}
    for spec in PAGES:
        if spec.user not in ctxs:
            c = browser.new_context(viewport=PHONE); p = c.new_page()
            t = time.perf_counter()
            if spec.user: login(p, live.url, spec.user)
            print("login", spec.user, round(time.perf_counter() - t, 3))
            ctxs[spec.user] = p
        p = ctxs[spec.user]
        t = time.perf_counter()
        r = p.goto(live.url + live.path(spec.path))
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        p.evaluate("() => document.documentElement.scrollWidth")
        t2 = time.perf_counter() - t
        print(spec.name, round(t1, 3), round(t2, 3), r.request.timing["responseEnd"] if r else None)
