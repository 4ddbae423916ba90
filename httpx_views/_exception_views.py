"""Exception views: which registered view answers an exception.

Views are registered for an exception class and a path prefix. For an
exception, the most specific class in its MRO that has a view wins; among
the views of one class, the longest prefix the request path lies under.
WebOb's exceptions first look for views of our class of the same status
code, so ``notfound_view`` also answers ``webob.exc.HTTPNotFound``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import webob.exc

from .httpexceptions import (
    HTTPException,
    HTTPInternalServerError,
    HTTPNotFound,
    status_map,
)
from .routing import ConfigurationError, _describe

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

# Exception classes remembered by ExceptionViews.find: the candidate views
# depend only on the class (and a WebOb exception's code), never on the
# request; at most this many keys of a few views each, some 100 KB, a bound
# against an application that makes classes on the fly.
_VIEWS_BY_CLASS_MAX = 1000


class ExceptionView(NamedTuple):
    """One registered exception view, as :attr:`App.exception_views` lists it."""

    #: The path prefix it answers under: ``""`` for everywhere, else ``/api``.
    prefix: str
    view: Callable[..., Any]
    #: Set on Not Found views registered with ``append_slash=True``.
    append_slash: bool


class ExceptionViews:
    """The exception views of one App, and which one answers an exception."""

    def __init__(self) -> None:
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
