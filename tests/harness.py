"""Helpers the test modules share: WSGI calls, examples, server processes.

A plain module, not a plugin: pytest puts ``tests/`` on ``sys.path`` (it
has no ``__init__.py``), so test modules import it as ``harness``.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import re
import select
import subprocess
import sys
import time
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import WSGIWarning, validator

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT = 15  # seconds; every wait on a subprocess is bounded by it

# -- the App called in-process ------------------------------------------------------


class Served(NamedTuple):
    """What the App sent: status code, headers and the whole body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


_STATUS_LINE = re.compile(r"[1-5][0-9]{2} [^\r\n\x00]+")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_UNSAFE = re.compile(r"[\r\n\x00]")


def _typed_empty_bodies(app: Any) -> Any:
    """Give an empty, untyped response a Content-Type, for the validator.

    ``wsgiref.validate`` (written for RFC 2616) wants a Content-Type on every
    response but 204/304, even one whose Content-Length is 0, such as the
    App's automatic OPTIONS answer; RFC 9110 asks for one only with content,
    and WebTest's lint agrees. Everything else passes through untouched.
    """

    def shim(environ: Any, start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            lowered = {(name.lower(), value) for name, value in headers}
            names = {name for name, _ in lowered}
            if (
                ("content-length", "0") in lowered
                and "content-type" not in names
                and status[:3] not in ("204", "304")
            ):
                headers = [*headers, ("Content-Type", "text/plain")]
            return start_response(status, headers, *exc_info)

        return app(environ, start)

    return shim


def environ_for(
    path: str = "/",
    method: str = "GET",
    *,
    query: str = "",
    body: bytes = b"",
    chunked: bool = False,
    content_type: str | None = None,
    headers: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """A WSGI environ as a server builds it; *path* is the decoded PATH_INFO.

    A header whose value is None is left out.
    """
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
    }
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    if chunked:  # what a server passes on for Transfer-Encoding: chunked
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
    elif body:
        environ["CONTENT_LENGTH"] = str(len(body))
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    for name, value in (headers or {}).items():
        if value is not None:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def serve(app: Any, environ: dict[str, Any], *, validate: bool = True) -> Served:
    """Serve *environ* and close the response; fail on any sign of a bad one.

    With *validate*, the call goes through :func:`wsgiref.validate.validator`
    (pass False only where the validator itself cannot take the environ).
    Either way the status line, the header names and values, and the body
    of a HEAD answer are checked here too.
    """
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        started.append((status, list(headers)))
        return lambda data: None

    wsgi = validator(_typed_empty_bodies(app)) if validate else app
    with warnings.catch_warnings():
        # Unknown methods are part of some tests, not a mistake of them.
        warnings.filterwarnings("ignore", "Unknown REQUEST_METHOD", WSGIWarning)
        body = drain(wsgi(environ, start_response))
    assert len(started) == 1
    status, headers = started[0]
    assert _STATUS_LINE.fullmatch(status), status
    for name, value in headers:
        assert _TOKEN.fullmatch(name), name
        assert not _UNSAFE.search(value), (name, value)
    if environ.get("REQUEST_METHOD") == "HEAD":
        assert body == b""
    return Served(int(status[:3]), headers, body)


def drain(iterable: Iterable[bytes]) -> bytes:
    """The whole body of a WSGI response iterable, closed after (PEP 3333)."""
    try:
        return b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()


def send(app: Any, path: str = "/", method: str = "GET", **environ_kw: Any) -> Served:
    """Serve a request for *path*: :func:`environ_for` and :func:`serve`."""
    return serve(app, environ_for(path, method, **environ_kw))


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The ERROR records the framework logged."""
    return [
        record
        for record in caplog.records
        if record.name == "httpx_views" and record.levelno >= logging.ERROR
    ]


# -- the examples -------------------------------------------------------------------


@cache
def example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` once, as module ``example_<name>``.

    An example that is a directory, ``examples/<name>/``, is its ``app.py``.
    """
    path = EXAMPLES / name / "app.py"
    if not path.is_file():
        path = EXAMPLES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# -- servers in subprocesses --------------------------------------------------------


def spawn(*command: str, new_session: bool = False) -> subprocess.Popen[bytes]:
    """Start *command* in the project's root, its output piped unbuffered.

    With *new_session*, in a process group of its own, which a server's
    worker processes join: killing the group stops them all.
    """
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        start_new_session=new_session,
    )


def read_port(
    process: subprocess.Popen[bytes],
    pattern: str,
    *,
    stream: str = "stdout",
    timeout: float = TIMEOUT,
) -> int:
    """Read the server's output until a line matches *pattern*; its port.

    The port is group 1 of *pattern*. A server that prints no such line
    within *timeout* seconds, or exits first, is killed and the test fails
    with all it printed.

    :param stream: ``"stdout"`` or ``"stderr"``, where the line comes.
    """
    output = getattr(process, stream)
    assert output is not None
    deadline = time.monotonic() + timeout
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([output], [], [], left)[0]:
            break
        line = output.readline()  # unbuffered: reads one line only
        if not line:
            break
        seen.append(line)
        found = re.search(pattern, line.decode(errors="replace").rstrip("\n"))
        if found:
            return int(found[1])
    process.kill()
    out, err = process.communicate(timeout=TIMEOUT)
    pytest.fail(
        f"{process.args!r} printed no line matching {pattern!r} on {stream}: "
        f"{seen!r}; then stdout: {out!r}, stderr: {err!r}"
    )
