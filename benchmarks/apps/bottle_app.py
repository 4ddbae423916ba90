"""``bottle``: a ``bottle.Bottle()`` of its own (not the module default).

``/buy`` calls ``bottle.abort(402)``, ``/returned`` returns a
``bottle.HTTPError`` (Bottle treats a returned one like a raised one),
``/secret`` raises ``HTTPError`` with the challenge header; Bottle's default
error page renders them. A returned ``dict`` becomes JSON; the custom 404 is
an ``error(404)`` handler.
"""

from __future__ import annotations

from typing import Any

import bottle

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes

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


def not_found(error: bottle.HTTPError) -> str:
    bottle.response.content_type = _TEXT
    return NOT_FOUND


def make_app(n_routes: int = 0) -> bottle.Bottle:
    """Build the Bottle app with *n_routes* filler routes."""
    app = bottle.Bottle()
    app.route("/hello", "GET", hello)
    app.route("/users/<id>", "GET", user)
    app.route("/buy", "GET", buy)
    app.route("/returned", "GET", returned)
    app.route("/secret", "GET", secret)
    for prefix in filler_prefixes(n_routes):
        app.route(f"/{prefix}/<id>", "GET", user)
    app.route("/last/<id>", "GET", user)
    app.error(404)(not_found)
    return app


app = make_app()
