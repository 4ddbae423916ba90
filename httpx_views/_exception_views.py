"""Exception views: which registered view answers an exception, and how.

Views are registered for an exception class and a path prefix. For an
exception, the most specific class in its MRO that has a view wins; among
the views of one class, the longest prefix the request path lies under.
WebOb's exceptions first look for views of our class of the same status
code, so ``notfound_view`` also answers ``webob.exc.HTTPNotFound``. An
exception no view answers is its own response if it is an HTTP exception;
any other is logged and becomes the App's 500, which only the views of
:class:`HTTPInternalServerError` and its HTTP bases may brand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import webob
import webob.exc

from ._debug_pages import _DebugServerError
from ._results import _as_response, _plain_response
from ._sending import _close
from .httpexceptions import (
    HTTPException,
    HTTPInternalServerError,
    HTTPNotFound,
    status_map,
)
from .routing import ConfigurationError, _describe

if TYPE_CHECKING:
    import logging

    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

    from .request import Request

# Exception classes remembered by ExceptionViews.find: the candidate views
# depend only on the class (and a WebOb exception's code), never on the
# request; at most this many keys of a few views each, some 100 KB, a bound
# against an application that makes classes on the fly.
_VIEWS_BY_CLASS_MAX = 1000


# What is the response when raised: the above, and any exception that is a
# webob.Response (Pyramid's HTTP exceptions, an application's own class).
_RAISED_RESPONSES = (webob.Response, webob.exc.HTTPException)


def _logger() -> logging.Logger:
    """The ``httpx_views`` logger (configure it by that name).

    Imported on first use: most requests log nothing, and the logging
    package costs more to import than all of httpx_views.
    """
    import logging

    return logging.getLogger("httpx_views")


class ExceptionView(NamedTuple):
    """One registered exception view, as ``App.exception_views`` lists it.

    (:attr:`App.exception_views <httpx_views.App.exception_views>`.)
    """

    #: The path prefix it answers under: ``""`` for everywhere, else ``/api``.
    prefix: str
    view: Callable[..., Any]
    #: Set on Not Found views registered with ``append_slash=True``.
    append_slash: bool


class ExceptionViews:
    """The exception views of one App, and which one answers an exception."""

    def __init__(self, debug: bool) -> None:
        #: The App's debug mode (:attr:`App.debug`): tracebacks in 500 bodies.
        self.debug = debug
        # Exception class -> its views, longest path prefix first.
        self._views: dict[type[BaseException], list[ExceptionView]] = {}
        self._views_by_class: dict[object, tuple[ExceptionView, ...]] = {}
        #: Whether any Not Found view redirects to the path with a slash; set
        #: by :meth:`freeze`, so that a miss can skip the lookup.
        self.append_slash = False
        #: The views that may brand the App's own 500, set by :meth:`freeze`.
        self.server_error_views: tuple[ExceptionView, ...] = ()

    def add(
        self,
        exc_type: type[BaseException],
        view: Callable[..., Any],
        path_prefix: str | None,
        append_slash: bool,
    ) -> None:
        """Register *view* for *exc_type* under *path_prefix*.

        :raises ConfigurationError: for a class that is not an exception, a
            prefix that does not start with ``/``, or a second view for the
            same class and prefix.
        """
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise ConfigurationError(
                f"exception views are registered for exception classes, "
                f"not {exc_type!r}"
            )
        prefix = _normalize_prefix(path_prefix)
        entries = self._views.setdefault(exc_type, [])
        for entry in entries:
            if entry.prefix == prefix:
                raise ConfigurationError(
                    f"two exception views for {exc_type.__name__} at path prefix "
                    f"{prefix or '/'!r}: {_describe(entry.view)} and "
                    f"{_describe(view)}"
                )
        entries.append(ExceptionView(prefix, view, append_slash))
        entries.sort(key=lambda entry: len(entry.prefix), reverse=True)

    def as_mapping(self) -> Mapping[type[BaseException], Sequence[ExceptionView]]:
        """The registered views, by class, longest prefix first (read-only)."""
        return MappingProxyType(
            {exc_type: tuple(views) for exc_type, views in self._views.items()}
        )

    def freeze(self) -> None:
        """Work out what requests ask of every configuration: it is complete."""
        views = self._views
        self.append_slash = any(
            entry.append_slash for entry in views.get(HTTPNotFound, ())
        )
        self.server_error_views = tuple(
            entry
            for cls in HTTPInternalServerError.__mro__
            if issubclass(cls, HTTPException)
            for entry in views.get(cls, ())
        )

    def appends_slash(self, path: str) -> bool:
        """Whether the Not Found view for *path* redirects to ``path + "/"``."""
        for entry in self._views.get(HTTPNotFound, ()):
            if _prefix_matches(entry.prefix, path):
                return entry.append_slash
        return False

    def find(
        self, exc: BaseException, environ: WSGIEnvironment
    ) -> ExceptionView | None:
        """The view that answers *exc* raised for the request of *environ*."""
        if not self._views:
            return None
        candidates = self._views_by_class.get(type(exc))
        if candidates is None:
            candidates = self._candidate_views(exc)
        if not candidates or not candidates[0].prefix:
            return candidates[0] if candidates else None
        return _under_prefix(candidates, environ)

    def server_error_view(self, environ: WSGIEnvironment) -> ExceptionView | None:
        """The view that brands the App's own 500 for *environ*'s request."""
        return _under_prefix(self.server_error_views, environ)

    def _candidate_views(self, exc: BaseException) -> tuple[ExceptionView, ...]:
        """The views for *exc*, most specific class first, then longest prefix.

        Which views may answer depends only on the exception's class (and a
        WebOb exception's code): worked out once per class (WebOb's: class
        and code), after the configuration is frozen.
        """
        key: object = type(exc)
        if isinstance(exc, webob.exc.WSGIHTTPException):
            key = (key, exc.code)
        candidates = self._views_by_class.get(key)
        if candidates is None:
            candidates = self._find_candidate_views(exc)
            if len(self._views_by_class) >= _VIEWS_BY_CLASS_MAX:
                self._views_by_class.clear()
            self._views_by_class[key] = candidates
        return candidates

    def _find_candidate_views(self, exc: BaseException) -> tuple[ExceptionView, ...]:
        mro: tuple[type, ...] = type(exc).__mro__
        if isinstance(exc, webob.exc.WSGIHTTPException):
            # WebOb's exceptions answer to the views of our class of the same
            # status code first, so notfound_view catches webob.exc.HTTPNotFound.
            ours = status_map.get(exc.code)
            if ours is not None:
                mro = ours.__mro__ + mro
        found: list[ExceptionView] = []
        for cls in mro:
            found.extend(self._views.get(cls, ()))
        return tuple(found)

    # -- answering ------------------------------------------------------------

    def answer(self, request: Request, exc: BaseException) -> WSGIApplication:
        """Answer *exc*, raised or returned for *request*: its view, else itself.

        An HTTP exception no view answers is the response; any other
        exception is logged and becomes a 500 (see :meth:`internal_error`).
        """
        attributes = request.__dict__
        # What the failed view put in request.response (a status, a cookie)
        # must not leak into the exception view's answer.
        dropped = attributes.pop("_response", None)
        if dropped is not None and dropped is not exc:
            _close(dropped)
        attributes["exception"] = exc
        entry = self.find(exc, request.environ)
        if entry is not None:
            return self._call(request, entry, exc)
        if isinstance(exc, webob.Response):
            return exc
        if isinstance(exc, webob.exc.HTTPException):
            return exc.wsgi_response
        return self.internal_error(request, exc)

    def internal_error(self, request: Request, exc: BaseException) -> WSGIApplication:
        """Log *exc* and answer 500, as the views of the 500's classes say.

        Only views registered for :class:`HTTPInternalServerError` or its
        HTTP base classes answer here: they may brand the page, they cannot
        hide the error. ``request.exception`` is the 500, caused by *exc*.
        """
        log_error(request, exc)
        error = self.server_error(exc, request)
        error.__cause__ = exc
        request.__dict__["exception"] = error
        entry = self.server_error_view(request.environ)
        response = self._call(request, entry, error) if entry is not None else error
        exc.__traceback__ = None  # see App.__call__
        return response

    def _call(
        self, request: Request, entry: ExceptionView, exc: BaseException
    ) -> WSGIApplication:
        # What the exception view produces, raised or returned, is the
        # response: it is never fed back to the exception views.
        response: WSGIApplication
        try:
            result = entry.view(request)
            if isinstance(result, webob.Response):
                response = result
            else:
                response = _plain_response(request, result, entry.view)
        except Exception as view_exc:
            if isinstance(view_exc, _RAISED_RESPONSES):
                view_exc.__traceback__ = None  # see App.__call__
                response = _as_response(view_exc)
            else:
                log_error(request, view_exc)
                response = HTTPInternalServerError()
        # The exception may be a response with an iterable of its own, now
        # replaced (a list, the usual body, needs no close: skip the call).
        if exc is not response and type(getattr(exc, "_app_iter", None)) is not list:
            _close(exc)
        return response

    def server_error(
        self, exc: BaseException, request: Request
    ) -> HTTPInternalServerError:
        """The App's own 500 for *exc*, raised for *request*.

        In debug mode it shows the exception, its traceback and the request
        (see :mod:`httpx_views._debug_pages`).
        """
        if not self.debug:
            return HTTPInternalServerError()
        return _DebugServerError(exc, request.environ)


def log_error(request: Request, exc: BaseException) -> None:
    """Log *exc*, which failed *request*, with its traceback."""
    environ = request.environ
    _logger().error(
        # %r: a path may hold CR or LF, which must not forge log lines.
        "%s %r failed: %s: %s",
        environ.get("REQUEST_METHOD"),
        environ.get("PATH_INFO"),
        type(exc).__name__,
        _safe_str(exc),
        exc_info=exc,
    )


def _safe_str(exc: BaseException) -> str:
    """``str(exc)``, or a stand-in when the exception cannot say it."""
    try:
        return str(exc)
    except Exception:
        return f"<{type(exc).__name__}: str() failed>"


def _normalize_prefix(path_prefix: str | None) -> str:
    if path_prefix is None:
        return ""
    if not path_prefix.startswith("/"):
        raise ConfigurationError(
            f"path_prefix {path_prefix!r} must start with '/' (e.g. '/api')"
        )
    return path_prefix.rstrip("/")


def _under_prefix(
    candidates: Iterable[ExceptionView], environ: WSGIEnvironment
) -> ExceptionView | None:
    """The first of *candidates* whose path prefix matches the request's."""
    path = _request_path(environ)
    for entry in candidates:
        if _prefix_matches(entry.prefix, path):
            return entry
    return None


def _prefix_matches(prefix: str, path: str) -> bool:
    """Whether *path* lies under *prefix*, on a segment boundary."""
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _request_path(environ: WSGIEnvironment) -> str:
    """The decoded request path, or as sent if it is not UTF-8."""
    path: str = environ.get("PATH_INFO", "")
    try:
        return path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return path
