"""``flask``: a Flask app, debug and testing off, no extensions.

Werkzeug has no exception for 402, so a small ``HTTPException`` subclass is
registered with the app's aborter and ``/buy`` calls ``abort(402)``; Flask
cannot return an exception, so ``/returned`` aborts too. ``/secret`` raises
``Unauthorized`` with the challenge; the custom 404 is an error handler. A
returned ``dict`` becomes JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import HTTPException, Unauthorized

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes

_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
_CHALLENGE = WWWAuthenticate.from_header(CHALLENGE)


class PaymentRequired(HTTPException):
    code = 402
    description = "Payment is needed to access this resource."


def hello() -> tuple[str, dict[str, str]]:
    return HELLO, _TEXT


def user(id: str) -> dict[str, Any]:
    return {"id": id}


def buy() -> None:
    abort(402)


def secret() -> None:
    raise Unauthorized(www_authenticate=_CHALLENGE)


def not_found(error: Exception) -> tuple[str, int, dict[str, str]]:
    return NOT_FOUND, 404, _TEXT


def make_app(n_routes: int = 0) -> Flask:
    """Build the Flask app with *n_routes* filler routes."""
    app = Flask(__name__)
    app.config.update(DEBUG=False, TESTING=False)
    app.aborter.mapping[402] = PaymentRequired
    app.add_url_rule("/hello", "hello", hello)
    app.add_url_rule("/users/<id>", "users", user)
    app.add_url_rule("/buy", "buy", buy)
    app.add_url_rule("/returned", "returned", buy)
    app.add_url_rule("/secret", "secret", secret)
    for prefix in filler_prefixes(n_routes):
        app.add_url_rule(f"/{prefix}/<id>", prefix, user)
    app.add_url_rule("/last/<id>", "last", user)
    app.register_error_handler(404, not_found)
    return app


app = make_app()
