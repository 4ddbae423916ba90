"""``pyramid``: a Configurator with routes, views and a not-found view.

Production settings (no debug or reload flags, no toolbar, only the default
tweens). ``/users/{id}`` uses the ``json`` renderer; ``/buy`` and ``/secret``
raise ``pyramid.httpexceptions`` classes, rendered by Pyramid's default
exception view; ``/returned`` returns the exception, which Pyramid sends as
the response it is. The realistic views adjust ``request.response`` (its
headers, cookie, status and ``cache_control``) and return it, or return a
dict to the ``json`` renderer; they read ``request.json_body`` and
``request.GET``.

With ``middleware=True``, three tweens (``config.add_tween``) pass the
request to the handler they wrap and return its response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPPaymentRequired, HTTPUnauthorized
from pyramid.request import Request
from pyramid.response import Response
from pyramid.router import Router

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


def headers(request: Request) -> Response:
    response = request.response
    response.content_type = CSV_TYPE
    response.headers["X-Frame-Options"] = FRAME_OPTIONS
    response.text = CSV
    return response


def cookie(request: Request) -> Response:
    response = request.response
    response.content_type = "text/plain"
    response.set_cookie(
        "session", SESSION, max_age=MAX_AGE, secure=True, httponly=True, samesite="Lax"
    )
    response.text = WELCOME
    return response


def create_item(request: Request) -> dict[str, Any]:
    item = request.json_body
    request.response.status_code = 201
    return {"sku": item["sku"], "total_cents": item["price_cents"] * item["quantity"]}


def search(request: Request) -> dict[str, Any]:
    return {name: request.GET[name] for name in SEARCH_PARAMS}


def gone(request: Request) -> Response:
    return Response(GONE, status=404, content_type="text/plain", charset="utf-8")


def cache(request: Request) -> Response:
    response = request.response
    response.content_type = "text/plain"
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.etag = ETAG
    response.text = CACHED
    return response


def big(request: Request) -> Response:
    return Response(BIG, content_type=BIG_TYPE)


def not_found(request: Request) -> Response:
    return Response(NOT_FOUND, status=404, content_type="text/plain")


Handler = Callable[[Request], Response]


def noop_tween_factory(handler: Handler, registry: Any) -> Handler:
    def noop_tween(request: Request) -> Response:
        return handler(request)

    return noop_tween


# Pyramid knows a tween by the dotted name of its factory and takes each
# name once: three names for the one factory make three tweens.
noop_tween_1 = noop_tween_2 = noop_tween_3 = noop_tween_factory
_NOOP_TWEENS = [f"{__name__}.noop_tween_{i}" for i in range(1, NOOP_MIDDLEWARE + 1)]


def make_app(n_routes: int = 0, *, middleware: bool = False) -> Router:
    """Build the Pyramid app with *n_routes* filler routes."""
    with Configurator(settings=SETTINGS) as config:
        if middleware:
            for name in _NOOP_TWEENS:
                config.add_tween(name)
        config.add_route("hello", "/hello")
        config.add_view(hello, route_name="hello")
        config.add_route("users", "/users/{id}")
        config.add_view(user, route_name="users", renderer="json")
        for name, view in (("buy", buy), ("returned", returned), ("secret", secret)):
            config.add_route(name, f"/{name}")
            config.add_view(view, route_name=name)
        for name, view in (("headers", headers), ("cookie", cookie)):
            config.add_route(name, f"/{name}")
            config.add_view(view, route_name=name)
        config.add_route("items", "/items", request_method="POST")
        config.add_view(create_item, route_name="items", renderer="json")
        config.add_route("search", "/search")
        config.add_view(search, route_name="search", renderer="json")
        for name, view in (("response", gone), ("cache", cache), ("big", big)):
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
