"""The municipality's bulk check never truncates silently: a file is read whole or refused with a message
that gives the limits; a cell too large and the old Macintosh line endings get a clear answer, never a 500."""

from helpers import csrf_token, post_form

from lms.core.certificates.services import MAX_BULK_BYTES, MAX_BULK_ROWS


def _bulk(client, content: bytes):
    # The body is encoded here: the test client would spool a large one to a temporary file it never closes.
    token = csrf_token(client, "/verify/bulk")
    boundary = "----lms-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="codigos.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/verify/bulk", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _answer_lines(response) -> list[str]:
    return response.data.decode("utf-8").lstrip("\ufeff").splitlines()


def test_a_file_over_the_size_limit_is_refused_naming_the_limits(client, auth, world):
    auth.login("municipio")
    name = "Ñ" * 250  # two bytes each in UTF-8: a cut would land inside a character
    body = "codigo;nombre\r\n" + "".join(f"ABCD-EFGH-JKMN-PQR{i % 10};{name}\r\n" for i in range(4000))
    raw = body.encode("utf-8")
    assert len(raw) > MAX_BULK_BYTES
    response = _bulk(client, raw)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"{MAX_BULK_ROWS} filas" in page and f"{MAX_BULK_BYTES // 1_000_000} MB" in page


def test_a_large_file_within_the_limit_comes_back_whole(client, auth, world):
    auth.login("municipio")
    # The tester's file: 4,000 rows, 1.06 MB, names full of two-byte letters; it came back with 3,760.
    body = "codigo;nombre\r\n" + "".join(f"ABCD-EFGH-JKMN-PQR{i % 10};{'Ñ' * 120} {i}\r\n" for i in range(4000))
    assert 1_000_000 < len(body.encode("utf-8")) < MAX_BULK_BYTES
    response = _bulk(client, body.encode("utf-8"))
    assert response.status_code == 200
    assert len(_answer_lines(response)) == 4001


def test_a_cell_too_large_gets_a_message_not_a_500(client, auth, world):
    auth.login("municipio")
    for cell in ("x" * 200_000, '"' + "x" * 5000):
        response = _bulk(client, f"codigo;nombre\r\nABCD-EFGH-JKMN-PQRS;{cell}\r\n".encode())
        assert response.status_code == 422
        assert "línea" in response.get_data(as_text=True).lower()


def test_macintosh_line_endings_are_read_as_line_breaks(client, auth, world):
    auth.login("municipio")
    response = _bulk(client, b"codigo;nombre\rABCD-EFGH-JKMN-PQRS;Jose\rABCD-EFGH-JKMN-PQRT;Luis\r")
    assert response.status_code == 200
    assert len(_answer_lines(response)) == 3


def test_no_file_chosen_is_told_so(client, auth, world):
    auth.login("municipio")
    response = post_form(client, "/verify/bulk", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Elige un archivo CSV" in response.get_data(as_text=True)
