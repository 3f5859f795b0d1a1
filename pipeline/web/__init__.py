"""The web face of the collection round (``tonghop serve``): a small Flask application of
server-rendered pages in Vietnamese that work without JavaScript. One module of handlers per
page family (``dashboard``, ``board``, ``office_unit``, ``unit_link``, ``api``), shared
behaviour in ``base`` (admin login, CSRF, errors, security headers), one Jinja template per page
in ``templates/``. Handlers call ``pipeline.rounds`` only: no SQL, no check logic here.

May import: ``rounds``, ``api``, ``store``, ``form``, ``core`` (every stage below it)."""

from pipeline.web.app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
