"""Every deployed entry point. Thin: each function hands its request to the shared dispatcher."""

from __future__ import annotations

import flask
from firebase_functions import https_fn, options

from backend.api import routes_for
from backend.http.dispatch import dispatch

options.set_global_options(region="us-central1", max_instances=20)


@https_fn.on_request()
def sessions_api(req: flask.Request) -> flask.Response:
    """/api/v1/sessions and /api/v1/sessions/**"""
    return dispatch(routes_for("sessions"), req)


@https_fn.on_request()
def users_api(req: flask.Request) -> flask.Response:
    """/api/v1/user/**"""
    return dispatch(routes_for("users"), req)


@https_fn.on_request()
def admin_api(req: flask.Request) -> flask.Response:
    """/api/v1/admin/**"""
    return dispatch(routes_for("admin"), req)


@https_fn.on_request()
def meta_api(req: flask.Request) -> flask.Response:
    """/api/v1/avatars, /api/v1/health, /api/v1/openapi.json"""
    return dispatch(routes_for("meta"), req)
