"""A limit on the request body: 413 before the view runs, or as it reads.

``App(max_body_size=...)`` refuses a body whose ``Content-Length`` says it
is too large before any view runs; a body without one (chunked) is counted
as the view reads it, and reading past the limit raises the 413.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


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
