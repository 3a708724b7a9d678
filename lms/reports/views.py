"""The impact report for coordinators (every cohort) and facilitators (their cohorts)."""


from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import STAFF, role_required, visible_cohorts
from lms.charts import bar_chart
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.exports import csv_response
from lms.extensions import db
from lms.reports import services
from lms.reports.stats import MIN_GROUP

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _cohorts():
    """The cohorts this person may report on, narrowed to ?cohort= when given."""
    cohorts = db.session.scalars(visible_cohorts(current_user)).unique().all()
    chosen = request.args.get("cohort", type=int)
    return cohorts, ([c for c in cohorts if c.id == chosen] if chosen else cohorts), chosen


@bp.get("/impact")
@role_required(*STAFF)
def impact():
    """Pre and post means, paired change with its 95 % confidence interval, share improved; attendance and completion."""
    all_cohorts, cohorts, chosen = _cohorts()
    course = current_course()
    figures = services.impact(cohorts, course, utcnow(), str(get_locale()), _("Total"))
    shown = [m for m in figures.measures if m.change is not None and m.key.startswith("attitudes")]
    before, after = _("pre"), _("post")
    # The table's numbers, rounded the same way (lms.charts.number), and whole labels.
    bars = [(f"{m.label} · {before}", m.change.mean_pre) for m in shown] + \
        [(f"{m.label} · {after}", m.change.mean_post) for m in shown]
    chart = bar_chart(bars, maximum=3, title=_("Attitude scores before and after (1 to 3)"),
                      width=420, places=2) if bars else None
    return render_template("reports/impact.html", figures=figures, cohorts=all_cohorts, chosen=chosen,
                           chart=chart, min_group=MIN_GROUP)


@bp.get("/impact.csv")
@role_required(*STAFF)
def impact_csv():
    """The anonymised paired data (no names, no pseudonyms, shuffled), for the programme's own analysis."""
    _all, cohorts, _chosen = _cohorts()
    rows = services.paired_rows(cohorts, current_course(), str(get_locale()), _("Total"))
    header = ["grupo", "encuesta", "medida", "inicio", "final"]
    return csv_response(header, rows, _("impact.csv"))
