"""Static files: ``App.add_static`` and its view, through real WSGI calls.

Requests go through WebTest (which lints the traffic) and through direct
calls with a raw, already decoded ``PATH_INFO`` as a server passes it
(``harness``); one test starts ``httpx-views serve`` and talks HTTP to it.
Every file is made in ``tmp_path`` by the ``tree`` fixture, so that symbolic
links, a pipe and a file beside the directory are real.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any
from wsgiref.util import FileWrapper

import pytest
import webtest
from harness import (
    TIMEOUT,
    Served,
    drain,
    environ_for,
    read_port,
    send,
    serve,
    spawn,
)
from httplint import HttpRequestLinter, HttpResponseLinter
from httplint.note import levels
from webob.static import BLOCK_SIZE

from httpx_views import App, Request
from httpx_views import static as static_module
from httpx_views.routing import ConfigurationError

CSS = "body { color: rgb(1, 2, 3); }\n"
SECRET = "the secret beside the static directory"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``static/``, with traps in and around it; its resolved path.

    Beside it: ``secret.txt`` and ``static-private/key.txt``, a directory
    whose name starts with the static directory's own.
    """
    base = tmp_path.resolve()
    (base / "secret.txt").write_text(SECRET)
    (base / "static-private").mkdir()
    (base / "static-private" / "key.txt").write_text(SECRET)
    root = base / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "app.css").write_text(CSS)
    (root / "css" / ".hidden.css").write_text(SECRET)
    (root / ".env").write_text(SECRET)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(SECRET)
    (root / "empty").mkdir()
    (root / "my file é.css").write_text(CSS)
    (root / "back\\slash.css").write_text(CSS)  # a name here, a path on Windows
    (root / "in.css").symlink_to(root / "css" / "app.css")
    (root / "out.txt").symlink_to(base / "secret.txt")
    (root / "up").symlink_to(base)
    (root / "private.txt").symlink_to(base / "static-private" / "key.txt")
    os.mkfifo(root / "pipe")
    return root


def make_app(root: Path, **static: Any) -> App:
    app = App()
    app.add_static("/static", root, **static)
    return app


def wsgi_path(path: str) -> str:
    """*path* as a WSGI ``PATH_INFO``: its UTF-8 bytes as latin-1 text."""
    return path.encode("utf-8").decode("latin-1")


# -- a file, its headers ---------------------------------------------------------


def test_static_sends_the_file_with_its_headers(tree: Path) -> None:
    served = send(make_app(tree), "/static/css/app.css")
    info = (tree / "css" / "app.css").stat()
    assert served.status == 200
    assert served.body == CSS.encode()
    assert served.header("Content-Type") == "text/css; charset=UTF-8"
    assert served.header("Content-Length") == str(len(CSS))
    assert served.header("ETag") == f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
    last_modified = served.header("Last-Modified")
    assert last_modified == formatdate(info.st_mtime, usegmt=True)
    assert served.header("Accept-Ranges") == "bytes"
    assert served.header("X-Content-Type-Options") == "nosniff"
    assert served.header("Cache-Control") == "max-age=3600, public"
    assert served.header("Content-Encoding") is None


def test_static_etag_changes_when_the_file_does(tree: Path) -> None:
    app = make_app(tree)
    before = send(app, "/static/css/app.css").header("ETag")
    file = tree / "css" / "app.css"
    info = file.stat()
    # Same size, a modification time 1 ns later: still a new ETag.
    file.write_text(CSS.upper())
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    after = send(app, "/static/css/app.css")
    assert after.body == CSS.upper().encode()
    assert after.header("ETag") not in (None, before)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("app.css", "text/css; charset=UTF-8"),
        ("app.js", "text/javascript; charset=UTF-8"),
        ("page.html", "text/html; charset=UTF-8"),
        ("notes.txt", "text/plain; charset=UTF-8"),
        ("STYLE.CSS", "text/css; charset=UTF-8"),
        ("logo.png", "image/png"),
        ("logo.svg", "image/svg+xml"),
        ("data.json", "application/json"),
        ("manual.pdf", "application/pdf"),
        # Compressed files are the bytes they are, never Content-Encoding.
        ("release.tar.gz", "application/gzip"),
        ("release.tgz", "application/gzip"),
        ("drawing.svgz", "application/gzip"),
        ("dump.gz", "application/gzip"),
        ("dump.bz2", "application/octet-stream"),
        ("dump.xz", "application/octet-stream"),
        ("dump.br", "application/octet-stream"),
        ("LICENSE", "application/octet-stream"),
        ("blob.nosuchextension", "application/octet-stream"),
    ],
)
def test_static_content_type(tree: Path, name: str, content_type: str) -> None:
    (tree / name).write_bytes(b"\x1f\x8b content")
    served = send(make_app(tree), "/static/" + name)
    assert served.status == 200
    assert served.header("Content-Type") == content_type
    assert served.header("Content-Encoding") is None
    assert served.header("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize(
    ("cache_max_age", "cache_control"),
    [
        (3600, "max-age=3600, public"),
        (0, "max-age=0, public"),
        (31536000, "max-age=31536000, public"),
        (None, None),
    ],
)
def test_static_cache_control(
    tree: Path, cache_max_age: int | None, cache_control: str | None
) -> None:
    app = make_app(tree, cache_max_age=cache_max_age)
    assert send(app, "/static/css/app.css").header("Cache-Control") == cache_control


def test_static_head_has_get_headers_and_no_body(tree: Path) -> None:
    app = make_app(tree)
    get = send(app, "/static/css/app.css")
    head = send(app, "/static/css/app.css", "HEAD")  # serve() checks: no body
    assert head.status == 200
    assert head.headers == get.headers
    testapp = webtest.TestApp(app)
    assert testapp.head("/static/css/app.css").headers["Content-Length"] == str(
        len(CSS)
    )


def test_static_serves_get_and_head_only(tree: Path) -> None:
    answer = webtest.TestApp(make_app(tree)).post("/static/css/app.css", status=405)
    assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_static_non_ascii_name_and_symlink_inside(tree: Path) -> None:
    app = make_app(tree)
    served = send(app, wsgi_path("/static/my file é.css"))
    assert (served.status, served.body) == (200, CSS.encode())
    testapp = webtest.TestApp(app)
    assert testapp.get("/static/my%20file%20%C3%A9.css").text == CSS
    # A link to a file inside the directory is that file.
    assert testapp.get("/static/in.css").text == CSS


def test_static_directory_given_as_a_symlink(tree: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tree)
    served = send(make_app(tmp_path / "link"), "/static/css/app.css")
    assert (served.status, served.body) == (200, CSS.encode())


# -- conditional requests, ranges ------------------------------------------------


# Conditional headers, filled in with the file's own validators: the
# ETag, its Last-Modified, and dates a minute later and earlier.
CONDITIONS = [
    pytest.param({"If-None-Match": "{etag}"}, 304, id="etag"),
    # If-None-Match compares weakly (RFC 9110 13.1.2).
    pytest.param({"If-None-Match": "W/{etag}"}, 304, id="weak-etag"),
    pytest.param({"If-None-Match": '"other", {etag}'}, 304, id="etag-in-list"),
    pytest.param({"If-None-Match": '"other"'}, 200, id="other-etag"),
    pytest.param({"If-Modified-Since": "{last_modified}"}, 304, id="same-date"),
    pytest.param({"If-Modified-Since": "{later}"}, 304, id="later-date"),
    pytest.param({"If-Modified-Since": "{earlier}"}, 200, id="earlier-date"),
    pytest.param({"If-Modified-Since": "not a date"}, 200, id="bad-date"),
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    pytest.param(
        {"If-None-Match": '"other"', "If-Modified-Since": "{later}"},
        200,
        id="other-etag-later-date",
    ),
    pytest.param(
        {"If-None-Match": "{etag}", "If-Modified-Since": "{earlier}"},
        304,
        id="etag-earlier-date",
    ),
]


@pytest.mark.parametrize(("conditions", "status"), CONDITIONS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_static_conditional_request(
    tree: Path, method: str, conditions: dict[str, str], status: int
) -> None:
    app = make_app(tree)
    first = send(app, "/static/css/app.css")
    last_modified = first.header("Last-Modified")
    assert last_modified is not None
    seconds = parsedate_to_datetime(last_modified).timestamp()
    validators = {
        "etag": first.header("ETag"),
        "last_modified": last_modified,
        "later": formatdate(seconds + 60, usegmt=True),
        "earlier": formatdate(seconds - 60, usegmt=True),
    }
    headers = {name: value.format(**validators) for name, value in conditions.items()}
    served = send(app, "/static/css/app.css", method, headers=headers)
    assert served.status == status
    if status == 304:
        assert served.body == b""
        assert served.header("Content-Type") is None
        assert served.header("Content-Length") is None
        # What a cache needs to refresh its copy (RFC 9110 15.4.5).
        for name in ("ETag", "Cache-Control", "Last-Modified"):
            assert served.header(name) == first.header(name)
    else:
        assert served.headers == first.headers
        assert served.body == (CSS.encode() if method == "GET" else b"")


@pytest.mark.parametrize(
    ("range_", "content_range", "body"),
    [
        ("bytes=0-3", "bytes 0-3/30", CSS[:4]),
        ("bytes=5-9", "bytes 5-9/30", CSS[5:10]),
        ("bytes=26-", "bytes 26-29/30", CSS[26:]),
        ("bytes=-4", "bytes 26-29/30", CSS[-4:]),
        ("bytes=0-1000", "bytes 0-29/30", CSS),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_static_range(
    tree: Path, method: str, range_: str, content_range: str, body: str
) -> None:
    assert len(CSS) == 30
    served = send(
        make_app(tree), "/static/css/app.css", method, headers={"Range": range_}
    )
    assert served.status == 206
    assert served.header("Content-Range") == content_range
    assert served.header("Content-Length") == str(len(body))
    assert served.header("Content-Type") == "text/css; charset=UTF-8"
    assert served.body == (body.encode() if method == "GET" else b"")


@pytest.mark.parametrize("range_", ["bytes=30-", "bytes=100-200"])
def test_static_range_not_satisfiable(tree: Path, range_: str) -> None:
    served = send(make_app(tree), "/static/css/app.css", headers={"Range": range_})
    assert served.status == 416
    assert served.header("Content-Range") == f"bytes */{len(CSS)}"
    assert CSS.encode() not in served.body


@pytest.mark.parametrize(
    "range_",
    [
        "bytes=4-2",  # malformed: ignored (RFC 9110 14.2)
        "bytes=x-y",
        "lines=1-2",  # an unknown unit: ignored
    ],
)
def test_static_range_sent_whole(tree: Path, range_: str) -> None:
    served = send(make_app(tree), "/static/css/app.css", headers={"Range": range_})
    assert (served.status, served.body) == (200, CSS.encode())


def test_static_several_ranges_get_the_first(tree: Path) -> None:
    # WebOb sends no multipart/byteranges: the first range, as it says.
    headers = {"Range": "bytes=0-1,3-4"}
    served = send(make_app(tree), "/static/css/app.css", headers=headers)
    assert (served.status, served.body) == (206, CSS[:2].encode())
    assert served.header("Content-Range") == f"bytes 0-1/{len(CSS)}"


def test_static_if_range(tree: Path) -> None:
    app = make_app(tree)
    etag = send(app, "/static/css/app.css").header("ETag")
    assert etag is not None
    fresh = {"Range": "bytes=0-3", "If-Range": etag}
    stale = {"Range": "bytes=0-3", "If-Range": '"an-old-version"'}
    assert send(app, "/static/css/app.css", headers=fresh).status == 206
    # The file changed since the client's copy: all of it, not a piece.
    served = send(app, "/static/css/app.css", headers=stale)
    assert (served.status, served.body) == (200, CSS.encode())


def test_static_through_middleware_keeps_conditional_answers(tree: Path) -> None:
    app = make_app(tree)

    @app.middleware
    def frame_options(request: Request, call_next: Any) -> Any:
        response = call_next(request)
        response.headers["X-Frame-Options"] = "DENY"
        return response

    testapp = webtest.TestApp(app)
    full = testapp.get("/static/css/app.css")
    assert full.headers["X-Frame-Options"] == "DENY"
    assert full.text == CSS
    etag = full.headers["ETag"]
    testapp.get("/static/css/app.css", headers={"If-None-Match": etag}, status=304)
    piece = testapp.get("/static/css/app.css", headers={"Range": "bytes=0-3"})
    assert (piece.status_int, piece.text) == (206, CSS[:4])
    assert testapp.head("/static/css/app.css").body == b""


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"Range": "bytes=0-3"}),
        ("HEAD", {"Range": "bytes=-3"}),
        ("GET", {"If-None-Match": "{etag}"}),
        ("HEAD", {"If-Modified-Since": "{last_modified}"}),
        ("GET", {"Range": "bytes=99-"}),
    ],
)
def test_static_answers_lint_clean(
    tree: Path, method: str, headers: dict[str, str]
) -> None:
    app = make_app(tree)
    first = send(app, "/static/css/app.css")
    validators = {
        "etag": first.header("ETag"),
        "last_modified": first.header("Last-Modified"),
    }
    headers = {name: value.format(**validators) for name, value in headers.items()}
    served = send(app, "/static/css/app.css", method, headers=headers)
    request = HttpRequestLinter()
    request.process_request_topline(
        method.encode(), b"http://localhost/static/css/app.css", b"1.1"
    )
    request.process_headers(
        [(b"Host", b"localhost")]
        + [(name.encode(), value.encode()) for name, value in headers.items()]
    )
    request.finish_content(True)
    response = HttpResponseLinter()
    response.request = request
    response.is_head_response = method == "HEAD"
    response.process_response_topline(b"1.1", str(served.status).encode(), b"")
    # A server adds Date (RFC 9110 6.6.1).
    sent = [*served.headers, ("Date", formatdate(usegmt=True))]
    response.process_headers([(k.encode(), v.encode()) for k, v in sent])
    response.feed_content(served.body)
    response.finish_content(True)
    notes = [
        type(note).__name__
        for note in response.notes
        if note.level in (levels.BAD, levels.WARN)
    ]
    # "public" only matters to a request with Authorization (RFC 9111
    # 5.2.2.9), which a static file behind HTTP authentication has: kept.
    assert notes == ["STORE_PUBLIC_UNNECESSARY"]


# -- no way out ------------------------------------------------------------------

# Request paths, as a server passes them in PATH_INFO (percent-decoded).
ESCAPES = [
    "/static/../secret.txt",
    "/static/css/../../secret.txt",
    "/static/../static-private/key.txt",
    "/static/%2e%2e/secret.txt",  # double-encoded: a file literally so named
    "/static/..%2fsecret.txt",
    "/static/..\\secret.txt",
    "/static/..\\..\\secret.txt",
    "/static/css\\..\\..\\secret.txt",
    "/static/back\\slash.css",
    "/static//etc/passwd",
    "/static/{base}/secret.txt",  # an absolute path after the prefix
    "/static/css/app.css\x00.png",
    "/static/\x00",
    "/static/..",
    "/static/.",
    "/static/./css/app.css",
    "/static/css//app.css",
    "/static/css/app.css/",
    # Symbolic links that lead out, to a file and to a directory; one to a
    # directory beside it whose name starts with the static directory's.
    "/static/out.txt",
    "/static/up/secret.txt",
    "/static/private.txt",
    # Hidden files and directories are never sent.
    "/static/.env",
    "/static/.git/config",
    "/static/css/.hidden.css",
    # Not regular files (a pipe has a test of its own): no listings.
    "/static/css",
    "/static/empty",
    "/static/missing.css",
    pytest.param("/static/" + "x" * 5000, id="a-name-too-long"),
    pytest.param("/static/" + "a/" * 3000 + "b", id="a-path-too-long"),
]


def assert_nothing_revealed(status: int, body: bytes, tree: Path) -> None:
    assert status == 404
    assert SECRET.encode() not in body
    assert str(tree.parent).encode() not in body
    assert b"Traceback" not in body


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ESCAPES)
def test_static_escape_is_404_raw_path_info(tree: Path, path: str, debug: bool) -> None:
    app = App(debug=debug)
    app.add_static("/static", tree)
    served = send(app, path.format(base=tree.parent))
    assert_nothing_revealed(served.status, served.body, tree)


@pytest.mark.parametrize(
    "url",
    [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/%2E%2E/secret.txt",
        "/static/%252e%252e/secret.txt",
        "/static/..%5csecret.txt",
        "/static/%2e%2e%5c%2e%2e%5csecret.txt",
        "/static/%2fetc%2fpasswd",
        "/static/%2F{base}/secret.txt",
        "/static/out.txt",
        "/static/up/secret.txt",
        "/static/%2eenv",
        "/static/.git/config",
        "/static/css",
        "/static/back%5Cslash.css",
    ],
)
def test_static_escape_is_404_webtest(tree: Path, url: str) -> None:
    answer = webtest.TestApp(make_app(tree)).get(
        url.format(base=tree.parent), status="*", expect_errors=True
    )
    assert_nothing_revealed(answer.status_int, answer.body, tree)


def test_static_pipe_is_404_without_waiting_for_a_writer(tree: Path) -> None:
    app = make_app(tree)
    answers: list[Served] = []
    thread = threading.Thread(
        target=lambda: answers.append(send(app, "/static/pipe")), daemon=True
    )
    thread.start()
    thread.join(TIMEOUT)
    if thread.is_alive():
        # Blocked opening the pipe: be its writer, so that the thread ends.
        with open(tree / "pipe", "wb"):
            pass
        thread.join(TIMEOUT)
        pytest.fail("the view waited for a writer to open the pipe")
    assert_nothing_revealed(answers[0].status, answers[0].body, tree)


def test_static_file_gone_before_it_is_opened_is_404(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = static_module._open

    def delete_then_open(real: str) -> Any:
        os.remove(real)
        return opened(real)

    monkeypatch.setattr(static_module, "_open", delete_then_open)
    served = send(make_app(tree), "/static/css/app.css")
    assert_nothing_revealed(served.status, served.body, tree)


# -- files are closed ------------------------------------------------------------


def descriptors_on(path: Path) -> int:
    """How many of this process's file descriptors are open on *path*."""
    count = 0
    for entry in Path("/proc/self/fd").iterdir():
        # One may be closed since it was listed (the listing's own).
        with contextlib.suppress(OSError):
            count += os.readlink(entry) == str(path)
    return count


def call(app: App, environ: dict[str, Any]) -> tuple[str, Any]:
    """Call *app*: the status line, and the body unread and not closed."""
    started: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        started.append(status)
        return lambda data: None

    body = app(environ, start_response)
    return started[0], body


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", {}, "200"),
        ("HEAD", {}, "200"),
        ("GET", {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}, "304"),
        ("HEAD", {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}, "304"),
        ("GET", {"Range": "bytes=1-2"}, "206"),
        ("HEAD", {"Range": "bytes=1-2"}, "206"),
    ],
)
@pytest.mark.parametrize("file_wrapper", [False, True])
def test_static_file_is_closed_by_close(
    tree: Path,
    method: str,
    headers: dict[str, str | None],
    status: str,
    file_wrapper: bool,
) -> None:
    """The body holds the file open until the server closes it, unread."""
    path = tree / "css" / "app.css"
    environ = environ_for("/static/css/app.css", method, headers=headers)
    if file_wrapper:
        environ["wsgi.file_wrapper"] = FileWrapper
    line, body = call(make_app(tree), environ)
    assert line[:3] == status
    assert descriptors_on(path) == 1
    body.close()
    assert descriptors_on(path) == 0


def test_static_file_is_closed_when_range_is_not_satisfiable(tree: Path) -> None:
    environ = environ_for("/static/css/app.css", headers={"Range": "bytes=99-"})
    line, body = call(make_app(tree), environ)
    assert line == "416 Requested Range Not Satisfiable"
    assert descriptors_on(tree / "css" / "app.css") == 0
    assert drain(body).startswith(b"Requested range not satisfiable")


@pytest.mark.parametrize("file_wrapper", [False, True])
def test_static_file_is_closed_after_a_full_read(
    tree: Path, file_wrapper: bool
) -> None:
    environ = environ_for("/static/css/app.css")
    if file_wrapper:
        environ["wsgi.file_wrapper"] = FileWrapper
    assert serve(make_app(tree), environ).body == CSS.encode()
    testapp = webtest.TestApp(make_app(tree))
    assert testapp.get("/static/css/app.css", headers={"Range": "bytes=2-"}).body
    assert descriptors_on(tree / "css" / "app.css") == 0


# -- URLs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script_name", "path", "url"),
    [
        ("", "css/app.css", "http://localhost/static/css/app.css"),
        ("/shop", "css/app.css", "http://localhost/shop/static/css/app.css"),
        ("", "my file é.css", "http://localhost/static/my%20file%20%C3%A9.css"),
        ("", "a?b#c%d.css", "http://localhost/static/a%3Fb%23c%25d.css"),
    ],
)
def test_static_url(tree: Path, script_name: str, path: str, url: str) -> None:
    app = make_app(tree)

    @app.route("/url")
    def static_url(request: Request) -> str:
        return request.static_url("static", request.GET["path"])

    testapp = webtest.TestApp(app, extra_environ={"SCRIPT_NAME": script_name})
    assert testapp.get("/url", {"path": path}).text == url


def test_static_url_fetches_the_file(tree: Path) -> None:
    app = make_app(tree)

    @app.route("/page")
    def page(request: Request) -> str:
        return request.static_url("static", "my file é.css")

    testapp = webtest.TestApp(app)
    url = testapp.get("/page").text
    assert testapp.get(url).text == CSS


@pytest.mark.parametrize(
    ("prefix", "name", "expected"),
    [
        ("/static", None, "static"),
        ("/assets/v2", None, "v2"),
        ("/static", "assets", "assets"),
    ],
)
def test_static_route_name(
    tree: Path, prefix: str, name: str | None, expected: str
) -> None:
    app = App()
    route = app.add_static(prefix, tree, name=name)
    assert route.name == expected
    assert route.pattern == prefix + "/{path:path}"
    assert webtest.TestApp(app).get(prefix + "/css/app.css").text == CSS


# -- registration ----------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", ["", "static", "/", "/static/", "//static", "/a//b", "/st{x}", "/s}", 7]
)
def test_static_bad_prefix(tree: Path, prefix: Any) -> None:
    with pytest.raises(ConfigurationError, match="static prefix"):
        App().add_static(prefix, tree)


@pytest.mark.parametrize("cache_max_age", [-1, True, False, 1.5, "60"])
def test_static_bad_cache_max_age(tree: Path, cache_max_age: Any) -> None:
    with pytest.raises(ConfigurationError, match="cache_max_age"):
        App().add_static("/static", tree, cache_max_age=cache_max_age)


@pytest.mark.parametrize(
    "directory", ["missing", "css/app.css", "pipe", None, 42, b"."]
)
def test_static_bad_directory(tree: Path, directory: Any) -> None:
    if isinstance(directory, str):
        directory = tree / directory
    with pytest.raises(ConfigurationError, match="static directory"):
        App().add_static("/static", directory)


def test_static_refused_after_serving(tree: Path) -> None:
    app = App()
    webtest.TestApp(app).get("/", status=404)
    with pytest.raises(ConfigurationError, match="frozen"):
        app.add_static("/static", tree)


def test_static_same_default_name_twice_is_refused(tree: Path) -> None:
    app = App()
    app.add_static("/a/static", tree)
    with pytest.raises(ConfigurationError, match="static"):
        app.add_static("/b/static", tree)
    app.add_static("/b/static", tree, name="b_static")


# -- a real server ---------------------------------------------------------------


def fetch(
    port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """The status, headers (any case) and body the server answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.fixture
def server(tree: Path, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """``httpx-views serve`` on an app serving *tree*: its pid and port."""
    (tmp_path / "site.py").write_text(
        "from httpx_views import App\n"
        "app = App()\n"
        f"app.add_static('/static', {str(tree)!r})\n"
    )
    process = spawn(
        sys.executable,
        "-m",
        "httpx_views",
        "serve",
        f"{tmp_path / 'site.py'}:app",
        "--port",
        "0",
    )
    try:
        port = read_port(process, r"^Serving \S+ on http://127\.0\.0\.1:(\d+) ")
        yield process.pid, port
    finally:
        process.kill()
        process.communicate(timeout=TIMEOUT)


def server_descriptors_on(pid: int, path: Path) -> int:
    count = 0
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(entry) == str(path)
    return count


def test_static_under_a_real_server(tree: Path, server: tuple[int, int]) -> None:
    pid, port = server
    status, headers, body = fetch(port, "/static/css/app.css")
    assert (status, body) == (200, CSS.encode())
    assert headers["Content-Type"] == "text/css; charset=UTF-8"
    status, _, body = fetch(port, "/static/css/app.css", headers={"Range": "bytes=0-3"})
    assert (status, body) == (206, CSS[:4].encode())
    etag = {"If-None-Match": headers["ETag"]}
    assert fetch(port, "/static/css/app.css", headers=etag)[::2] == (304, b"")
    assert fetch(port, "/static/css/app.css", "HEAD")[::2] == (200, b"")
    for path in (
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/out.txt",
    ):
        status, _, body = fetch(port, path)
        assert_nothing_revealed(status, body, tree)
    # The server closes every file once its answer is sent.
    deadline = time.monotonic() + TIMEOUT
    while server_descriptors_on(pid, tree / "css" / "app.css"):
        assert time.monotonic() < deadline, "the server holds the file open"
        time.sleep(0.05)


# -- found by mutation testing ---------------------------------------------------


def test_static_last_modified_is_the_files_own_time(tree: Path) -> None:
    file = tree / "css" / "app.css"
    os.utime(file, (1_000_000_000, 1_000_000_000))
    app = make_app(tree)
    served = send(app, "/static/css/app.css")
    assert served.header("Last-Modified") == "Sun, 09 Sep 2001 01:46:40 GMT"
    since = {"If-Modified-Since": "Sun, 09 Sep 2001 01:46:40 GMT"}
    assert send(app, "/static/css/app.css", headers=since).status == 304


@pytest.mark.parametrize(
    ("headers", "status", "body", "wrapped"),
    [
        ({}, "200", CSS.encode(), True),
        # WebOb cuts a range by seeking in our body; in a server's wrapper
        # it would read (and drop) every byte before the range.
        ({"Range": "bytes=1-4"}, "206", CSS.encode()[1:5], False),
    ],
)
def test_static_hands_a_whole_file_to_the_servers_file_wrapper(
    tree: Path, headers: dict[str, str | None], status: str, body: bytes, wrapped: bool
) -> None:
    calls: list[tuple[str, int]] = []

    def file_wrapper(file: Any, block_size: int = 8192) -> FileWrapper:
        calls.append((os.readlink(f"/proc/self/fd/{file.fileno()}"), block_size))
        return FileWrapper(file, block_size)

    environ = environ_for("/static/css/app.css", headers=headers)
    environ["wsgi.file_wrapper"] = file_wrapper
    line, answer = call(make_app(tree), environ)
    assert line[:3] == status
    assert isinstance(answer, FileWrapper) is wrapped
    assert drain(answer) == body
    # The file, read in the blocks webob.static reads it in without a wrapper.
    expected = [(str(tree / "css" / "app.css"), BLOCK_SIZE)]
    assert calls == (expected if wrapped else [])


def test_static_files_made_directly_cache_for_an_hour(tree: Path) -> None:
    app = App()
    app.add_route("/files/{path:path}", static_module.StaticFiles(tree))
    served = send(app, "/files/css/app.css")
    assert served.header("Cache-Control") == "max-age=3600, public"


def test_static_bad_prefix_says_what_a_prefix_is(tree: Path) -> None:
    with pytest.raises(ConfigurationError) as raised:
        App().add_static("/static/", tree)
    message = str(raised.value)
    assert "'/static/'" in message
    for rule in ("a leading '/'", "no trailing '/'", "no '{' or '}'"):
        assert rule in message


def test_static_closes_the_file_when_the_answer_cannot_be_made(tree: Path) -> None:
    def failing_wrapper(file: Any, block_size: int = 8192) -> Any:
        raise OSError("the server's file wrapper failed")

    environ = environ_for("/static/css/app.css")
    environ["wsgi.file_wrapper"] = failing_wrapper
    app = make_app(tree)
    before = descriptors_on(tree / "css" / "app.css")
    line, answer = call(app, environ)
    drain(answer)
    assert line[:3] == "500"
    assert descriptors_on(tree / "css" / "app.css") == before
