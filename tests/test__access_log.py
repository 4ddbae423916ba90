"""The access log of ``httpx-views serve``, called in-process.

Mirrors ``httpx_views/_access_log.py``; the log of a real server, in a
subprocess, is tested in ``test_cli.py``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from harness import environ_for

from httpx_views import _access_log

ACCESS = "test__access_log.access"
WRITE = object()  # what the server's start_response returns

# host ident user [time] "request line" status bytes
LOG_LINE = re.compile(
    r"(?P<host>\S+) - (?P<user>\S+) "
    r"\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
    r'"(?P<request>[^"]*)" (?P<status>\S+) (?P<size>\S+)'
)


class ClosingBody:
    """A response body with a close() method, which says when it runs."""

    def __init__(self, chunks: list[bytes], caplog: pytest.LogCaptureFixture) -> None:
        self.chunks = chunks
        self.caplog = caplog
        self.closed = 0

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        # Before the line is logged.
        assert access_records(self.caplog) == []
        self.closed += 1


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == ACCESS]


def logged(
    caplog: pytest.LogCaptureFixture,
    app: Any,
    environ: dict[str, Any] | None = None,
    *,
    iterate: bool = True,
) -> tuple[bytes, list[tuple[Any, ...]], re.Match[str]]:
    """Serve *app* through _AccessLog as a server does: the body, the calls to
    start_response, and the one line logged, parsed."""
    calls: list[tuple[Any, ...]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> object:
        calls.append((status, headers, exc_info))
        return WRITE

    if environ is None:
        environ = environ_for("/")
    with caplog.at_level(logging.INFO, logger=ACCESS):
        body = _access_log._AccessLog(app, logging.getLogger(ACCESS))(
            environ, start_response
        )
        data = b"".join(body) if iterate else b""
        close = getattr(body, "close", None)
        if close is not None:
            close()
    [record] = access_records(caplog)
    line = LOG_LINE.fullmatch(record.getMessage())
    assert line is not None, record.getMessage()
    return data, calls, line


def app_returning(make_body: Any) -> Any:
    def app(environ: Any, start_response: Any) -> Any:
        write = start_response("402 Payment Required", [("Content-Length", "7")])
        assert write is WRITE
        return make_body()

    return app


@pytest.mark.parametrize(
    ("chunks", "kind", "size"),
    [
        ([b"ab", b"cde"], "list", "5"),
        ([b"ab", b"cde"], "tuple", "5"),
        ([], "list", "-"),
        ([b""], "list", "-"),
        ([b"abcd", b"efg"], "generator", "7"),
        ([b"abc", b"de"], "iterator", "5"),  # no close()
        ([b"ab", b"c"], "closing", "3"),
        ([], "closing", "-"),
    ],
)
def test_access_log_counts_the_body(
    caplog: pytest.LogCaptureFixture, chunks: list[bytes], kind: str, size: str
) -> None:
    bodies = {
        "list": lambda: list(chunks),
        "tuple": lambda: tuple(chunks),
        "generator": lambda: (chunk for chunk in chunks),
        "iterator": lambda: iter(chunks),
        "closing": lambda: ClosingBody(chunks, caplog),
    }
    made: list[Any] = []

    def make_body() -> Any:
        made.append(bodies[kind]())
        return made[-1]

    app = app_returning(make_body)
    data, calls, line = logged(caplog, app)
    assert data == b"".join(chunks)
    assert calls == [("402 Payment Required", [("Content-Length", "7")], None)]
    assert (line["status"], line["size"]) == ("402", size)
    if kind == "closing":
        assert made[0].closed == 1
    if kind in ("list", "tuple"):
        # The body as the application made it: a server sees its length.
        access = _access_log._AccessLog(app, logging.getLogger(ACCESS))
        assert access(environ_for("/"), lambda *args: WRITE) is made[-1]


def test_access_log_calls_the_application_with_the_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen = []

    def app(environ: Any, start_response: Any) -> list[bytes]:
        seen.append(environ)
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    environ = environ_for("/echo")
    data, _, line = logged(caplog, app, environ)
    assert data == b"/echo"
    assert seen == [environ]
    assert seen[0] is environ
    assert (line["request"], line["status"]) == ("GET /echo HTTP/1.0", "200")


def test_access_log_body_closed_unread(caplog: pytest.LogCaptureFixture) -> None:
    # A generator application starts the response as it is iterated: closed
    # before that (the client went away), it has no status and no bytes.
    def app(environ: Any, start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b"never"

    data, calls, line = logged(caplog, app, iterate=False)
    assert (data, calls) == (b"", [])
    assert (line["status"], line["size"]) == ("-", "-")


def test_access_log_application_that_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def app(environ: Any, start_response: Any) -> list[bytes]:
        raise RuntimeError("no response at all")

    with pytest.raises(RuntimeError, match="no response at all"):
        logged(caplog, app)
    [record] = access_records(caplog)
    line = LOG_LINE.fullmatch(record.getMessage())
    assert line is not None
    assert (line["request"], line["status"], line["size"]) == (
        "GET / HTTP/1.0",
        "500",
        "-",
    )


def test_access_log_leaves_the_status_line_to_the_server(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The middleware only reads the status: a bad one is the server's to
    # refuse, with its own error.
    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("", [])
        return [b"never"]

    def strict_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        raise ValueError(f"bad status line {status!r}")

    access = _access_log._AccessLog(app, logging.getLogger(ACCESS))
    with (
        caplog.at_level(logging.INFO, logger=ACCESS),
        pytest.raises(ValueError, match=r"^bad status line ''$"),
    ):
        access(environ_for("/"), strict_start_response)
    [record] = access_records(caplog)
    assert record.getMessage().endswith('"GET / HTTP/1.0" 500 -')


def test_access_log_passes_exc_info_on(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: Any, start_response: Any) -> list[bytes]:
        try:
            raise ValueError("late")
        except ValueError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"error"]

    _, calls, line = logged(caplog, app)
    [(status, headers, exc_info)] = calls
    assert (status, headers) == ("500 Internal Server Error", [])
    assert exc_info[0] is ValueError
    assert (line["status"], line["size"]) == ("500", "5")


@pytest.mark.parametrize(
    ("environ", "host", "user", "request_line"),
    [
        # Waitress: REQUEST_URI as the client sent it.
        (
            {
                "REQUEST_METHOD": "POST",
                "REQUEST_URI": "/a%2Fb?x=1",
                "SCRIPT_NAME": "",
                "PATH_INFO": "/a/b",
                "QUERY_STRING": "x=1",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "10.0.0.1",
                "REMOTE_USER": "alice",
            },
            "10.0.0.1",
            "alice",
            "POST /a%2Fb?x=1 HTTP/1.1",
        ),
        # Another server: the URI rebuilt, quoted.
        (
            {
                "REQUEST_METHOD": "GET",
                "SCRIPT_NAME": "/mount",
                "PATH_INFO": "/a b",
                "QUERY_STRING": "x=1&y",
                "SERVER_PROTOCOL": "HTTP/1.0",
                "REMOTE_ADDR": "::1",
            },
            "::1",
            "-",
            "GET /mount/a%20b?x=1&y HTTP/1.0",
        ),
        (
            {"SCRIPT_NAME": "/mount", "QUERY_STRING": ""},
            "-",
            "-",
            "- /mount -",
        ),
        ({"PATH_INFO": "/p"}, "-", "-", "- /p -"),
        # Nothing at all: a dash for each field.
        ({}, "-", "-", "-  -"),
        # What could forge or break a line is escaped.
        (
            {
                "REQUEST_METHOD": "GET",
                "REQUEST_URI": '/a"b\\c\x1b[31m',
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "1.2.3.4\n",
                "REMOTE_USER": 'ev"il',
            },
            "1.2.3.4\\x0a",
            "ev\\x22il",
            "GET /a\\x22b\\x5cc\\x1b[31m HTTP/1.1",
        ),
    ],
    ids=[
        "waitress",
        "other-server",
        "script-name-only",
        "path-only",
        "empty",
        "unsafe",
    ],
)
def test_access_log_line(
    caplog: pytest.LogCaptureFixture,
    environ: dict[str, Any],
    host: str,
    user: str,
    request_line: str,
) -> None:
    app = app_returning(lambda: [b"paid"])
    _, _, line = logged(caplog, app, dict(environ))
    assert (line["host"], line["user"], line["request"]) == (host, user, request_line)
    assert (line["status"], line["size"]) == ("402", "4")


def test_access_log_time_is_now(caplog: pytest.LogCaptureFixture) -> None:
    before = time.time()
    _, _, line = logged(caplog, app_returning(list))
    after = time.time()
    stamp = re.search(r"\[([^]]+)\]", line[0])
    assert stamp is not None
    logged_at = datetime.strptime(stamp[1], "%d/%b/%Y:%H:%M:%S %z").timestamp()
    assert int(before) <= logged_at <= after


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("GET /path?x=1 HTTP/1.1", "GET /path?x=1 HTTP/1.1"),
        ('a"b\\c', "a\\x22b\\x5cc"),
        ("\x1b[31m", "\\x1b[31m"),
        ("tab\there\r\n\x00", "tab\\x09here\\x0d\\x0a\\x00"),
        ("\x7f\x80\xe9\xff", "\\x7f\\x80\\xe9\\xff"),
        ("~ !", "~ !"),
        # Not from a server (one byte a character): its low byte.
        ("\u20ac", "\\xac"),
    ],
    ids=["plain", "quote-backslash", "escape", "controls", "high", "edges", "wide"],
)
def test_log_escape(value: str, escaped: str) -> None:
    assert _access_log._log_escape(value) == escaped


def test_counted_body_reports_its_size_once_closed() -> None:
    sizes: list[int] = []
    body = _access_log._CountedBody([b"ab", b"cde", b"f"], sizes.append)
    assert list(body) == [b"ab", b"cde", b"f"]
    assert sizes == []
    body.close()
    assert sizes == [6]


def test_counted_body_reports_even_when_close_fails() -> None:
    class Failing:
        def __iter__(self) -> Iterator[bytes]:
            return iter([b"ab"])

        def close(self) -> None:
            raise OSError("gone")

    sizes: list[int] = []
    body = _access_log._CountedBody(Failing(), sizes.append)
    assert list(body) == [b"ab"]
    with pytest.raises(OSError, match="gone"):
        body.close()
    assert sizes == [2]


@pytest.mark.parametrize(
    ("script_name", "path", "query", "request_line"),
    [
        ("", "/notes", "", "GET /notes HTTP/1.0"),
        ("/mount", "/a b", "x=1&y", "GET /mount/a%20b?x=1&y HTTP/1.0"),
    ],
)
def test_access_log_rebuilds_request_uri_for_other_servers(
    caplog: pytest.LogCaptureFixture,
    script_name: str,
    path: str,
    query: str,
    request_line: str,
) -> None:
    # Waitress gives REQUEST_URI; without it, the line is rebuilt.
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("201 Created", [])
        return [b"ok"]

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return None

    environ = environ_for(path, query=query)
    environ["SCRIPT_NAME"] = script_name
    assert "REQUEST_URI" not in environ
    logger = logging.getLogger("test__access_log.access")
    with caplog.at_level(logging.INFO, logger=logger.name):
        assert _access_log._AccessLog(app, logger)(environ, start_response) == [b"ok"]
    [record] = caplog.records
    assert record.getMessage().endswith(f'"{request_line}" 201 2')


@contextmanager
def bare_logging() -> Iterator[None]:
    """No handler on the root logger (so basicConfig acts); all put back after.

    ``test_cli.py``'s tests of serve, which configures logging, use it too.
    """
    root = logging.getLogger()
    access = logging.getLogger("httpx_views.access")
    saved_root = root.handlers[:], root.level
    saved_access = access.handlers[:], access.level, access.propagate
    for handler in saved_root[0]:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for logger, handlers in [(root, saved_root[0]), (access, saved_access[0])]:
            for handler in logger.handlers[:]:
                if handler not in handlers:
                    logger.removeHandler(handler)
                    handler.close()
        for handler in saved_root[0]:
            root.addHandler(handler)
        root.setLevel(saved_root[1])
        access.setLevel(saved_access[1])
        access.propagate = saved_access[2]


def test_configure_logging_access_on_stdout_the_rest_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with bare_logging():
        _access_log._configure_logging()
        logging.getLogger("httpx_views.access").info("GET / 200")
        logging.getLogger("test__access_log.waitress").warning("queue is deep")
        logging.getLogger("test__access_log.other").info("for your information")
        logging.getLogger("test__access_log.other").debug("not shown")
    out, err = capsys.readouterr()
    assert out == "GET / 200\n"
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert re.fullmatch(
        stamp + r" WARNING \[test__access_log\.waitress\] queue is deep", lines[0]
    )
    assert re.fullmatch(
        stamp + r" INFO \[test__access_log\.other\] for your information", lines[1]
    )
