
"""The printable certificate: a PDF whose text and QR code can be read back.

Reading back needs poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg); those
checks are skipped, saying so, where the tools are missing — but never in CI (see needs_tools).
"""

import subprocess

import pytest
from helpers import needs_tools

from lms.core.certificates.codes import format_code, new_code
from lms.core.certificates.pdf import CertificatePrint, render_certificate_pdf

pytestmark = pytest.mark.tools

CODE = new_code()
URL = f"HTTPS://CERT.EXAMPLE.GOB.PE/V/{CODE}#" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 12
NAME = "María José D’Ángelo Ñahui Quispe de la Fuente Huamán Córdova"

needs_pdftotext = needs_tools("pdftotext")
needs_zbar = needs_tools("pdftoppm", "zbarimg")


def certificate(**changes) -> CertificatePrint:
    fields = dict(
        heading="Certificado de aprobación",
        awarded_to="otorgado a",
        name=NAME,
        course="Formación de Promotores Masculinos contra la Violencia Familiar y Sexual",
        hours_line="48 horas académicas — 12 talleres presenciales",
        dates_line="Del 3 de marzo al 30 de junio de 2025 · emitido el 30 de junio de 2025",
        issuer="Grupo Vigencia y Municipalidad Distrital de Carmen de la Legua Reynoso",
        code=format_code(CODE),
        verify_line="Verifique este certificado en “cert.example.gob.pe/v” con el código:",
        qr_url=URL,
    )
    return CertificatePrint(**{**fields, **changes})


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def test_it_is_a_pdf_with_title_and_subject():
    pdf = render_certificate_pdf(certificate())
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert f"/Subject ({format_code(CODE)})".encode() in pdf
    title = "Certificado de aprobación — " + NAME
    assert b"/Title <feff" + title.encode("utf-16-be").hex().encode() + b">" in pdf


@needs_pdftotext
def test_every_string_prints_with_its_accents_dashes_and_quotes(tmp_path):
    data = certificate()
    text = pdf_text(render_certificate_pdf(data), tmp_path)
    for printed in (data.heading, data.awarded_to, data.name, data.course, data.hours_line,
                    data.dates_line, data.issuer, data.code, data.verify_line):
        assert printed in text


@needs_pdftotext
def test_a_watermark_prints_across_the_page(tmp_path):
    assert "REVOCADO" in pdf_text(render_certificate_pdf(certificate(watermark="REVOCADO")), tmp_path)
    assert "REVOCADO" not in pdf_text(render_certificate_pdf(certificate()), tmp_path)


@needs_pdftotext
def test_a_very_long_name_still_prints_whole(tmp_path):
    long_name = " ".join([NAME] * 3)
    text = pdf_text(render_certificate_pdf(certificate(name=long_name)), tmp_path)
    assert all(word in text for word in long_name.split())


@needs_zbar
def test_the_qr_code_reads_back_as_the_url(tmp_path):
    (tmp_path / "certificate.pdf").write_bytes(render_certificate_pdf(certificate(watermark="REVOCADO")))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "certificate.pdf"),
                    str(tmp_path / "page")], check=True)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
                            capture_output=True, check=True)
    assert result.stdout.decode("utf-8").strip() == URL
