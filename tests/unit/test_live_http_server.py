"""The browser tests' live server leaves no file open when a phone drops the connection mid-answer.

Seen in CI: a browser test going offline while Chromium fetched an icon failed on an unclosed file
(werkzeug's server skips closing a response when the socket it drains has been reset).
"""

import gc
import socket
import struct
import time
import warnings
from pathlib import Path

from flask import Flask
from helpers import live_http_server, read_whole

import lms

STATIC = Path(lms.__file__).with_name("static")
ICON = "icons/icon-192.png"


class Body:
    """A response body that says whether it was closed, as a static file's wrapper does."""

    def __init__(self, chunks):
        self.chunks, self.closed = chunks, False

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True


def test_a_response_is_read_whole_and_closed_before_the_server_sends_it():
    body = Body([b"<h1>", b"Semana 1", b"</h1>"])
    sent = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return body

    answer = read_whole(app)({}, lambda status, headers: sent.append(status))
    assert body.closed, "closed before a single byte goes to the socket"
    assert list(answer) == [b"<h1>Semana 1</h1>"]
    assert sent == ["200 OK"]


def _drop_mid_answer(url: str, path: str, tries: int) -> None:
    """Ask for ``path`` and reset the connection (RST) a moment later, as a phone losing its signal."""
    host, port = url.removeprefix("http://").split(":")
    for attempt in range(tries):
        with socket.create_connection((host, int(port))) as phone:
            phone.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            time.sleep(0.002 * (attempt % 10))
            phone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_phone_dropping_the_connection_mid_icon_leaves_no_file_open():
    app = Flask(__name__, static_folder=STATIC)  # werkzeug's send_file, as the app serves its icons
    with warnings.catch_warnings(record=True) as seen:  # the server thread warns into the same list
        warnings.simplefilter("always", ResourceWarning)
        with live_http_server(app) as url:
            _drop_mid_answer(url, f"/static/{ICON}", tries=100)
        gc.collect()
    unclosed = [str(w.message) for w in seen if issubclass(w.category, ResourceWarning) and ICON in str(w.message)]
    assert unclosed == []
