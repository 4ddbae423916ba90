"""``flask``: a Flask app, debug and testing off, no extensions.

Werkzeug has no exception for 402, so a small ``HTTPException`` subclass is
registered with the app's aborter and ``/buy`` calls ``abort(402)``; Flask
cannot return an exception, so ``/returned`` aborts too. ``/secret`` raises
``Unauthorized`` with the challenge; the custom 404 is an error handler. A
returned ``dict`` becomes JSON.

The realistic views build their response with ``make_response`` and set
its headers, cookie and ``cache_control`` there (``set_etag`` for the
ETag), or return a ``(body, status)`` or ``(body, headers)`` tuple; they
read ``request.get_json()`` and ``request.args``; ``/response`` returns a
``flask.Response``.

With ``middleware=True``, three pairs of hooks run around every request,
the per-request hooks Flask's documentation teaches: a ``before_request``
function that returns ``None`` (go on to the view) and an
``after_request`` function that returns the response it is given.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Flask, Response, abort, make_response, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import HTTPException, Unauthorized

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

_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
_CHALLENGE = WWWAuthenticate.from_header(CHALLENGE)


class PaymentRequired(HTTPException):
    code = 402
    description = "Payment is needed to access this resource."


def hello() -> tuple[str, dict[str, str]]:
    return HELLO, _TEXT


def user(id: str) -> dict[str, Any]:
    return {"id": id}


def buy() -> NoReturn:
    abort(402)


def secret() -> NoReturn:
    raise Unauthorized(www_authenticate=_CHALLENGE)


def headers() -> Response:
    response = make_response(CSV)
    response.content_type = CSV_TYPE
    response.headers["X-Frame-Options"] = FRAME_OPTIONS
    return response


def cookie() -> Response:
    response = make_response(WELCOME, _TEXT)
    response.set_cookie(
        "session", SESSION, max_age=MAX_AGE, secure=True, httponly=True, samesite="Lax"
    )
    return response


def create_item() -> tuple[dict[str, Any], int]:
    item = request.get_json()
    return {
        "sku": item["sku"],
        "total_cents": item["price_cents"] * item["quantity"],
    }, 201


def search() -> dict[str, Any]:
    return {name: request.args[name] for name in SEARCH_PARAMS}


def gone() -> Response:
    return Response(GONE, status=404, content_type="text/plain; charset=utf-8")


def cache() -> Response:
    response = make_response(CACHED, _TEXT)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.set_etag(ETAG)
    return response


def big() -> tuple[bytes, dict[str, str]]:
    return BIG, {"Content-Type": BIG_TYPE}


def not_found(error: Exception) -> tuple[str, int, dict[str, str]]:
    return NOT_FOUND, 404, _TEXT


def noop_before_request() -> None:
    return None


def noop_after_request(response: Response) -> Response:
    return response


def make_app(n_routes: int = 0, *, middleware: bool = False) -> Flask:
    """Build the Flask app with *n_routes* filler routes."""
    app = Flask(__name__)
    app.config.update(DEBUG=False, TESTING=False)
    if middleware:
        for _ in range(NOOP_MIDDLEWARE):
            app.before_request(noop_before_request)
            app.after_request(noop_after_request)
    app.aborter.mapping[402] = PaymentRequired
    app.add_url_rule("/hello", "hello", hello)
    app.add_url_rule("/users/<id>", "users", user)
    app.add_url_rule("/buy", "buy", buy)
    app.add_url_rule("/returned", "returned", buy)
    app.add_url_rule("/secret", "secret", secret)
    app.add_url_rule("/headers", "headers", headers)
    app.add_url_rule("/cookie", "cookie", cookie)
    app.add_url_rule("/items", "items", create_item, methods=["POST"])
    app.add_url_rule("/search", "search", search)
    app.add_url_rule("/response", "response", gone)
    app.add_url_rule("/cache", "cache", cache)
    app.add_url_rule("/big", "big", big)
    for prefix in filler_prefixes(n_routes):
        app.add_url_rule(f"/{prefix}/<id>", prefix, user)
    app.add_url_rule("/last/<id>", "last", user)
    app.register_error_handler(404, not_found)
    return app


app = make_app()
