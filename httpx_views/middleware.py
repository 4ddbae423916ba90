"""Middleware and request callbacks: code around every request.

A middleware is a function of the request and ``call_next``, which runs
the rest of the App -- the middleware registered after it, routing, the
permission check, the view, the exception views -- and returns the
response that would be sent:

>>> from httpx_views import App
>>> app = App()
>>> @app.middleware
... def security_headers(request, call_next):
...     response = call_next(request)
...     response.headers["X-Content-Type-Options"] = "nosniff"
...     return response
>>> @app.route("/")
... def home(request):
...     return "Home."
>>> from webtest import TestApp
>>> TestApp(app).get("/").headers["X-Content-Type-Options"]
'nosniff'

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

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import webob
import webob.exc

from ._exception_views import log_error
from ._results import _HTTP_EXCEPTIONS
from ._sending import _close, own
from ._views import _refuse_async
from .request import Request
from .routing import ConfigurationError, _describe

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from ._exception_views import ExceptionViews

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


def _chain(
    middleware: Sequence[Middleware],
    dispatch: Callable[[Request], WSGIApplication],
    views: ExceptionViews,
) -> CallNext:
    """*middleware* around *dispatch*, the first outermost: the App's answer.

    What it returns is never an exception: each layer answers what the one
    inside it raised, as the App answers what a view raised.
    """

    def innermost(request: Request) -> webob.Response:
        response: WSGIApplication
        try:
            response = dispatch(request)
        except Exception as exc:
            response = views.answer(request, exc)
            exc.__traceback__ = None  # see App.__call__
        try:  # _own(), inlined: this runs on every request
            return own(response, request)
        except Exception as exc:
            return _unsendable(request, response, exc, views)

    call_next: CallNext = innermost
    for each in reversed(middleware):
        call_next = _layer(each, call_next, views)
    return call_next


def _layer(
    middleware: Middleware, call_next: CallNext, views: ExceptionViews
) -> CallNext:
    """*middleware* around *call_next*, as the next layer out calls it."""

    def answer(request: Request) -> webob.Response:
        result: WSGIApplication
        try:
            result = middleware(request, call_next)
        except Exception as exc:
            result = views.answer(request, exc)
            exc.__traceback__ = None  # see App.__call__
        else:
            if result is request._own_response:
                return result
            if isinstance(result, _HTTP_EXCEPTIONS):
                # Returned is the same as raised, as for a view.
                result = views.answer(request, result)
            elif not isinstance(result, webob.Response):
                problem = TypeError(
                    f"middleware {_describe(middleware)} returned "
                    f"{type(result).__name__}, not a response"
                )
                result = views.answer(request, problem)
        return _own(request, result, views)

    return answer


def _own(
    request: Request, response: WSGIApplication, views: ExceptionViews
) -> webob.Response:
    """*response* as only this request holds it (see :func:`own`), or a 500."""
    try:
        return own(response, request)
    except Exception as exc:
        return _unsendable(request, response, exc, views)


def _unsendable(
    request: Request,
    response: WSGIApplication,
    exc: Exception,
    views: ExceptionViews,
) -> webob.Response:
    """The App's plain 500 for *response*, which :func:`own` could not send.

    As when the App sends it (see ``App.__call__``): logged, never answered
    by an exception view.
    """
    _close(response)
    log_error(request, exc)
    error = views.server_error(exc, request)
    error.__cause__ = exc
    request.__dict__["exception"] = error
    exc.__traceback__ = None
    return own(error, request)


def _call_response_callbacks(
    request: Request, response: WSGIApplication, views: ExceptionViews
) -> WSGIApplication:
    """Call the response callbacks, in the order added, on the response.

    One that fails is logged and makes the answer the App's 500; the rest
    are not called, since the response they were for is not sent.
    """
    callbacks = request.__dict__["_response_callbacks"]
    owned = _own(request, response, views)
    try:
        while callbacks:  # a callback may add another
            callbacks.pop(0)(request, owned)
    except Exception as exc:
        _close(owned)
        return views.internal_error(request, exc)
    return owned


def _call_finished_callbacks(request: Request) -> None:
    """Call the finished callbacks, in the order added; log any failure."""
    callbacks = request.__dict__["_finished_callbacks"]
    while callbacks:
        try:
            callbacks.pop(0)(request)
        except Exception as exc:
            log_error(request, exc)
            exc.__traceback__ = None
