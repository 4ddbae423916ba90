"""``bare``: the floor, a WSGI callable written by hand.

No request or response objects and no exceptions: one dict lookup for the
static paths, one split and dict lookup for ``/{prefix}/{id}``, prebuilt
header lists. Whatever a framework costs beyond this is its own.

The realistic views send prebuilt answers too (the cookie with ``Max-Age``
and no ``Expires``, which needs no clock), except ``/items``, which reads
and parses the body, and ``/search``, which parses the query string. Like
``webob``, it dispatches on the path alone: ``/items`` answers any method.

With ``middleware=True``, the app is wrapped three times in a WSGI
callable that calls the app it wraps and returns its body iterable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

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
Handler = Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]
WSGIApp = Callable[..., Iterable[bytes]]


def _fixed(
    status: str, body: bytes, *extra: tuple[str, str], content_type: str = _TEXT
) -> Handler:
    """Return a handler that always sends the same prebuilt answer."""
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        *extra,
    ]

    def handler(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> list[bytes]:
        start_response(status, list(headers))
        return [body]

    return handler


_hello = _fixed("200 OK", HELLO.encode())
_payment = _fixed("402 Payment Required", b"402 Payment Required")
_secret = _fixed(
    "401 Unauthorized", b"401 Unauthorized", ("WWW-Authenticate", CHALLENGE)
)
_not_found = _fixed("404 Not Found", NOT_FOUND.encode())
_headers = _fixed(
    "200 OK",
    CSV.encode(),
    ("X-Frame-Options", FRAME_OPTIONS),
    content_type=CSV_TYPE,
)
_cookie = _fixed(
    "200 OK",
    WELCOME.encode(),
    (
        "Set-Cookie",
        f"session={SESSION}; Max-Age={MAX_AGE}; Path=/; Secure; HttpOnly; SameSite=Lax",
    ),
)
_gone = _fixed("404 Not Found", GONE.encode())
_cache = _fixed(
    "200 OK",
    CACHED.encode(),
    ("Cache-Control", f"public, max-age={MAX_AGE}"),
    ("ETag", f'"{ETAG}"'),
)
_big = _fixed("200 OK", BIG, content_type=BIG_TYPE)


def _json(start_response: Callable[..., Any], status: str, data: Any) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _user(start_response: Callable[..., Any], user_id: str) -> list[bytes]:
    return _json(start_response, "200 OK", {"id": user_id})


def _create_item(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> list[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    item = json.loads(environ["wsgi.input"].read(length))
    created = {
        "sku": item["sku"],
        "total_cents": item["price_cents"] * item["quantity"],
    }
    return _json(start_response, "201 Created", created)


def _search(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    query = dict(parse_qsl(environ["QUERY_STRING"]))
    return _json(
        start_response, "200 OK", {name: query[name] for name in SEARCH_PARAMS}
    )


def noop(app: WSGIApp) -> WSGIApp:
    def noop_wrapper(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return app(environ, start_response)

    return noop_wrapper


def make_app(n_routes: int = 0, *, middleware: bool = False) -> WSGIApp:
    """Build the floor with *n_routes* filler routes (all in one dict)."""
    static = {
        "/hello": _hello,
        "/buy": _payment,
        "/returned": _payment,
        "/secret": _secret,
        "/headers": _headers,
        "/cookie": _cookie,
        "/items": _create_item,
        "/search": _search,
        "/response": _gone,
        "/cache": _cache,
        "/big": _big,
    }
    with_id = dict.fromkeys(["users", *filler_prefixes(n_routes), "last"], _user)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        handler = static.get(path)
        if handler is not None:
            return handler(environ, start_response)
        prefix, slash, user_id = path[1:].partition("/")
        if slash and user_id and "/" not in user_id:
            view = with_id.get(prefix)
            if view is not None:
                return view(start_response, user_id)
        return _not_found(environ, start_response)

    if middleware:
        for _ in range(NOOP_MIDDLEWARE):
            app = noop(app)
    return app


app = make_app()
