"""Pages travel gzipped to a phone that asks for it, and whole to one that does not."""

import gzip


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(client):
    plain = client.get("/login")
    packed = client.get("/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.data)
    assert page.startswith(b"<!doctype html>") and b'name="password"' in page  # the same page, whole
    assert len(packed.data) < len(plain.data) / 2


def test_the_stylesheet_is_gzipped_and_a_tiny_answer_is_left_alone(client):
    css = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    plain_css = client.get("/static/style.css")
    assert css.headers["Content-Encoding"] == "gzip" and gzip.decompress(css.data) == plain_css.data
    plain_css.close()
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in health.headers and health.get_json()["status"] == "ok"
