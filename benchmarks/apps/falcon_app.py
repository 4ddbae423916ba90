"""``falcon``: a ``falcon.App`` (WSGI) with resource classes.

Falcon 4.4 has no class for 402, so ``/buy`` raises ``falcon.HTTPError``
with the status; it cannot return an error, so ``/returned`` raises too.
``/secret`` raises ``falcon.HTTPUnauthorized`` with its challenge. A route
miss raises ``falcon.HTTPRouteNotFound``, answered by the custom handler
registered for it. Text goes out as ``resp.data`` (bytes), JSON through
``resp.media``; the router is Falcon's default compiled one.

The realistic responders use ``resp.content_type``, ``resp.set_header``,
``resp.set_cookie``, ``resp.cache_control`` and ``resp.etag``, and read
``req.get_media()`` and ``req.get_param()``. A responder fills in the
``resp`` it is given and cannot return a response of its own, so
``/response`` sets the status, content type and text there instead.

With ``middleware=True``, the app is given three instances of a middleware
class whose ``process_request`` and ``process_response`` do nothing.
"""

from __future__ import annotations

from typing import Any

import falcon

from .common import (
    BIG,
    BIG_TYPE,
    CACHED,
    CHALLENGE,
    CSV,
    CSV_TYPE,
    ETAG,
    FRAME_OPTIONS,
    GONE,
    HELLO,
    MAX_AGE,
    NOOP_MIDDLEWARE,
    NOT_FOUND,
    SEARCH_PARAMS,
    SESSION,
    WELCOME,
    filler_prefixes,
)

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


class Headers:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = CSV_TYPE
        resp.set_header("X-Frame-Options", FRAME_OPTIONS)
        resp.text = CSV


class Cookie:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.set_cookie(
            "session",
            SESSION,
            max_age=MAX_AGE,
            secure=True,
            http_only=True,
            same_site="Lax",
        )
        resp.text = WELCOME


class Items:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        item = req.get_media()
        resp.status = falcon.HTTP_201
        resp.media = {
            "sku": item["sku"],
            "total_cents": item["price_cents"] * item["quantity"],
        }


class Search:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {name: req.get_param(name) for name in SEARCH_PARAMS}


class Gone:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.status = falcon.HTTP_404
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = GONE


class Cache:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.cache_control = ["public", f"max-age={MAX_AGE}"]
        resp.etag = ETAG
        resp.text = CACHED


class Big:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = BIG_TYPE
        resp.data = BIG


def not_found(
    req: falcon.Request, resp: falcon.Response, ex: Exception, params: Any
) -> None:
    resp.status = falcon.HTTP_404
    resp.content_type = falcon.MEDIA_TEXT
    resp.data = _NOT_FOUND


class NoopMiddleware:
    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        pass

    def process_response(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        pass


def make_app(
    n_routes: int = 0, *, middleware: bool = False
) -> falcon.App[falcon.Request, falcon.Response]:
    """Build the Falcon app with *n_routes* filler routes."""
    noops = [NoopMiddleware() for _ in range(NOOP_MIDDLEWARE)] if middleware else []
    app = falcon.App(middleware=noops)
    user = User()
    app.add_route("/hello", Hello())
    app.add_route("/users/{id}", user)
    app.add_route("/buy", Buy())
    app.add_route("/returned", Buy())
    app.add_route("/secret", Secret())
    app.add_route("/headers", Headers())
    app.add_route("/cookie", Cookie())
    app.add_route("/items", Items())
    app.add_route("/search", Search())
    app.add_route("/response", Gone())
    app.add_route("/cache", Cache())
    app.add_route("/big", Big())
    for prefix in filler_prefixes(n_routes):
        app.add_route(f"/{prefix}/{{id}}", user)
    app.add_route("/last/{id}", user)
    app.add_error_handler(falcon.HTTPRouteNotFound, not_found)
    return app


app = make_app()
