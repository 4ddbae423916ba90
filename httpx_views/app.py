"""The WSGI application: routes, views, exception views and security.

An :class:`App` turns each request into a call of one view and the view's
result into a response. HTTP exceptions -- ours from
:mod:`httpx_views.httpexceptions` and WebOb's from :mod:`webob.exc` -- are
responses, whether a view raises or returns them; both take the same path
through the exception views. The framework answers its own failures the same
way: no route is :class:`HTTPNotFound`, a wrong method is
:class:`HTTPMethodNotAllowed`, a denied permission is :class:`HTTPForbidden`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload
from urllib.parse import quote

import webob
import webob.exc
import webob.util

from .httpexceptions import (
    HTTPBadRequest,
    HTTPException,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPMovedPermanently,
    HTTPNotFound,
    HTTPPermanentRedirect,
    HTTPRequestEntityTooLarge,
    _check_headerlist,
    _check_status,
    _DebugServerError,
    _vary_accept,
    status_map,
)
from .request import TEXT_PLAIN, Request
from .routing import ConfigurationError, Match, Route, Router

if TYPE_CHECKING:
    import logging

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .security import SecurityPolicy

__all__ = ["App", "ExceptionView", "View"]


def _logger() -> logging.Logger:
    """The ``httpx_views`` logger (configure it by that name).

    Imported on first use: most requests log nothing, and the logging
    package costs more to import than all of httpx_views.
    """
    import logging

    return logging.getLogger("httpx_views")


#: A view: called with the request, returns a response or a plain value.
View = Callable[[Request], Any]
ViewT = TypeVar("ViewT", bound=Callable[..., Any])

# Both our exceptions and WebOb's are responses; ``webob.exc.HTTPException``
# is the base of every WebOb HTTP exception (``wsgi_response`` is the response).
_HTTP_EXCEPTIONS = (HTTPException, webob.exc.HTTPException)
# What is the response when raised: the above, and any exception that is a
# webob.Response (Pyramid's HTTP exceptions, an application's own class).
_RAISED_RESPONSES = (webob.Response, webob.exc.HTTPException)

# The methods a class-based view may implement, as method names.
_CLASS_VIEW_METHODS = ("get", "head", "post", "put", "patch", "delete", "options")

# Exception classes remembered by _find_exception_view: the candidate views
# depend only on the class (and a WebOb exception's code), never on the
# request; at most this many keys of a few views each, some 100 KB, a bound
# against an application that makes classes on the fly.
_VIEWS_BY_CLASS_MAX = 1000

# What may stay unquoted in a query string we copy into a Location header.
_QUERY_SAFE = "/?:@!$&'()*+,;=%~"


class ExceptionView(NamedTuple):
    """One registered exception view, as :attr:`App.exception_views` lists it."""

    #: The path prefix it answers under: ``""`` for everywhere, else ``/api``.
    prefix: str
    view: View
    #: Set on Not Found views registered with ``append_slash=True``.
    append_slash: bool


class App:
    """A WSGI application that routes requests to views.

    ::

        from httpx_views import App, HTTPUnauthorized

        app = App()

        @app.route("/hello")
        def hello(request):
            return "Hello, World!"

        @app.route("/secret")
        def secret(request):
            raise HTTPUnauthorized(www_authenticate='Basic realm="app"')

    :param security_policy: an object with ``identity(request)`` and
        ``permits(request, permission)`` (see :mod:`httpx_views.security`);
        required by routes that name a ``permission``.
    :param debug: put tracebacks in 500 bodies and explain the framework's
        own 404, 403 and 405 answers in their bodies and in the log. Never in
        production: it reveals routes, views and permissions.
    :param max_body_size: the largest request body, in bytes, a view may
        read; a larger one is answered ``413 Content Too Large`` -- before the
        view runs when ``Content-Length`` says so, else (a chunked body) as
        soon as the view reads past the limit. ``None``: no limit.
    """

    def __init__(
        self,
        *,
        security_policy: SecurityPolicy | None = None,
        debug: bool = False,
        max_body_size: int | None = None,
    ) -> None:
        if max_body_size is not None and (
            isinstance(max_body_size, bool)
            or not isinstance(max_body_size, int)
            or max_body_size < 0
        ):
            raise ConfigurationError(
                f"max_body_size must be a number of bytes >= 0 or None, "
                f"not {max_body_size!r}"
            )
        self.router = Router()
        self.security_policy = security_policy
        self.debug = debug
        self.max_body_size = max_body_size
        # Exception class -> its views, longest path prefix first.
        self._exception_views: dict[type[BaseException], list[ExceptionView]] = {}
        self._views_by_class: dict[object, tuple[ExceptionView, ...]] = {}
        self._frozen = False
        # Whether any Not Found view redirects to the path with a slash; set
        # when the configuration freezes, so a miss can skip the lookup.
        self._append_slash = False
        # The views that may brand the App's own 500, set when it freezes.
        self._server_error_views: tuple[ExceptionView, ...] = ()

    # -- configuration ---------------------------------------------------------

    def route(
        self,
        pattern: str,
        *,
        methods: Iterable[str] | None = None,
        name: str | None = None,
        permission: str | None = None,
    ) -> Callable[[ViewT], ViewT]:
        """Register the decorated view for *pattern*; see :meth:`add_route`.

        ::

            @app.route("/users/{id:int}", methods=["GET"], name="user")
            def user(request):
                return {"id": request.matchdict["id"]}
        """

        def register(view: ViewT) -> ViewT:
            self.add_route(
                pattern, view, methods=methods, name=name, permission=permission
            )
            return view

        return register

    def add_route(
        self,
        pattern: str,
        view: View | type[Any],
        *,
        methods: Iterable[str] | None = None,
        name: str | None = None,
        permission: str | None = None,
    ) -> Route:
        """Serve *pattern* with *view*.

        :param pattern: ``/static``, ``/users/{id}``, ``/users/{id:int}``,
            ``/files/{rest:path}``, ``/{year:[0-9]{4}}`` ...
        :param view: ``view(request)``, or a class: each request then gets a
            fresh instance whose method named after the HTTP method
            (``get``, ``post``, ...) is called with the request.
        :param methods: the HTTP methods served; ``None`` serves every method
            (for a class, every method it implements). ``GET`` implies
            ``HEAD``.
        :param name: a name for :meth:`Request.route_url`.
        :param permission: the permission the security policy must grant.
        :raises ConfigurationError: for a bad pattern, a pattern and method
            already served, a permission without a security policy, or after
            the App has served its first request.
        """
        self._check_not_frozen()
        if permission is not None and self.security_policy is None:
            raise ConfigurationError(
                f"route {pattern!r} needs permission {permission!r} but the App "
                "has no security_policy: it would never be served"
            )
        if isinstance(view, type):
            methods = _class_view_methods(view, pattern, methods)
        else:
            _refuse_async(view)
        return self.router.add(
            pattern, view, methods=methods, name=name, permission=permission
        )

    def exception_view(
        self, exc_type: type[BaseException], *, path_prefix: str | None = None
    ) -> Callable[[ViewT], ViewT]:
        """Register the decorated view for *exc_type* and its subclasses.

        In the view, ``request.exception`` is the exception. The most specific
        class in the exception's MRO that has a view wins; among views of one
        class, the longest *path_prefix* matching the request path wins::

            @app.exception_view(KeyError)
            def missing(request):
                return HTTPNotFound(detail=str(request.exception))

        An exception no view answers (and a failing security policy) is
        logged and becomes :class:`HTTPInternalServerError`, whose
        ``__cause__`` it is; views registered for that class or its HTTP
        base classes may then answer the 500, to brand the page.
        """

        def register(view: ViewT) -> ViewT:
            self._add_exception_view(exc_type, view, path_prefix, append_slash=False)
            return view

        return register

    @overload
    def notfound_view(
        self,
        view: ViewT,
        *,
        append_slash: bool = ...,
        path_prefix: str | None = ...,
    ) -> ViewT: ...

    @overload
    def notfound_view(
        self,
        view: None = None,
        *,
        append_slash: bool = ...,
        path_prefix: str | None = ...,
    ) -> Callable[[ViewT], ViewT]: ...

    def notfound_view(
        self,
        view: ViewT | None = None,
        *,
        append_slash: bool = False,
        path_prefix: str | None = None,
    ) -> ViewT | Callable[[ViewT], ViewT]:
        """Register the Not Found view (also a bare or called decorator).

        It answers when no route matches and when a view raises or returns
        :class:`HTTPNotFound`. With *append_slash*, a path that no route
        matches but that some route would match with a ``/`` appended is
        redirected there instead (301 for GET and HEAD, 308 otherwise so the
        method and body survive; the query string is kept)::

            @app.notfound_view(append_slash=True)
            def not_found(request):
                return HTTPNotFound(detail="Nothing here.")
        """

        def register(view: ViewT) -> ViewT:
            self._add_exception_view(HTTPNotFound, view, path_prefix, append_slash)
            return view

        return register if view is None else register(view)

    @overload
    def forbidden_view(
        self, view: ViewT, *, path_prefix: str | None = ...
    ) -> ViewT: ...

    @overload
    def forbidden_view(
        self, view: None = None, *, path_prefix: str | None = ...
    ) -> Callable[[ViewT], ViewT]: ...

    def forbidden_view(
        self, view: ViewT | None = None, *, path_prefix: str | None = None
    ) -> ViewT | Callable[[ViewT], ViewT]:
        """Register the Forbidden view (also a bare or called decorator).

        It answers when the security policy denies a route's permission and
        when a view raises or returns :class:`HTTPForbidden`. A typical one
        asks anonymous users to log in::

            @app.forbidden_view
            def forbidden(request):
                if request.identity is None:
                    raise HTTPUnauthorized(www_authenticate='Basic realm="app"')
                return request.exception
        """

        def register(view: ViewT) -> ViewT:
            self._add_exception_view(HTTPForbidden, view, path_prefix, False)
            return view

        return register if view is None else register(view)

    def _add_exception_view(
        self,
        exc_type: type[BaseException],
        view: View,
        path_prefix: str | None,
        append_slash: bool,
    ) -> None:
        self._check_not_frozen()
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise ConfigurationError(
                f"exception views are registered for exception classes, "
                f"not {exc_type!r}"
            )
        _refuse_async(view)
        prefix = _normalize_prefix(path_prefix)
        entries = self._exception_views.setdefault(exc_type, [])
        for entry in entries:
            if entry.prefix == prefix:
                raise ConfigurationError(
                    f"two exception views for {exc_type.__name__} at path prefix "
                    f"{prefix or '/'!r}: {_describe(entry.view)} and "
                    f"{_describe(view)}"
                )
        entries.append(ExceptionView(prefix, view, append_slash))
        entries.sort(key=lambda entry: len(entry.prefix), reverse=True)

    @property
    def exception_views(self) -> Mapping[type[BaseException], Sequence[ExceptionView]]:
        """The registered exception views, by class, longest prefix first."""
        return MappingProxyType(
            {
                exc_type: tuple(views)
                for exc_type, views in self._exception_views.items()
            }
        )

    def _check_not_frozen(self) -> None:
        if self._frozen:
            raise ConfigurationError(
                "the App has served a request: its configuration is frozen "
                "(register routes and views before serving)"
            )

    # -- serving ---------------------------------------------------------------

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Answer one request (the PEP 3333 interface)."""
        if not self._frozen:
            self._freeze()
        # Request(environ) without WebOb's checks of arguments not given;
        # the App writes request attributes straight into the instance dict:
        # WebOb's ad-hoc attribute hook would cost more than routing does.
        request = Request.__new__(Request)
        request.__dict__.update(environ=environ, app=self)
        try:
            response = self._dispatch(request)
        except Exception as exc:
            response = self._handle_exception(request, exc)
            # Its traceback holds this frame, which holds the exception (often
            # the response itself): a cycle only the garbage collector frees.
            exc.__traceback__ = None
        send = response
        try:
            if type(response) is not _Body:
                send = _checked(response, request)  # type: ignore[arg-type]
            iterable = send(environ, start_response)
        except Exception as exc:
            # A response that cannot be sent as it is (a header that would
            # split it, say) is a programming error: log it, answer 500.
            self._log_error(request, exc)
            _close(response)
            # The server may have taken a first start_response call (and
            # refused its headers): PEP 3333 wants exc_info on a second one.
            exc_info = sys.exc_info()

            def restart(status: str, headers: Any, _: Any = None) -> Any:
                return start_response(status, headers, exc_info)

            return self._server_error(exc)(environ, restart)
        if send is not response:
            # A copy was sent. Close the body only if what is sent does not
            # close it: an empty answer to HEAD may take over its close().
            body = getattr(response, "_app_iter", None)
            if iterable is not body and getattr(iterable, "close", None) != getattr(
                body, "close", None
            ):
                _close(response)  # its body is not what is sent (HEAD, a 204)
        return iterable

    def _freeze(self) -> None:
        self.router.freeze()
        views = self._exception_views
        self._append_slash = any(
            entry.append_slash for entry in views.get(HTTPNotFound, ())
        )
        self._server_error_views = tuple(
            entry
            for cls in HTTPInternalServerError.__mro__
            if issubclass(cls, HTTPException)
            for entry in views.get(cls, ())
        )
        self._frozen = True

    def _dispatch(self, request: Request) -> WSGIApplication:
        environ = request.environ
        try:
            # What request.path_info does, without its property overhead.
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPBadRequest(detail="The request path is not UTF-8.") from None
        if self.max_body_size is not None:
            _limit_body(environ, self.max_body_size)
        method = environ["REQUEST_METHOD"]
        found = self.router.match(path, method)
        if not isinstance(found, Match):
            return self._no_route(request, path, method, found)
        route = found.route
        attributes = request.__dict__
        attributes["matchdict"] = found.params
        attributes["matched_route"] = route
        if route.permission is not None:
            denied = self._check_permission(request, route.permission)
            if denied is not None:
                return denied
        view = route.view
        if isinstance(view, type):
            view = _class_view_method(view(), method)
        return self._to_response(request, view(request), view)

    def _no_route(
        self,
        request: Request,
        path: str,
        method: str,
        allowed: frozenset[str] | None,
    ) -> WSGIApplication:
        if allowed is not None:
            allow = sorted(allowed)
            if method == "OPTIONS":
                # WebOb adds Content-Length: 0 to a response without a body.
                return webob.Response(headerlist=[("Allow", ", ".join(allow))])
            detail = None
            if self.debug:
                detail = (
                    f"{method} is not allowed for {path!r}: routes "
                    f"{_patterns(self.router.candidates(path))} allow "
                    f"{', '.join(allow)}."
                )
                _logger().info("405 %s", detail)
            # Returned rather than raised (the same, and cheaper).
            return self._handle_exception(
                request, HTTPMethodNotAllowed(detail=detail, allow=allow)
            )
        if self._append_slash and not path.endswith("/") and self._appends_slash(path):
            found = self.router.match(path + "/", method)
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
        detail = None
        if self.debug:
            detail = (
                f"No route matches {path!r}. Routes: "
                f"{_patterns(self.router.routes) or 'none'}."
            )
            _logger().info("404 %s", detail)
        return self._handle_exception(request, HTTPNotFound(detail=detail))

    def _appends_slash(self, path: str) -> bool:
        for entry in self._exception_views.get(HTTPNotFound, ()):
            if _prefix_matches(entry.prefix, path):
                return entry.append_slash
        return False

    def _check_permission(
        self, request: Request, permission: str
    ) -> WSGIApplication | None:
        """Return ``None`` if the policy grants *permission*, else the answer.

        A policy that fails lets no one through: its error is a 500 that only
        the views of HTTP exception classes may answer, so that a catch-all
        ``exception_view(Exception)`` cannot turn it into a success.
        """
        policy = self.security_policy
        assert policy is not None  # add_route refuses a permission without one
        try:
            if policy.permits(request, permission):
                return None
        except Exception as exc:
            if isinstance(exc, _RAISED_RESPONSES):
                raise  # a 401 with a challenge, say: the response
            return self._internal_error(request, exc)
        why = f"permission {permission!r} denied by the security policy"
        detail = None
        if self.debug:
            detail = f"Route {request.matched_route.pattern!r}: {why}."  # type: ignore[union-attr]
            _logger().info("403 %s", detail)
        return self._handle_exception(request, HTTPForbidden(detail=detail, result=why))

    def _to_response(
        self, request: Request, result: Any, view: Callable[..., Any]
    ) -> WSGIApplication:
        """Turn what a view returned into a response."""
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
                return self._handle_exception(request, result)
            return result
        return _plain_response(request, result, view)

    # -- exceptions ------------------------------------------------------------

    def _handle_exception(
        self, request: Request, exc: BaseException
    ) -> WSGIApplication:
        attributes = request.__dict__
        # What the failed view put in request.response (a status, a cookie)
        # must not leak into the exception view's answer.
        dropped = attributes.pop("_response", None)
        if dropped is not None and dropped is not exc:
            _close(dropped)
        attributes["exception"] = exc
        entry = self._find_exception_view(request, exc)
        if entry is not None:
            return self._call_exception_view(request, entry, exc)
        if isinstance(exc, webob.Response):
            return exc
        if isinstance(exc, webob.exc.HTTPException):
            return exc.wsgi_response
        return self._internal_error(request, exc)

    def _internal_error(self, request: Request, exc: BaseException) -> WSGIApplication:
        """Log *exc* and answer 500, as the views of the 500's classes say.

        Only views registered for :class:`HTTPInternalServerError` or its
        HTTP base classes answer here: they may brand the page, they cannot
        hide the error. ``request.exception`` is the 500, caused by *exc*.
        """
        self._log_error(request, exc)
        error = self._server_error(exc)
        error.__cause__ = exc
        request.__dict__["exception"] = error
        entry = _under_prefix(self._server_error_views, request.environ)
        if entry is not None:
            response = self._call_exception_view(request, entry, error)
        else:
            response = error
        exc.__traceback__ = None  # see __call__
        return response

    def _call_exception_view(
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
                view_exc.__traceback__ = None  # see __call__
                response = _as_response(view_exc)
            else:
                self._log_error(request, view_exc)
                response = HTTPInternalServerError()
        # The exception may be a response with an iterable of its own, now
        # replaced (a list, the usual body, needs no close: skip the call).
        if exc is not response and type(getattr(exc, "_app_iter", None)) is not list:
            _close(exc)
        return response

    def _find_exception_view(
        self, request: Request, exc: BaseException
    ) -> ExceptionView | None:
        if not self._exception_views:
            return None
        candidates = self._views_by_class.get(type(exc))
        if candidates is None:
            candidates = self._candidate_views(exc)
        if not candidates or not candidates[0].prefix:
            return candidates[0] if candidates else None
        return _under_prefix(candidates, request.environ)

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
            found.extend(self._exception_views.get(cls, ()))
        return tuple(found)

    def _log_error(self, request: Request, exc: BaseException) -> None:
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

    def _server_error(self, exc: BaseException) -> HTTPInternalServerError:
        if not self.debug:
            return HTTPInternalServerError()
        import traceback  # only in debug mode: slow to import

        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return _DebugServerError(detail=trace)


# -- helpers -------------------------------------------------------------------

_JSON = ("Content-Type", "application/json")
_OCTET_STREAM = ("Content-Type", "application/octet-stream")
# JSON as json.dumps() writes it, refusing NaN and Infinity, which JSON lacks.
_encode_json = json.JSONEncoder(allow_nan=False).encode

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

    __slots__ = ("body", "headerlist", "status")

    def __init__(self, status: str, headerlist: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headerlist = headerlist
        self.body = body

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> list[bytes]:
        start_response(self.status, self.headerlist)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [self.body]


def _ok(content_type: tuple[str, str], body: bytes) -> _Body:
    return _Body("200 OK", [content_type, ("Content-Length", str(len(body)))], body)


def _checked(response: webob.Response, request: Request) -> WSGIApplication:
    """Check *response* before it is sent; return what sends it.

    Nothing here changes *response*: it may be an exception that other
    requests send too. What this request's answer needs on top (an
    ``Allow``, a ``Vary``) goes into the header list it is sent with.

    :raises ValueError: for a status line or header no server should send,
        and for a redirect to nowhere.
    """
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
            return _Body(status, headers, b"")
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


def _json_body(value: Any, view: Callable[..., Any]) -> bytes:
    try:
        return _encode_json(value).encode("utf-8")
    except (TypeError, ValueError) as exc:  # NaN, a set, a cycle ...
        raise ValueError(
            f"view {_describe(view)} returned {type(value).__name__} that is "
            f"not JSON: {exc}"
        ) from exc


def _close(response: Any) -> None:
    """Close the iterable of a response that will not be sent (PEP 3333)."""
    # WebOb's app_iter property returns _app_iter, at many times the cost.
    app_iter = getattr(response, "_app_iter", None)
    if type(app_iter) is not list:  # the usual body, with nothing to close
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()


def _safe_str(exc: BaseException) -> str:
    """``str(exc)``, or a stand-in when the exception cannot say it."""
    try:
        return str(exc)
    except Exception:
        return f"<{type(exc).__name__}: str() failed>"


def _limit_body(environ: WSGIEnvironment, limit: int) -> None:
    """Refuse a request body larger than *limit* bytes, reading none of it."""
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise HTTPBadRequest(detail="Bad Content-Length header.") from None
        if length > limit:
            raise HTTPRequestEntityTooLarge()
    # Without a trustworthy length (a chunked body), count as the view reads.
    environ["wsgi.input"] = _LimitedInput(environ["wsgi.input"], limit)
    # Not seekable, as under a server: WebOb copies the body (through the
    # limit) when a view wants it twice; it would seek a test's input.
    environ.pop("webob.is_body_seekable", None)


class _LimitedInput:
    """A ``wsgi.input`` that raises 413 once more than *limit* bytes are read."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._left = limit

    def _count(self, data: bytes) -> bytes:
        self._left -= len(data)
        if self._left < 0:
            raise HTTPRequestEntityTooLarge()
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            # Read at most one byte past the limit: enough to know it is over.
            return self._count(self._stream.read(self._left + 1))
        return self._count(self._stream.read(min(size, self._left + 1)))

    def readline(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._left + 1
        return self._count(self._stream.readline(min(size, self._left + 1)))

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


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


def _class_view_methods(
    cls: type[Any], pattern: str, methods: Iterable[str] | None
) -> frozenset[str]:
    """The HTTP methods a class-based view serves on *pattern*."""
    implemented = {name.upper() for name in _CLASS_VIEW_METHODS if hasattr(cls, name)}
    if "GET" in implemented:
        implemented.add("HEAD")
    if methods is None:
        if not implemented:
            raise ConfigurationError(
                f"class view {_describe(cls)} for {pattern!r} implements no HTTP "
                f"method (one of {', '.join(_CLASS_VIEW_METHODS)})"
            )
        return frozenset(implemented)
    wanted = {method.upper() for method in methods}
    missing = wanted - implemented
    if missing:
        raise ConfigurationError(
            f"class view {_describe(cls)} for {pattern!r} has no method for "
            f"{', '.join(sorted(missing))}"
        )
    return frozenset(wanted)


def _class_view_method(instance: Any, method: str) -> View:
    handler: View | None = getattr(instance, method.lower(), None)
    if handler is None and method == "HEAD":
        handler = instance.get
    assert handler is not None  # the router only routes methods the class has
    return handler


# inspect.CO_COROUTINE: inspect itself is slow to import.
_CO_COROUTINE = 0x80


def _refuse_async(view: Callable[..., Any]) -> None:
    code = getattr(view, "__code__", None)  # functions and bound methods
    if code is not None and code.co_flags & _CO_COROUTINE:
        raise ConfigurationError(
            f"view {_describe(view)} is async; a WSGI App calls views "
            "synchronously (use def, not async def)"
        )


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


def _describe(view: Any) -> str:
    module = getattr(view, "__module__", None)
    name = getattr(view, "__qualname__", None) or repr(view)
    return f"{module}.{name}" if module else name


def _patterns(routes: Iterable[Route]) -> str:
    """Each pattern once, with the methods its routes serve."""
    methods: dict[str, set[str] | None] = {}
    for route in routes:
        served = methods.setdefault(route.pattern, set())
        if served is None or route.methods is None:
            methods[route.pattern] = None
        else:
            served |= route.methods
    return ", ".join(
        f"{pattern} ({', '.join(sorted(served)) if served else 'any method'})"
        for pattern, served in methods.items()
    )
