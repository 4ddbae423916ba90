"""``httpx_views``: the App as its documentation teaches it.

Views return plain values (a ``str`` for text, a ``dict`` for JSON) and let
the framework build the response; ``/buy`` raises and ``/returned`` returns
:class:`HTTPPaymentRequired`, ``/secret`` raises :class:`HTTPUnauthorized`
with its challenge. The not-found view sets the status on
``request.response`` and returns the text, as a view adjusting its response
does. The realistic views set headers, a cookie, the status or cache
control on ``request.response`` and still return a plain value; they read
``request.json_body`` and ``request.GET``; ``/response`` returns a
:class:`Response` of its own. Nothing is tuned for the benchmark.

With ``middleware=True``, three middleware functions ``noop(request,
call_next)`` return what ``call_next`` gives them, registered with
``app.add_middleware`` (what ``@app.middleware`` does).

Also usable by the shared yardstick:
``--extra httpx_views=benchmarks.apps.httpx_views_app:app``.
"""

from __future__ import annotations

from typing import Any

import webob

from httpx_views import App, HTTPPaymentRequired, HTTPUnauthorized, Request, Response
from httpx_views.middleware import CallNext

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


def hello(request: Request) -> str:
    return HELLO


def user(request: Request) -> dict[str, Any]:
    return {"id": request.matchdict["id"]}


def buy(request: Request) -> None:
    raise HTTPPaymentRequired()


def returned(request: Request) -> HTTPPaymentRequired:
    return HTTPPaymentRequired()


def secret(request: Request) -> None:
    raise HTTPUnauthorized(www_authenticate=CHALLENGE)


def headers(request: Request) -> str:
    request.response.content_type = CSV_TYPE
    request.response.headers["X-Frame-Options"] = FRAME_OPTIONS
    return CSV


def cookie(request: Request) -> str:
    request.response.set_cookie(
        "session", SESSION, max_age=MAX_AGE, secure=True, httponly=True, samesite="Lax"
    )
    return WELCOME


def create_item(request: Request) -> dict[str, Any]:
    item = request.json_body
    request.response.status_code = 201
    return {"sku": item["sku"], "total_cents": item["price_cents"] * item["quantity"]}


def search(request: Request) -> dict[str, Any]:
    return {name: request.GET[name] for name in SEARCH_PARAMS}


def gone(request: Request) -> Response:
    return Response(GONE, status=404, content_type="text/plain", charset="utf-8")


def cache(request: Request) -> str:
    request.response.cache_control.public = True
    request.response.cache_control.max_age = MAX_AGE
    request.response.etag = ETAG
    return CACHED


def big(request: Request) -> bytes:
    request.response.content_type = BIG_TYPE
    return BIG


def not_found(request: Request) -> str:
    request.response.status_code = 404
    return NOT_FOUND


def noop(request: Request, call_next: CallNext) -> webob.Response:
    return call_next(request)


def make_app(n_routes: int = 0, *, middleware: bool = False) -> App:
    """Build the contestant with *n_routes* filler routes."""
    app = App()
    if middleware:
        for _ in range(NOOP_MIDDLEWARE):
            app.add_middleware(noop)
    app.add_route("/hello", hello)
    app.add_route("/users/{id}", user)
    app.add_route("/buy", buy)
    app.add_route("/returned", returned)
    app.add_route("/secret", secret)
    app.add_route("/headers", headers)
    app.add_route("/cookie", cookie)
    app.add_route("/items", create_item, methods=["POST"])
    app.add_route("/search", search)
    app.add_route("/response", gone)
    app.add_route("/cache", cache)
    app.add_route("/big", big)
    for prefix in filler_prefixes(n_routes):
        app.add_route(f"/{prefix}/{{id}}", user)
    app.add_route("/last/{id}", user)
    app.notfound_view(not_found)
    return app


app = make_app()
