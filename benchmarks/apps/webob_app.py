"""``webob``: WebOb alone, the floor a WebOb framework stands on.

What someone would write without a framework: ``webob.Request`` in,
``webob.Response`` or a raised (or returned) ``webob.exc`` exception out,
a dict for the static paths and one regular expression for the
``/{prefix}/{id}`` shape followed by a dict lookup of the prefix, so the
dispatch costs the same for any number of routes. Like ``bare``, it
dispatches on the path alone: ``/items`` answers any method.

With ``middleware=True``, the app is wrapped three times in a function
made WSGI middleware by ``webob.dec.wsgify.middleware``, which passes the
request on with ``request.get_response(app)`` and returns the response.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from webob import Request, Response
from webob.dec import wsgify
from webob.exc import HTTPException, HTTPPaymentRequired, HTTPUnauthorized

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

_WITH_ID = re.compile(r"/([^/]+)/([^/]+)\Z")


def hello(request: Request) -> Response:
    return Response(HELLO, content_type="text/plain")


def user(request: Request, user_id: str) -> Response:
    return Response(json_body={"id": user_id})


def buy(request: Request) -> Response:
    raise HTTPPaymentRequired()


def returned(request: Request) -> Response:
    return HTTPPaymentRequired()


def secret(request: Request) -> Response:
    raise HTTPUnauthorized(headers={"WWW-Authenticate": CHALLENGE})


def headers(request: Request) -> Response:
    response = Response(CSV, content_type=CSV_TYPE)
    response.headers["X-Frame-Options"] = FRAME_OPTIONS
    return response


def cookie(request: Request) -> Response:
    response = Response(WELCOME, content_type="text/plain")
    response.set_cookie(
        "session", SESSION, max_age=MAX_AGE, secure=True, httponly=True, samesite="Lax"
    )
    return response


def create_item(request: Request) -> Response:
    item = request.json_body
    created = {
        "sku": item["sku"],
        "total_cents": item["price_cents"] * item["quantity"],
    }
    return Response(json_body=created, status=201)


def search(request: Request) -> Response:
    return Response(json_body={name: request.GET[name] for name in SEARCH_PARAMS})


def gone(request: Request) -> Response:
    return Response(GONE, status=404, content_type="text/plain", charset="utf-8")


def cache(request: Request) -> Response:
    response = Response(CACHED, content_type="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.etag = ETAG
    return response


def big(request: Request) -> Response:
    return Response(BIG, content_type=BIG_TYPE)


def not_found(request: Request) -> Response:
    return Response(NOT_FOUND, status=404, content_type="text/plain")


@wsgify.middleware
def noop(request: Request, app: Callable[..., Iterable[bytes]]) -> Response:
    return request.get_response(app)


def make_app(
    n_routes: int = 0, *, middleware: bool = False
) -> Callable[..., Iterable[bytes]]:
    """Build the WebOb app with *n_routes* filler routes."""
    static = {
        "/hello": hello,
        "/buy": buy,
        "/returned": returned,
        "/secret": secret,
        "/headers": headers,
        "/cookie": cookie,
        "/items": create_item,
        "/search": search,
        "/response": gone,
        "/cache": cache,
        "/big": big,
    }
    with_id = dict.fromkeys(["users", *filler_prefixes(n_routes), "last"], user)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        path = request.path_info
        response: Callable[..., Iterable[bytes]]
        try:
            view = static.get(path)
            if view is not None:
                response = view(request)
            else:
                match = _WITH_ID.match(path)
                id_view = with_id.get(match[1]) if match else None
                if id_view is not None and match:
                    response = id_view(request, match[2])
                else:
                    response = not_found(request)
        except HTTPException as exc:
            response = exc
        return response(environ, start_response)

    wrapped: Callable[..., Iterable[bytes]] = app
    if middleware:
        for _ in range(NOOP_MIDDLEWARE):
            wrapped = noop(wrapped)
    return wrapped


app = make_app()
