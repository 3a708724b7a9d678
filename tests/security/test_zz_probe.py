import time
from security_cast import VISITORS, cast, client_as, rules  # noqa: F401

def test_probe(app, cast):
    t=time.time()
    out = {}
    for visitor in VISITORS:
        client = client_as(app, visitor)
        for rule in rules(app, "GET") + [r for r in rules(app, "POST") if "GET" not in r.methods]:
            r = client.get(cast.url(rule))
            code = r.status_code
            if code == 302 and "/login" in r.headers["Location"]:
                code = "LOGIN"
            out.setdefault(rule.rule, []).append(code)
    for k, v in sorted(out.items()):
        print(f"{k:60} {v}")
    print("time", time.time()-t)
