"""The scenarios, the contestants and how one request is made and checked.

Shared by ``run.py``, ``e2e.py`` and ``tests/test_benchmarks.py``, so the
numbers and the test rest on the same checks: a contestant answering wrongly
fails the run instead of looking fast.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple

from .apps.common import (
    BIG,
    BIG_TYPE,
    CACHED,
    CHALLENGE,
    CREATED,
    CSV,
    ETAG,
    FRAME_OPTIONS,
    GONE,
    HELLO,
    ITEM_JSON,
    MAX_AGE,
    NOOP_MIDDLEWARE,
    NOT_FOUND,
    SEARCH,
    SEARCH_QUERY,
    SESSION,
    USER_ID,
    WELCOME,
)

WSGIApp = Callable[..., Iterable[bytes]]

#: Contestant name -> module in ``benchmarks.apps``, in table order.
CONTESTANTS = {
    "bare": "bare",
    "webob": "webob_app",
    "httpx_views": "httpx_views_app",
    "falcon": "falcon_app",
    "bottle": "bottle_app",
    "pyramid": "pyramid_app",
    "flask": "flask_app",
}


def load(name: str) -> Any:
    """Import the app module of contestant *name*."""
    try:
        module = CONTESTANTS[name]
    except KeyError:
        known = ", ".join(CONTESTANTS)
        raise ValueError(f"unknown contestant {name!r} (known: {known})") from None
    return importlib.import_module(f"benchmarks.apps.{module}")


def build(name: str, scenario: Scenario, routes: int = 0) -> WSGIApp:
    """Build contestant *name*'s app that *scenario*'s request goes to.

    It has *routes* filler routes; the ``middleware`` group's app runs
    every request through the no-op middlewares too.
    """
    app: WSGIApp = load(name).make_app(routes, middleware=scenario.middleware)
    return app


# -- one request ----------------------------------------------------------------


class Answer(NamedTuple):
    """What an application sent back for one request."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """Return the first header called *name* (any case), else None."""
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


class StartResponse:
    """A ``start_response`` that keeps what it was given."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status: str | None = None
        self.headers: list[tuple[str, str]] | None = None

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None and self.status is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = headers
        return self.write

    @staticmethod
    def write(data: bytes) -> None:
        raise AssertionError("the benchmark apps return their body, never write()")


def _client_disconnected() -> bool:
    return False


def environ(
    path: str, method: str = "GET", body: bytes = b"", body_type: str | None = None
) -> dict[str, Any]:
    """Return the environ Waitress 3 builds for a typical client's request.

    Every key Waitress sets is here, with the request headers ``httpx``
    sends; *path* may end in a query string. Its ``wsgi.input`` holds
    *body* as a template: callers copy the environ and put a fresh
    ``BytesIO`` of that body in ``wsgi.input`` for each request (see
    :func:`call`), as a server makes a new stream per request.

    >>> environ("/search?q=web")["QUERY_STRING"]
    'q=web'
    """
    from waitress.buffers import ReadOnlyFileBasedBuffer

    path_info, _, query = path.partition("?")
    env = {
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_HOST": "127.0.0.1",
        "REMOTE_PORT": "50312",
        "REQUEST_METHOD": method,
        "SERVER_PORT": "8080",
        "SERVER_NAME": "localhost",
        "SERVER_SOFTWARE": "waitress",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "REQUEST_URI": path,
        "QUERY_STRING": query,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.input": io.BytesIO(body),
        "wsgi.file_wrapper": ReadOnlyFileBasedBuffer,
        "wsgi.input_terminated": True,
        "HTTP_HOST": "localhost:8080",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_CONNECTION": "keep-alive",
        "HTTP_USER_AGENT": "python-httpx/0.28.1",
        "waitress.client_disconnected": _client_disconnected,
    }
    # Waitress passes the body's headers on only when the client sent them.
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    if body_type is not None:
        env["CONTENT_TYPE"] = body_type
    return env


def request_body(base: dict[str, Any]) -> bytes:
    """Return the body every request made from *base* carries."""
    template: io.BytesIO = base["wsgi.input"]
    return template.getvalue()


def call(app: WSGIApp, base: dict[str, Any]) -> Answer:
    """Send one request (a fresh copy of *base*) and drain the answer."""
    start_response = StartResponse()
    env = base.copy()
    env["wsgi.input"] = io.BytesIO(request_body(base))
    chunks = app(env, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    if start_response.status is None or start_response.headers is None:
        raise WrongAnswer("the app never called start_response")
    return Answer(start_response.status, list(start_response.headers), body)


# A cookie's Expires is computed from the clock, so it changes from one
# second to the next; Max-Age says the same and is checked strictly.
_EXPIRES = re.compile(r"(;\s*expires=)[^;]*", re.IGNORECASE)


def _timeless(answer: Answer) -> Answer:
    headers = [
        (key, _EXPIRES.sub(r"\1*", value) if key.lower() == "set-cookie" else value)
        for key, value in answer.headers
    ]
    return answer._replace(headers=headers)


def same_answer(answer: Answer, expected: Answer) -> bool:
    """Whether *answer* equals *expected*, a cookie's ``Expires`` date aside.

    >>> cookie = ("Set-Cookie", "a=b; Expires=Fri, 27 Nov 2026 11:59:12 GMT")
    >>> later = ("Set-Cookie", "a=b; Expires=Fri, 27 Nov 2026 11:59:13 GMT")
    >>> same_answer(Answer("200 OK", [later], b""), Answer("200 OK", [cookie], b""))
    True
    """
    return answer == expected or _timeless(answer) == _timeless(expected)


# -- scenarios ------------------------------------------------------------------


class WrongAnswer(AssertionError):
    """A contestant answered a scenario wrongly."""


def _require(condition: object, message: str) -> None:
    if not condition:
        raise WrongAnswer(message)


def _parameters(value: str) -> tuple[str, dict[str, str]]:
    """Split a header like ``text/csv; charset=UTF-8`` into its parts.

    Parameter names are lowercased; values lose their quotes.
    """
    first, *rest = value.split(";")
    params = {}
    for param in rest:
        key, _, raw = param.strip().partition("=")
        params[key.lower()] = raw.strip().strip('"')
    return first.strip(), params


def _content_type(answer: Answer, wanted: str, charset: str | None = None) -> None:
    value = answer.header("Content-Type") or ""
    media_type, params = _parameters(value)
    _require(media_type.lower() == wanted, f"Content-Type {value!r}, wanted {wanted}")
    if charset is not None:
        found = params.get("charset", "").lower()
        _require(found == charset, f"Content-Type {value!r}, wanted {charset}")


def _header(answer: Answer, name: str, wanted: str) -> None:
    value = answer.header(name)
    _require(value == wanted, f"{name} {value!r}, wanted {wanted!r}")


def _text(expected: str) -> Callable[[Answer], None]:
    def check(answer: Answer) -> None:
        _content_type(answer, "text/plain")
        _require(answer.body == expected.encode(), f"body {answer.body[:80]!r}")

    return check


def _json(expected: dict[str, Any]) -> Callable[[Answer], None]:
    # Frameworks space JSON differently: compare what it says.
    def check(answer: Answer) -> None:
        _content_type(answer, "application/json")
        try:
            data = json.loads(answer.body)
        except ValueError:
            raise WrongAnswer(f"body is not JSON: {answer.body[:80]!r}") from None
        _require(data == expected, f"JSON {data!r}, wanted {expected!r}")

    return check


_user = _json({"id": USER_ID})


def _error_page(title: bytes) -> Callable[[Answer], None]:
    # The framework renders its own page; whatever the format, it names the
    # status (HTML, JSON and text bodies of every contestant do).
    def check(answer: Answer) -> None:
        _require(answer.header("Content-Type"), "no Content-Type")
        _require(title in answer.body, f"{title!r} not in body {answer.body[:80]!r}")

    return check


def _parsed_challenge(value: str) -> tuple[str, dict[str, str]]:
    # realm=bench and realm="bench" are the same parameter (RFC 9110 11.2:
    # a token or a quoted string); Werkzeug sends the first.
    scheme, _, rest = value.strip().partition(" ")
    params = {}
    for param in rest.split(","):
        key, _, raw = param.strip().partition("=")
        params[key.lower()] = raw.strip('"')
    return scheme.lower(), params


def _challenge(answer: Answer) -> None:
    _error_page(b"Unauthorized")(answer)
    value = answer.header("WWW-Authenticate") or ""
    _require(
        _parsed_challenge(value) == _parsed_challenge(CHALLENGE),
        f"WWW-Authenticate {value!r}, wanted {CHALLENGE!r}",
    )


def _csv(answer: Answer) -> None:
    _content_type(answer, "text/csv", "utf-8")
    _header(answer, "X-Frame-Options", FRAME_OPTIONS)
    _require(answer.body == CSV.encode(), f"body {answer.body[:80]!r}")


def _cookie(answer: Answer) -> None:
    # Frameworks spell and order the attributes differently (HttpOnly or
    # httponly, SameSite=Lax or lax, Expires or not): compare their meaning.
    _text(WELCOME)(answer)
    cookies = [value for key, value in answer.headers if key.lower() == "set-cookie"]
    _require(len(cookies) == 1, f"Set-Cookie {cookies!r}, wanted one")
    pair, attributes = _parameters(cookies[0])
    _require(pair == f"session={SESSION}", f"cookie {cookies[0]!r}")
    _require(attributes.get("max-age") == str(MAX_AGE), f"Max-Age in {cookies[0]!r}")
    _require("secure" in attributes, f"no Secure in {cookies[0]!r}")
    _require("httponly" in attributes, f"no HttpOnly in {cookies[0]!r}")
    _require(attributes.get("samesite", "").lower() == "lax", f"{cookies[0]!r}")
    _require(attributes.get("path", "/") == "/", f"Path in {cookies[0]!r}")
    if "expires" in attributes:
        # Computed from the clock: it must say what Max-Age says, give or
        # take the time a slow first request may take.
        _require(
            abs(_timestamp(attributes["expires"]) - time.time() - MAX_AGE) < 60,
            f"Expires in {cookies[0]!r}",
        )


def _timestamp(http_date: str) -> float:
    # WebOb writes the old cookie form, "Fri, 27-Nov-2026 11:59:12 GMT".
    try:
        return parsedate_to_datetime(http_date.replace("-", " ")).timestamp()
    except (TypeError, ValueError):
        raise WrongAnswer(f"not a date: {http_date!r}") from None


def _cache(answer: Answer) -> None:
    _text(CACHED)(answer)
    value = answer.header("Cache-Control") or ""
    directives = {d.strip().lower() for d in value.split(",")}
    wanted = {"public", f"max-age={MAX_AGE}"}
    _require(directives == wanted, f"Cache-Control {value!r}, wanted {wanted}")
    _header(answer, "ETag", f'"{ETAG}"')


def _gone(answer: Answer) -> None:
    _content_type(answer, "text/plain", "utf-8")
    _require(answer.body == GONE.encode(), f"body {answer.body[:80]!r}")


def _big(answer: Answer) -> None:
    _content_type(answer, BIG_TYPE)
    _require(answer.body == BIG, f"{len(answer.body)} bytes, not the big body")


#: The scenarios' groups: views returning a plain value or raising a bare
#: exception; views that touch the request or the response as real views
#: do; and a plain view with no-op middleware around every request, sent
#: to an app of its own (``make_app(middleware=True)``).
PLAIN, REALISTIC, MIDDLEWARE = "plain", "realistic", "middleware"


@dataclass(frozen=True)
class Scenario:
    """One kind of request and what a correct answer to it looks like."""

    name: str
    path: str
    status: int
    check: Callable[[Answer], None]
    about: str
    #: Whether its cost may grow with the number of routes.
    scales: bool = False
    group: str = PLAIN
    method: str = "GET"
    #: The request body, and its ``Content-Type``.
    body: bytes = b""
    body_type: str | None = None
    #: Whether it goes to the app with the no-op middlewares.
    middleware: bool = False

    def environ(self) -> dict[str, Any]:
        """The environ of this scenario's request (see :func:`environ`)."""
        return environ(self.path, self.method, self.body, self.body_type)

    def verify(self, answer: Answer) -> None:
        """Check *answer* fully; raise :class:`WrongAnswer` if it is wrong."""
        code, _, reason = answer.status.partition(" ")
        _require(
            code == str(self.status) and reason,
            f"{self.name}: status {answer.status!r}, wanted {self.status}",
        )
        length = answer.header("Content-Length")
        _require(
            length is None or length == str(len(answer.body)),
            f"{self.name}: Content-Length {length} for {len(answer.body)} bytes",
        )
        for key, value in answer.headers:
            _require(
                isinstance(key, str) and isinstance(value, str),
                f"{self.name}: header {key!r}: {value!r} is not str",
            )
        try:
            self.check(answer)
        except WrongAnswer as exc:
            raise WrongAnswer(f"{self.name}: {exc}") from None


def _realistic(
    name: str,
    path: str,
    status: int,
    check: Callable[[Answer], None],
    about: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    body_type: str | None = None,
) -> Scenario:
    """A scenario of the realistic group."""
    return Scenario(
        name, path, status, check, about, False, REALISTIC, method, body, body_type
    )


SCENARIOS = {
    scenario.name: scenario
    for scenario in [
        Scenario("hello", "/hello", 200, _text(HELLO), "static route, text"),
        Scenario("users", f"/users/{USER_ID}", 200, _user, "placeholder, JSON"),
        Scenario("buy", "/buy", 402, _error_page(b"Payment Required"), "raises 402"),
        Scenario(
            "returned",
            "/returned",
            402,
            _error_page(b"Payment Required"),
            "returns 402 (raises where it cannot return)",
        ),
        Scenario("nope", "/nope", 404, _text(NOT_FOUND), "no route, custom 404", True),
        Scenario("last", f"/last/{USER_ID}", 200, _user, "after N filler routes", True),
        _realistic("headers", "/headers", 200, _csv, "content type + a header"),
        _realistic("cookie", "/cookie", 200, _cookie, "sets a session cookie"),
        _realistic(
            "json_in",
            "/items",
            201,
            _json(CREATED),
            "reads a JSON body, 201 + JSON",
            method="POST",
            body=ITEM_JSON,
            body_type="application/json",
        ),
        _realistic(
            "query",
            f"/search?{SEARCH_QUERY}",
            200,
            _json(SEARCH),
            "reads 5 query parameters, JSON",
        ),
        _realistic("response", "/response", 404, _gone, "returns its own Response"),
        _realistic("cache", "/cache", 200, _cache, "Cache-Control + ETag"),
        _realistic("big", "/big", 200, _big, "a 1 MiB body"),
        _realistic("secret", "/secret", 401, _challenge, "raises 401 + challenge"),
        Scenario(
            "middleware",
            "/hello",
            200,
            _text(HELLO),
            f"hello through {NOOP_MIDDLEWARE} no-op middlewares",
            group=MIDDLEWARE,
            middleware=True,
        ),
    ]
}

#: Group name -> the names of its scenarios, in table order.
GROUPS = {
    group: [name for name, scenario in SCENARIOS.items() if scenario.group == group]
    for group in (PLAIN, REALISTIC, MIDDLEWARE)
}


def check(app: WSGIApp, scenario: Scenario) -> Answer:
    """Send *scenario*'s request to *app*, verify and return the answer."""
    answer = call(app, scenario.environ())
    scenario.verify(answer)
    return answer
