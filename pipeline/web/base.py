"""What every page shares: the store, the office's login (``?token=`` → a signed session
cookie), CSRF tokens on the office's forms, error pages in Vietnamese (JSON under ``/api``),
security headers, and the filters the templates use to show times and statuses."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from flask import Flask, abort, current_app, jsonify, redirect, render_template, request, session
from werkzeug.exceptions import HTTPException

from pipeline.core.constants import RoundStatus
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.text import visible_text
from pipeline.core.vnformat import format_number, format_vn_time
from pipeline.form.period import format_date, period_label
from pipeline.store import Store

CSRF_FIELD = "csrf_token"
ERROR_TEXTS = {
    400: ("Yêu cầu không hợp lệ", "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại."),
    401: ("Cần đăng nhập", "Trang này chỉ dành cho văn phòng. Hãy mở đường dẫn có mã đăng nhập mà lệnh 'tonghop serve' in ra."),
    403: ("Không được phép", "Bạn không có quyền mở trang này."),
    404: ("Không tìm thấy", "Không có trang này. Nếu bạn mở đường dẫn nộp báo cáo, hãy kiểm tra lại đường dẫn văn phòng đã gửi."),
    405: ("Không hỗ trợ", "Trang này không nhận yêu cầu kiểu này."),
    413: ("Tệp quá lớn", "Tệp gửi lên lớn hơn 20 MB nên không được nhận. Hãy gửi đúng tệp báo cáo Excel (thường chỉ vài trăm KB)."),
    500: ("Lỗi máy chủ", "Đã có lỗi khi xử lý yêu cầu. Hãy thử lại sau ít phút; dữ liệu đã lưu được giữ nguyên."),
}


def store() -> Store:
    return current_app.extensions["tonghop_store"]


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _admin_mark() -> str:
    return hashlib.sha256(current_app.config["ADMIN_TOKEN"].encode()).hexdigest()[:32]


def is_admin() -> bool:
    return hmac.compare_digest(session.get("admin", ""), _admin_mark())


def admin_required(view):
    """An office page: 401 without the login; every POST must carry the session's CSRF token;
    a round (or a unit of it) that does not exist is a 404, after the login is checked."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not is_admin():
            abort(401)
        if request.method == "POST":
            sent = request.form.get(CSRF_FIELD, "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400)
        return _missing(kwargs.get("round_id"), kwargs.get("code")) or view(*args, **kwargs)

    return wrapped


def _missing(round_id: str | None, code: str | None):
    """The 404 answer when the page's round, or its unit, does not exist; else None."""
    if round_id is not None and round_id not in {r.id for r in store().rounds()}:
        return _not_found(Msg.STORE_001.render(round_id=round_id))
    if code is not None and code not in {u.code for u in store().units(round_id)}:
        return _not_found(Msg.STORE_002.render(round_id=round_id, code=code))
    return None


def _not_found(text: str):
    if wants_json():
        return jsonify({"error": 404, "message": text}), 404
    return render_template("error.html", code=404, title=ERROR_TEXTS[404][0], text=text), 404


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _login():
    """``?token=`` on any page: the office logs in (a session cookie), then the same page without it."""
    sent = request.args.get("token")
    if sent is None or request.method != "GET":
        return None
    if not hmac.compare_digest(sent.encode(), current_app.config["ADMIN_TOKEN"].encode()):
        abort(401)
    session.clear()
    session["admin"] = _admin_mark()
    session.permanent = False
    rest = {k: v for k, v in request.args.items(multi=True) if k != "token"}
    return redirect(request.path + ("?" + urlencode(rest) if rest else ""))


def _error(err: HTTPException):
    code = err.code or 500
    title, text = ERROR_TEXTS.get(code, (err.name, err.description or ""))
    if wants_json():
        return jsonify({"error": code, "message": text}), code
    return render_template("error.html", code=code, title=title, text=text), code


def _pipeline_error(err: PipelineError):
    """A known failure of the library (an unknown round, …): its Vietnamese message."""
    if wants_json():
        return jsonify({"error": 400, "message": str(err)}), 400
    return render_template("error.html", code=400, title="Không thực hiện được", text=str(err)), 400


def _headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")  # a unit's link never leaks through a Referer
    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


vn_time = format_vn_time  # the templates' ``|vn_time`` filter


def vn_number(value: object) -> str:
    """The templates' ``|vn_number`` filter: a figure as the report writes it (``862.796.456``);
    none (a blank, or a cell that could not be read as a number) as "(không có số)"; a text as it is."""
    if value is None or value == "":
        return "(không có số)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def shown(value: object) -> object:
    """What a page shows of each ``{{ … }}`` (Jinja's ``finalize``): a text as ``visible_text``
    keeps it (no bidirectional or invisible characters, whoever typed it), anything else as it is."""
    if not isinstance(value, str):
        return value
    cleaned = visible_text(value, lines=True)
    return value if cleaned is value else type(value)(cleaned)  # Markup stays Markup


def install(app: Flask) -> None:
    app.jinja_env.finalize = shown
    app.before_request(_login)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(PipelineError, _pipeline_error)
    app.jinja_env.globals.update(csrf_token=csrf_token, CSRF_FIELD=CSRF_FIELD, statuses=list(RoundStatus), too_big=ERROR_TEXTS[413][1])
    app.jinja_env.filters.update(
        vn_number=vn_number, vn_time=vn_time, vn_date=lambda d: format_date(d) if d else "không có", period_label=period_label
    )
