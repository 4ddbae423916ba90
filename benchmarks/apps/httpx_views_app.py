"""``httpx_views``: the App as its documentation teaches it.

Views return plain values (a ``str`` for text, a ``dict`` for JSON) and let
the framework build the response; ``/buy`` raises and ``/returned`` returns
:class:`HTTPPaymentRequired`, ``/secret`` raises :class:`HTTPUnauthorized`
with its challenge. The not-found view sets the status on
``request.response`` and returns the text, as a view adjusting its response
does. Nothing is tuned for the benchmark.

Also usable by the shared yardstick:
``--extra httpx_views=benchmarks.apps.httpx_views_app:app``.
"""

from __future__ import annotations

from typing import Any

from httpx_views import App, HTTPPaymentRequired, HTTPUnauthorized, Request

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes


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


def not_found(request: Request) -> str:
    request.response.status_code = 404
    return NOT_FOUND


def make_app(n_routes: int = 0) -> App:
    """Build the contestant with *n_routes* filler routes."""
    app = App()
    app.add_route("/hello", hello)
    app.add_route("/users/{id}", user)
    app.add_route("/buy", buy)
    app.add_route("/returned", returned)
    app.add_route("/secret", secret)
    for prefix in filler_prefixes(n_routes):
        app.add_route(f"/{prefix}/{{id}}", user)
    app.add_route("/last/{id}", user)
    app.notfound_view(not_found)
    return app


app = make_app()
