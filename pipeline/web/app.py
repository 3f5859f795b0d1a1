"""The application: ``create_app(data_dir, url)`` opens the store and registers every page."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import Flask

import pipeline.web.base as base
from pipeline import rounds
from pipeline.store import Store
from pipeline.web.api import bp as api_bp
from pipeline.web.audit import bp as audit_bp
from pipeline.web.board import bp as board_bp
from pipeline.web.dashboard import bp as dashboard_bp
from pipeline.web.office_unit import bp as office_unit_bp
from pipeline.web.unit_link import bp as unit_link_bp

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an upload (a request) larger than this is refused: 413
ADMIN_TOKEN_ENV = "TONGHOP_ADMIN_TOKEN"


def create_app(data_dir: str | Path | None = None, url: str | None = None, *, admin_token: str | None = None) -> Flask:
    """The web application over the store in ``data_dir`` (default: the user's data folder) and
    the database ``url`` (default: SQLite in ``data_dir``). ``admin_token``: the office's login
    token (default ``TONGHOP_ADMIN_TOKEN``, else a new random one: ``app.config["ADMIN_TOKEN"]``)."""
    folder = Path(data_dir) if data_dir else rounds.default_data_dir()
    store = Store.open(folder, url)
    app = Flask(__name__)
    secret = rounds.server_secret(folder)
    token = admin_token or os.environ.get(ADMIN_TOKEN_ENV) or secrets.token_urlsafe(24)
    app.config.update(
        SECRET_KEY=hmac.new(secret, b"tonghop web session", hashlib.sha256).hexdigest(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="tonghop",
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_UPLOAD_BYTES,
        ADMIN_TOKEN=token,
        DATA_DIR=folder,
    )
    app.extensions["tonghop_store"] = store
    base.install(app)
    for blueprint in (dashboard_bp, board_bp, office_unit_bp, unit_link_bp, api_bp, audit_bp):
        app.register_blueprint(blueprint)
    return app
