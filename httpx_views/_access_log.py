"""The access log of ``httpx-views serve``: one line a request, on stdout.

The Common Log Format, as web servers write it:

.. not-run: a line of the log, not Python

.. code-block:: text

    127.0.0.1 - - [27/Nov/2026:15:09:41 +0000] "GET /notes HTTP/1.1" 200 512

:class:`_AccessLog` is WSGI middleware around the served application;
:func:`_configure_logging` sends its lines to stdout and everything else
logged to stderr.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def _configure_logging() -> None:
    # Access lines on stdout, like the URL; the App's errors and Waitress'
    # warnings on stderr.
    access = logging.getLogger("httpx_views.access")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s [%(name)s] %(message)s"
    )


# Characters that would let a client forge or break an access-log line:
# everything outside printable ASCII, the quote and the backslash.
_LOG_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\]')


def _log_escape(value: str) -> str:
    # Server strings are Latin-1 decoded bytes (PEP 3333): one byte a char.
    return _LOG_UNSAFE.sub(lambda m: f"\\x{ord(m.group()) & 0xFF:02x}", value)


class _AccessLog:
    """WSGI middleware logging each request in the Common Log Format.

    ``host ident user [time] "request line" status bytes``, as web servers
    write it; bytes is ``-`` for an empty body.
    """

    def __init__(self, app: WSGIApplication, logger: logging.Logger) -> None:
        self.app = app
        self.logger = logger

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        status = ["-"]

        def logging_start_response(
            status_line: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        try:
            body = self.app(environ, logging_start_response)
        except BaseException:
            self._log(environ, "500", 0)
            raise
        if isinstance(body, (list, tuple)):
            # The usual case (WebOb's responses): the size is known now, and
            # the list goes to the server as it is, length and all.
            self._log(environ, status[0], sum(len(chunk) for chunk in body))
            return body
        return _CountedBody(body, lambda size: self._log(environ, status[0], size))

    def _log(self, environ: WSGIEnvironment, status: str, size: int) -> None:
        uri = environ.get("REQUEST_URI")
        if uri is None:  # not Waitress: rebuild it
            uri = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
            if environ.get("QUERY_STRING"):
                uri += "?" + environ["QUERY_STRING"]
        request_line = _log_escape(
            f"{environ.get('REQUEST_METHOD', '-')} {uri} "
            f"{environ.get('SERVER_PROTOCOL', '-')}"
        )
        self.logger.info(
            '%s - %s [%s] "%s" %s %s',
            _log_escape(environ.get("REMOTE_ADDR") or "-"),
            _log_escape(environ.get("REMOTE_USER") or "-"),
            time.strftime("%d/%b/%Y:%H:%M:%S %z"),
            request_line,
            status,
            size or "-",
        )


class _CountedBody:
    """A response body that counts its bytes and reports them on close."""

    def __init__(self, body: Iterable[bytes], report: Callable[[int], None]) -> None:
        self.body = body
        self.report = report
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.report(self.size)
