"""Sending a response: the checks before it goes out, the close after.

Whatever a request's answer is -- a prebuilt :class:`_Body`, a
:class:`~httpx_views.Response`, an HTTP exception other requests may send
too, a WebOb response -- :func:`_checked` checks that a server may send it
(the status line, each header, a redirect's ``Location``) and adds what
this request's answer needs (an ``Allow``, a ``Vary``) to a copy of the
headers; :func:`_close_unsent` closes a body that is not sent (PEP 3333).
:func:`own` gives middleware and response callbacks a response they may
change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import webob
import webob.exc
import webob.util

from ._header_checks import _check_headerlist, _check_status
from .httpexceptions import HTTPException, status_map
from .response import Response, _add_vary, _sent_as

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .request import Request

# Status lines sent as they are: well-formed, a body allowed, no Location
# or Allow to see to. Any other is checked before it is sent.
_PLAIN_STATUSES = frozenset(
    f"{code} {title}"
    for code, title in [
        *((code, cls.title) for code, cls in status_map.items()),
        *webob.util.status_reasons.items(),
    ]
    if (200 <= code < 300 and code not in (204, 205))
    or (400 <= code < 600 and code != 405)
)

# Redirects a client follows at once: an empty or missing Location would
# send it back where it came from.
_NEEDS_LOCATION = ("301", "302", "303", "307", "308")

# Statuses that never have a body (205 says so with Content-Length: 0).
_NO_BODY = ("204", "205", "304")

_NOT_SENT_WITHOUT_BODY = ("content-type", "content-length", "content-md5")


class _Body:
    """A response sent with exactly this status, header list and body.

    Whoever makes one checks the status and headers: it is sent as it is.
    """

    __slots__ = ("app_iter", "headerlist", "status")

    def __init__(
        self,
        status: str,
        headerlist: list[tuple[str, str]],
        app_iter: Iterable[bytes],
    ) -> None:
        self.status = status
        self.headerlist = headerlist
        self.app_iter = app_iter

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        start_response(self.status, self.headerlist)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else self.app_iter


def _ok(content_type: tuple[str, str], body: bytes) -> _Body:
    return _Body("200 OK", [content_type, ("Content-Length", str(len(body)))], [body])


def own(response: WSGIApplication, request: Request) -> Response:
    """What *response* would send for *request*, as a response of its own.

    Middleware and response callbacks may change the response they get,
    but a view's answer may be shared by many requests: an exception
    prepared once and raised again, a module-level Response. So they get
    what it would send -- status, headers and body iterable, captured as
    the App sends it -- in a new :class:`~httpx_views.Response` that only
    this request holds. The one made last for this request is passed on
    as it is (a middleware that returns what ``call_next`` gave it).

    What it captured has passed :func:`_checked`, which sends it again
    without checking while its status, headers and body are unchanged.

    :raises ValueError: as :func:`_checked` does.
    """
    attributes = request.__dict__
    owned: Response | None = attributes.get("_own_response")
    if response is owned:
        return owned
    if type(response) is _Body:
        # Made for this request, so its header list needs no copy; its
        # answer to HEAD is no body, as a captured one is.
        head = request.environ["REQUEST_METHOD"] == "HEAD"
        body = [] if head else response.app_iter
        owned = _sent_as(response.status, response.headerlist, body)
        sender = response
    else:
        captured: list[Any] = []

        def start(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            captured[:] = status, headers

        sent = _checked(response, request)  # type: ignore[arg-type]
        app_iter = sent(request.environ, start)  # type: ignore[arg-type]
        if sent is not response:
            _close_unsent(response, app_iter)
        status, headers = captured
        owned = _sent_as(status, list(headers), app_iter)
        sender = _Body(status, headers, app_iter)
    attributes["_own_response"] = owned
    # What was checked, kept in this request's own dict and gone with it, so
    # it never reaches another request; one tuple of this answer's status,
    # header list and body iterable, so it holds nothing the answer did not.
    # The headers are a copy: a middleware may change the list in place.
    snapshot = (owned._status, list(owned._headerlist), owned._app_iter)
    attributes["_captured"] = (owned, snapshot, sender)
    return owned


def _close_unsent(response: Any, sent: Iterable[bytes]) -> None:
    """Close *response*'s body unless *sent*, what a copy of it sent, is it.

    An empty answer to HEAD may take over the body's close(): then the
    server closes it.
    """
    body = getattr(response, "_app_iter", None)
    if sent is not body and getattr(sent, "close", None) != getattr(
        body, "close", None
    ):
        _close(response)  # its body is not what is sent (HEAD, a 204)


def _checked(response: webob.Response, request: Request) -> WSGIApplication:
    """Check *response* before it is sent; return what sends it.

    Nothing here changes *response*: it may be an exception that other
    requests send too. What this request's answer needs on top (an
    ``Allow``, a ``Vary``) goes into the header list it is sent with.

    :raises ValueError: for a status line or header no server should send,
        and for a redirect to nowhere.
    """
    checked = request.__dict__.get("_captured")
    if checked is not None and checked[0] is response:
        owned, (status, headers, app_iter), sender = checked
        if (
            owned._status == status
            and owned._headerlist == headers
            and owned._app_iter is app_iter
            and not owned.conditional_response
        ):
            return sender  # type: ignore[no-any-return]  # own() checked it
    if isinstance(response, HTTPException):
        status = response._status
        if status in _PLAIN_STATUSES:
            return response  # it checks its headers when called
        headerlist = response.headerlist
    else:
        headerlist = response.headerlist
        _check_headerlist(headerlist)
        status = response.status
    changes: list[Callable[[list[tuple[str, str]]], None]] = []
    if status not in _PLAIN_STATUSES:
        _check_status(status)
        code = status[:3]
        if code in _NO_BODY:
            headers = [
                pair
                for pair in headerlist
                if pair[0].lower() not in _NOT_SENT_WITHOUT_BODY
            ]
            if code == "205":
                headers.append(("Content-Length", "0"))
            return _Body(status, headers, [b""])
        if status[0] == "3" and not getattr(response, "add_slash", False):
            _check_location(code, headerlist)
        route = request.matched_route
        if code == "405" and route is not None and route.methods is not None:
            # A route serving every method cannot say which ones its view
            # refuses: such a view passes allow= itself.
            allow = ", ".join(sorted(route.methods | {"OPTIONS"}))
            changes.append(lambda headers: _set_default(headers, "Allow", allow))
    if isinstance(response, webob.exc.WSGIHTTPException):
        if not response.has_body:
            changes.append(_vary_accept)  # WebOb negotiates one, as we do
        if request.environ["REQUEST_METHOD"] == "HEAD":
            # WebOb answers HEAD without the headers of the body it makes
            # for GET (and drops its own iterable unclosed).
            return _with_changes(_as_get(response), changes)
    return _with_changes(response, changes) if changes else response


def _vary_accept(headers: list[tuple[str, str]]) -> None:
    _add_vary(headers, "Accept")


def _with_changes(
    response: WSGIApplication, changes: list[Callable[[list[tuple[str, str]]], None]]
) -> WSGIApplication:
    """Send *response* with *changes* made to a copy of the headers it sends."""

    def send(environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            headers = list(headers)
            for change in changes:
                change(headers)
            return start_response(status, headers, *exc_info)

        return response(environ, start)

    return send


def _check_location(code: str, headerlist: list[tuple[str, str]]) -> None:
    """Refuse a redirect to nowhere.

    WebOb would make an empty Location absolute: the request's own URL, a
    loop for the redirects a client follows at once. (Our exceptions leave
    an empty one out, which suits a 300, where it is optional.)

    :raises ValueError: for a 301, 302, 303, 307 or 308 without a Location.
    """
    if code not in _NEEDS_LOCATION:
        return
    for name, value in headerlist:
        if len(name) == 8 and name.lower() == "location" and value:
            return
    raise ValueError(f"a {code} redirect needs a Location header that is not empty")


def _set_default(headers: list[tuple[str, str]], name: str, value: str) -> None:
    lowered = name.lower()
    if not any(header.lower() == lowered for header, _ in headers):
        headers.append((name, value))


def _as_get(response: WSGIApplication) -> WSGIApplication:
    """Answer HEAD with what *response* answers GET, without the body."""

    def head(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        # The GET body is a list, or the response's own iterable, which the
        # App closes: nothing to close here.
        response({**environ, "REQUEST_METHOD": "GET"}, start_response)
        return []

    return head


def _close(response: Any) -> None:
    """Close the iterable of a response that will not be sent (PEP 3333)."""
    # WebOb's app_iter property returns _app_iter, at many times the cost.
    app_iter = getattr(response, "_app_iter", None)
    if type(app_iter) is not list:  # the usual body, with nothing to close
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
