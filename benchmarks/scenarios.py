"""The scenarios, the contestants and how one request is made and checked.

Shared by ``run.py``, ``e2e.py`` and ``tests/test_benchmarks.py``, so the
numbers and the test rest on the same checks: a contestant answering wrongly
fails the run instead of looking fast.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .apps.common import CHALLENGE, HELLO, NOT_FOUND, USER_ID

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


def environ(path: str, method: str = "GET") -> dict[str, Any]:
    """Return the environ Waitress 3 builds for a typical client's request.

    Every key Waitress sets is here, with the request headers ``httpx``
    sends. Callers copy it and put a fresh ``BytesIO`` in ``wsgi.input``
    for each request (see :func:`call`).
    """
    from waitress.buffers import ReadOnlyFileBasedBuffer

    return {
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_HOST": "127.0.0.1",
        "REMOTE_PORT": "50312",
        "REQUEST_METHOD": method,
        "SERVER_PORT": "8080",
        "SERVER_NAME": "localhost",
        "SERVER_SOFTWARE": "waitress",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "REQUEST_URI": path,
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.input": io.BytesIO(),
        "wsgi.file_wrapper": ReadOnlyFileBasedBuffer,
        "wsgi.input_terminated": True,
        "HTTP_HOST": "localhost:8080",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_CONNECTION": "keep-alive",
        "HTTP_USER_AGENT": "python-httpx/0.28.1",
        "waitress.client_disconnected": _client_disconnected,
    }


def call(app: WSGIApp, base: dict[str, Any]) -> Answer:
    """Send one request (a fresh copy of *base*) and drain the answer."""
    start_response = StartResponse()
    env = base.copy()
    env["wsgi.input"] = io.BytesIO()
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


# -- scenarios ------------------------------------------------------------------


class WrongAnswer(AssertionError):
    """A contestant answered a scenario wrongly."""


def _require(condition: object, message: str) -> None:
    if not condition:
        raise WrongAnswer(message)


def _content_type(answer: Answer, wanted: str) -> None:
    value = answer.header("Content-Type") or ""
    media_type = value.split(";")[0].strip().lower()
    _require(media_type == wanted, f"Content-Type {value!r}, wanted {wanted}")


def _text(expected: str) -> Callable[[Answer], None]:
    def check(answer: Answer) -> None:
        _content_type(answer, "text/plain")
        _require(answer.body == expected.encode(), f"body {answer.body[:80]!r}")

    return check


def _user(answer: Answer) -> None:
    _content_type(answer, "application/json")
    try:
        data = json.loads(answer.body)
    except ValueError:
        raise WrongAnswer(f"body is not JSON: {answer.body[:80]!r}") from None
    _require(data == {"id": USER_ID}, f"JSON {data!r}")


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
        Scenario("secret", "/secret", 401, _challenge, "raises 401 + challenge"),
        Scenario("nope", "/nope", 404, _text(NOT_FOUND), "no route, custom 404", True),
        Scenario("last", f"/last/{USER_ID}", 200, _user, "after N filler routes", True),
    ]
}


def check(app: WSGIApp, scenario: Scenario) -> Answer:
    """Send *scenario*'s request to *app*, verify and return the answer."""
    answer = call(app, environ(scenario.path))
    scenario.verify(answer)
    return answer
