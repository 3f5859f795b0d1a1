"""The application: ``create_app(data_dir, url)`` opens the store and registers every page."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

import pipeline.web.base as base
from pipeline import rounds
from pipeline.rounds.settings import TOKEN_ENV
from pipeline.store import Store
from pipeline.web.account import bp as account_bp
from pipeline.web.api import bp as api_bp
from pipeline.web.audit import bp as audit_bp
from pipeline.web.board import bp as board_bp
from pipeline.web.dashboard import bp as dashboard_bp
from pipeline.web.entry import bp as entry_bp
from pipeline.web.health import healthz
from pipeline.web.login import bp as login_bp
from pipeline.web.office_unit import bp as office_unit_bp
from pipeline.web.unit_link import bp as unit_link_bp

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an upload (a request) larger than this is refused: 413
ADMIN_TOKEN_ENV = TOKEN_ENV
PROXY_HOPS = 1  # --behind-proxy: the X-Forwarded-* headers of one proxy are trusted


class LocalProxyFix:
    """``--behind-proxy``: the X-Forwarded-* headers of one proxy, trusted only when it runs on
    this machine (a loopback peer). A client that reaches the port directly (``--host 0.0.0.0``)
    loses the headers it wrote: it cannot choose the address the login's lockout counts, nor
    say it came over HTTPS."""

    def __init__(self, wsgi_app) -> None:
        self.direct = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=PROXY_HOPS, x_proto=PROXY_HOPS, x_host=PROXY_HOPS, x_port=PROXY_HOPS, x_prefix=PROXY_HOPS)

    def __call__(self, environ, start_response):
        try:
            local = ipaddress.ip_address(environ.get("REMOTE_ADDR", "")).is_loopback
        except ValueError:
            local = False
        if local:
            return self.fixed(environ, start_response)
        for key in [k for k in environ if k.startswith("HTTP_X_FORWARDED_")]:
            del environ[key]
        return self.direct(environ, start_response)


class App(Flask):
    """Flask, logging an unexpected fault without the token or the unit link of its request."""

    def log_exception(self, exc_info) -> None:
        self.logger.error("Exception on %s %s", request.method, base.safe_path(), exc_info=exc_info)


def create_app(
    data_dir: str | Path | None = None,
    url: str | None = None,
    *,
    admin_token: str | None = None,
    base_url: str | None = None,
    behind_proxy: bool = False,
    new_token: bool = False,
) -> Flask:
    """The web application over the store in ``data_dir`` (default: the user's data folder) and
    the database ``url`` (default: SQLite in ``data_dir``).

    :param admin_token: the office's login token (default ``TONGHOP_ADMIN_TOKEN``, else the one
        kept in the data folder, made anew with ``new_token``): ``app.config["ADMIN_TOKEN"]``.
    :param base_url: where the units and the office open the pages, every link built on it
        (default: the one kept in the data folder, else ``rounds.DEFAULT_BASE_URL``); never the
        request's Host header.
    :param behind_proxy: trust the X-Forwarded-* headers of one proxy (werkzeug's ProxyFix).
    """
    folder = Path(data_dir) if data_dir else rounds.default_data_dir()
    store = Store.open(folder, url)
    try:
        address = rounds.check_base_url(base_url) if base_url else rounds.saved_base_url(folder) or rounds.DEFAULT_BASE_URL
        token = admin_token or rounds.office_token(folder, renew=new_token)
        secret = rounds.server_secret(folder)
    except BaseException:
        store.close()
        raise
    app = App(__name__)
    app.config.update(
        SECRET_KEY=hmac.new(secret, b"tonghop web session", hashlib.sha256).hexdigest(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=address.startswith("https://"),
        SESSION_COOKIE_NAME="tonghop",
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_UPLOAD_BYTES,
        ADMIN_TOKEN=token,
        BASE_URL=address,
        BEHIND_PROXY=behind_proxy,
        DATA_DIR=folder,
    )
    if behind_proxy:
        app.wsgi_app = LocalProxyFix(app.wsgi_app)
    app.extensions["tonghop_store"] = store
    base.install(app)
    app.add_url_rule("/healthz", "healthz", healthz)  # public: for the proxy and the monitoring
    for blueprint in (login_bp, account_bp, dashboard_bp, board_bp, office_unit_bp, unit_link_bp, entry_bp, api_bp, audit_bp):
        app.register_blueprint(blueprint)
    return app
