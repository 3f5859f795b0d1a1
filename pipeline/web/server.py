"""The application behind waitress, as ``tonghop serve`` runs it: waitress's limits on slow or
hostile clients, and waitress's own answers to a body too large to read, which become the
application's Vietnamese page (or JSON) with its security headers.

Waitress reads a whole request (into memory up to INBUF_OVERFLOW, then a temporary file) before
a thread handles it, so a slow upload holds a connection, never a thread; a connection silent
for CHANNEL_TIMEOUT_S is closed. A body a little over the application's limit (up to
BODY_MARGIN more) is read and refused by the application itself; a larger one is refused by
waitress before it is read, with the same page."""

from __future__ import annotations

import logging
import re

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask
from werkzeug.exceptions import RequestEntityTooLarge

from pipeline.web.base import error_page, security_headers

THREADS = 8  # requests handled at once
CONNECTION_LIMIT = 200  # connections open at once (50 units sending at once, and room to spare)
CHANNEL_TIMEOUT_S = 60  # seconds without a byte before a connection is closed (phones on poor networks pause)
CLEANUP_INTERVAL_S = 15  # how often silent connections are looked for
HEADER_LIMIT = 64 * 1024  # request line and headers
BODY_MARGIN = 1024 * 1024  # a body a little over the app's limit still reaches the app (its own 413)
INBUF_OVERFLOW = 512 * 1024  # a request body over this waits in a temporary file, not in memory
OUTBUF_OVERFLOW = 1024 * 1024  # an answer over this (a workbook, a zip) is spooled to a temporary file
TOO_LARGE = 413
UNIT_LINK_IN_TEXT = re.compile(r"/(?:u|mat-khau)/[^/\s?#]+(?:\?\S*)?|\?\S*token=\S*")


def _cut(found: re.Match) -> str:
    """A unit's link as ``/u/…``, a set-password link as ``/mat-khau/…``, a query string dropped."""
    text = found.group(0)
    return "/u/…" if text.startswith("/u/") else "/mat-khau/…" if text.startswith("/mat-khau/") else ""


class _NoLinks(logging.Filter):
    """Waitress logs a request's path when a client goes away or a task fails: a unit's link is
    cut to ``/u/…`` (a set-password link to ``/mat-khau/…``) and a query string (the office's ``?token=``) dropped, as the app's own log does."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        cleaned = UNIT_LINK_IN_TEXT.sub(_cut, text)
        if cleaned != text:
            record.msg, record.args = cleaned, ()
        return True


_WAITRESS_LOG = logging.getLogger("waitress")
if not any(isinstance(f, _NoLinks) for f in _WAITRESS_LOG.filters):
    _WAITRESS_LOG.addFilter(_NoLinks())


def server_options(max_body: int) -> dict:
    """Waitress's limits for an app that accepts request bodies of up to ``max_body`` bytes: a
    larger body is refused (413) before it is read."""
    return {
        "threads": THREADS,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT_S,
        "cleanup_interval": CLEANUP_INTERVAL_S,
        "max_request_header_size": HEADER_LIMIT,
        "max_request_body_size": max_body + BODY_MARGIN,
        "inbuf_overflow": INBUF_OVERFLOW,
        "outbuf_overflow": OUTBUF_OVERFLOW,
        "ident": "tonghop",
    }


def too_large_answer(app: Flask, path: str, accept: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """What the application answers a body too large for ``path``: status line, headers, body."""
    with app.test_request_context(path, headers={"Accept": accept} if accept else {}):
        response = security_headers(app.make_response(error_page(RequestEntityTooLarge())))
        return response.status, [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"], response.get_data()


class _ErrorTask(ErrorTask):
    """Waitress's answer to a request it refused: the application's page for a body too large."""

    def execute(self) -> None:
        error = self.request.error
        app = getattr(self.channel.server, "flask_app", None)
        if getattr(error, "code", None) != TOO_LARGE or app is None:
            return super().execute()
        path = (self.request.path or "/") if (self.request.path or "").startswith("/") else "/"
        status, headers, body = too_large_answer(app, path, self.request.headers.get("ACCEPT", ""))
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):
    error_task_class = _ErrorTask


def make_server(app: Flask, host: str, port: int, **overrides):
    """A waitress server of ``app`` on ``host``:``port`` (0: a free port, ``.effective_port``)
    with ``server_options`` (``overrides`` replacing some); ``.run()`` serves until closed.

    Waitress removes the X-Forwarded-* headers of a request, unless the app was made
    ``behind_proxy``: then they reach the app, whose ProxyFix trusts one proxy's."""
    options = server_options(app.config["MAX_CONTENT_LENGTH"]) | overrides
    options.setdefault("clear_untrusted_proxy_headers", not app.config.get("BEHIND_PROXY", False))
    server = create_server(app, host=host, port=port, **options)
    listening = [s for s in getattr(server, "map", {}).values() if hasattr(s, "channel_class")] or [server]  # one per address
    for each in listening:
        each.channel_class = _Channel
        each.flask_app = app  # waitress wraps the app it serves in its own middleware
    return server
