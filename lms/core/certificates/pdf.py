"""The printable certificate: one A4 landscape page drawn with fpdf2.

Every string arrives already translated in a ``CertificatePrint``; this module only lays
them out. Text uses the bundled Liberation Sans (SIL OFL 1.1, ``lms/fonts/``), which
covers Spanish letters, dashes and curly quotes. The QR code is drawn as vector
rectangles, one per run of dark modules, so it prints sharp at any size.
"""

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lms.core.certificates.tokens import qr_code

FONT_DIR = Path(__file__).resolve().parents[2] / "fonts"  # lms/fonts
FONT = "LiberationSans"

PAGE_WIDTH, PAGE_HEIGHT = 297, 210  # mm, A4 landscape
TEXT_LEFT, TEXT_WIDTH = 30, 237
QR_SIZE = 44  # mm; a version-13 code then has modules of about 0.64 mm
QR_LEFT, QR_TOP = PAGE_WIDTH - 20 - QR_SIZE, PAGE_HEIGHT - 20 - QR_SIZE
LINE_HEIGHT = 0.45  # mm per point of type size: 1.27 lines × 0.353 mm per point
INK = (33, 33, 33)
ACCENT = (31, 58, 95)
WATERMARK_INK = (180, 0, 0)


@dataclass(frozen=True)
class CertificatePrint:
    """Everything printed on a certificate, already in the holder's language.

    ``code`` is the formatted code (``XXXX-XXXX-XXXX-XXXC``); ``verify_line`` the short
    address that tells a reader where to check it; ``watermark`` a status such as
    ``REVOCADO`` printed across the page, or None; ``qr_url`` the verification URL;
    ``accredits_line`` what the name is accredited as, between the name and the course;
    ``signatories`` (name, role) pairs printed over signature lines.
    """

    heading: str
    awarded_to: str
    name: str
    course: str
    hours_line: str
    dates_line: str
    issuer: str
    code: str
    verify_line: str
    qr_url: str
    watermark: str | None = None
    lang: str = "es"
    accredits_line: str | None = None
    signatories: tuple[tuple[str, str], ...] = ()


def render_certificate_pdf(data: CertificatePrint) -> bytes:
    """Return the certificate as PDF bytes; title and subject (the code) are set as metadata."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", FONT_DIR / "LiberationSans-Regular.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "LiberationSans-Bold.ttf")
    _set_metadata(pdf, data)
    pdf.add_page()
    _draw_frame(pdf)
    _draw_body(pdf, data)
    _draw_signatories(pdf, data.signatories)
    _draw_code(pdf, data)
    _draw_qr(pdf, data.qr_url)
    if data.watermark:
        _draw_watermark(pdf, data.watermark)
    return bytes(pdf.output())


def _set_metadata(pdf: FPDF, data: CertificatePrint) -> None:
    pdf.set_title(f"{data.heading} — {data.name}")
    pdf.set_subject(data.code)
    pdf.set_author(data.issuer)
    pdf.set_creator("Promotores LMS")
    pdf.set_lang(data.lang)


def _draw_frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, PAGE_WIDTH - 20, PAGE_HEIGHT - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, PAGE_WIDTH - 26, PAGE_HEIGHT - 26)


def _draw_body(pdf: FPDF, data: CertificatePrint) -> None:
    """Heading, holder, course, hours, dates and issuer, centred, top to bottom."""
    compact = bool(data.accredits_line or data.signatories)  # room for two more lines and the signatures
    pdf.set_y(24 if compact else 30)
    _centred(pdf, data.heading, size=32, bold=True, color=ACCENT)
    pdf.ln(6 if compact else 10)
    _centred(pdf, data.awarded_to, size=15)
    pdf.ln(3)
    _centred(pdf, data.name, size=_fitting_size(pdf, data.name, TEXT_WIDTH, largest=30, smallest=16),
             bold=True)
    if data.accredits_line:
        pdf.ln(2)
        _centred(pdf, data.accredits_line, size=14)
    pdf.ln(5 if compact else 10)
    _centred(pdf, data.course, size=_fitting_size(pdf, data.course, TEXT_WIDTH, largest=20, smallest=15),
             bold=True, color=ACCENT)
    pdf.ln(5)
    _centred(pdf, data.hours_line, size=14)
    pdf.ln(1)
    _centred(pdf, data.dates_line, size=14)
    pdf.ln(5 if compact else 10)
    _centred(pdf, data.issuer, size=13)


SIGNATURES_TOP = 128  # mm: the line each signatory signs on, above the code and the QR code


def _draw_signatories(pdf: FPDF, signatories: tuple[tuple[str, str], ...]) -> None:
    """A signature line for each signatory, side by side, with the name and role under it."""
    if not signatories:
        return
    left, right = 25, QR_LEFT - 10
    width = (right - left) / len(signatories)
    for index, (name, role) in enumerate(signatories):
        x = left + index * width
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.3)
        pdf.line(x + 8, SIGNATURES_TOP, x + width - 8, SIGNATURES_TOP)
        pdf.set_text_color(*INK)
        pdf.set_xy(x, SIGNATURES_TOP + 1)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(width, 4.5, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(x)
        pdf.set_font(FONT, "", 8.5)
        pdf.multi_cell(width, 3.8, role, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _draw_code(pdf: FPDF, data: CertificatePrint) -> None:
    """The verification line and, below it, the code in large type, bottom left."""
    left, width = 25, QR_LEFT - 10 - 25
    pdf.set_xy(left, QR_TOP + 16)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 5, data.verify_line, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(left, pdf.get_y() + 2)
    pdf.set_font(FONT, "B", 26)
    pdf.set_char_spacing(1)
    pdf.cell(width, 12, data.code, align="L")
    pdf.set_char_spacing(0)


def _draw_qr(pdf: FPDF, url: str) -> None:
    """The QR code as filled rectangles; the blank page around it is the quiet zone."""
    matrix = qr_code(url).matrix
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_number, row in enumerate(matrix):
        column = 0
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                pdf.rect(QR_LEFT + column * module, QR_TOP + row_number * module,
                         length * module, module, style="F")
            column += length


def _draw_watermark(pdf: FPDF, text: str) -> None:
    """A status such as REVOCADO across the page, over everything, translucent."""
    size = _fitting_size(pdf, text, 230, largest=120, smallest=40, bold=True)
    with pdf.local_context(fill_opacity=0.25, text_color=WATERMARK_INK):
        with pdf.rotation(25, x=PAGE_WIDTH / 2, y=PAGE_HEIGHT / 2):
            pdf.set_font(FONT, "B", size)
            pdf.set_xy(0, PAGE_HEIGHT / 2 - size * LINE_HEIGHT / 2)
            pdf.cell(PAGE_WIDTH, size * LINE_HEIGHT, text, align="C")


def _centred(pdf: FPDF, text: str, size: float, bold: bool = False,
             color: tuple[int, int, int] = INK) -> None:
    """Write ``text`` centred across the text column, wrapping if it must."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.set_x(TEXT_LEFT)
    pdf.multi_cell(TEXT_WIDTH, size * LINE_HEIGHT, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fitting_size(pdf: FPDF, text: str, width: float, largest: float, smallest: float,
                  bold: bool = True) -> float:
    """The largest font size up to ``largest`` at which ``text`` fits on one line of ``width``.

    Never below ``smallest``; text too long even then wraps.
    """
    pdf.set_font(FONT, "B" if bold else "", largest)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return largest
    return max(smallest, int(largest * width / natural))
