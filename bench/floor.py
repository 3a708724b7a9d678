"""The floor of a signed-in page: the app of wsgi.py plus one route that checks the session and says "ok".

Served by bench/run.py on its own port, beside the app itself (which stays exactly wsgi:app). It costs
what every trainee page costs before its own work: the session cookie, the account query of the user
loader, the request id, the access line and the security headers — no template, no form, no other query.
"""

from flask_login import login_required

from wsgi import app


@app.get("/bench/signed-in")
@login_required
def signed_in():
    return "ok"
