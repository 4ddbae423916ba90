"""Middleware: code that runs around every request the App answers.

A middleware is a function of the request and ``call_next``, which runs
the rest of the App -- the middleware registered after it, routing, the
permission check, the view, the exception views -- and returns the
response that would be sent::

    @app.middleware
    def security_headers(request, call_next):
        response = call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

The first registered is the outermost: it sees the request first and the
response last. ``call_next`` never raises: the framework's own answers
(404, 405, 403, OPTIONS) and every error come back as responses -- an HTTP
exception the view raised or returned, or the 500 an unhandled exception
became, with ``request.exception`` set to what was raised. The response is
this request's own: changing it never changes what another request gets,
even when the view raised an exception prepared once and shared.

A middleware may answer by itself, without calling ``call_next``: it
returns a response, or raises or returns an HTTP exception, which the
exception views then answer as they answer a view's. Any other exception
it raises is treated as a view's would be: the exception views, else a
logged 500; the next request is served as usual.

Middleware with state of its own (a connection pool, a counter) is an
object with a ``__call__(self, request, call_next)``, registered as an
instance: ``app.add_middleware(Transactions(pool))``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import webob

from ._views import _refuse_async
from .request import Request
from .routing import ConfigurationError, _describe

__all__ = ["CallNext", "Middleware"]

#: ``call_next(request)``: the rest of the App, returning the response.
CallNext = Callable[[Request], webob.Response]
#: ``middleware(request, call_next)``, returning a response.
Middleware = Callable[[Request, CallNext], webob.Response]


def _check_middleware(middleware: Any) -> None:
    """Refuse at registration what could never answer a request.

    :raises ConfigurationError: for a class (an instance is wanted), an
        object that cannot be called, or an ``async def`` function.
    """
    if isinstance(middleware, type):
        raise ConfigurationError(
            f"middleware {_describe(middleware)} is a class: register an "
            f"instance, e.g. add_middleware({middleware.__name__}())"
        )
    if not callable(middleware):
        raise ConfigurationError(
            f"middleware must be callable as middleware(request, call_next), "
            f"not {middleware!r}"
        )
    _refuse_async(middleware, "middleware")
