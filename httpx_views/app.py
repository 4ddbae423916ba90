"""The WSGI application: its configuration, and the path of one request.

An :class:`App` turns each request into a call of one view and the view's
result into a response; HTTP exceptions, raised or returned, are responses
(see :doc:`/howto/exceptions`). One request goes, top to bottom through
:meth:`App.__call__ <httpx_views.App.__call__>`: WSGI middleware -> the
request -> middleware -> route -> permission -> view -> its result ->
exception views -> response callbacks -> sent -> finished callbacks.
Steps that are not the App's own decisions live in their own modules:
middleware and callbacks (:mod:`httpx_views.middleware`), exception views
and the logged 500 (``_exception_views``), no route (``_no_route``), result
conversion (``_results``), checks before sending (``_sending``), the body
limit (``_body_limit``), class-based views (``_views``).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ._body_limit import _limit_body
from ._exception_views import (
    _RAISED_RESPONSES,
    ExceptionView,
    ExceptionViews,
    _logger,
    log_error,
)
from ._no_route import no_route
from ._results import to_response
from ._sending import _Body, _checked, _close, _close_unsent
from ._views import _class_view_method, _class_view_methods, _refuse_async
from .httpexceptions import (
    HTTPBadRequest,
    HTTPForbidden,
    HTTPNotFound,
)
from .middleware import (
    Middleware,
    _call_finished_callbacks,
    _call_response_callbacks,
    _chain,
    _check_middleware,
)
from .request import Request
from .routing import ConfigurationError, Match, Route, Router
from .static import add_static
from .templates import Templates, rendered

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .security import SecurityPolicy
    from .templates import TemplateSource

__all__ = ["App", "ExceptionView", "View"]


#: A view: called with the request, returns a response or a plain value.
View = Callable[[Request], Any]
ViewT = TypeVar("ViewT", bound=Callable[..., Any])


class App:
    """A WSGI application that routes requests to views.

    >>> app = App()
    >>> @app.route("/hello")
    ... def hello(request):
    ...     return "Hello, World!"
    >>> Request.blank("/hello").get_response(app).text
    'Hello, World!'

    :param security_policy: an object with ``identity(request)`` and
        ``permits(request, permission)`` (see :mod:`httpx_views.security`);
        required by routes that name a ``permission``.
    :param debug: 500 pages show the traceback and the request (secret
        headers masked), the framework's 404 lists the routes, its 403 and 405
        say why (also in the log). Never in production: it reveals code and routes.
    :param max_body_size: the largest request body, in bytes, a view may
        read (``None``: no limit); a larger one is ``413 Content Too Large``,
        before the view runs if ``Content-Length`` says so, else once it
        reads past the limit.
    :param templates: Jinja2 templates (a directory, a ``jinja2.Environment``
        or a :class:`~httpx_views.templates.Templates`) for ``renderer``;
        needs the ``jinja2`` extra, see :mod:`httpx_views.templates`.
    """

    def __init__(
        self,
        *,
        security_policy: SecurityPolicy | None = None,
        debug: bool = False,
        max_body_size: int | None = None,
        templates: TemplateSource | None = None,
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
        self.max_body_size = max_body_size
        if templates is not None and not isinstance(templates, Templates):
            templates = Templates(templates)
        #: The App's :class:`~httpx_views.templates.Templates`, or ``None``.
        self.templates: Templates | None = templates
        self._exception_views = ExceptionViews(debug)
        self._middleware: list[Middleware] = []
        self._wsgi_middleware: list[tuple[Callable[..., Any], Any, Any]] = []
        self._frozen = False
        # Freezing happens once, though first requests may come on two threads.
        self._freezing = threading.Lock()
        # Set when the configuration freezes: the WSGI middleware around
        # __call__ (None: none), and the middleware around _dispatch.
        self._wsgi: WSGIApplication | None = None
        self._handle: Callable[[Request], WSGIApplication] = self._dispatch

    @property
    def debug(self) -> bool:
        """Debug mode: tracebacks and the request in 500 pages, routes in 404s."""
        return self._exception_views.debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._exception_views.debug = value

    # -- configuration ---------------------------------------------------------

    def route(
        self,
        pattern: str,
        *,
        methods: Iterable[str] | None = None,
        name: str | None = None,
        permission: str | None = None,
        renderer: str | None = None,
    ) -> Callable[[ViewT], ViewT]:
        """Register the decorated view for *pattern*; see :meth:`add_route`.

        >>> app = App()
        >>> @app.route("/users/{id:int}", methods=["GET"], name="user")
        ... def user(request):
        ...     return {"id": request.matchdict["id"]}
        >>> Request.blank("/users/42").get_response(app).json
        {'id': 42}
        """

        def register(view: ViewT) -> ViewT:
            self.add_route(
                pattern,
                view,
                methods=methods,
                name=name,
                permission=permission,
                renderer=renderer,
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
        renderer: str | None = None,
    ) -> Route:
        """Serve *pattern* with *view*.

        :param pattern: ``/static``, ``/users/{id}``, ``/users/{id:int}``,
            ``/files/{rest:path}``, ``/{year:[0-9]{4}}`` ...
        :param view: ``view(request)``, or a class: each request then gets a
            fresh instance whose method named after the HTTP method
            (``get``, ``post``, ...) is called with the request.
        :param methods: the HTTP methods served; ``None``: all (for a class,
            all it implements). ``GET`` implies ``HEAD``.
        :param name: a name for :meth:`Request.route_url`.
        :param permission: the permission the security policy must grant.
        :param renderer: a template (``"note.html"``) that renders a ``dict``
            the view returns; see :mod:`httpx_views.templates`.
        :raises ConfigurationError: for a bad pattern, a pattern and method
            already served, a permission without a security policy, a
            template that cannot be loaded, or after the App has served its
            first request.
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
        if renderer is not None:
            view = rendered(self.templates, view, renderer, f"route {pattern!r}")
        return self.router.add(
            pattern, view, methods=methods, name=name, permission=permission
        )

    def exception_view(
        self,
        exc_type: type[BaseException],
        *,
        path_prefix: str | None = None,
        renderer: str | None = None,
    ) -> Callable[[ViewT], ViewT]:
        """Register the decorated view for *exc_type* and its subclasses.

        In the view, ``request.exception`` is the exception. The most specific
        class in the exception's MRO that has a view wins; among views of one
        class, the longest *path_prefix* matching the request path wins.

        >>> app = App()
        >>> @app.exception_view(KeyError)
        ... def missing(request):
        ...     return HTTPNotFound(detail=f"No price for {request.exception}.")
        >>> @app.route("/prices/{item}")
        ... def price(request):
        ...     return {"price": {"tea": 3}[request.matchdict["item"]]}
        >>> Request.blank("/prices/coffee").get_response(app).status
        '404 Not Found'

        An exception no view answers is a logged 500 (to brand it, see
        :doc:`/howto/exception-views`). A *renderer* renders a returned
        ``dict`` with the HTTP exception's status and headers (500 if not HTTP).
        """

        def register(view: ViewT) -> ViewT:
            self._add_exception_view(exc_type, view, path_prefix, False, renderer)
            return view

        return register

    @overload
    def notfound_view(
        self,
        view: ViewT,
        *,
        append_slash: bool = ...,
        path_prefix: str | None = ...,
        renderer: str | None = ...,
    ) -> ViewT: ...

    @overload
    def notfound_view(
        self,
        view: None = None,
        *,
        append_slash: bool = ...,
        path_prefix: str | None = ...,
        renderer: str | None = ...,
    ) -> Callable[[ViewT], ViewT]: ...

    def notfound_view(
        self,
        view: ViewT | None = None,
        *,
        append_slash: bool = False,
        path_prefix: str | None = None,
        renderer: str | None = None,
    ) -> ViewT | Callable[[ViewT], ViewT]:
        """Register the Not Found view (also a bare or called decorator).

        It answers when no route matches and when a view raises or returns
        :class:`~httpx_views.httpexceptions.HTTPNotFound`. With *append_slash*,
        a path that matches no route, but would with a ``/`` appended, is
        redirected there, query string kept: 301 for GET and HEAD, else 308,
        which keeps the method and body.

        >>> app = App()
        >>> @app.route("/docs/")
        ... def docs(request):
        ...     return "The manual."
        >>> @app.notfound_view(append_slash=True)
        ... def not_found(request):
        ...     return HTTPNotFound(detail="Nothing here.")
        >>> Request.blank("/docs?page=2").get_response(app).location
        'http://localhost/docs/?page=2'
        >>> "Nothing here." in Request.blank("/nothing").get_response(app).text
        True
        """

        def register(view: ViewT) -> ViewT:
            self._add_exception_view(
                HTTPNotFound, view, path_prefix, append_slash, renderer
            )
            return view

        return register if view is None else register(view)

    @overload
    def forbidden_view(
        self,
        view: ViewT,
        *,
        path_prefix: str | None = ...,
        renderer: str | None = ...,
    ) -> ViewT: ...

    @overload
    def forbidden_view(
        self,
        view: None = None,
        *,
        path_prefix: str | None = ...,
        renderer: str | None = ...,
    ) -> Callable[[ViewT], ViewT]: ...

    def forbidden_view(
        self,
        view: ViewT | None = None,
        *,
        path_prefix: str | None = None,
        renderer: str | None = None,
    ) -> ViewT | Callable[[ViewT], ViewT]:
        """Register the Forbidden view (also a bare or called decorator).

        It answers when the security policy denies a route's permission and
        when a view raises or returns
        :class:`~httpx_views.httpexceptions.HTTPForbidden`; to ask anonymous
        users to log in, see :doc:`/howto/security`.

        >>> app = App()
        >>> @app.route("/admin")
        ... def admin(request):
        ...     raise HTTPForbidden()
        >>> @app.forbidden_view
        ... def forbidden(request):
        ...     return HTTPForbidden(detail="Ask an admin for access.")
        >>> "Ask an admin" in Request.blank("/admin").get_response(app).text
        True
        """

        def register(view: ViewT) -> ViewT:
            self._add_exception_view(HTTPForbidden, view, path_prefix, False, renderer)
            return view

        return register if view is None else register(view)

    def _add_exception_view(
        self,
        exc_type: type[BaseException],
        view: View,
        path_prefix: str | None,
        append_slash: bool,
        renderer: str | None,
    ) -> None:
        self._check_not_frozen()
        _refuse_async(view)
        if renderer is not None:
            what = f"exception view for {exc_type.__name__}"
            view = rendered(self.templates, view, renderer, what, for_exceptions=True)
        self._exception_views.add(exc_type, view, path_prefix, append_slash)

    @property
    def exception_views(self) -> Mapping[type[BaseException], Sequence[ExceptionView]]:
        """The registered exception views, by class, longest prefix first."""
        return self._exception_views.as_mapping()

    def middleware(self, middleware: ViewT) -> ViewT:
        """Register the decorated function as middleware; see :meth:`add_middleware`.

        It runs for every request, the App's own 404 included:

        >>> app = App()
        >>> @app.middleware
        ... def security_headers(request, call_next):
        ...     response = call_next(request)
        ...     response.headers["X-Frame-Options"] = "DENY"
        ...     return response
        >>> Request.blank("/nothing").get_response(app).headers["X-Frame-Options"]
        'DENY'
        """
        self.add_middleware(middleware)
        return middleware

    def add_middleware(self, middleware: Middleware) -> None:
        """Run ``middleware(request, call_next)`` around every request.

        ``call_next(request)`` runs the rest of the App and returns the
        response it would send, errors included (see
        :mod:`httpx_views.middleware`). The first registered is the outermost.

        :raises ConfigurationError: for a class (register an instance), an
            object that cannot be called, an ``async def`` function, or after
            the App has served its first request.
        """
        self._check_not_frozen()
        _check_middleware(middleware)
        self._middleware.append(middleware)

    def add_wsgi_middleware(
        self, factory: Callable[..., WSGIApplication], *args: Any, **kwargs: Any
    ) -> None:
        """Install WSGI middleware inside the App: ``factory(app, *args, **kwargs)``.

        The App stays the object to deploy; WSGI middleware runs outside all
        else, first registered outermost, built at the first request. For
        Werkzeug's ``ProxyFix``: ``app.add_wsgi_middleware(ProxyFix, x_for=1)``.

        >>> def powered_by(wsgi_app, name):
        ...     def call(environ, start_response):
        ...         environ["HTTP_X_POWERED_BY"] = name
        ...         return wsgi_app(environ, start_response)
        ...     return call
        >>> app = App()
        >>> @app.route("/")
        ... def home(request):
        ...     return request.headers["X-Powered-By"]
        >>> app.add_wsgi_middleware(powered_by, name="WSGI middleware")
        >>> Request.blank("/").get_response(app).text
        'WSGI middleware'

        :raises ConfigurationError: for a *factory* that cannot be called, or
            after the App has served its first request.
        """
        self._check_not_frozen()
        if not callable(factory):
            raise ConfigurationError(
                f"WSGI middleware is a callable factory(app, ...), not {factory!r}"
            )
        self._wsgi_middleware.append((factory, args, kwargs))

    def add_static(
        self,
        prefix: str,
        directory: str | os.PathLike[str],
        *,
        name: str | None = None,
        cache_max_age: int | None = 3600,
    ) -> Route:
        """Serve the files under *directory* at *prefix*; see :mod:`httpx_views.static`.

        >>> import pathlib, tempfile
        >>> app = App()
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     _ = (pathlib.Path(directory) / "app.css").write_text("p {}")
        ...     route = app.add_static("/static", directory)
        ...     css = Request.blank("/static/app.css").get_response(app).text
        >>> route.pattern, route.name, css
        ('/static/{path:path}', 'static', 'p {}')

        :param name: for :meth:`Request.static_url`; by default the last
            segment of *prefix*.
        :param cache_max_age: seconds for ``Cache-Control: max-age``;
            ``None`` sends no ``Cache-Control``.
        :raises ConfigurationError: for a *directory* that is not one, a bad
            *prefix* or *cache_max_age*, a *name* already taken, or after the
            App has served its first request.
        """
        return add_static(
            self, prefix, directory, name=name, cache_max_age=cache_max_age
        )

    def _check_not_frozen(self) -> None:
        if self._frozen:
            raise ConfigurationError(
                "the App has served a request: its configuration is frozen "
                "(register routes and views before serving)"
            )

    # -- serving ---------------------------------------------------------------

    def _freeze(self) -> None:
        with self._freezing:
            if self._frozen:
                return  # another thread's first request froze it
            self.router.freeze()
            self._exception_views.freeze()
            handle: Callable[[Request], WSGIApplication] = self._dispatch
            if self._middleware:
                views = self._exception_views
                handle = _chain(self._middleware, self._dispatch, views)
            wsgi = None
            if self._wsgi_middleware:
                wsgi = partial(self.__call__, inside=True)
                for factory, args, kwargs in reversed(self._wsgi_middleware):
                    wsgi = factory(wsgi, *args, **kwargs)
            self._handle, self._wsgi = handle, wsgi
            self._frozen = True

    def __call__(
        self,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        inside: bool = False,
    ) -> Iterable[bytes]:
        """Answer one request (PEP 3333); *inside*: called by WSGI middleware."""
        if not self._frozen:
            self._freeze()
        if self._wsgi is not None and not inside:
            return self._wsgi(environ, start_response)
        # Request(environ) without WebOb's argument checks; attributes go
        # into its dict, as WebOb's attribute hook costs more than routing.
        request = Request.__new__(Request)
        attributes = request.__dict__
        attributes.update(environ=environ, app=self)
        try:
            # The route's view, inside the middleware if there is any.
            response = self._handle(request)
        except Exception as exc:
            response = self._exception_views.answer(request, exc)
            # Its traceback holds this frame, which holds the exception (often
            # the response itself): a cycle only the garbage collector frees.
            exc.__traceback__ = None
        if "_response_callbacks" in attributes:
            response = _call_response_callbacks(
                request, response, self._exception_views
            )
        sent = response
        try:
            if type(response) is not _Body:  # a _Body is checked when made
                sent = _checked(response, request)  # type: ignore[arg-type]
            iterable = sent(environ, start_response)
        except Exception as exc:
            # A response that cannot be sent as it is (a header that would
            # split it, say) is a programming error: log it, answer 500.
            log_error(request, exc)
            _close(response)
            # The server may have taken a first start_response call (and
            # refused its headers): PEP 3333 wants exc_info on a second one.
            exc_info = sys.exc_info()

            def restart(status: str, headers: Any, _: Any = None) -> Any:
                return start_response(status, headers, exc_info)

            return self._exception_views.server_error(exc, request)(environ, restart)
        finally:
            if "_finished_callbacks" in attributes:
                _call_finished_callbacks(request)
        if sent is not response and iterable is not getattr(
            response, "_app_iter", None
        ):
            # A copy was sent (a HEAD, an Allow added), without the body.
            _close_unsent(response, iterable)
        return iterable

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
            return no_route(
                self.router, self._exception_views, request, path, method, found
            )
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
        return to_response(request, view(request), view, self._exception_views)

    def _check_permission(
        self, request: Request, permission: str
    ) -> WSGIApplication | None:
        """Return ``None`` if the policy grants *permission*, else the answer.

        A failing policy lets no one through: its 500 only views of HTTP
        exception classes answer, not a catch-all ``exception_view(Exception)``.
        """
        policy = self.security_policy
        assert policy is not None  # add_route refuses a permission without one
        try:
            if policy.permits(request, permission):
                return None
        except Exception as exc:
            if isinstance(exc, _RAISED_RESPONSES):
                raise  # a 401 with a challenge, say: the response
            return self._exception_views.internal_error(request, exc)
        why = f"permission {permission!r} denied by the security policy"
        detail = None
        if self.debug:
            detail = f"Route {request.matched_route.pattern!r}: {why}."  # type: ignore[union-attr]
            _logger().info("403 %s", detail)
        return self._exception_views.answer(
            request, HTTPForbidden(detail=detail, result=why)
        )
