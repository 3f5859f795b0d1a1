"""``GET /healthz`` for the proxy and the monitoring: 200 ``ok``, or 503 with what is wrong in
short fixed words (``store.health``); public, never cached, and it tells nothing else."""

from __future__ import annotations

from flask import Response, current_app

from pipeline.store import health


def healthz() -> Response:
    found = health.problems(current_app.extensions["tonghop_store"])
    text = "; ".join(found) if found else health.OK
    return Response(text + "\n", status=503 if found else 200, mimetype="text/plain", headers={"Cache-Control": "no-store"})
