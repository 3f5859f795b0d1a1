"""What every page shares: the store, the office's login (``?token=`` → a signed session
cookie that lapses after ``SESSION_IDLE`` without a page opened; ``Authorization: Bearer`` under
``/api``; "Đăng xuất"), CSRF tokens on the office's forms, error pages in Vietnamese (JSON under
``/api``; a store that cannot be reached is a 503 whose details go to the server's log only),
security headers, and the filters the templates use to show times and statuses. No token or
unit link reaches a log line or an error page: paths are logged as ``safe_path`` gives them."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlencode

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from pipeline.core.constants import Channel, ReviewState, RoundStatus
from pipeline.core.errors import Msg, PipelineError, StoreError, StoreUnavailableError
from pipeline.core.text import visible_text
from pipeline.core.vnformat import format_number, format_vn_time
from pipeline.form.period import format_date, period_label
from pipeline.store import Store
from pipeline.web.plain import sent_how

CSRF_FIELD = "csrf_token"
SESSION_IDLE = timedelta(hours=10)  # a working day: the office's login lapses after this long without a page opened
RETRY_AFTER_S = 60  # what a 503 asks a client to wait
FAVICON_MAX_AGE_S = 7 * 24 * 3600
UNIT_LINK = re.compile(r"^/u/[^/]+")
SET_PASSWORD_LINK = re.compile(r"^/mat-khau/[^/]+")  # an invitation's or a reset's token
ERROR_TEXTS = {
    400: ("Yêu cầu không hợp lệ", "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại."),
    401: (
        "Cần đăng nhập",
        "Trang này chỉ dành cho văn phòng. Hãy đăng nhập bằng tài khoản được mời, hoặc mở đường dẫn có mã đăng nhập mà lệnh 'tonghop serve' in ra.",
    ),
    403: ("Không được phép", "Bạn không có quyền mở trang này."),
    404: ("Không tìm thấy", "Không có trang này. Nếu bạn mở đường dẫn nộp báo cáo, hãy kiểm tra lại đường dẫn văn phòng đã gửi."),
    405: ("Không hỗ trợ", "Trang này không nhận yêu cầu kiểu này."),
    413: ("Tệp quá lớn", "Tệp gửi lên lớn hơn 20 MB nên không được nhận. Hãy gửi đúng tệp báo cáo Excel (thường chỉ vài trăm KB)."),
    500: ("Lỗi máy chủ", "Đã có lỗi khi xử lý yêu cầu. Hãy thử lại sau ít phút; dữ liệu đã lưu được giữ nguyên."),
    503: ("Hệ thống đang bận", Msg.WEB_002.render()),
}


def store() -> Store:
    return current_app.extensions["tonghop_store"]


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _admin_mark() -> str:
    return hashlib.sha256(current_app.config["ADMIN_TOKEN"].encode()).hexdigest()[:32]


def _bearer() -> bool:
    """A script's request under ``/api`` with ``Authorization: Bearer <the office's token>``."""
    sent = request.authorization
    if not request.path.startswith("/api/") or sent is None or sent.type != "bearer" or not sent.token:
        return False
    return hmac.compare_digest(
        hashlib.sha256(sent.token.encode()).digest(), hashlib.sha256(current_app.config["ADMIN_TOKEN"].encode()).digest()
    )


def is_admin() -> bool:
    return _bearer() or hmac.compare_digest(session.get("admin", ""), _admin_mark())


def check_csrf() -> None:
    """Every POST of a browser carries the session's CSRF token (a script's bearer token needs
    none: no browser sends it by itself): 400 otherwise."""
    if request.method == "POST" and not _bearer():
        sent = request.form.get(CSRF_FIELD, "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400)


def check_unit(kwargs: dict) -> None:
    """A round (or a unit of it) that does not exist is a 404 (the store's error says so)."""
    if "code" in kwargs:  # one row: STORE_001 or STORE_002, whose entries say 404
        if store().unit(kwargs["round_id"], kwargs["code"]) is None:  # an unknown round raises STORE_001
            raise StoreError(Msg.STORE_002, round_id=kwargs["round_id"], code=kwargs["code"])
    elif "round_id" in kwargs:
        store().round(kwargs["round_id"])


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
    session.permanent = True  # the cookie is signed again at every page: it lapses after SESSION_IDLE idle
    rest = {k: v for k, v in request.args.items(multi=True) if k != "token"}
    return redirect(request.path + ("?" + urlencode(rest) if rest else ""))


def logout():
    """ "Đăng xuất" (a POST with the CSRF token, by the owner or an account): the session ends."""
    if not (is_admin() or session.get("account")):
        abort(401)
    check_csrf()
    text = (Msg.WEB_005 if is_admin() else Msg.WEB_165).render()
    session.clear()
    return render_template("error.html", code=None, title="Đã đăng xuất", text=text, good=True)


def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=FAVICON_MAX_AGE_S)


def safe_path() -> str:
    """The request's path as a log line may show it: a unit's link cut to ``/u/…``, a
    set-password link to ``/mat-khau/…``, no query string (the office's ``?token=``)."""
    return SET_PASSWORD_LINK.sub("/mat-khau/…", UNIT_LINK.sub("/u/…", request.path))


def error_page(err: HTTPException):
    """The Vietnamese page (JSON under ``/api`` or when asked for) of an HTTP error."""
    code = err.code or 500
    title, text = ERROR_TEXTS.get(code, (err.name, err.description or ""))
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 and request.path.startswith("/api/") else {}
    if wants_json():
        return jsonify({"error": code, "message": text}), code, headers
    return render_template("error.html", code=code, title=title, text=text), code, headers


def _unavailable(err: StoreError):
    """The store cannot be reached (or, for the public, any fault of the store): a 503 that names
    no address, user or path; the details go to the server's log."""
    current_app.logger.error("%s %s: %s", request.method, safe_path(), err)
    text = (Msg.WEB_001 if request.method == "POST" else Msg.WEB_002).render()
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if wants_json():
        return jsonify({"error": 503, "message": text, "stored": False}), 503, headers
    return render_template("error.html", code=503, title=ERROR_TEXTS[503][0], text=text), 503, headers


def _pipeline_error(err: PipelineError):
    """A known failure of the library: its Vietnamese message, with the status its catalogue
    entry gives (404 an unknown round or unit, 409 a conflict, 400 a request refused); the store
    unavailable (or, for the public, any fault of the store) is a 503."""
    if (
        err.status == HTTPStatus.SERVICE_UNAVAILABLE
        or isinstance(err, StoreUnavailableError)
        or (isinstance(err, StoreError) and not (is_admin() or g.get("account")))
    ):
        return _unavailable(err)
    if err.status == HTTPStatus.NOT_FOUND:
        return _not_found(str(err))
    if wants_json():
        return jsonify({"error": err.status, "message": str(err)}), err.status
    return render_template("error.html", code=err.status, title="Không thực hiện được", text=str(err)), err.status


class Sessions(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` when the base URL is https, or when the request came
    over HTTPS (behind a proxy: only with ``--behind-proxy``, which trusts X-Forwarded-Proto)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


def security_headers(response):
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


def refuse_nul() -> None:
    """Before every request: a NUL character in the path, the query or a form's text fields is
    refused (``WEB_170``, 400). PostgreSQL cannot keep or compare text with one, and its error
    read as the database down (503, "thử lại sau ít phút"). Files sent are bytes: not looked at."""
    fields = [*request.args.listvalues()]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += request.form.listvalues()
    if "\x00" in request.path or any("\x00" in text for values in fields for text in values):
        raise PipelineError(Msg.WEB_170)


def install(app: Flask) -> None:
    app.session_interface = Sessions()
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_IDLE
    app.jinja_env.finalize = shown
    app.before_request(refuse_nul)
    app.before_request(_login)
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(PipelineError, _pipeline_error)
    app.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        CSRF_FIELD=CSRF_FIELD,
        statuses=list(RoundStatus),
        ReviewState=ReviewState,
        Channel=Channel,
        sent_how=sent_how,  # how a submission came, in words: "nhập trên trang web", "văn phòng nhập thay (…)"
        too_big=ERROR_TEXTS[413][1],
        is_admin=is_admin,
    )
    app.jinja_env.globals["no_file"] = Msg.WEB_070.render()  # what upload.js has the browser say of a form sent without a file
    app.jinja_env.filters.update(
        vn_number=vn_number, vn_time=vn_time, vn_date=lambda d: format_date(d) if d else "không có", period_label=period_label
    )
