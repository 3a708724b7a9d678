"""Reminders without SMS: the page with a person's calendar address, its renewal, and the feed itself."""

from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import role_required
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.extensions import db
from lms.forms import EmptyForm
from lms.models import Role
from lms.reminders import services
from lms.routing import public_base_url

bp = Blueprint("reminders", __name__)

FEED_ROLES = (Role.TRAINEE, Role.FACILITATOR, Role.COORDINATOR)


def _feed_url(token: str) -> str:
    return public_base_url().rstrip("/") + url_for("reminders.feed", token=token)


@bp.get("/calendar")
@role_required(*FEED_ROLES)
def feed_page():
    """Show the person's calendar address, how to add it on Android in two steps, and how to share it."""
    feed = services.feed_of(current_user)
    db.session.commit()
    https_url = _feed_url(feed.token)
    webcal_url = "webcal://" + https_url.split("://", 1)[1]
    google_url = "https://calendar.google.com/calendar/render?cid=" + quote(webcal_url, safe="")
    return render_template("reminders/feed.html", feed_url=https_url, webcal_url=webcal_url, google_url=google_url,
                           form=EmptyForm())


@bp.post("/calendar/renew")
@role_required(*FEED_ROLES)
def renew():
    """Replace the calendar address with a new one; the old one stops working."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.renew_feed(current_user, utcnow())
    db.session.commit()
    flash(_("Your calendar has a new address. The old one no longer works: add the new one to your phone."),
          "success")
    return redirect(url_for("reminders.feed_page"))


@bp.get("/calendar.ics")
def feed():
    """The iCalendar feed a phone's calendar reads; the secret token in the query string is the only key."""
    user = services.owner_of(request.args.get("token", ""))
    if user is None:
        abort(404)
    base = public_base_url()
    text = services.feed_text(user, current_course(), host=urlsplit(base).hostname or "promotores",
                              home_url=base.rstrip("/") + url_for("learn.home"), now=utcnow())
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="promotores.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    return response
