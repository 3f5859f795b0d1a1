"""The web face of the collection round (``tonghop serve``): a small Flask application of
server-rendered pages in Vietnamese that work without JavaScript. One module of handlers per
page family (``dashboard``, ``board``, ``office_unit``, ``unit_link``, ``audit``, ``api``),
shared behaviour in ``base`` (admin login, CSRF, errors, security headers), one Jinja template
per page in ``templates/``, and one small script of our own (``static/upload.js``: drag and drop
and upload progress; every form also works without it). Handlers call ``pipeline.rounds``
only: no SQL, no check logic here.

May import: ``rounds``, ``api``, ``store``, ``form``, ``core`` (every stage below it)."""

from pipeline.web.app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
