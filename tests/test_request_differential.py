"""Our Request reads what the client sent as webob.Request does.

Random query strings, bodies, framings, cookies and headers go to both,
each in its own copy of one environ, and the same reads (in a random
order, some twice) must give the same values, or the same exception.
Where WebOb fails to decode, ours raises HTTPBadRequest instead. Two
differences are deliberate, and checked as such:

* a cookie that is not UTF-8 is left out, where WebOb raises for every
  cookie of the request (see ``Request.cookies``);
* a form with bytes that are not UTF-8 is a 400, where WebOb replaces
  them with U+FFFD (see ``Request.POST``).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import webob
import webob.cookies
from harness import environ_for, serve
from hypothesis import given, settings
from hypothesis import strategies as st
from webob.compat import cgi_FieldStorage
from webob.cookies import RequestCookies
from webob.headers import EnvironHeaders
from webob.multidict import GetDict, MultiDict, NestedMultiDict, NoVars

from httpx_views import App, HTTPBadRequest, Request


def examples(count: int) -> settings:
    """Hypothesis settings for *count* examples; ~300 in this module."""
    return settings(max_examples=count, deadline=None, derandomize=True, database=None)


FORM = "application/x-www-form-urlencoded"

# What WebOb raises for input it cannot decode, and ours turns into a 400:
# UnicodeError and LookupError for a bad charset or bytes, ValueError for
# bad JSON, RecursionError for JSON nested too deeply, DeprecationWarning
# for a form in a charset other than UTF-8.
UNDECODABLE = (
    UnicodeError,
    LookupError,
    ValueError,
    RecursionError,
    DeprecationWarning,
)

# -- what the client sends ------------------------------------------------------


def _fields(
    oddities: st.SearchStrategy[bytes], separators: list[bytes]
) -> st.SearchStrategy[bytes]:
    """``name=value`` fields apart by *separators*: words, or *oddities*."""
    plain = st.tuples(_WORDS, st.just(b"="), _WORDS)
    run = st.lists(st.one_of(_WORDS, oddities), max_size=3).map(b"".join)
    equals = st.sampled_from([b"=", b"", b" = ", b"=="])
    odd = st.tuples(run, equals, run)
    field = st.tuples(st.one_of(plain, odd).map(b"".join), st.sampled_from(separators))
    return st.lists(field.map(b"".join), max_size=5).map(b"".join)


_WORDS = st.sampled_from([b"q", b"name", b"python", b"2", b"abc123", b"x-y", b"_"])

# Query strings and forms: "+", escapes good and bad (WebOb reads "%1" and
# "% f" as bytes where urllib leaves them), characters sent escaped or not.
_FORM_ODDITIES = st.one_of(
    st.sampled_from([b"+", b"a b", b"%20", b"%2B", b"%26", b"%3B", b"%3D", b"."]),
    st.sampled_from([b"%", b"%2", b"%zz", b"%1", b"% f", b"%+1", b"%-1", b"%0A"]),
    st.sampled_from([b"%C3%A9", b"%c3%a9", b"%EF%BF%BD", b"\xef\xbf\xbd", b";"]),
    st.text(max_size=2).map(str.encode),
)
_NOT_UTF8 = st.one_of(
    st.sampled_from([b"%FF", b"%C3", b"%ED%A0%80", b"\xff", b"\xc3"]),
    st.binary(max_size=2),
)
_FORMS = _fields(
    st.one_of(_FORM_ODDITIES, _NOT_UTF8), [b"&", b"&", b"&", b";", b"&&", b"; "]
)

# Escapes WebOb reads otherwise than urllib, close together.
_ESCAPES = st.lists(
    st.sampled_from([b"q", b"=", b"&", b";", b"+", b"%", b"%1", b"% f", b"%+1"]),
    max_size=8,
).map(b"".join)


# Cookie headers: quoted values with escapes, names WebOb refuses ("$x",
# attribute names), an expires date, separators it skips.
_COOKIE_ODDITIES = st.one_of(
    st.sampled_from([b'"a b"', b'"caf\\303\\251"', b'"', b"\\", b"\\x", b"$"]),
    st.sampled_from([b"Path", b"expires", b"Max-Age", b"version", b"a.b", b"{}"]),
    st.sampled_from([b"Wed, 09 Jun 2021 10:18:14 GMT", b"\t", b",", b" "]),
    st.text(max_size=2).map(str.encode),
)
_COOKIES = _fields(
    st.one_of(_COOKIE_ODDITIES, st.sampled_from([b"\xff", b'"\\377"', b"\xc3"])),
    [b"; ", b"; ", b"; ", b";", b" ", b", ", b";;"],
)
# Headers as browsers send them, some cookies of names WebOb refuses.
_PLAIN_COOKIES = st.lists(
    st.tuples(
        st.one_of(_WORDS, st.sampled_from([b"$x", b"$Version", b"Path", b"Max-Age"])),
        st.one_of(_WORDS, st.sampled_from([b"", b"a=b", b"{}", b"'x'", b"/"])),
    ).map(b"=".join),
    max_size=3,
).map(b"; ".join)

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_JSON = st.builds(
    lambda value, ascii_only, encoding: json.dumps(
        value, ensure_ascii=ascii_only
    ).encode(encoding, "replace"),
    _JSON_VALUES,
    st.booleans(),
    st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
_BODIES = st.one_of(
    _JSON,
    _FORMS,
    st.binary(max_size=20),
    # Under 10 KiB: past it WebOb copies a body into a file, which it leaves
    # open when the client goes away ("longer" below).
    st.sampled_from([b"[" * 10_000, b"1" * 5000, b'{"a": 1,\n "b" 2}']),
)

_CONTENT_TYPES = st.sampled_from(
    [
        None,  # no CONTENT_TYPE
        "",
        FORM,
        FORM + "; charset=UTF-8",
        FORM + ";charset=utf8",
        FORM + '; charset="utf-8"',
        FORM + "; charset=latin-1",
        FORM + " ",  # not the form type, to WebOb
        "Application/X-WWW-Form-Urlencoded",
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
        "text/plain",
        "text/plain; charset=iso-8859-1",
        "text/plain; charset=no-such-charset",
        "multipart/form-data; boundary=b",
    ]
)

_METHODS = st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "GET", "HEAD", "post"])

# How the body comes: its CONTENT_LENGTH, whether WebOb may seek it, its size.
FRAMINGS = [
    "exact",  # a server's stream, of the length declared
    "chunked",  # no length, wsgi.input_terminated
    "unterminated",  # no length, no wsgi.input_terminated: unreadable
    "shorter",  # a length less than the body's
    "longer",  # a length more than the body's: the client went away
    "not-a-number",
    "spaced",  # " 12 ": int() reads it
    "zero",
    "negative",
    "seekable",  # as Request.blank(body=...) makes it
    "seekable-chunked",
    "seekable-longer",
    # Past WebOb's 10 KiB in memory, which it copies into a file:
    "exact-large",
    "seekable-large",
]


class _Stream:
    """A ``wsgi.input`` as a server gives it: read and readline, no seek."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._data) if size is None or size < 0 else self._at + size
        chunk = self._data[self._at : end]
        self._at += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        newline = self._data.find(b"\n", self._at)
        end = len(self._data) if newline < 0 else newline + 1
        if size is not None and size >= 0:
            end = min(end, self._at + size)
        return self.read(end - self._at)


def _environ(
    framing: str = "exact",
    *,
    method: str = "POST",
    query: bytes = b"",
    body: bytes = b"",
    content_type: str | None = None,
    cookie: bytes | None = None,
    headers: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """A new environ for these inputs, its body in a new stream.

    Bytes of the query string and headers are given as latin-1 text, as a
    server gives them (PEP 3333).
    """
    if framing.endswith("-large"):
        body += b" " * 11_000
        framing = framing.removesuffix("-large")
    environ = environ_for("/", method, query=query.decode("latin-1"))
    for name, value in (headers or {}).items():
        environ[f"HTTP_{name}"] = value.decode("latin-1")
    if cookie is not None:
        environ["HTTP_COOKIE"] = cookie.decode("latin-1")
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    environ["wsgi.input"] = _Stream(body)
    lengths = {
        "exact": str(len(body)),
        "shorter": str(max(len(body) - 3, 0)),
        "longer": str(len(body) + 3),
        "not-a-number": "twelve",
        "spaced": f" {len(body)} ",
        "zero": "0",
        "negative": "-1",
        "seekable": str(len(body)),
        "seekable-longer": str(len(body) + 3),
    }
    if framing in lengths:
        environ["CONTENT_LENGTH"] = lengths[framing]
    if framing in ("chunked", "seekable-chunked"):
        environ["wsgi.input_terminated"] = True
    if framing.startswith("seekable"):
        environ["wsgi.input"] = _SeekableStream(body)
        environ["webob.is_body_seekable"] = True
    return environ


class _SeekableStream(_Stream):
    """A ``wsgi.input`` WebOb was told it may seek (``webob.is_body_seekable``)."""

    def seek(self, offset: int, whence: int = 0) -> int:
        assert whence == 0
        self._at = offset
        return offset

    def tell(self) -> int:
        return self._at


# -- how ours and WebOb's are compared -----------------------------------------


def _field(value: Any) -> Any:
    """A form value: text, or a multipart file as (file name, contents)."""
    return value if isinstance(value, str) else (value.filename, value.value)


def _seen(attribute: str, value: Any) -> Any:
    """What is compared of *value*, read as ``request.<attribute>``."""
    if attribute in ("GET", "POST", "params"):
        return type(value), [(name, _field(field)) for name, field in value.items()]
    if attribute == "cookies":
        assert isinstance(value, RequestCookies)
        return list(value.items())
    if attribute == "headers":
        return type(value), list(value.items())
    if attribute == "body_file":
        return value.read()
    if attribute == "body_file_raw":
        return type(value)
    return type(value), value


def _outcome(read: Callable[[], Any], attribute: str) -> tuple[str, Any]:
    """("ok", what is compared), ("400", None) or ("raised", the type)."""
    try:
        value = read()
        return "ok", _seen(attribute, value)
    except HTTPBadRequest:
        return "400", None
    except Exception as exc:
        return "raised", type(exc)


def _expected(
    request: webob.Request, attribute: str, environ: Callable[[], dict[str, Any]]
) -> tuple[str, Any]:
    """What ours must give for *attribute*: what WebOb's *request* gives.

    But a 400 where WebOb cannot decode, and the two deliberate differences.
    *environ* makes a new copy of the request's environ, for the second.
    """
    outcome = _outcome(lambda: getattr(request, attribute), attribute)
    kind, value = outcome
    if kind == "raised" and issubclass(value, UNDECODABLE):
        if attribute == "cookies":
            # Deliberate: ours leaves out the cookies that are not UTF-8.
            return "ok", _seen("cookies", _decodable_cookies(request))
        return "400", None
    if (
        attribute in ("POST", "params")
        and kind == "ok"
        and _has_replacement(value)
        and _form_not_utf8(environ())
    ):
        # Deliberate: bytes that are not UTF-8 in a form are a 400, where
        # WebOb puts U+FFFD (and so could not tell them from a U+FFFD sent).
        return "400", None
    return outcome


def _decodable_cookies(request: webob.Request) -> dict[str, str]:
    """WebOb's cookies, but those that are not UTF-8: WebOb's own parse."""
    cookies = {}
    header = request.environ.get("HTTP_COOKIE", "")
    for name, value in webob.cookies.parse_cookie(header):  # type: ignore[attr-defined]
        try:
            cookies[name.decode("utf-8")] = value.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return cookies


def _has_replacement(seen: Any) -> bool:
    """Whether U+FFFD is in a name or a text value of a seen form."""
    _, fields = seen
    return any(
        "\ufffd" in (name or "") + (field if isinstance(field, str) else field[0])
        for name, field in fields
    )


def _form_not_utf8(environ: dict[str, Any]) -> bool:
    """Whether WebOb's parse of this form meets bytes that are not UTF-8.

    The form parsed as WebOb's POST parses it, but with the error handler
    "surrogateescape" in place of its "replace": each byte that is not
    UTF-8 becomes a lone surrogate, which no client can send.
    """
    request = webob.Request(environ)
    body = request.body  # read as WebOb's POST reads it
    _close_body(request.environ)
    fields = cgi_FieldStorage(
        fp=io.BytesIO(body),
        # Its length as read: WebOb sets it so when it copies the body.
        environ={**environ, "QUERY_STRING": "", "CONTENT_LENGTH": str(len(body))},
        keep_blank_values=True,
        encoding="utf8",
        errors="surrogateescape",
    )
    texts = [
        (field.name or "") + (field.value if field.filename is None else field.filename)
        for field in fields.list or []
    ]
    return any(_SURROGATE.search(text) for text in texts)


_SURROGATE = re.compile("[\udc80-\udcff]")


def _reads_as_webob(reads: list[str], **inputs: Any) -> None:
    """Read *reads* of ours and of WebOb's request on the same *inputs*."""
    ours = Request(_environ(**inputs))
    webobs = webob.Request(_environ(**inputs))
    for attribute in reads:
        seen = _outcome(lambda: getattr(ours, attribute), attribute)  # noqa: B023
        assert seen == _expected(webobs, attribute, lambda: _environ(**inputs)), (
            attribute
        )
    _close_body(ours.environ)
    _close_body(webobs.environ)


def _close_body(environ: dict[str, Any]) -> None:
    """Close the file WebOb copies a large body into."""
    close = getattr(environ["wsgi.input"], "close", None)
    if close is not None:
        close()


@examples(50)
@given(query=st.one_of(_FORMS, _ESCAPES), method=st.sampled_from(["GET", "POST"]))
def test_query_reads_as_webob(query: bytes, method: str) -> None:
    _reads_as_webob(["GET", "params", "GET"], query=query, method=method)


_FORM_TYPES = st.sampled_from(
    [
        FORM,
        FORM,
        FORM + "; charset=UTF-8",
        FORM + ";charset=utf8",
        FORM + '; charset="utf-8"',
        FORM + "; charset=latin-1",
        FORM + " ",  # not the form type, to WebOb
        "Application/X-WWW-Form-Urlencoded",
        None,  # a POST without CONTENT_TYPE is a form, to WebOb
    ]
)
# body_file_raw: WebOb keeps a body over 10 KiB in a file.
_FORM_READS = ["POST", "params", "body", "body_file", "body_file_raw", "text"]


# cgi, under WebOb, reads the form of a GET or HEAD from the query string.
@pytest.mark.parametrize("method", ["POST", "PUT", "GET", "HEAD"])
@examples(15)
@given(
    body=st.one_of(_FORMS, _ESCAPES),
    content_type=_FORM_TYPES,
    framing=st.sampled_from(["exact", "seekable", "chunked", "seekable-chunked"]),
    reads=st.lists(st.sampled_from(_FORM_READS), min_size=1, max_size=4),
)
def test_form_reads_as_webob(
    method: str, body: bytes, content_type: str | None, framing: str, reads: list[str]
) -> None:
    # Then the stream where the form's parse leaves it, the body twice.
    reads = [*reads, "POST", "body_file", "body", "body_file", "body_file_raw"]
    _reads_as_webob(
        reads, framing=framing, method=method, body=body, content_type=content_type
    )


_BODY_READS = [*_FORM_READS, "json_body", "json", "charset"]


@examples(40)
@given(
    value=_JSON_VALUES,
    ascii_only=st.booleans(),
    charset=st.sampled_from([None, "utf-8", "UTF-8", "latin-1", "utf-16"]),
    framing=st.sampled_from(["exact", "seekable", "chunked"]),
    reads=st.lists(st.sampled_from(_BODY_READS), min_size=1, max_size=4),
)
def test_json_reads_as_webob(
    value: Any, ascii_only: bool, charset: str | None, framing: str, reads: list[str]
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    # "replace": a character latin-1 lacks is "?", still JSON.
    body = text.encode(charset or "utf-8", "replace")
    content_type = "application/json" + (f"; charset={charset}" if charset else "")
    reads = ["json_body", *reads, "json", "body_file"]
    _reads_as_webob(reads, framing=framing, body=body, content_type=content_type)


@pytest.mark.parametrize("framing", FRAMINGS)
@examples(7)
@given(
    body=_BODIES,
    content_type=_CONTENT_TYPES,
    method=_METHODS,
    reads=st.lists(st.sampled_from(_BODY_READS), min_size=1, max_size=4),
)
def test_body_reads_as_webob(
    framing: str, body: bytes, content_type: str | None, method: str, reads: list[str]
) -> None:
    # The reads drawn, then the body twice: as a view leaves it.
    reads = [*reads, "body", "body_file", "body", "body_file_raw"]
    _reads_as_webob(
        reads, framing=framing, method=method, body=body, content_type=content_type
    )


@examples(50)
@given(cookie=st.one_of(_COOKIES, _PLAIN_COOKIES))
def test_cookies_read_as_webob(cookie: bytes) -> None:
    _reads_as_webob(["cookies", "cookies"], method="GET", cookie=cookie)


@examples(20)
@given(
    headers=st.dictionaries(
        st.sampled_from(["X_API_KEY", "ACCEPT", "X_FORWARDED_FOR"]),
        st.binary(max_size=6),
        max_size=3,
    ),
    content_type=_CONTENT_TYPES,
)
def test_headers_read_as_webob(
    headers: dict[str, bytes], content_type: str | None
) -> None:
    reads = ["headers", "content_type", "charset", "headers"]
    _reads_as_webob(reads, method="GET", headers=headers, content_type=content_type)
    request = Request(_environ(headers=headers, content_type=content_type))
    assert type(request.headers) is EnvironHeaders
    assert request.headers is request.headers  # made once, as WebOb does
    for name, value in headers.items():
        assert request.headers[name.replace("_", "-")] == value.decode("latin-1")


def test_request_reads_as_webob_its_types() -> None:
    """The containers are WebOb's: GET, POST, params, NoVars for no form."""
    environ = environ_for("/", "POST", query="a=1", body=b"b=2", content_type=FORM)
    request = Request(environ)
    assert type(request.GET) is GetDict
    assert type(request.POST) is MultiDict
    assert type(request.params) is NestedMultiDict
    assert type(Request(environ_for("/")).POST) is NoVars


# -- through the App, which wraps the body to count it ----------------------------


@examples(30)
@given(
    query=_FORMS,
    body=_BODIES,
    content_type=_CONTENT_TYPES,
    chunked=st.booleans(),
    # Not body_file_raw: the App wraps the stream in its counting one.
    reads=st.lists(
        st.sampled_from(
            ["GET", "POST", "params", "body", "body_file", "text", "json_body"]
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_request_through_the_app_reads_as_webob(
    query: bytes,
    body: bytes,
    content_type: str | None,
    chunked: bool,
    reads: list[str],
) -> None:
    reads = [*reads, "body", "body_file", "body"]
    seen: list[tuple[str, Any]] = []
    environs: list[dict[str, Any]] = []

    def view(request: Request) -> str:
        environs.append(request.environ)
        for attribute in reads:
            seen.append(_outcome(lambda: getattr(request, attribute), attribute))  # noqa: B023
        return ""

    app = App(max_body_size=200_000)  # its counting stream, not seekable
    app.add_route("/", view, methods=["POST"])

    def environ() -> dict[str, Any]:
        query_string = query.decode("latin-1")
        return environ_for(
            "/",
            "POST",
            query=query_string,
            body=body,
            chunked=chunked,
            content_type=content_type,
        )

    assert serve(app, environ(), validate=False).status == 200
    webobs = webob.Request(environ())
    for attribute, ours in zip(reads, seen, strict=True):
        assert ours == _expected(webobs, attribute, environ), attribute
    _close_body(environs[0])
    _close_body(webobs.environ)
