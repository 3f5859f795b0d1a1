"""What ``tonghop serve`` tells its log: one line per request (client, method, path as
``base.safe_path`` cuts it, status, milliseconds), and where the lines go. Without a timestamp
when journald keeps them (it stamps each line itself), each line then starting with its syslog
priority (``<6>``) so ``journalctl -p warning`` picks the faults; with one elsewhere. A
``--behind-proxy`` app trusts the X-Forwarded-* headers of a proxy on this machine only."""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import TextIO

from flask import Flask, g, request

import pipeline.web.base as base

log = logging.getLogger("tonghop.web")
PROXY_ADDRESSES = frozenset({"127.0.0.1", "::1"})  # the proxy runs on this machine (deploy/Caddyfile)
PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}  # syslog's
LINE = "%(levelname)s %(name)s: %(message)s"
INFO_FROM = ("tonghop", "pipeline", "waitress")  # the loggers whose INFO lines serve shows; the others' warnings only


def _started() -> None:
    g.started = time.perf_counter()


def _logged(response):
    spent = (time.perf_counter() - g.started) * 1000 if "started" in g else 0.0
    log.info("%s %s %s %s %.0f ms", request.remote_addr or "-", request.method, base.safe_path(), response.status_code, spent)
    return response


def install(app: Flask) -> None:
    """Log each request of ``app`` (its timing starts before every other ``before_request``)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _started)
    app.after_request(_logged)


def only_from_proxy(wsgi_app, proxies: frozenset[str] = PROXY_ADDRESSES):
    """``wsgi_app`` (a ProxyFix) given the X-Forwarded-* and Forwarded headers of a request only
    when it came from one of ``proxies``; anyone else's are dropped, so a client that reaches the
    application's port directly cannot pass for another address or for HTTPS."""

    def app(environ, start_response):
        if environ.get("REMOTE_ADDR") not in proxies:
            for key in [k for k in environ if k.startswith("HTTP_X_FORWARDED_") or k == "HTTP_FORWARDED"]:
                del environ[key]
        return wsgi_app(environ, start_response)

    return app


class _JournalLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        priority = PRIORITY.get(record.levelno, 6)
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


def to_journal(stream: TextIO) -> bool:
    """Whether ``stream`` is systemd's journal (``JOURNAL_STREAM`` names its device and inode)."""
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return os.environ.get("JOURNAL_STREAM") == f"{st.st_dev}:{st.st_ino}"


def log_to(stream: TextIO | None = None) -> logging.Handler:
    """Send the server's log to ``stream`` (stderr): the requests, the jobs and waitress's lines,
    the other libraries' warnings (not alembic's every start); without a timestamp and with a
    syslog priority per line under journald, with a timestamp elsewhere."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    journal = to_journal(stream)
    handler.setFormatter(_JournalLine(LINE) if journal else logging.Formatter("%(asctime)s " + LINE))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in INFO_FROM:
        logging.getLogger(name).setLevel(logging.INFO)
    return handler
