"""The applications the browser tests serve (``tests/test_browser.py``).

Each is served by ``httpx-views serve tests/browser_apps.py:<name>``:

- ``errors`` and ``debug_errors``: every default error page, without and
  with ``debug=True``;
- ``pages``: an HTML page, the origin that calls ``api`` from another port;
- ``api``: a JSON API that lets the pages of one origin call it (CORS), the
  origin given in the environment, and that keeps a log of what it was
  asked, which the tests read to tell what the server answered from what
  the browser let the page see.
"""

from __future__ import annotations

import os
from typing import Any

import webob

from httpx_views import (
    App,
    HTTPForbidden,
    HTTPUnauthorized,
    Request,
    Response,
)
from httpx_views.cors import CORS
from httpx_views.middleware import CallNext

# -- error pages ---------------------------------------------------------------------

#: What the failing view raises: one word wider than any screen.
FAILURE = "everything-failed-" + "x" * 300
#: A route pattern wider than any screen, for the debug 404's list of routes.
LONG_PATTERN = "/" + "long" * 80


class Nobody:
    """A security policy that knows no one and grants nothing."""

    def identity(self, request: Request) -> None:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        return False


def error_app(*, debug: bool) -> App:
    """An App whose views fail in every way the framework has a page for."""
    app = App(debug=debug, security_policy=Nobody())

    @app.route("/unauthorized", name="unauthorized")
    def unauthorized(request: Request) -> None:
        # No WWW-Authenticate: a challenge would make the browser ask for
        # a password instead of showing the page.
        raise HTTPUnauthorized()

    @app.route("/forbidden", name="forbidden")
    def forbidden(request: Request) -> None:
        raise HTTPForbidden()

    @app.route("/private", name="private", permission="admin")
    def private(request: Request) -> str:
        return "only for admins"

    @app.route("/submit", methods=["POST"], name="submit")
    def submit(request: Request) -> str:
        return "submitted"

    @app.route("/boom", name="boom")
    def boom(request: Request) -> None:
        raise RuntimeError(FAILURE)

    @app.route(LONG_PATTERN, name="long_pattern")
    def long_pattern(request: Request) -> str:
        return "a long way"

    return app


errors = error_app(debug=False)
debug_errors = error_app(debug=True)

# -- CORS: a page on one port, an API on another ------------------------------------

pages = App()


@pages.route("/")
def home(request: Request) -> Response:
    return Response(
        text="<!DOCTYPE html>\n<html lang=en><meta charset=utf-8>"
        "<title>Notes</title><p>The page that calls the API.</html>\n",
        content_type="text/html",
    )


#: The environment variable that names the one origin whose pages may call
#: ``api`` (the page server's port is only known once it listens).
ORIGIN_VARIABLE = "BROWSER_APPS_ORIGIN"
#: ``[method, path, Origin header, status]`` of every request to ``api``
#: but ``GET /log``, which answers it.
LOG: list[list[Any]] = []

api = App()


@api.middleware
def log_requests(request: Request, call_next: CallNext) -> webob.Response:
    """Outermost, so it sees what CORS answers by itself (a preflight)."""
    response = call_next(request)
    if request.path != "/log":
        origin = request.headers.get("Origin")
        LOG.append([request.method, request.path, origin, response.status_code])
    return response


# Unset, no origin is allowed.
_allowed = os.environ.get(ORIGIN_VARIABLE)
api.add_middleware(CORS(lambda origin: origin == _allowed))


@api.route("/log", methods=["GET"])
def log(request: Request) -> list[list[Any]]:
    return LOG


@api.route("/notes/{key}", methods=["GET"])
def get_note(request: Request) -> dict[str, Any]:
    return {"key": request.matchdict["key"], "text": "buy milk"}


@api.route("/notes/{key}", methods=["PUT"])
def put_note(request: Request) -> dict[str, Any]:
    return {"key": request.matchdict["key"], "text": request.json_body["text"]}
