"""Cross-origin resource sharing (CORS): which sites' pages may call the App.

A browser lets a page read an answer from another origin only if the answer
says so in ``Access-Control-*`` headers, and asks first (a *preflight*:
``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) before a
request that is not "simple". :class:`CORS` answers the preflights and adds
the headers to every other answer:

>>> from httpx_views import App
>>> from httpx_views.cors import CORS
>>> app = App()
>>> app.add_middleware(CORS(["https://notes.example.com"], credentials=True))
>>> @app.route("/notes", methods=["GET", "POST"])
... def notes(request):
...     return []
>>> from webtest import TestApp
>>> client = TestApp(app)
>>> preflight = client.options(
...     "/notes",
...     headers={
...         "Origin": "https://notes.example.com",
...         "Access-Control-Request-Method": "POST",
...     },
...     status=204,
... )
>>> preflight.headers["Access-Control-Allow-Methods"]
'GET, HEAD, OPTIONS, POST'
>>> answer = client.get("/notes", headers={"Origin": "https://notes.example.com"})
>>> answer.headers["Access-Control-Allow-Origin"], answer.headers["Vary"]
('https://notes.example.com', 'Origin')

Register it first, as the outermost middleware: the others' answers, 404s
and 500s then get the headers too, and no preflight reaches a view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import webob

from .httpexceptions import HTTPBadRequest
from .middleware import CallNext
from .request import Request
from .response import _add_vary
from .routing import ConfigurationError, Route

__all__ = ["CORS"]

# RFC 9110 token: what a header or method name is made of.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# An origin as browsers send it: scheme, host (a name or [IPv6]), port.
_ORIGIN = re.compile(
    r"([a-z][a-z0-9+.-]*)://([a-z0-9._~-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?"
)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
# CORS-safelisted request headers, listed in a preflight only for an unusual
# value (Content-Type: application/json): allowed, as Starlette does.
_SAFELISTED = {"accept", "accept-language", "content-language", "content-type"}


class CORS:
    """Middleware that lets the pages of *origins* call the App.

    >>> from httpx_views import App
    >>> app = App()
    >>> app.add_middleware(
    ...     CORS(
    ...         ["https://notes.example.com"],
    ...         headers=["Authorization"],
    ...         expose=["ETag"],
    ...         credentials=True,
    ...         max_age=600,
    ...     )
    ... )

    :param origins: the origins allowed, each ``scheme://host[:port]``
        (``"null"`` only if listed; one string is one origin); ``"*"`` for
        every origin; or a callable ``origins(origin) -> bool``.
    :param methods: the methods a page may use, among those its route serves
        (``GET`` implies ``HEAD``); ``None``: whatever the route serves.
    :param headers: the request headers a page may send (any case), besides
        ``Accept``, ``Accept-Language``, ``Content-Language`` and
        ``Content-Type``; ``"*"`` allows any header.
    :param expose: the response headers a page may read.
    :param credentials: let pages send cookies and ``Authorization`` and
        read the answers (never with ``"*"``: list the origins, or pass a
        callable).
    :param max_age: how many seconds a browser may keep a preflight answer.
    :raises ConfigurationError: for an origin that is not
        ``scheme://host[:port]``, ``"*"`` with credentials, a name that is
        not an HTTP token, or a *max_age* that is not a number >= 0.
    """

    def __init__(
        self,
        origins: Iterable[str] | str | Callable[[str], bool],
        *,
        methods: Iterable[str] | None = None,
        headers: Iterable[str] | str = (),
        expose: Iterable[str] | str = (),
        credentials: bool = False,
        max_age: int | None = None,
    ) -> None:
        self._origins = _check_origins(origins)
        # Every origin gets the same answer: '*', and no Vary needed.
        self._wildcard = self._origins == "*"
        if self._wildcard and credentials:
            raise ConfigurationError(
                "CORS: origins='*' with credentials=True would let every site "
                "read answers meant for the user; list the origins, or pass a "
                "callable that decides"
            )
        self._methods: frozenset[str] | None = None
        if methods is not None:
            names = {name.upper() for name in _tokens(methods, "method")}
            if not names or "*" in names:
                raise ConfigurationError(
                    f"CORS: methods={methods!r} allows nothing; methods=None "
                    "allows whatever the route serves"
                )
            self._methods = frozenset(names | ({"HEAD"} if "GET" in names else set()))
        allowed = {name.lower() for name in _tokens(headers, "header")}
        self._any_header = "*" in allowed
        self._headers = frozenset(allowed | _SAFELISTED)
        exposed = _tokens(expose, "header")
        if credentials and "*" in exposed:
            raise ConfigurationError(
                "CORS: expose='*' means a header named '*' to a browser when "
                "credentials=True; list the headers"
            )
        if max_age is not None and (
            isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0
        ):
            raise ConfigurationError(
                f"CORS: max_age must be a number of seconds >= 0 or None, "
                f"not {max_age!r}"
            )
        self._credentials = bool(credentials)
        self._max_age = max_age
        self._expose = ", ".join(exposed)

    def __call__(self, request: Request, call_next: CallNext) -> webob.Response:
        """Answer a preflight, or add the CORS headers to the App's answer."""
        environ = request.environ
        origin: str | None = environ.get("HTTP_ORIGIN")
        if (
            origin is not None
            and environ["REQUEST_METHOD"] == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
        ):
            answer = self._preflight(request, origin)
            if answer is not None:
                return answer
        response = call_next(request)
        self._add_headers(response.headerlist, origin)
        return response

    def _allows(self, origin: str) -> bool:
        origins = self._origins
        if self._wildcard:
            return True
        if callable(origins):
            return bool(origins(origin))
        return origin in origins

    def _preflight(self, request: Request, origin: str) -> webob.Response | None:
        """Answer a preflight; ``None`` if no route has the path (a 404)."""
        try:
            path = request.path_info
        except HTTPBadRequest:
            return None  # not UTF-8: the App answers 400
        routes = request.app.router.candidates(path)  # type: ignore[union-attr]
        if not routes:
            return None
        environ = request.environ
        method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
        served = _methods(routes)
        # What a page may use (None: any): the route's, narrowed by methods=.
        if self._methods is None:
            allowed = served
        elif served is None:
            allowed = self._methods
        else:
            allowed = served & self._methods
        asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")
        wanted = [name.strip().lower() for name in asked if name.strip()]
        headers = [] if served is None else [("Allow", ", ".join(sorted(served)))]
        if not self._wildcard:
            headers.append(("Vary", "Origin"))
        if not (
            (allowed is None or method in allowed)
            and all(_TOKEN.fullmatch(name) for name in wanted)
            and (self._any_header or self._headers.issuperset(wanted))
            and self._allows(origin)
        ):
            # Refused: no Access-Control-* header, so the browser blocks the
            # request and tells why; not an error status, which is no reason.
            return webob.Response(headerlist=headers)  # 200 OK
        methods = method if allowed is None else ", ".join(sorted(allowed))
        headers += [
            ("Access-Control-Allow-Origin", "*" if self._wildcard else origin),
            ("Access-Control-Allow-Methods", methods),
        ]
        if wanted:
            headers.append(("Access-Control-Allow-Headers", ", ".join(wanted)))
        if self._credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if self._max_age is not None:
            headers.append(("Access-Control-Max-Age", str(self._max_age)))
        return webob.Response(status=204, headerlist=headers)

    def _add_headers(self, headers: list[tuple[str, str]], origin: str | None) -> None:
        """Put this answer's CORS headers in *headers*, in place of any set."""
        headers[:] = [
            pair
            for pair in headers
            if not pair[0].lower().startswith("access-control-")
        ]
        if self._wildcard:
            headers.append(("Access-Control-Allow-Origin", "*"))
        else:
            # Whether the headers are there depends on Origin, present or
            # not: a shared cache must not give one origin another's answer.
            _add_vary(headers, "Origin")
            if origin is None or not self._allows(origin):
                return
            headers.append(("Access-Control-Allow-Origin", origin))
            if self._credentials:
                headers.append(("Access-Control-Allow-Credentials", "true"))
        if self._expose:
            headers.append(("Access-Control-Expose-Headers", self._expose))


def _methods(routes: list[Route]) -> frozenset[str] | None:
    """The methods *routes* serve (as the router answers 405 and OPTIONS).

    ``None``: one of them serves every method.
    """
    methods = {"OPTIONS"}
    for route in routes:
        if route.methods is None:
            return None
        methods |= route.methods
    return frozenset(methods)


def _check_origins(
    origins: Iterable[str] | str | Callable[[str], bool],
) -> str | frozenset[str] | Callable[[str], bool]:
    """*origins* as ``"*"``, a set of checked origins, or the callable."""
    if isinstance(origins, str):
        origins = [origins]
    elif callable(origins):
        return origins
    listed = list(origins)
    if listed == ["*"]:
        return "*"
    if not listed:
        raise ConfigurationError(
            "CORS: empty list of origins; list some, or pass '*' or a callable"
        )
    if "*" in listed:
        raise ConfigurationError("CORS: '*' allows every origin: pass it alone")
    return frozenset(_check_origin(origin) for origin in listed)


def _check_origin(origin: object) -> str:
    """*origin* as browsers send it: scheme and host lower-cased."""
    text = str(origin).lower()
    found = _ORIGIN.fullmatch(text)
    if text == "null" or (found and found[3] != _DEFAULT_PORTS.get(found[1])):
        return text
    if found:
        raise ConfigurationError(
            f"CORS: origin {origin!r} names the default port, which browsers "
            f"leave out: write {text[: found.start(3)]!r}"
        )
    scheme, slashes, rest = text.partition("://")
    if slashes and "/" in rest:
        raise ConfigurationError(
            f"CORS: origin {origin!r} has a path (a trailing '/' is one), which "
            f"an Origin header never has: write '{scheme}://{rest.split('/')[0]}'"
        )
    raise ConfigurationError(
        f"CORS: origin {origin!r} is not scheme://host[:port], "
        "such as 'https://example.com'"
    )


def _tokens(names: Iterable[str] | str, what: str) -> list[str]:
    """*names* (one string is one name), each checked to be an HTTP token."""
    listed = [names] if isinstance(names, str) else list(names)
    for name in listed:
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise ConfigurationError(f"CORS: {what} {name!r} is not an HTTP token")
    return listed
