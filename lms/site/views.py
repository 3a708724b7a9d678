"""The health check and the language switch."""

from flask import Blueprint, redirect, session, url_for
from flask_login import current_user
from sqlalchemy import text

from lms.extensions import db
from lms.forms import LanguageForm
from lms.routing import safe_next

bp = Blueprint("site", __name__)


@bp.get("/healthz")
def healthz():
    """Tell a load balancer whether this host can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
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
