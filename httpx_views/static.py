"""Static files: the regular files under a directory, served at a prefix.

:meth:`App.add_static <httpx_views.App.add_static>` routes
``GET <prefix>/{path:path}`` to a :class:`StaticFiles` view, which sends the
file at *path* under the directory:

>>> import pathlib, tempfile
>>> from httpx_views import App
>>> directory = pathlib.Path(tempfile.mkdtemp())
>>> (directory / "css").mkdir()
>>> (directory / "css" / "app.css").write_text("body { margin: 0 }")
18
>>> app = App()
>>> route = app.add_static("/static", directory)
>>> from webtest import TestApp
>>> client = TestApp(app)
>>> response = client.get("/static/css/app.css")
>>> response.headers["Content-Type"], response.headers["Cache-Control"]
('text/css; charset=UTF-8', 'max-age=3600, public')
>>> client.get("/static/css/../../secret.txt", status=404).status
'404 Not Found'
>>> import shutil; shutil.rmtree(directory)

Answers have WebOb's ``conditional_response``: WebOb sends 304 for
``If-None-Match`` and ``If-Modified-Since``, 206 (or 416) for ``Range``, and
no body to HEAD. The file is opened per request and closed when the server
closes the answer. Text types have ``charset=UTF-8``, as Flask and
WhiteNoise send them; a compressed file (``x.tar.gz``, ``x.svgz``) is
``application/gzip``, never a ``Content-Encoding`` that would make a browser
unpack a download. The ``ETag`` is strong: modification time (ns) and size.

Anything else is a plain 404 that names no file: a path with a backslash, a
NUL, or a segment that is empty or starts with ``.`` (``..``, ``//``, and
hidden files: ``.env``, ``.git/config``); a path whose real path, symbolic
links resolved, is outside the directory; a directory (no listings), a pipe,
a device; a file that cannot be opened. (In production, a web server or
WhiteNoise sends static files faster: precompressed, with ``sendfile``.)
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import Iterator
from email.utils import formatdate
from typing import IO, TYPE_CHECKING

from webob.static import BLOCK_SIZE, FileIter

from .httpexceptions import HTTPNotFound
from .response import Response
from .routing import ConfigurationError

if TYPE_CHECKING:
    from .app import App
    from .request import Request
    from .routing import Route

__all__ = ["StaticFiles", "add_static"]

# "/static", "/assets/v2": no trailing "/", no placeholder.
_PREFIX = re.compile(r"(?:/[^/{}]+)+")
_OCTET_STREAM = "application/octet-stream"
# Non-blocking: opening a named pipe would otherwise wait for a writer.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)


def add_static(
    app: App,
    prefix: str,
    directory: str | os.PathLike[str],
    *,
    name: str | None,
    cache_max_age: int | None,
) -> Route:
    """Serve *directory* at *prefix* on *app*.

    What :meth:`App.add_static <httpx_views.App.add_static>` does.
    """
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise ConfigurationError(
            f"static prefix {prefix!r} must be a path such as '/static': "
            "a leading '/', no trailing '/', no '{' or '}'"
        )
    view = StaticFiles(directory, cache_max_age=cache_max_age)
    if name is None:
        name = prefix.rsplit("/", 1)[1]
    return app.add_route(prefix + "/{path:path}", view, methods=["GET"], name=name)


class StaticFiles:
    """The view that sends the files under *directory*; see the module.

    :param cache_max_age: seconds for ``Cache-Control: max-age``; ``None``
        sends no ``Cache-Control``.
    :raises ConfigurationError: for a *directory* that is not one, or a
        *cache_max_age* that is not a number of seconds >= 0 or ``None``.
    """

    def __init__(
        self, directory: str | os.PathLike[str], *, cache_max_age: int | None = 3600
    ) -> None:
        path = os.fspath(directory) if isinstance(directory, os.PathLike) else directory
        if not isinstance(path, str) or not os.path.isdir(path):
            raise ConfigurationError(f"static directory {directory!r} is not one")
        if cache_max_age is not None and (
            isinstance(cache_max_age, bool)
            or not isinstance(cache_max_age, int)
            or cache_max_age < 0
        ):
            raise ConfigurationError(
                f"cache_max_age must be a number of seconds >= 0 or None, "
                f"not {cache_max_age!r}"
            )
        #: The directory, resolved once, when the App is configured.
        self.root = os.path.realpath(path)
        self._inside = os.path.join(self.root, "")  # the root and a separator
        headers = [("Accept-Ranges", "bytes"), ("X-Content-Type-Options", "nosniff")]
        if cache_max_age is not None:
            headers.append(("Cache-Control", f"max-age={cache_max_age}, public"))
        self._headers = tuple(headers)

    def __repr__(self) -> str:
        return f"StaticFiles({self.root!r})"

    def __call__(self, request: Request) -> Response:
        real = self._resolve(request.matchdict["path"])
        if real is None or (found := _open(real)) is None:
            raise HTTPNotFound()
        file, info = found
        try:
            headers = [
                ("Content-Type", _content_type(real)),
                ("Content-Length", str(info.st_size)),
                ("Last-Modified", formatdate(info.st_mtime, usegmt=True)),
                ("ETag", f'"{info.st_mtime_ns:x}-{info.st_size:x}"'),
                *self._headers,
            ]
            wrapper = request.environ.get("wsgi.file_wrapper")
            if wrapper is not None and "HTTP_RANGE" not in request.environ:
                body = wrapper(file, BLOCK_SIZE)
            else:  # WebOb cuts a range out of our body, not out of a wrapper
                body = _FileBody(file)
            return Response(
                headerlist=headers, app_iter=body, conditional_response=True
            )
        except BaseException:
            file.close()  # no answer holds it: nothing else would close it
            raise

    def _resolve(self, path: str) -> str | None:
        """The real path of *path* under the root, or None if it may not be."""
        if "\\" in path or "\x00" in path:
            return None
        segments = path.split("/")
        if any(not segment or segment[0] == "." for segment in segments):
            return None  # "..", "//" (an absolute path), a hidden file
        real = os.path.realpath(os.path.join(self.root, *segments))
        # Symbolic links resolved: one may lead out of the directory.
        return real if real.startswith(self._inside) else None


def _open(real: str) -> tuple[IO[bytes], os.stat_result] | None:
    """*real* opened, with its status, if it is a regular file; else None."""
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError:
        return None  # missing, gone since it was resolved, unreadable
    # The status of what was opened, not of what the name meant a moment ago.
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None  # a directory, a pipe, a device
    return open(fd, "rb"), info


def _content_type(real: str) -> str:
    media_type, encoding = mimetypes.guess_type(real)  # an absolute path, no URL
    if encoding is not None:  # only gzip has a registered type (RFC 6713)
        return "application/gzip" if encoding == "gzip" else _OCTET_STREAM
    if media_type is None:
        return _OCTET_STREAM
    if media_type.startswith("text/"):
        return media_type + "; charset=UTF-8"
    return media_type


class _FileBody:
    """A file sent whole or from *start* to *stop*; ``close()`` closes it.

    WebOb's empty answers to HEAD and 304 call the ``close()`` of the body
    they replace, which ``webob.static.FileIter`` lacks (it closes the file
    once read to the end). A range is a body of its own, closed the same way.
    """

    def __init__(
        self, file: IO[bytes], start: int | None = None, stop: int | None = None
    ) -> None:
        self.file = file
        self._range = (start, stop)

    def __iter__(self) -> Iterator[bytes]:
        return FileIter(self.file).app_iter_range(*self._range)

    def app_iter_range(self, start: int, stop: int) -> _FileBody:
        return _FileBody(self.file, start, stop)

    def close(self) -> None:
        self.file.close()
