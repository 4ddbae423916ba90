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

from ._sending import _ok
from .httpexceptions import HTTPException
from .request import TEXT_PLAIN, Request
from .routing import _describe

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from ._exception_views import ExceptionViews

# Both our exceptions and WebOb's are responses; ``webob.exc.HTTPException``
# is the base of every WebOb HTTP exception (``wsgi_response`` is the response).
_HTTP_EXCEPTIONS = (HTTPException, webob.exc.HTTPException)

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


def to_response(
    request: Request,
    result: Any,
    view: Callable[..., Any],
    exception_views: ExceptionViews,
) -> WSGIApplication:
    """Turn what *view* returned into a response."""
    if request._response is None:
        # The view left request.response alone: a plain value's headers
        # are known, and no response object is needed to send them.
        kind = type(result)
        if kind is str:
            return _ok(TEXT_PLAIN, result.encode("utf-8"))
        if kind is dict or kind is list:
            return _ok(_JSON, _json_body(result, view))
        if kind is bytes:
            return _ok(_OCTET_STREAM, result)
    if isinstance(result, webob.Response):
        if isinstance(result, _HTTP_EXCEPTIONS):
            # Returned is the same as raised.
            return exception_views.answer(request, result)
        return result
    return _plain_response(request, result, view)


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
