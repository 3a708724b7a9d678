"""The health check, the language switch, and what makes the site installable and readable offline."""

import json

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import literal_column, select
from sqlalchemy.exc import SQLAlchemyError

from lms import offline
from lms.database import one_statement
from lms.extensions import db
from lms.forms import LanguageForm
from lms.routing import safe_next

bp = Blueprint("site", __name__)
# Not text("SELECT 1"): a text statement has no columns SQLAlchemy can keep, so each run builds its result's
# layout from the driver's description of the columns. A select's layout is kept with its compiled form.
SELECT_ONE = select(literal_column("1"))


@bp.get("/healthz")
def healthz():
    """Tell a load balancer whether this host can reach its database.

    One statement on a pooled connection, without the ORM session a page needs: the session's start and
    end were a third of what a load balancer's every probe cost (issue 24, docs/performance-history.md). On
    PostgreSQL it is one round trip, with no transaction around it (lms/database.py).
    """
    try:
        with one_statement() as connection:
            connection.execute(SELECT_ONE)
    except SQLAlchemyError:
        current_app.logger.warning("the health check could not reach the database", exc_info=True)
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "up"}


@bp.post("/language")
def set_language():
    """Switch the interface language and remember it for this browser and account."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("learn.home"))


@bp.after_app_request
def say_whose_page(response: Response) -> Response:
    """Tell the service worker whose page this is, so that it forgets the pages of whoever left."""
    if response.mimetype == "text/html" and response.status_code < 300:
        response.headers[offline.OWNER_HEADER] = offline.owner_of_request()
    return response


def _shell() -> list[str]:
    """What the worker keeps for everyone: the stylesheet, the scripts, the icons and the offline page."""
    version = current_app.config["STATIC_VERSION"]
    assets = ["style.css", "pocket.js", "autosave.js", "offline.js"]
    return ([url_for("static", filename=name, v=version) for name in assets]
            + [url_for("static", filename=f"icons/icon-{size}.png") for size in (192, 512)]
            + [url_for("site.favicon"), url_for("site.offline_page")])


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is every page."""
    version = current_app.config["STATIC_VERSION"]
    with current_app.open_resource("static/sw.js") as source:
        script = source.read().decode()
    # Served without its comments and indentation: phones download it, and it counts in a page's weight.
    script = "\n".join(line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("//"))
    script = (script.replace('"__VERSION__"', json.dumps(version))
              .replace('"__SHELL__"', json.dumps(_shell(), separators=(",", ":")))
              .replace('"__OFFLINE__"', json.dumps(url_for("site.offline_page"))))
    response = Response(script, mimetype="text/javascript")
    # Checked at every visit (a new worker reaches phones at once), but answered 304 while unchanged.
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: installing the site on a phone's home screen."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in (192, 512)]
    body = {"name": _("Promotores: training of the Red Municipal de Promotores"), "short_name": _("Promotores"),
            "lang": "es", "start_url": url_for("learn.home"), "scope": "/", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#6b2f8f", "icons": icons}
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/favicon.ico")
def favicon():
    """The small icon browsers ask for on every site."""
    with current_app.open_resource("static/favicon.ico") as icon:
        response = Response(icon.read(), mimetype="image/x-icon")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


@bp.get("/offline")
def offline_page():
    """What the worker shows when there is no connection and the page was not kept: nobody's data."""
    return render_template("site/offline.html")
