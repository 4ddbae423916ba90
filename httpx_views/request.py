"""The request object views receive.

:class:`Request` is a :class:`webob.Request` with what a routed view needs on
top: the values its route matched, a response it may adjust before returning a
plain value, the identity the security policy gives, and URLs for named routes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import webob

from .httpexceptions import HTTPBadRequest

if TYPE_CHECKING:
    from .app import App
    from .routing import Route

__all__ = ["Request", "Response"]

# Re-exported so that views import everything from one place. WebOb's own
# class, unchanged: ``Response("hi")`` means what WebOb's documentation says.
Response = webob.Response

_UNSET: Any = object()


class Request(webob.Request):
    """A WebOb request with routing, response and security helpers.

    The App fills in ``matchdict``, ``matched_route`` and ``app`` before the
    view runs, and ``exception`` before an exception view runs::

        @app.route("/users/{id:int}", name="user")
        def user(request):
            request.response.headers["Cache-Control"] = "no-store"
            return {"id": request.matchdict["id"]}
    """

    # Declared on the class so that WebOb's ad-hoc attribute machinery stores
    # them on the instance instead of in the WSGI environ.
    #: The values the matched route captured, converted (``{id:int}`` -> int);
    #: empty, and read-only, where no route matched.
    matchdict: Mapping[str, Any] = MappingProxyType({})
    #: The route that matched, or ``None`` (Not Found, or a test request).
    matched_route: Route | None = None
    #: The exception an exception view is answering, else ``None``.
    exception: BaseException | None = None
    #: The App serving this request; ``route_url`` needs it.
    app: App | None = None

    _response: webob.Response | None = None
    _identity: Any = _UNSET

    @property
    def response(self) -> webob.Response:
        """The response a view may adjust before returning a plain value.

        Created on first use, ``200 OK`` with ``text/plain; charset=UTF-8``.
        A view that returns a ``str``, ``bytes``, ``dict``, ``list`` or
        ``None`` is answered with this response, its body set from the value.
        """
        response = self._response
        if response is None:
            # Into the instance dict: WebOb's attribute hook is slow.
            response = self.__dict__["_response"] = _new_response()
        return response

    @response.setter
    def response(self, value: webob.Response) -> None:
        self._response = value

    # Decoding what the client sent fails by the client's fault: an unknown
    # or non-UTF-8 charset, a broken multipart body, malformed JSON.
    @property
    def POST(self) -> Any:
        """The form fields of the body; 400 if they cannot be decoded."""
        try:
            return super().POST
        except (ValueError, LookupError, DeprecationWarning) as exc:
            raise _undecodable() from exc

    @property
    def text(self) -> str:
        """The body as text in its charset; 400 if it cannot be decoded."""
        try:
            return super().text
        except (ValueError, LookupError) as exc:
            raise _undecodable() from exc

    @text.setter
    def text(self, value: str) -> None:
        webob.Request.text.__set__(self, value)

    @property
    def json_body(self) -> Any:
        """The body parsed as JSON; 400 if it cannot be decoded."""
        try:
            return super().json_body
        except (ValueError, LookupError) as exc:
            raise _undecodable() from exc

    @json_body.setter
    def json_body(self, value: Any) -> None:
        webob.Request.json_body.__set__(self, value)

    json = json_body

    @property
    def has_response(self) -> bool:
        """Whether ``request.response`` has been created yet."""
        return self._response is not None

    @property
    def identity(self) -> Any:
        """Who made this request, as the App's security policy says.

        Asked of the policy once, on first use, then cached. ``None`` without
        a policy (a test request may be given one directly).
        """
        identity = self._identity
        if identity is _UNSET:
            app = self.app
            policy = app.security_policy if app is not None else None
            identity = None if policy is None else policy.identity(self)
            self._identity = identity
        return identity

    @identity.setter
    def identity(self, value: Any) -> None:
        self._identity = value

    def route_path(
        self,
        name: str,
        /,
        _query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        **parts: Any,
    ) -> str:
        """Return the path of the route called *name*, with *parts* filled in.

        Each part is quoted as one path segment (``/`` becomes ``%2F``), and
        the application's ``SCRIPT_NAME`` is prefixed::

            request.route_path("user", id=42)            # '/users/42'
            request.route_path("search", _query={"q": "a b"})

        :raises LookupError: for an unknown route name.
        :raises ValueError: for a missing or unexpected part.
        """
        if self.app is None:
            raise RuntimeError(
                "request.route_path() needs the App: this request has none "
                "(give DummyRequest an app=)"
            )
        return self.script_name + self.app.router.url_path(name, parts, query=_query)

    def route_url(
        self,
        name: str,
        /,
        _query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        **parts: Any,
    ) -> str:
        """Like :meth:`route_path`, as an absolute URL on this request's host."""
        return self.host_url + self.route_path(name, _query, **parts)


def _undecodable() -> HTTPBadRequest:
    return HTTPBadRequest(detail="The request body cannot be decoded.")


def _new_response() -> webob.Response:
    """Return ``webob.Response(content_type="text/plain", charset="UTF-8")``.

    Built by setting what WebOb's constructor would leave behind: its
    argument handling costs more than a whole plain-text view.
    """
    response = webob.Response.__new__(webob.Response)
    vars(response).update(
        _status="200 OK",
        _headers=None,
        _headerlist=list(UNTOUCHED_HEADERS),
        _app_iter=[b""],
        conditional_response=False,
    )
    return response


#: The Content-Type header of ``request.response`` as first made.
TEXT_PLAIN = ("Content-Type", "text/plain; charset=UTF-8")
#: The headers of ``request.response`` as first made.
UNTOUCHED_HEADERS = [TEXT_PLAIN, ("Content-Length", "0")]
