"""``webob``: WebOb alone, the floor a WebOb framework stands on.

What someone would write without a framework: ``webob.Request`` in,
``webob.Response`` or a raised (or returned) ``webob.exc`` exception out,
a dict for the static paths and one regular expression for the
``/{prefix}/{id}`` shape followed by a dict lookup of the prefix, so the
dispatch costs the same for any number of routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from webob import Request, Response
from webob.exc import HTTPException, HTTPPaymentRequired, HTTPUnauthorized

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes

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


def not_found(request: Request) -> Response:
    return Response(NOT_FOUND, status=404, content_type="text/plain")


def make_app(n_routes: int = 0) -> Callable[..., Iterable[bytes]]:
    """Build the WebOb app with *n_routes* filler routes."""
    static = {"/hello": hello, "/buy": buy, "/returned": returned, "/secret": secret}
    with_id = dict.fromkeys(["users", *filler_prefixes(n_routes), "last"], user)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        path = request.path_info
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

    return app


app = make_app()
