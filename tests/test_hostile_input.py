"""Hostile and malformed input, property-based with Hypothesis.

Every request goes through :func:`wsgiref.validate.validator` and a stricter
check of our own (:func:`harness.serve`): the App must never let an exception
out of the WSGI callable, must send a well-formed status line, and must never
put a CR, LF or NUL in a header. Input the App cannot decode is a 4xx, not a 500.

Hypothesis runs derandomized and without an example database, so CI sees the
same examples on every run; example counts keep the file to a few seconds.
"""

from __future__ import annotations

import gc
import io
import json
import time
import tracemalloc
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest
import webob.exc
from harness import environ_for, errors, serve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from httpx_views import (
    App,
    HTTPException,
    HTTPForbidden,
    HTTPFound,
    HTTPServiceUnavailable,
    HTTPUnauthorized,
    Request,
    Response,
    status_map,
)

# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- helpers ------------------------------------------------------------------------


def as_path(raw: bytes) -> str:
    """PATH_INFO as PEP 3333 has it: the decoded bytes, as latin-1."""
    return raw.decode("latin-1")


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- the application under attack ---------------------------------------------------


class _CountingInput:
    """A ``wsgi.input`` that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        self._stream = io.BytesIO(data)
        self.read_bytes = 0

    def _counted(self, data: bytes) -> bytes:
        self.read_bytes += len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        return self._counted(self._stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._counted(self._stream.readline(size))

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


def hostile_app(**kwargs: Any) -> App:
    """Routes that decode every part of a request a view usually touches."""
    app = App(**kwargs)
    app.add_route("/", lambda request: "home", methods=["GET"])
    app.add_route(
        "/items/{id:int}", lambda request: dict(request.matchdict), methods=["GET"]
    )
    app.add_route("/files/{rest:path}", lambda request: request.matchdict["rest"])
    app.add_route("/search", lambda request: dict(request.params), methods=["GET"])
    app.add_route(
        "/form",
        lambda request: {key: str(value) for key, value in request.POST.items()},
        methods=["POST"],
    )
    app.add_route("/text", lambda request: request.text, methods=["POST", "PUT"])
    app.add_route("/ignore", lambda request: "ignored", methods=["POST"])
    app.add_route("/docs/", lambda request: "docs", methods=["GET", "POST"])
    app.notfound_view(lambda request: request.exception, append_slash=True)
    return app


APP = hostile_app()

# -- strategies ---------------------------------------------------------------------

_LATIN1_PRINTABLE = st.characters(
    min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"
).filter(lambda char: not 0x80 <= ord(char) <= 0x9F)

# fmt: off
_SPECIAL_SEGMENTS = st.sampled_from([
    b"..", b".", b"", b"%2e%2e", b"%2F", b"%00", b"%FF", b"\xc0\xaf", b"\xff",
    b"\xed\xa0\x80", b"items", b"files", b"docs", b"7", b"9" * 5000,
    b"<script>", b"\r\n", b"\x00",
])
_METHOD_NAMES = st.sampled_from([
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
    "CONNECT", "get", "Get", "PROPFIND", "BREW", "M-SEARCH",
])
_MEDIA_RANGES = st.sampled_from([
    "text/html", "application/json", "application/problem+json", "text/plain",
    "*/*", "text/*", "application/*", "image/png", "", "text", "/", "*/html",
    "text/html;level=1", "application/json;charset=utf-8", ";;", "a/b;q",
])
_CONTENT_TYPES = st.sampled_from([
    None, "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
    "text/plain; charset=utf-8", "application/json", "application/octet-stream",
])
_ROUTED_PATHS = st.sampled_from([
    "/", "/items/7", "/files/a/b", "/search", "/form", "/text", "/ignore",
    "/docs", "/docs/", "/nowhere",
])
# What HTML and JSON encoders must get right, with random text around it.
_SNIPPETS = st.sampled_from([
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>", "--><script>x()</script><!--", "--!><b>x</b>",
    "</title><script>x()</script>", "&lt;b&gt;", "<!--", "]]>", "${detail}",
    "\u2028\u2029", '\\"}', "</body></html><iframe>",
])
# fmt: on
_PATH_BYTES = st.one_of(
    st.lists(st.one_of(st.binary(max_size=12), _SPECIAL_SEGMENTS), max_size=8).map(
        lambda segments: b"/" + b"/".join(segments)
    ),
    # Very long: up to ~64 KB.
    st.builds(
        lambda segment, count: b"/" + segment * count,
        st.binary(min_size=1, max_size=4),
        st.integers(1_000, 16_000),
    ),
)
_METHODS = st.one_of(
    _METHOD_NAMES,
    st.text(_LATIN1_PRINTABLE.filter(str.strip), min_size=1, max_size=12),
)
_QUERIES = st.one_of(
    # Raw, as a server passes the query string on: undecoded.
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=60),
    st.lists(
        st.tuples(st.text(max_size=8), st.binary(max_size=8)).map(
            lambda pair: quote(pair[0]) + "=" + quote(pair[1])
        ),
        max_size=5,
    ).map("&".join),
)
_QUALITIES = st.one_of(
    st.none(),
    st.floats().map(str),
    st.sampled_from(["0", "1", "0.5", "1.000", "1.0001", "-1", "abc", "", "1e-3"]),
)
_RANGE = st.builds(
    lambda media, q: media if q is None else f"{media};q={q}", _MEDIA_RANGES, _QUALITIES
)
_ACCEPTS = st.one_of(
    st.none(),
    st.lists(_RANGE, max_size=6).map(", ".join),
    st.text(_LATIN1_PRINTABLE, max_size=80),
    # Huge: thousands of ranges (Waitress lets up to 256 KB of headers in).
    st.builds(lambda r, n: ", ".join([r] * n), _RANGE, st.integers(500, 5_000)),
)
_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=100).map(lambda text: text.encode("utf-8")),
    st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=4).map(
        lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode()
    ),
)
_PAYLOADS = st.tuples(st.text(max_size=20), _SNIPPETS, st.text(max_size=20)).map(
    "".join
)

# -- any request at all -------------------------------------------------------------


@settings(BOUNDED, max_examples=300)
@given(
    path=_PATH_BYTES,
    method=_METHODS,
    query=_QUERIES,
    accept=_ACCEPTS,
    content_type=_CONTENT_TYPES,
    body=_BODIES,
    chunked=st.booleans(),
)
def test_random_request_gets_valid_non_500_answer(
    caplog: pytest.LogCaptureFixture,
    path: bytes,
    method: str,
    query: str,
    accept: str | None,
    content_type: str | None,
    body: bytes,
    chunked: bool,
) -> None:
    caplog.clear()
    environ = environ_for(
        as_path(path),
        method,
        query=query,
        body=body,
        chunked=chunked,
        content_type=content_type,
        headers={"Accept": accept},
    )
    res = serve(APP, environ)
    if not is_utf8(path):
        assert res.status == 400
    assert res.status in (200, 301, 308, 400, 404, 405)
    assert errors(caplog) == []


@settings(BOUNDED, max_examples=300)
@given(
    path=_ROUTED_PATHS,
    method=_METHODS,
    query=_QUERIES,
    content_type=_CONTENT_TYPES,
    body=_BODIES,
    chunked=st.booleans(),
)
def test_random_request_to_routes_gets_valid_non_500_answer(
    caplog: pytest.LogCaptureFixture,
    path: str,
    method: str,
    query: str,
    content_type: str | None,
    body: bytes,
    chunked: bool,
) -> None:
    # The same, aimed at real routes so that views decode what they get.
    caplog.clear()
    environ = environ_for(
        path,
        method,
        query=query,
        body=body,
        chunked=chunked,
        content_type=content_type,
    )
    res = serve(APP, environ)
    assert res.status in (200, 301, 308, 400, 404, 405)
    assert errors(caplog) == []


@BOUNDED
@given(path=_PATH_BYTES.filter(lambda raw: not is_utf8(raw)), method=_METHODS)
def test_undecodable_path_is_400_for_any_method(
    caplog: pytest.LogCaptureFixture, path: bytes, method: str
) -> None:
    caplog.clear()
    res = serve(APP, environ_for(as_path(path), method))
    assert res.status == 400
    assert errors(caplog) == []


@BOUNDED
@given(rest=st.text(min_size=1, max_size=60))
def test_path_reaches_view_decoded_and_unnormalized(rest: str) -> None:
    # What the server percent-decoded arrives as it is: "..", "//" and "%2e"
    # are the application's to judge (never a file path as it stands).
    res = serve(APP, environ_for(as_path(("/files/" + rest).encode("utf-8"))))
    assert res.status == 200
    assert res.body == rest.encode("utf-8")


@pytest.mark.parametrize(
    "rest", ["..", "../../etc/passwd", "a//b", "%2e%2e/x", "./.", "a/../../b"]
)
def test_path_dot_segments_are_not_resolved(rest: str) -> None:
    res = serve(APP, environ_for("/files/" + rest))
    assert res.body == rest.encode()


@pytest.mark.parametrize("length", [8_000, 65_536, 1_000_000])
def test_very_long_path_is_404(length: int) -> None:
    res = serve(APP, environ_for("/" + "a" * length))
    assert res.status == 404
    assert b"a" * 100 not in res.body


# -- methods ------------------------------------------------------------------------


@BOUNDED
@given(method=_METHODS)
def test_any_method_on_get_route_is_served_or_405(method: str) -> None:
    res = serve(APP, environ_for("/", method, headers={"Accept": "text/html"}))
    if method in ("GET", "HEAD"):
        assert res.status == 200
    elif method == "OPTIONS":
        assert (res.status, res.header("Allow")) == (200, "GET, HEAD, OPTIONS")
    else:
        assert res.status == 405
        assert res.header("Allow") == "GET, HEAD, OPTIONS"
        assert_inert_html(res.body)


# -- query strings ------------------------------------------------------------------


@BOUNDED
@given(query=_QUERIES)
def test_query_string_read_by_view_is_json_or_400(
    caplog: pytest.LogCaptureFixture, query: str
) -> None:
    caplog.clear()
    res = serve(APP, environ_for("/search", query=query))
    assert res.status in (200, 400)
    if res.status == 200:
        assert isinstance(json.loads(res.body), dict)
    if "%" not in query and "+" not in query and query.isascii():
        assert res.status == 200
    assert errors(caplog) == []


@BOUNDED
@given(query=st.text(st.characters(max_codepoint=0xFF), max_size=60))
def test_append_slash_redirect_quotes_query_string(
    caplog: pytest.LogCaptureFixture, query: str
) -> None:
    # The one place the App itself copies client input into a header: the
    # query string it keeps when it redirects /docs to /docs/. A server hands
    # the query string on undecoded, control characters included.
    caplog.clear()
    res = serve(APP, environ_for("/docs", query=query))
    assert res.status == 301
    location = res.header("Location")
    assert location is not None
    kept = urlsplit(location).query
    assert unquote_to_bytes(kept) == unquote_to_bytes(query.encode("latin-1"))
    assert errors(caplog) == []


# -- Accept headers -----------------------------------------------------------------

_ERROR_TYPES = {
    "text/html; charset=UTF-8",
    "application/json",
    "application/problem+json",
    "text/plain; charset=UTF-8",
}


def _strict_json(body: bytes) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(body.decode("utf-8"), parse_constant=refuse)


@BOUNDED
@given(accept=_ACCEPTS, path=st.sampled_from(["/nowhere", "/%FF"]))
def test_any_accept_header_gets_a_well_formed_error_body(
    accept: str | None, path: str
) -> None:
    environ = environ_for(
        as_path(unquote_to_bytes(path)),
        headers={"Accept": accept},
    )
    res = serve(APP, environ)
    assert res.status in (404, 400)
    content_type = res.header("Content-Type")
    assert content_type in _ERROR_TYPES
    assert "Accept" in (res.header("Vary") or "")
    assert res.header("Content-Length") == str(len(res.body))
    if content_type is not None and "json" in content_type:
        assert isinstance(_strict_json(res.body), dict)


@pytest.mark.parametrize(
    "accept",
    [
        "a" * 200_000,
        "," * 200_000,
        "text/html;" + "a=b;" * 50_000,
        "*/*;q=0.5, " * 20_000,
        "text/html;q=" + "1" * 200_000,
        '"' * 200_000,
        'text/html; a="' + "\\" * 200_000,
        "text/html;q=0." + "0" * 200_000 + "1",
    ],
    ids=[
        "letters",
        "commas",
        "params",
        "ranges",
        "q-digits",
        "quotes",
        "escapes",
        "q0",
    ],
)
def test_huge_accept_header_is_answered_quickly(accept: str) -> None:
    # Bounded against quadratic (or worse) parsing: 200 KB takes milliseconds.
    started = time.perf_counter()
    res = serve(APP, environ_for("/nowhere", headers={"Accept": accept}))
    assert time.perf_counter() - started < 5
    assert res.status == 404


def test_huge_distinct_accept_headers_are_not_retained() -> None:
    # Negotiation results are cached per Accept value. A client sending many
    # different huge values must not get them kept: 300 distinct 8 KB values
    # would pin 2.4 MB (1000 of Waitress's 256 KB maximum, 256 MB), while
    # small cache entries for them stay far below the 512 KB allowed here.
    app = hostile_app()
    serve(app, environ_for("/nowhere", headers={"Accept": "text/html"}))
    filler = "a" * 8_000
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(300):
            accept = f"text/html;p={filler}{index}, application/json;q=0.5"
            serve(app, environ_for("/nowhere", headers={"Accept": accept}))
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 512 * 1024


# -- request bodies -----------------------------------------------------------------

LIMIT = 64
LIMITED = hostile_app(max_body_size=LIMIT)


@BOUNDED
@given(
    body=st.binary(max_size=200),
    chunked=st.booleans(),
    path=st.sampled_from(["/text", "/form"]),
)
def test_max_body_size_is_413_exactly_past_the_limit(
    caplog: pytest.LogCaptureFixture, body: bytes, chunked: bool, path: str
) -> None:
    caplog.clear()
    content_type = "text/plain; charset=utf-8"
    if path == "/form":
        content_type = "application/x-www-form-urlencoded"
    environ = environ_for(
        path, "POST", body=body, chunked=chunked, content_type=content_type
    )
    res = serve(LIMITED, environ)
    if len(body) > LIMIT:
        assert res.status == 413
    else:
        assert res.status in (200, 400)
    assert errors(caplog) == []


@BOUNDED
@given(
    size=st.integers(0, 100_000),
    chunked=st.booleans(),
    limited=st.booleans(),
)
def test_body_is_not_read_unless_view_reads_it(
    size: int, chunked: bool, limited: bool
) -> None:
    stream = _CountingInput(b"x" * size)
    environ = environ_for("/ignore", "POST", chunked=chunked)
    if not chunked:
        environ["CONTENT_LENGTH"] = str(size)
    environ["wsgi.input"] = stream
    app = LIMITED if limited else APP
    res = serve(app, environ)
    assert stream.read_bytes == 0
    if limited and not chunked and size > LIMIT:
        assert res.status == 413
    else:
        assert res.status == 200


def _text(request: Request) -> str:
    return request.text


def _form(request: Request) -> Any:
    return {key: str(value) for key, value in request.POST.items()}


def _json(request: Request) -> Any:
    return request.json_body


def _cookies(request: Request) -> Any:
    return dict(request.cookies)


def _params(request: Request) -> Any:
    return dict(request.params)


@pytest.mark.parametrize(
    ("read", "environ_kw"),
    [
        pytest.param(_params, {"query": "q=\xff"}, id="raw-byte-in-query"),
        pytest.param(
            _text,
            {"body": b"\xff\xfe", "content_type": "text/plain; charset=utf-8"},
            id="text-not-utf8",
        ),
        pytest.param(
            _json,
            {"body": b'{"a": "\xff"}', "content_type": "application/json"},
            id="json-not-utf8",
        ),
        pytest.param(
            _text,
            {"body": b"abc", "content_type": "text/plain; charset=no-such-codec"},
            id="text-unknown-charset",
        ),
        pytest.param(
            _form,
            {
                "body": b"a=\xe9",
                "content_type": "application/x-www-form-urlencoded; charset=latin-1",
            },
            id="form-latin1-charset",
        ),
        pytest.param(
            _form,
            {
                "body": b"a=b",
                "content_type": "application/x-www-form-urlencoded; charset=bogus",
            },
            id="form-unknown-charset",
        ),
        pytest.param(
            _form,
            {"body": b"--x\r\n\r\n", "content_type": "multipart/form-data"},
            id="multipart-without-boundary",
        ),
        pytest.param(
            _json,
            {"body": b'{"a": ', "content_type": "application/json"},
            id="json-malformed",
        ),
    ],
)
def test_undecodable_request_part_is_4xx_not_logged(
    caplog: pytest.LogCaptureFixture,
    read: Callable[[Request], Any],
    environ_kw: dict[str, Any],
) -> None:
    app = App()
    app.add_route("/read", read)
    res = serve(app, environ_for("/read", "POST", **environ_kw))
    assert 400 <= res.status < 500
    assert errors(caplog) == []


def test_undecodable_cookie_is_left_out_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = App()
    app.add_route("/read", _cookies)
    res = serve(app, environ_for("/read", "POST", headers={"Cookie": 'a="\\377"; b=1'}))
    assert res.status == 200
    assert json.loads(res.body) == {"b": "1"}
    assert errors(caplog) == []


# -- header injection ---------------------------------------------------------------


def _mutated_header(value: str) -> HTTPException:
    exc = HTTPForbidden()
    exc.headers["X-Reason"] = value
    return exc


def _response_header(value: str) -> Response:
    response = Response("x", content_type="text/plain")
    response.headers["X-Reason"] = value
    return response


# (name, build the response from the input, raise it?, header checked or None)
INJECTION_SITES: list[tuple[str, Callable[[str], Any], bool, str | None]] = [
    ("location-raised", lambda v: HTTPFound(location="/next?q=" + v), True, None),
    ("location-returned", lambda v: HTTPFound(location="/next?q=" + v), False, None),
    ("webob-location", lambda v: webob.exc.HTTPFound(location="/n?q=" + v), True, None),
    (
        "www-authenticate",
        lambda v: HTTPUnauthorized(www_authenticate=f'Basic realm="{v}"'),
        True,
        None,
    ),
    (
        "retry-after",
        lambda v: HTTPServiceUnavailable(retry_after=v),
        True,
        "Retry-After",
    ),
    ("headers-kw", lambda v: HTTPForbidden(headers={"X-Reason": v}), True, "X-Reason"),
    ("header-set-later", _mutated_header, False, "X-Reason"),
    ("plain-response", _response_header, False, "X-Reason"),
    ("header-name", lambda v: HTTPForbidden(headers=[(f"X-{v}", "1")]), True, None),
]
_SITE_IDS = [site[0] for site in INJECTION_SITES]


def injection_app() -> App:
    app = App()
    for name, build, raised, _ in INJECTION_SITES:

        def view(request: Request, build: Any = build, raised: bool = raised) -> Any:
            result = build(request.params["v"])
            if raised:
                raise result
            return result

        app.add_route(f"/{name}", view)

    @app.route("/via-exception-view")
    def failing(request: Request) -> None:
        raise LookupError(request.params["v"])

    @app.exception_view(LookupError)
    def explain(request: Request) -> HTTPException:
        return HTTPForbidden(headers={"X-Reason": str(request.exception)})

    return app


INJECTION_APP = injection_app()
_CLEAN_TEXT = st.text(_LATIN1_PRINTABLE.filter(lambda char: char != '"'), max_size=30)


@BOUNDED
@given(
    site=st.sampled_from([*_SITE_IDS, "via-exception-view"]),
    before=_CLEAN_TEXT,
    breaker=st.sampled_from(["\r", "\n", "\r\n", "\x00", "\r\nSet-Cookie: owned=1"]),
    after=_CLEAN_TEXT,
)
def test_header_injection_is_500_logged_once_never_split(
    caplog: pytest.LogCaptureFixture, site: str, before: str, after: str, breaker: str
) -> None:
    caplog.clear()
    value = before + breaker + after
    environ = environ_for(f"/{site}", query="v=" + quote(value))
    res = serve(INJECTION_APP, environ)
    assert res.status == 500
    # Only the App's own 500 headers: nothing of the view's response.
    assert {name for name, _ in res.headers} == {
        "Content-Type",
        "Content-Length",
        "Vary",
    }
    records = errors(caplog)
    assert len(records) == 1
    # Refused by us or by WebOb: a ValueError, logged with its traceback.
    exc_info = records[0].exc_info
    assert exc_info is not None
    assert exc_info[0] is ValueError


@BOUNDED
@given(
    site=st.sampled_from(
        [site for site in INJECTION_SITES if site[0] != "header-name"]
    ),
    value=_CLEAN_TEXT,
)
def test_header_without_cr_lf_nul_is_sent_as_is(
    caplog: pytest.LogCaptureFixture,
    site: tuple[str, Any, bool, str | None],
    value: str,
) -> None:
    caplog.clear()
    name, _, _, header = site
    res = serve(INJECTION_APP, environ_for(f"/{name}", query="v=" + quote(value)))
    assert res.status in (302, 401, 403, 503, 200)
    if header is not None:
        assert res.header(header) == value
    assert errors(caplog) == []


# -- cross-site scripting -----------------------------------------------------------

# The pages' own markup: the HTML5 head, and the elements and attributes
# of the debug pages (the 500's traceback and request, the 404's routes).
_PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "br",
    "pre", "strong", "code", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_PAGE_ATTRS = {
    ("html", ("lang", "en")),
    ("meta", ("charset", "utf-8")),
    ("meta", ("name", "color-scheme")),
    ("meta", ("content", "light dark")),
    ("meta", ("name", "viewport")),
    ("meta", ("content", "width=device-width, initial-scale=1")),
    ("table", ("class", "fields")),
    ("th", ("scope", "row")),
    ("th", ("scope", "col")),
}


class _PageParser(HTMLParser):
    """Collects the elements and comments of an error page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert_html(body: bytes, *texts: str) -> None:
    """Only the page's own markup is markup; *texts* are there as text."""
    parser = _PageParser()
    parser.feed(body.decode("utf-8"))
    parser.close()
    assert all(
        tag in _PAGE_TAGS and all((tag, attr) in _PAGE_ATTRS for attr in attrs)
        for tag, attrs in parser.tags
    ), parser.tags
    assert len(parser.comments) <= 1
    shown = "".join(parser.text) + "".join(parser.comments)
    for text in texts:
        assert text in shown


_HTML_CODES = sorted(code for code, cls in status_map.items() if not cls.empty_body)
_TEMPLATE = "${explanation} ${detail} ${PATH_INFO} ${QUERY_STRING} ${HTTP_X_INPUT}"


def xss_app(code: int, template: str | None) -> App:
    app = App()
    cls = status_map[code]

    @app.route("/x/{p:path}")
    def view(request: Request) -> None:
        kw: dict[str, Any] = {
            "detail": request.matchdict["p"],
            "comment": request.params.get("c"),
            "body_template": template,
        }
        if code in (300, 301, 302, 303, 305, 307, 308):
            kw["location"] = "/next?" + request.query_string
        raise cls(**kw)

    return app


@pytest.mark.parametrize("template", [None, _TEMPLATE], ids=["default", "environ"])
@pytest.mark.parametrize("code", _HTML_CODES)
@settings(BOUNDED, max_examples=6)
@given(payload=_PAYLOADS)
def test_html_error_page_escapes_user_input(
    code: int, template: str | None, payload: str
) -> None:
    app = xss_app(code, template)
    # The query keeps <, >, quotes raw, as lax clients send them.
    query = "c=" + quote(payload, safe="<>\"'/=!")
    environ = environ_for(
        as_path(("/x/" + payload).encode("utf-8")),
        query=query,
        headers={"Accept": "text/html", "X-Input": payload.encode().decode("latin-1")},
    )
    res = serve(app, environ)
    assert res.status == code
    assert res.header("Content-Type") == "text/html; charset=UTF-8"
    assert_inert_html(res.body, payload)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/<script>x()</script>"), ("<svg/onload=x()>", "/only-get")],
)
def test_debug_pages_escape_path_and_method(method: str, path: str) -> None:
    app = App(debug=True)
    app.add_route("/only-get", lambda request: "x", methods=["GET"])
    res = serve(app, environ_for(path, method, headers={"Accept": "text/html"}))
    assert res.status in (404, 405)
    assert_inert_html(res.body)
    assert b"&lt;" in res.body


@settings(BOUNDED, max_examples=20)
@given(payload=_PAYLOADS)
def test_debug_traceback_page_escapes_exception_message(payload: str) -> None:
    app = App(debug=True)

    @app.route("/boom")
    def boom(request: Request) -> None:
        raise RuntimeError(payload)

    res = serve(app, environ_for("/boom", headers={"Accept": "text/html"}))
    assert res.status == 500
    assert_inert_html(res.body, "Traceback")


_ANY_TEXT = st.one_of(st.none(), st.text(st.characters(), max_size=40), _PAYLOADS)


@pytest.mark.parametrize("accept", ["application/json", "application/problem+json"])
@pytest.mark.parametrize("code", _HTML_CODES)
@settings(BOUNDED, max_examples=5)
@given(detail=_ANY_TEXT, comment=_ANY_TEXT)
def test_json_error_body_is_valid_json_for_any_input(
    code: int, accept: str, detail: str | None, comment: str | None
) -> None:
    # Any str at all, lone surrogates included (json.loads of a request body
    # can produce them).
    app = App()

    @app.route("/x")
    def view(request: Request) -> None:
        # A redirect to nowhere is a 500 (test_app_errors): give it somewhere.
        location = {"location": "/next"} if 300 <= code < 400 else {}
        raise status_map[code](detail=detail, comment=comment, **location)

    res = serve(app, environ_for("/x", headers={"Accept": accept}))
    assert res.status == code
    document = _strict_json(res.body)
    if accept == "application/problem+json":
        assert document["status"] == code
        # Left out when there is no detail (RFC 9457 makes it optional).
        assert isinstance(document.get("detail", ""), str)
    else:
        assert document["code"] == f"{code} {status_map[code].title}"
        assert isinstance(document["message"], str)
