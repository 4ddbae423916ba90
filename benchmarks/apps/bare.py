"""``bare``: the floor, a WSGI callable written by hand.

No request or response objects and no exceptions: one dict lookup for the
static paths, one split and dict lookup for ``/{prefix}/{id}``, prebuilt
header lists. Whatever a framework costs beyond this is its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from .common import CHALLENGE, HELLO, NOT_FOUND, filler_prefixes

_TEXT = "text/plain; charset=utf-8"
Handler = Callable[[Callable[..., Any]], list[bytes]]


def _fixed(status: str, body: bytes, *extra: tuple[str, str]) -> Handler:
    """Return a handler that always sends the same prebuilt answer."""
    headers = [("Content-Type", _TEXT), ("Content-Length", str(len(body))), *extra]

    def handler(start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status, list(headers))
        return [body]

    return handler


_hello = _fixed("200 OK", HELLO.encode())
_payment = _fixed("402 Payment Required", b"402 Payment Required")
_secret = _fixed(
    "401 Unauthorized", b"401 Unauthorized", ("WWW-Authenticate", CHALLENGE)
)
_not_found = _fixed("404 Not Found", NOT_FOUND.encode())


def _user(start_response: Callable[..., Any], user_id: str) -> list[bytes]:
    body = json.dumps({"id": user_id}).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def make_app(n_routes: int = 0) -> Callable[..., Iterable[bytes]]:
    """Build the floor with *n_routes* filler routes (all in one dict)."""
    static = {
        "/hello": _hello,
        "/buy": _payment,
        "/returned": _payment,
        "/secret": _secret,
    }
    with_id = dict.fromkeys(["users", *filler_prefixes(n_routes), "last"], _user)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        handler = static.get(path)
        if handler is not None:
            return handler(start_response)
        prefix, slash, user_id = path[1:].partition("/")
        if slash and user_id and "/" not in user_id:
            view = with_id.get(prefix)
            if view is not None:
                return view(start_response, user_id)
        return _not_found(start_response)

    return app


app = make_app()
