"""The App's answers when no route serves a request: 404, 405 and OPTIONS.

A path some route matches, with another method, is answered ``405 Method
Not Allowed`` with ``Allow`` (``OPTIONS`` is answered with ``Allow``
alone); a path no route matches is ``404 Not Found``, or, with a Not Found
view's ``append_slash``, a redirect to the path with a ``/`` appended when a
route matches that. In debug mode, the 404 lists the routes and the 405
names them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import webob

from ._exception_views import ExceptionViews, _logger
from ._views import _patterns
from .httpexceptions import (
    HTTPMethodNotAllowed,
    HTTPMovedPermanently,
    HTTPNotFound,
    HTTPPermanentRedirect,
)
from .request import Request
from .routing import Router

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

# What may stay unquoted in a query string we copy into a Location header.
_QUERY_SAFE = "/?:@!$&'()*+,;=%~"


def no_route(
    router: Router,
    views: ExceptionViews,
    request: Request,
    path: str,
    method: str,
    allowed: frozenset[str] | None,
) -> WSGIApplication:
    """The answer when no route serves *method* on *path*.

    :param allowed: the methods the routes of *path* serve, or ``None`` when
        no route matches *path*.
    """
    if allowed is not None:
        allow = sorted(allowed)
        if method == "OPTIONS":
            # WebOb adds Content-Length: 0 to a response without a body.
            return webob.Response(headerlist=[("Allow", ", ".join(allow))])
        detail = None
        if views.debug:
            detail = (
                f"{method} is not allowed for {path!r}: routes "
                f"{_patterns(router.candidates(path))} allow "
                f"{', '.join(allow)}."
            )
            _logger().info("405 %s", detail)
        # Returned rather than raised (the same, and cheaper).
        return views.answer(request, HTTPMethodNotAllowed(detail=detail, allow=allow))
    if views.append_slash and not path.endswith("/") and views.appends_slash(path):
        found = router.match(path + "/", method)
        if found is not None:
            location = request.path + "/"
            if request.query_string:
                # Re-quoted: the raw query may hold bytes a header may not.
                # WSGI gives it as latin-1 text, one character per byte.
                location += "?" + quote(
                    request.query_string, safe=_QUERY_SAFE, encoding="latin-1"
                )
            if method in ("GET", "HEAD"):
                return HTTPMovedPermanently(location=location)
            return HTTPPermanentRedirect(location=location)
    if views.debug:  # a page that lists the routes
        from ._debug_pages import _DebugNotFound

        not_found: HTTPNotFound = _DebugNotFound(path, router.routes)
        _logger().info("404 %s", not_found.detail)
    else:
        not_found = HTTPNotFound()
    return views.answer(request, not_found)
