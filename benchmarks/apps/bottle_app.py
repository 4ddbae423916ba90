"""``bottle``: a ``bottle.Bottle()`` of its own (not the module default).

``/buy`` calls ``bottle.abort(402)``, ``/returned`` returns a
``bottle.HTTPError`` (Bottle treats a returned one like a raised one),
``/secret`` raises ``HTTPError`` with the challenge header; Bottle's default
error page renders them. A returned ``dict`` becomes JSON; the custom 404 is
an ``error(404)`` handler.

The realistic views set ``bottle.response``'s content type, headers,
cookie and status and return the body; they read ``bottle.request.json``
and ``bottle.request.query``. Bottle has no cache-control API, so
``/cache`` sets the ``Cache-Control`` and ``ETag`` headers itself;
``/response`` returns a ``bottle.HTTPResponse``.

With ``middleware=True``, three plugins are installed (``app.install``),
each the simplest kind Bottle's documentation teaches: a decorator that
wraps every route callback in a function calling it and returning what
it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bottle

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

_TEXT = "text/plain; charset=utf-8"


def hello() -> str:
    bottle.response.content_type = _TEXT
    return HELLO


def user(id: str) -> dict[str, Any]:
    return {"id": id}


def buy() -> None:
    bottle.abort(402)


def returned() -> bottle.HTTPError:
    return bottle.HTTPError(402)


def secret() -> None:
    raise bottle.HTTPError(401, headers={"WWW-Authenticate": CHALLENGE})


def headers() -> str:
    bottle.response.content_type = CSV_TYPE
    bottle.response.set_header("X-Frame-Options", FRAME_OPTIONS)
    return CSV


def cookie() -> str:
    bottle.response.content_type = _TEXT
    bottle.response.set_cookie(
        "session", SESSION, max_age=MAX_AGE, secure=True, httponly=True, samesite="Lax"
    )
    return WELCOME


def create_item() -> dict[str, Any]:
    item = bottle.request.json
    bottle.response.status = 201
    return {"sku": item["sku"], "total_cents": item["price_cents"] * item["quantity"]}


def search() -> dict[str, Any]:
    query = bottle.request.query
    return {name: query.get(name) for name in SEARCH_PARAMS}


def gone() -> bottle.HTTPResponse:
    return bottle.HTTPResponse(GONE, status=404, headers={"Content-Type": _TEXT})


def cache() -> str:
    bottle.response.content_type = _TEXT
    bottle.response.set_header("Cache-Control", f"public, max-age={MAX_AGE}")
    bottle.response.set_header("ETag", f'"{ETAG}"')
    return CACHED


def big() -> bytes:
    bottle.response.content_type = BIG_TYPE
    return BIG


def not_found(error: bottle.HTTPError) -> str:
    bottle.response.content_type = _TEXT
    return NOT_FOUND


def noop_plugin(callback: Callable[..., Any]) -> Callable[..., Any]:
    def noop_wrapper(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    return noop_wrapper


def make_app(n_routes: int = 0, *, middleware: bool = False) -> bottle.Bottle:
    """Build the Bottle app with *n_routes* filler routes."""
    app = bottle.Bottle()
    if middleware:
        for _ in range(NOOP_MIDDLEWARE):
            app.install(noop_plugin)
    app.route("/hello", "GET", hello)
    app.route("/users/<id>", "GET", user)
    app.route("/buy", "GET", buy)
    app.route("/returned", "GET", returned)
    app.route("/secret", "GET", secret)
    app.route("/headers", "GET", headers)
    app.route("/cookie", "GET", cookie)
    app.route("/items", "POST", create_item)
    app.route("/search", "GET", search)
    app.route("/response", "GET", gone)
    app.route("/cache", "GET", cache)
    app.route("/big", "GET", big)
    for prefix in filler_prefixes(n_routes):
        app.route(f"/{prefix}/<id>", "GET", user)
    app.route("/last/<id>", "GET", user)
    app.error(404)(not_found)
    return app


app = make_app()
