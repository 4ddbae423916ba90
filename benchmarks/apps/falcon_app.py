"""``falcon``: a ``falcon.App`` (WSGI) with resource classes.

Falcon 4.4 has no class for 402, so ``/buy`` raises ``falcon.HTTPError``
with the status; it cannot return an error, so ``/returned`` raises too.
``/secret`` raises ``falcon.HTTPUnauthorized`` with its challenge. A route
miss raises ``falcon.HTTPRouteNotFound``, answered by the custom handler
registered for it. Text goes out as ``resp.data`` (bytes), JSON through
``resp.media``; the router is Falcon's default compiled one.
"""

from __future__ import annotations

from typing import Any

import falcon

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes

_HELLO = HELLO.encode()
_NOT_FOUND = NOT_FOUND.encode()


class Hello:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.data = _HELLO


class User:
    def on_get(self, req: falcon.Request, resp: falcon.Response, id: str) -> None:
        resp.media = {"id": id}


class Buy:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise falcon.HTTPError(falcon.HTTP_402)


class Secret:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise falcon.HTTPUnauthorized(challenges=[CHALLENGE])


def not_found(
    req: falcon.Request, resp: falcon.Response, ex: Exception, params: Any
) -> None:
    resp.status = falcon.HTTP_404
    resp.content_type = falcon.MEDIA_TEXT
    resp.data = _NOT_FOUND


def make_app(n_routes: int = 0) -> falcon.App:
    """Build the Falcon app with *n_routes* filler routes."""
    app = falcon.App()
    user = User()
    app.add_route("/hello", Hello())
    app.add_route("/users/{id}", user)
    app.add_route("/buy", Buy())
    app.add_route("/returned", Buy())
    app.add_route("/secret", Secret())
    for prefix in filler_prefixes(n_routes):
        app.add_route(f"/{prefix}/{{id}}", user)
    app.add_route("/last/{id}", user)
    app.add_error_handler(falcon.HTTPRouteNotFound, not_found)
    return app


app = make_app()
