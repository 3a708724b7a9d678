"""Gzip at the edge: pages, the stylesheet and the scripts travel compressed to phones on prepaid data.

A page's weight target (30 KiB) is what crosses the network; HTML, CSS and JSON shrink to a fifth. Only
whole, successful, uncompressed text responses of some size are touched, and only for clients that say
they accept gzip. `Vary: Accept-Encoding` keeps caches honest.
"""

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/manifest+json",
                "image/svg+xml", "text/calendar")
MIN_BYTES = 600  # below this the gzip header costs more than it saves


def _compress(response: Response) -> Response:
    # The browser's word first, read from the environ: it is the cheapest test and wrk, curl and the
    # health checks never ask for gzip.
    if "gzip" not in request.environ.get("HTTP_ACCEPT_ENCODING", "").lower():
        return response
    if (response.status_code != 200 or "Content-Encoding" in response.headers
            or not (response.mimetype or "").startswith(COMPRESSIBLE)
            or response.is_streamed and not response.direct_passthrough):
        return response
    response.vary.add("Accept-Encoding")
    original = response.response
    response.direct_passthrough = False  # a static file: read it so it can be compressed
    body = response.get_data()
    if hasattr(original, "close"):
        original.close()  # the static file's handle, now read whole
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if response.headers.get("ETag"):  # the compressed bytes are another representation
        etag, weak = response.get_etag()
        response.set_etag(f"{etag}-gz", weak=weak)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_compress)
