"""The web face of the collection round (``tonghop serve``): a small Flask application of
server-rendered pages in Vietnamese that work without JavaScript. One module of handlers per
page family (``dashboard``, ``board``, ``office_unit``, ``unit_link``, ``entry``, ``audit``, ``api``),
shared behaviour in ``base`` (admin login, CSRF, errors, security headers), one Jinja template
per page in ``templates/``, and small scripts of our own (``static/upload.js``: drag and drop
and upload progress; ``static/entry.js``: the typing form's live check and the figures kept on
the phone; every form also works without them). Handlers call ``pipeline.rounds``
only: no SQL, no check logic here.

May import: ``rounds``, ``api``, ``store``, ``form``, ``core`` (every stage below it)."""

from pipeline.web.app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
