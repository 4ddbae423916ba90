"""What a view returned, as a response: text, bytes, JSON or a Response.

A view returns a response (sent as it is), an HTTP exception (the same as
raising it), or a plain value that becomes the body of
``request.response``: ``str`` is text in its charset, ``bytes`` are
``application/octet-stream`` and a ``dict`` or ``list`` is JSON, unless the
view chose a content type. A view that leaves ``request.response`` alone
gets a prebuilt answer from :func:`_ok`, with no response object at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import webob
import webob.exc

from .request import TEXT_PLAIN, Request
from .routing import _describe

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

_JSON = ("Content-Type", "application/json")

_OCTET_STREAM = ("Content-Type", "application/octet-stream")

# JSON as json.dumps() writes it, refusing NaN and Infinity, which JSON lacks.
_encode_json = json.JSONEncoder(allow_nan=False).encode


def _json_body(value: Any, view: Callable[..., Any]) -> bytes:
    try:
        return _encode_json(value).encode("utf-8")
    except (TypeError, ValueError) as exc:  # NaN, a set, a cycle ...
        raise ValueError(
            f"view {_describe(view)} returned {type(value).__name__} that is "
            f"not JSON: {exc}"
        ) from exc


def _plain_response(
    request: Request, result: Any, view: Callable[..., Any]
) -> WSGIApplication:
    """Turn a view's plain return value into ``request.response``.

    Text is encoded in the response's charset; bytes are
    ``application/octet-stream`` and a dict or list is JSON, unless the
    view chose a content type.
    """
    if result is None:
        return request.response
    response = request.response
    if isinstance(result, str):
        response.text = result
    elif isinstance(result, bytes):
        _type_bytes(response.headerlist)
        response.body = result
    elif isinstance(result, (dict, list)):
        if response.content_type == "text/plain":
            response.content_type = "application/json"
        response.body = _json_body(result, view)
    else:
        raise TypeError(
            f"view {_describe(view)} returned {type(result).__name__}; a view "
            "returns a Response, str, bytes, dict, list or None"
        )
    return response


def _type_bytes(headerlist: list[tuple[str, str]]) -> None:
    """Make bytes ``application/octet-stream`` unless the view chose a type.

    ``request.response`` is made with ``text/plain; charset=UTF-8`` first;
    setting a header moves it to the end, so a first header still equal
    to that one is not the view's choice.
    """
    if headerlist and headerlist[0] == TEXT_PLAIN:
        headerlist[0] = _OCTET_STREAM


def _as_response(result: BaseException | webob.Response) -> WSGIApplication:
    if isinstance(result, webob.exc.HTTPException) and not isinstance(
        result, webob.Response
    ):
        return result.wsgi_response
    return result  # type: ignore[return-value]
