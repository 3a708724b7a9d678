"""The municipality's report as a PDF: A4 portrait, the Network's record at the head, then the figures.

Drawn with fpdf2 and the bundled Liberation Sans, as the certificates are (lms/core/certificates/pdf.py),
so accents and ñ print. Called within a request: the words come translated from the catalog.
"""

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lms.core.certificates.pdf import FONT, FONT_DIR
from lms.models import AGE_BANDS, REFERRAL_SERVICES, SEXES
from lms.red.forms import COUNT_NAMES, KIND_NAMES, MONTH_NAMES, REFERRAL_NAMES

ACCENT = (31, 58, 95)


def render_report_pdf(network, figures, period_label: str, lang: str) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", FONT_DIR / "LiberationSans-Regular.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "LiberationSans-Bold.ttf")
    pdf.set_title(f"{_('Report of the Network')} — {period_label}")
    pdf.set_author(network.name)
    pdf.set_creator("Promotores LMS")
    pdf.set_lang(lang)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    def heading(text, size=13):
        pdf.ln(3)
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(33, 33, 33)
        pdf.set_font(FONT, "", 10)

    def line(text):
        pdf.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(header, rows):
        pdf.set_font(FONT, "", 9)
        with pdf.table(text_align=["LEFT"] + ["RIGHT"] * (len(header) - 1), line_height=5) as t:
            t.row([str(h) for h in header])
            for row in rows:
                t.row([str(v) for v in row])
        pdf.set_font(FONT, "", 10)

    heading(network.name, 15)
    line(f"{_('District')}: {network.district}")
    if network.registry_entry:
        line(f"{_('Public Registry entry')}: {network.registry_entry}")
    if network.resolution_number:
        when = f" ({format_date(network.resolution_date)})" if network.resolution_date else ""
        line(f"{_('Recognised by mayoral resolution')}: {network.resolution_number}{when}")
    if network.coordinator:
        line(f"{_('Coordinator')}: {network.coordinator.display_name}")
    heading(f"{_('Report of the Network')}: {period_label}")
    total = figures.total
    line(_("Accepted activity sessions: %(n)s. Groups: %(g)s. Hours: %(h)s.", n=total.sessions, g=total.groups,
           h=figures.hours))
    line(_("Direct participations: %(n)s. People reached (estimate, repeated sessions of the same group counted "
           "once): %(r)s.", n=total.direct_total, r=total.reached_total))
    line(_("Promoters in the Network: %(m)s; active in the last six months: %(a)s.", m=figures.members,
           a=figures.active_members))

    heading(_("By sex and age band"))
    table([_("Group"), _("Participations"), _("People reached")],
          [(COUNT_NAMES[c], total.direct[c], total.reached[c]) for c in SEXES + AGE_BANDS])
    heading(_("By month"))
    table([_("Month"), _("Sessions"), _("Participations"), _("People reached")],
          [(f"{MONTH_NAMES[m - 1]} {y}", t.sessions, t.direct_total, t.reached_total)
           for (y, m), t in figures.by_month.items()])
    heading(_("By type of activity"))
    table([_("Type"), _("Sessions"), _("Participations"), _("People reached")],
          [(KIND_NAMES.get(k, k), t.sessions, t.direct_total, t.reached_total) for k, t in figures.by_kind.items()])
    heading(_("By sector"))
    table([_("Sector"), _("Sessions"), _("Participations"), _("People reached")],
          [(figures.sectors.get(s, "—"), t.sessions, t.direct_total, t.reached_total)
           for s, t in figures.by_sector.items()])
    heading(_("Referrals (counts, never cases)"))
    table([_("Service"), _("Referrals")], [(REFERRAL_NAMES[r], figures.referrals[r]) for r in REFERRAL_SERVICES])
    heading(_("Plan against done"))
    table([_("Planned activity"), _("Target"), _("Reached"), _("Done")],
          [(f"{MONTH_NAMES[a.month - 1]} · {a.title}", target or "—", t.reached_total,
            _("yes") if t.sessions else _("no")) for a, t, target in figures.planned])
    table([_("Target"), _("Planned"), _("Reached")],
          [(COUNT_NAMES[c], planned, reached) for c, (planned, reached) in figures.targets.items()])
    return bytes(pdf.output())
