"""``pyramid``: a Configurator with routes, views and a not-found view.

Production settings (no debug or reload flags, no toolbar, only the default
tweens). ``/users/{id}`` uses the ``json`` renderer; ``/buy`` and ``/secret``
raise ``pyramid.httpexceptions`` classes, rendered by Pyramid's default
exception view; ``/returned`` returns the exception, which Pyramid sends as
the response it is.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPPaymentRequired, HTTPUnauthorized
from pyramid.request import Request
from pyramid.response import Response
from pyramid.router import Router

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes

SETTINGS = {
    "pyramid.reload_templates": False,
    "pyramid.reload_assets": False,
    "pyramid.debug_authorization": False,
    "pyramid.debug_notfound": False,
    "pyramid.debug_routematch": False,
    "pyramid.prevent_http_cache": False,
}


def hello(request: Request) -> Response:
    return Response(HELLO, content_type="text/plain")


def user(request: Request) -> dict[str, Any]:
    return {"id": request.matchdict["id"]}


def buy(request: Request) -> Response:
    raise HTTPPaymentRequired()


def returned(request: Request) -> Response:
    return HTTPPaymentRequired()


def secret(request: Request) -> Response:
    raise HTTPUnauthorized(headers={"WWW-Authenticate": CHALLENGE})


def not_found(request: Request) -> Response:
    return Response(NOT_FOUND, status=404, content_type="text/plain")


def make_app(n_routes: int = 0) -> Router:
    """Build the Pyramid app with *n_routes* filler routes."""
    with Configurator(settings=SETTINGS) as config:
        config.add_route("hello", "/hello")
        config.add_view(hello, route_name="hello")
        config.add_route("users", "/users/{id}")
        config.add_view(user, route_name="users", renderer="json")
        for name, view in (("buy", buy), ("returned", returned), ("secret", secret)):
            config.add_route(name, f"/{name}")
            config.add_view(view, route_name=name)
        for prefix in filler_prefixes(n_routes):
            config.add_route(prefix, f"/{prefix}/{{id}}")
            config.add_view(user, route_name=prefix, renderer="json")
        config.add_route("last", "/last/{id}")
        config.add_view(user, route_name="last", renderer="json")
        config.add_notfound_view(not_found)
    return config.make_wsgi_app()


app = make_app()
