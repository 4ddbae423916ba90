"""Tests for httpx_views.httpexceptions: classes, bodies, negotiation, safety."""

from __future__ import annotations

import html
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from string import Template
from typing import Any

import pytest
import webob
import webtest

from httpx_views import _rendering, httpexceptions
from httpx_views.httpexceptions import (
    HTTPClientError,
    HTTPContentTooLarge,
    HTTPCreated,
    HTTPError,
    HTTPException,
    HTTPForbidden,
    HTTPFound,
    HTTPMethodNotAllowed,
    HTTPMovedPermanently,
    HTTPNoContent,
    HTTPNotFound,
    HTTPNotModified,
    HTTPPaymentRequired,
    HTTPRangeNotSatisfiable,
    HTTPRedirection,
    HTTPRequestEntityTooLarge,
    HTTPRequestRangeNotSatisfiable,
    HTTPRequestURITooLong,
    HTTPServerError,
    HTTPServiceUnavailable,
    HTTPSuccessful,
    HTTPTooManyRequests,
    HTTPUnauthorized,
    HTTPUnprocessableContent,
    HTTPUnprocessableEntity,
    HTTPURITooLong,
    WSGIHTTPException,
    exception_response,
    status_map,
)

HTML = "text/html"
JSON = "application/json"
PROBLEM = "application/problem+json"
TEXT = "text/plain"
FORMATS = [HTML, JSON, PROBLEM, TEXT]
CONTENT_TYPES = {
    HTML: "text/html; charset=UTF-8",
    JSON: "application/json",
    PROBLEM: "application/problem+json",
    TEXT: "text/plain; charset=UTF-8",
}
BASES = {
    HTTPException,
    HTTPSuccessful,
    HTTPRedirection,
    HTTPError,
    HTTPClientError,
    HTTPServerError,
}
CATEGORIES = {
    2: HTTPSuccessful,
    3: HTTPRedirection,
    4: HTTPClientError,
    5: HTTPServerError,
}
EMPTY_BODY_CODES = {204, 205, 304}
# How every HTML page starts (tests/test__rendering.py checks the rest).
HTML5_START = b'<!DOCTYPE html>\n<html lang="en">\n'
REDIRECT_CODES = sorted(code for code in status_map if code // 100 == 3 and code != 304)
# Every 2xx-5xx code in the IANA registry, plus 418.
IANA_CODES = {
    *range(200, 209), 226,
    300, 301, 302, 303, 304, 305, 307, 308,
    *range(400, 419), 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
    *range(500, 509), 510, 511,
}  # fmt: skip
# Titles pinned here rather than taken from http.HTTPStatus: RFC 9110's,
# which Python adopted only in 3.13 for 413, 414, 416 and 422, and RFC
# 2324's "I'm a teapot" (3.13 spells it "I'm a Teapot"), so the test does
# not depend on the Python version.
DELIBERATE_TITLES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    418: "I'm a teapot",
    422: "Unprocessable Content",
}


class Sample(HTTPException):
    """A status class with simple texts, as Pyramid's tests use."""

    code = 200
    title = "OK"
    explanation = "explanation"


class StartResponse:
    """Records what a WSGI application passes to start_response."""

    status: str
    headers: list[tuple[str, str]]

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, status: str, headers: list[tuple[str, str]]) -> None:
        self.calls += 1
        self.status = status
        self.headers = headers

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, f"{name} sent {len(values)} times"
        return values[0] if values else None


def environ(accept: str | None = None, **extra: Any) -> dict[str, Any]:
    """Return a minimal WSGI environ for GET / on localhost."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    if accept is not None:
        env["HTTP_ACCEPT"] = accept
    env.update(extra)
    return env


def call(
    exc: HTTPException, accept: str | None = None, **extra: Any
) -> tuple[StartResponse, bytes]:
    """Serve *exc* directly as a WSGI app; return start_response and body."""
    start_response = StartResponse()
    body = b"".join(exc(environ(accept, **extra), start_response))
    assert start_response.calls == 1
    return start_response, body


def media_type(start_response: StartResponse) -> str | None:
    content_type = start_response.header("Content-Type")
    return content_type.split(";")[0] if content_type else None


# -- exception_response -------------------------------------------------------


@pytest.mark.parametrize(("code", "cls"), sorted(status_map.items()))
def test_exception_response_returns_the_class_of_the_code(
    code: int, cls: type[HTTPException]
) -> None:
    exc = exception_response(code)
    assert type(exc) is cls
    assert exc.code == code


def test_exception_response_accepts_http_status_members() -> None:
    assert type(exception_response(HTTPStatus.UNAUTHORIZED)) is HTTPUnauthorized


def test_exception_response_passes_keywords_on() -> None:
    exc = exception_response(404, detail="gone", headers=[("abc", "def")])
    assert exc.headers["abc"] == "def"
    assert exc.detail == "gone"


@pytest.mark.parametrize("code", [299, 399, 499, 520, 599])
def test_exception_response_without_class_uses_category_base(code: int) -> None:
    exc = exception_response(code, detail="odd")
    assert type(exc) is CATEGORIES[code // 100]
    assert exc.code == code
    assert exc.title == "Unknown Status"
    assert exc.status == f"{code} Unknown Status"
    start_response, body = call(exc)
    assert start_response.status == f"{code} Unknown Status"
    assert body == f"{code} Unknown Status\n\n\n\n\nodd\n".encode()


# The first and a later code of each category, as if it had no class: the
# category is the code's first digit, and every code from 200 on is served.
@pytest.mark.parametrize("code", [200, 300, 400, 404, 500])
def test_exception_response_without_class_takes_title_from_http_status(
    monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    monkeypatch.delitem(status_map, code)
    exc = exception_response(code)
    assert type(exc) is CATEGORIES[code // 100]
    assert exc.status == f"{code} {HTTPStatus(code).phrase}"


def test_exception_response_without_class_works_through_webtest() -> None:
    response = webtest.TestApp(exception_response(599)).get("/", status=599)
    assert response.status == "599 Unknown Status"
    assert response.body.startswith(b"599 Unknown Status")


@pytest.mark.parametrize("value", [None, "401", 1.0, True, False, 199, 600, -404])
def test_exception_response_refuses_anything_else(value: Any) -> None:
    with pytest.raises(LookupError, match=re.escape(repr(value))):
        exception_response(value)


# -- the status classes -------------------------------------------------------


def test_status_map_has_every_registered_code() -> None:
    assert set(status_map) == IANA_CODES


def public_exception_classes() -> dict[str, type[HTTPException]]:
    """The module's public HTTP exception classes, by name (aliases too)."""
    return {
        name: value
        for name, value in vars(httpexceptions).items()
        if isinstance(value, type)
        and issubclass(value, HTTPException)
        and not name.startswith("_")
    }


def test_status_map_holds_every_concrete_class_and_no_base() -> None:
    public_classes = set(public_exception_classes().values())
    assert set(status_map.values()) == public_classes - BASES
    assert not BASES & set(status_map.values())


@pytest.mark.parametrize(("code", "cls"), sorted(status_map.items()))
def test_status_class_describes_its_code(code: int, cls: type[HTTPException]) -> None:
    assert cls.code == code
    assert issubclass(cls, CATEGORIES[code // 100])
    assert cls.explanation
    assert cls.__doc__ is not None
    assert cls.__doc__.startswith(f"*{code}* `")
    assert cls.__name__ in httpexceptions.__all__
    assert cls.empty_body == (code in EMPTY_BODY_CODES)


@pytest.mark.parametrize(("code", "cls"), sorted(status_map.items()))
def test_status_title_is_the_http_status_phrase(
    code: int, cls: type[HTTPException]
) -> None:
    expected = DELIBERATE_TITLES.get(code) or HTTPStatus(code).phrase
    assert cls.title == expected


@pytest.mark.parametrize(
    ("alias", "cls"),
    [
        (HTTPContentTooLarge, HTTPRequestEntityTooLarge),
        (HTTPURITooLong, HTTPRequestURITooLong),
        (HTTPRangeNotSatisfiable, HTTPRequestRangeNotSatisfiable),
        (HTTPUnprocessableContent, HTTPUnprocessableEntity),
        (WSGIHTTPException, HTTPException),
    ],
)
def test_aliases_are_the_same_classes(alias: type, cls: type) -> None:
    assert alias is cls


def test_all_names_exist_and_cover_every_public_class() -> None:
    for name in httpexceptions.__all__:
        assert hasattr(httpexceptions, name), name
    assert set(public_exception_classes()) <= set(httpexceptions.__all__)


# -- the base class -----------------------------------------------------------


def test_exception_is_a_raisable_response() -> None:
    with pytest.raises(HTTPNotFound) as info:
        raise HTTPNotFound("missing")
    assert isinstance(info.value, webob.Response)
    assert isinstance(info.value, Exception)


def test_exception_keeps_detail_message_and_comment() -> None:
    exc = HTTPNotFound("message", comment="comment")
    assert exc.detail == exc.message == "message"
    assert exc.comment == "comment"
    assert exc.args == ("message",)


def test_exception_str_is_detail_or_explanation() -> None:
    exc = HTTPException()
    exc.explanation = "def"
    assert str(exc) == "def"
    exc.detail = "abc"
    assert str(exc) == "abc"
    assert str(HTTPException(detail={"error": "x"})) == "{'error': 'x'}"


def test_base_class_status_is_pyramids() -> None:
    assert HTTPException("message").status == "520 Unknown Error"


def test_exception_refuses_a_status_argument() -> None:
    with pytest.raises(TypeError, match="status"):
        HTTPNotFound(status="200 OK")


@pytest.mark.parametrize(
    "headers", [[("X-Foo", "foo")], {"X-Foo": "foo"}], ids=["list", "dict"]
)
def test_exception_extends_headers(headers: Any) -> None:
    exc = HTTPNotFound(headers=headers)
    assert exc.headers["X-Foo"] == "foo"
    assert exc.headers["Content-Type"] == "text/html; charset=UTF-8"


def test_exception_compiles_body_template() -> None:
    exc = HTTPException(body_template="${foo}")
    assert exc.body_template_obj.substitute(foo="bar") == "bar"
    assert exc.body_template == "${foo}"  # kept, as Pyramid keeps it


def test_exception_wsgi_response_and_exception_are_itself() -> None:
    exc = HTTPNotFound()
    assert exc.wsgi_response is exc
    assert exc.exception is exc


def test_empty_body_subclass_has_no_content_headers() -> None:
    class Empty(Sample):
        empty_body = True

    exc = Empty()
    assert exc.content_type is None
    assert exc.content_length is None


@pytest.mark.parametrize(
    "kw",
    [{"body": b"123"}, {"text": "123"}, {"app_iter": [b"123"]}],
    ids=["body", "text", "app_iter"],
)
def test_exception_keeps_a_given_body(kw: dict[str, Any]) -> None:
    exc = HTTPNotFound(**kw)
    start_response, body = call(exc, "application/json")
    assert body == b"123"
    assert media_type(start_response) == HTML
    assert start_response.header("Vary") is None


def test_call_starts_the_response_with_status_and_headers() -> None:
    start_response, _ = call(Sample())
    assert start_response.status == "200 OK"
    assert start_response.headers


def test_each_call_negotiates_its_own_body_and_leaves_the_exception() -> None:
    exc = Sample("detail")
    headerlist = list(exc.headerlist)
    first_start, first = call(exc, "*/*")
    second_start, second = call(exc, "application/json")
    assert media_type(first_start) == HTML
    assert first.startswith(HTML5_START)
    assert media_type(second_start) == JSON
    assert json.loads(second)["message"].endswith("detail")
    assert first_start.header("Content-Length") == str(len(first))
    assert second_start.header("Content-Length") == str(len(second))
    # Sending changed nothing on the instance.
    assert exc.body == b""
    assert exc.headerlist == headerlist


def test_prepare_renders_without_serving() -> None:
    exc = HTTPNotFound()
    exc.prepare(environ("application/json"))
    assert exc.content_type == JSON
    assert json.loads(exc.body)["code"] == "404 Not Found"


def test_prepare_fills_in_environ_placeholders() -> None:
    exc = HTTPMethodNotAllowed()
    exc.prepare(environ(TEXT, REQUEST_METHOD="PATCH"))
    assert b"The method PATCH is not allowed" in exc.body


@pytest.mark.parametrize(
    "make",
    [lambda: HTTPNotFound(body=b"given"), HTTPNoContent],
    ids=["given-body", "empty-body"],
)
def test_prepare_leaves_an_exception_that_renders_no_page(
    make: Callable[[], HTTPException],
) -> None:
    """A body of its own, or none at all: prepare() only checks the headers."""
    exc = make()
    headerlist = list(exc.headerlist)
    body = exc.body
    exc.prepare(environ(JSON))
    assert exc.headerlist == headerlist
    assert exc.body == body


@pytest.mark.parametrize(
    "empty",
    [
        lambda exc: setattr(exc, "body", b""),
        lambda exc: setattr(exc, "app_iter", None),
    ],
    ids=["body", "app_iter"],
)
def test_emptied_body_gets_the_negotiated_page(
    empty: Callable[[HTTPException], None],
) -> None:
    """An exception whose given body was taken away again renders its page."""
    exc = HTTPNotFound("emptied again", body=b"given")
    empty(exc)
    start_response, body = call(exc, JSON)
    assert json.loads(body)["message"].endswith("emptied again")
    assert start_response.header("Content-Length") == str(len(body))


def test_exception_is_conditional_only_when_asked() -> None:
    """As a webob.Response: no If-None-Match or Range handling by default."""
    exc = httpexceptions.HTTPOk()
    assert exc.conditional_response is webob.Response().conditional_response
    start_response, body = call(exc, HTTP_RANGE="bytes=0-2")
    assert start_response.status == "200 OK"
    assert body == b"200 OK\n\nThe request has succeeded.\n"


@pytest.mark.parametrize("extra", [[], [("X-Extra", "1")]], ids=["plain", "extra"])
@pytest.mark.parametrize("accept", FORMATS)
def test_negotiated_page_is_sent_with_exactly_these_headers(
    accept: str, extra: list[tuple[str, str]]
) -> None:
    """The exception's own headers, then Vary, Content-Type and Content-Length
    in their registered spelling (no stale type or length, no duplicates)."""
    start_response, body = call(HTTPNotFound(headers=extra), accept)
    assert start_response.headers == [
        *extra,
        ("Vary", "Accept"),
        ("Content-Type", CONTENT_TYPES[accept]),
        ("Content-Length", str(len(body))),
    ]


@pytest.mark.parametrize("position", [0, 1], ids=["type", "length"])
def test_header_put_in_place_of_a_default_one_is_sent(position: int) -> None:
    """Content-Type or Content-Length replaced in place by another header."""
    exc = HTTPNotFound()
    exc.headerlist[position] = ("X-Replaced", "yes")
    start_response, body = call(exc)
    assert start_response.header("X-Replaced") == "yes"
    assert start_response.header("Content-Length") == str(len(body))


@pytest.mark.parametrize("value", ["/elsewhere", ""])
def test_only_location_is_made_absolute(value: str) -> None:
    """Another header, even of Location's length, is sent as it is."""
    start_response, _ = call(HTTPNotFound(headers=[("X-Target", value)]))
    assert start_response.header("X-Target") == value


def test_head_renders_the_page_as_for_get() -> None:
    """The page (and so Content-Length) of a HEAD is the one GET would get."""
    methods: list[str] = []

    def formatter(*, status: str, body: str, title: str, environ: Any) -> Any:
        methods.append(environ["REQUEST_METHOD"])
        return {}

    call(HTTPNotFound(json_formatter=formatter), JSON, REQUEST_METHOD="HEAD")
    assert methods == ["GET"]


def test_head_still_closes_a_given_app_iter() -> None:
    """PEP 3333: closing the (empty) HEAD answer closes the body it replaces."""

    class Closing:
        closed = False

        def __iter__(self) -> Iterator[bytes]:
            return iter([b"given"])

        def close(self) -> None:
            self.closed = True

    app_iter = Closing()
    exc = httpexceptions.HTTPOk(app_iter=app_iter)
    sent = exc(environ(REQUEST_METHOD="HEAD"), StartResponse())
    assert list(sent) == []
    sent.close()  # type: ignore[attr-defined]
    assert app_iter.closed


def test_head_request_gets_headers_without_body() -> None:
    response = webtest.TestApp(HTTPNotFound()).head("/", status=404)
    assert response.body == b""
    assert response.headers["Vary"] == "Accept"


def test_explicit_content_type_gives_way_to_negotiation() -> None:
    exc = Sample()
    exc.content_type = "text/html"
    start_response, body = call(exc)
    assert media_type(start_response) == TEXT
    assert body.startswith(b"200 OK\n\n")


# -- body formats -------------------------------------------------------------


def test_text_body_is_pyramids_without_trailing_blank_lines() -> None:
    assert call(Sample("detail"))[1] == b"200 OK\n\nexplanation\n\n\ndetail\n"
    assert call(Sample())[1] == b"200 OK\n\nexplanation\n"
    assert call(Sample(comment="comment"))[1] == (
        b"200 OK\n\nexplanation\n\n\n\ncomment\n"
    )


def test_html_body_has_status_explanation_and_detail() -> None:
    start_response, body = call(Sample("detail"), "text/html")
    assert start_response.header("Content-Type") == "text/html; charset=UTF-8"
    assert body.startswith(HTML5_START)
    assert b"<title>200 OK</title>" in body
    assert b"explanation<br/><br/>" in body
    assert b"detail" in body
    assert b"<!-- " not in body


def test_html_body_breaks_lines_with_br() -> None:
    # (A detail of its own: the page is rendered here, not taken from the cache.)
    _, body = call(Sample("a detail only this test shows"), HTML)
    assert b"explanation<br/><br/>\na detail only this test shows\n" in body


@pytest.mark.parametrize("accept", FORMATS)
@pytest.mark.parametrize("value", [12, {"key": "value"}], ids=["int", "dict"])
@pytest.mark.parametrize("field", ["detail", "comment"])
def test_non_text_detail_or_comment_alone_is_rendered(
    field: str, value: object, accept: str
) -> None:
    """A detail or comment that is not text, the other left out, is shown."""
    _, body = call(HTTPNotFound(**{field: value}), accept)
    text = sent_text(body, accept)
    shown = html.escape(str(value)) if accept == HTML else str(value)
    if field == "comment" and accept == PROBLEM:
        assert shown not in text  # problem documents leave the comment out
    else:
        assert shown in text


def test_html_body_puts_the_comment_in_an_html_comment() -> None:
    _, body = call(Sample(comment="comment & comment"), "text/html")
    assert b"<!-- comment &amp; comment -->" in body


def test_json_body_is_pyramids_without_trailing_blank_lines() -> None:
    start_response, body = call(Sample("detail", comment="comment"), JSON)
    assert start_response.header("Content-Type") == "application/json"
    assert json.loads(body) == {
        "code": "200 OK",
        "title": "OK",
        "message": "explanation\n\n\ndetail\ncomment",
    }
    assert json.loads(call(Sample(), JSON)[1])["message"] == "explanation"


def test_json_formatter_builds_the_json_body() -> None:
    def formatter(*, status: str, body: str, title: str, environ: Any) -> Any:
        return {"status": status, "title": title, "custom": environ["CUSTOM"]}

    exc = Sample(comment="comment", json_formatter=formatter)
    _, body = call(exc, JSON, CUSTOM="custom!")
    assert json.loads(body) == {"status": "200 OK", "title": "OK", "custom": "custom!"}


def test_json_formatter_sees_each_request() -> None:
    def formatter(*, status: str, body: str, title: str, environ: Any) -> Any:
        return environ["CUSTOM"]

    bodies = {call(HTTPNotFound(json_formatter=formatter), JSON, CUSTOM=value)[1]
              for value in ("a", "b")}  # fmt: skip
    assert bodies == {b'"a"', b'"b"'}


def test_problem_body_follows_rfc_9457() -> None:
    exc = HTTPNotFound("No page 7.", comment="for developers")
    start_response, body = call(exc, PROBLEM)
    assert start_response.header("Content-Type") == "application/problem+json"
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No page 7.",
    }


def test_problem_body_leaves_detail_out_when_there_is_none() -> None:
    _, body = call(HTTPFound("/there", comment="for developers"), PROBLEM)
    assert json.loads(body) == {"type": "about:blank", "title": "Found", "status": 302}


def test_problem_body_keeps_the_lines_of_a_detail() -> None:
    trace = "Traceback (most recent call last):\n  File 'x.py'\nKeyError: 'k'\n"
    _, body = call(HTTPServerError(trace), PROBLEM)
    assert json.loads(body)["detail"] == trace


@pytest.mark.parametrize("accept", FORMATS)
@pytest.mark.parametrize(("code", "cls"), sorted(status_map.items()))
def test_every_class_renders_every_format(
    code: int, cls: type[HTTPException], accept: str
) -> None:
    exc = cls()
    start_response, body = call(exc, accept)
    assert start_response.status == exc.status == f"{code} {cls.title}"
    if code in EMPTY_BODY_CODES:
        assert body == b""
        assert start_response.header("Content-Type") is None
        return
    assert start_response.header("Content-Type") == CONTENT_TYPES[accept]
    assert start_response.header("Content-Length") == str(len(body))
    assert start_response.header("Vary") == "Accept"
    # What the text body says after its status line, in every format.
    status_line, fragment = call(cls(), TEXT)[1].decode().split("\n\n", 1)
    assert status_line == f"{code} {cls.title}"
    assert fragment.strip()
    if accept == HTML:
        assert body.startswith(HTML5_START)
        assert f"<title>{html.escape(exc.status)}</title>".encode() in body
        assert html.escape(fragment.split("\n")[0].strip()).encode() in body
        return
    # No markup and no HTML escapes outside HTML.
    assert b"<" not in body
    assert b"&" not in body
    if accept == TEXT:
        assert body.decode() == f"{status_line}\n\n{fragment}"
        assert not body.endswith(b"\n\n")
    elif accept == JSON:
        assert json.loads(body) == {
            "code": exc.status,
            "title": cls.title,
            "message": fragment.rstrip(),
        }
    else:
        assert json.loads(body) == {
            "type": "about:blank",
            "title": cls.title,
            "status": code,
        }


@pytest.mark.parametrize(("code", "cls"), sorted(status_map.items()))
def test_every_class_serves_through_webtest(
    code: int, cls: type[HTTPException]
) -> None:
    response = webtest.TestApp(cls()).get("/", headers={"Accept": PROBLEM}, status=code)
    if code in EMPTY_BODY_CODES:
        assert response.body == b""
        assert "Content-Type" not in response.headers
    else:
        assert response.content_type == PROBLEM
        assert response.json["status"] == code


# -- negotiation --------------------------------------------------------------


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TEXT),  # Pyramid's default
        ("", TEXT),
        ("*/*", HTML),  # Pyramid's default for "anything"
        (BROWSER, HTML),
        ("text/html", HTML),
        ("application/json", JSON),
        ("application/problem+json", PROBLEM),
        ("text/plain", TEXT),
        ("text/*", HTML),  # the first text/* offer
        ("application/*", JSON),  # the first application/* offer
        # a named type beats a wildcard of the same quality
        ("application/json, */*", JSON),
        ("*/*, application/json", JSON),
        ("text/plain, */*", TEXT),
        ("application/problem+json, */*", PROBLEM),
        ("text/*, application/json", JSON),
        ("application/problem+json, application/*", PROBLEM),
        ("application/*, text/plain", TEXT),
        # ... and so does a type/* range */* (then our order of preference)
        ("application/*, */*", JSON),
        ("*/*, application/*", JSON),
        ("text/*, */*", HTML),
        ("*/*;q=0.5, application/*", JSON),
        ("text/*;q=0.5, application/*", JSON),
        ("text/*, application/*", HTML),
        ("application/*, text/*", HTML),
        # quality first
        ("application/json;q=0.5, */*", HTML),
        ("text/html;q=0.5, application/json", JSON),
        ("application/json;q=0.9, text/html;q=0.8", JSON),
        ("application/json;q=0, */*", HTML),
        ("application/*;q=0.5, */*", HTML),
        ("application/*, */*;q=0.5", JSON),
        # the most specific range gives an offer its quality
        ("application/*, application/json;q=0.5", PROBLEM),
        ("application/problem+json, application/json;q=0.9", PROBLEM),
        # equal and equally precise: our order of preference
        ("application/json, application/problem+json", JSON),
        ("text/plain, text/html", HTML),
        # nothing we offer is acceptable
        ("image/png", TEXT),
        ("text/*;q=0", TEXT),
        # malformed: ignored, as in Pyramid, so anything goes: HTML
        ("invalid", HTML),
        ("application/json;q=2", HTML),
        ("text/html;q=x", HTML),
    ],
)
def test_negotiation_picks_the_media_type(accept: str | None, expected: str) -> None:
    start_response, _ = call(HTTPNotFound(), accept)
    assert media_type(start_response) == expected
    assert start_response.header("Vary") == "Accept"


def test_negotiation_cache_is_bounded() -> None:
    for number in range(_rendering._CACHE_MAX + 5):
        call(HTTPNotFound(), f"application/x-{number}, application/json")
        assert 0 < len(_rendering._negotiated) <= _rendering._CACHE_MAX


# An Accept header up to _CACHED_ACCEPT_MAX characters is negotiated once,
# a longer one for each request.
@pytest.mark.parametrize(
    ("length", "negotiations"),
    [
        (50, 1),
        (_rendering._CACHED_ACCEPT_MAX, 1),
        (_rendering._CACHED_ACCEPT_MAX + 1, 3),
    ],
    ids=["short", "at-bound", "over-bound"],
)
def test_accept_header_is_negotiated_once(
    monkeypatch: pytest.MonkeyPatch, length: int, negotiations: int
) -> None:
    negotiated: list[str] = []
    choose = _rendering._choose_media_type

    def counting(header: str) -> str:
        negotiated.append(header)
        return choose(header)

    monkeypatch.setattr(_rendering, "_choose_media_type", counting)
    _rendering._negotiated.clear()
    prefix = "application/json, application/x-"
    accept = prefix + "p" * (length - len(prefix))
    assert len(accept) == length
    for _ in range(3):
        start_response, _ = call(HTTPNotFound(), accept)
        assert media_type(start_response) == JSON
    assert len(negotiated) == negotiations


def test_negotiation_cache_skips_long_headers() -> None:
    accept = "x/y;q=0.5, " * 100 + "application/json"
    start_response, _ = call(HTTPNotFound(), accept)
    assert media_type(start_response) == JSON
    assert accept not in _rendering._negotiated


def cached_text_size() -> int:
    """Characters and bytes held by the module's caches, keys and values."""

    def size(value: object) -> int:
        if isinstance(value, (str, bytes)):
            return len(value)
        if isinstance(value, (tuple, frozenset)):
            return sum(size(item) for item in value)
        return 0

    # Every module-level dict: whatever the caches are called.
    caches = [
        value
        for module in (httpexceptions, _rendering)
        for value in vars(module).values()
        if type(value) is dict
    ]
    return sum(
        size(key) + size(value) for cache in caches for key, value in cache.items()
    )


def test_page_cache_is_bounded_in_entries() -> None:
    for number in range(_rendering._MAX_ENTRIES + 5):
        call(HTTPNotFound(f"detail {number}"))
        assert 0 < len(_rendering._pages) <= _rendering._MAX_ENTRIES


@pytest.mark.parametrize("accept", FORMATS)
def test_caches_stay_small_whatever_clients_send(accept: str) -> None:
    # A view echoing a client value (a request id, a challenge) into a
    # header or the text: 300 distinct values of 200 KB each.
    big = "x" * 200_000
    for number in range(60):
        value = f"{number}{big}"
        call(HTTPUnauthorized(www_authenticate=f'Bearer error="{value}"'), accept)
        call(HTTPNotFound(value), accept)
        call(HTTPFound(f"/{value}"), accept)
        call(Sample(body_template=f"{value}${{REQUEST_METHOD}}"), accept)
        call(HTTPNotFound(), f"{accept}, x/{value}")
        # Texts a page is made from without showing them all: a title (only
        # the status line shows in HTML and text), an explanation and a body
        # template (a problem document shows neither).
        titled = HTTPFound(f"/{number}")
        titled.title = value
        explained = HTTPFound(f"/{number}")
        explained.explanation = value
        call(titled, accept)
        call(explained, accept)
        call(HTTPFound(f"/{number}", body_template=f"{value}${{location}}"), accept)
    assert cached_text_size() < 4_000_000


def module_caches_hold(text: str) -> bool:
    """Whether any module-level dict holds *text* in a key or a value."""

    def holds(value: object) -> bool:
        if isinstance(value, str):
            return text in value
        if isinstance(value, bytes):
            return text.encode() in value
        if isinstance(value, (tuple, frozenset)):
            return any(holds(item) for item in value)
        return False

    caches = [
        value
        for module in (httpexceptions, _rendering)
        for value in vars(module).values()
        if type(value) is dict
    ]
    return any(
        holds(key) or holds(value) for cache in caches for key, value in cache.items()
    )


@pytest.mark.parametrize("accept", [HTML, JSON, TEXT])  # problems use no template
def test_page_made_from_the_request_is_not_kept(accept: str) -> None:
    """A value from the environ is sent in its page, and kept in no cache."""
    secret = "a secret of one request 5d1e"
    exc = Sample(body_template="${HTTP_X_SECRET}")
    assert secret.encode() in call(exc, accept, HTTP_X_SECRET=secret)[1]
    assert not module_caches_hold(secret)


def test_request_dependent_json_formatter_is_rendered_per_request() -> None:
    class Personal(HTTPNotFound):
        @staticmethod
        def json_formatter(*, status: str, body: str, title: str, environ: Any) -> Any:
            return {"path": environ["PATH_INFO"], "user": environ.get("REMOTE_USER")}

    first = call(Personal(), JSON, PATH_INFO="/alice/notes", REMOTE_USER="alice")[1]
    second = call(Personal(), JSON, PATH_INFO="/bob", REMOTE_USER="bob")[1]
    assert json.loads(first) == {"path": "/alice/notes", "user": "alice"}
    assert json.loads(second) == {"path": "/bob", "user": "bob"}


def test_overridden_json_formatter_is_rendered_per_request() -> None:
    class Personal(HTTPForbidden):
        def _json_formatter(
            self, *, status: str, body: str, title: str, environ: Any
        ) -> Any:
            return {"who": environ.get("REMOTE_USER")}

    assert json.loads(call(Personal(), JSON, REMOTE_USER="alice")[1]) == {
        "who": "alice"
    }
    assert json.loads(call(Personal(), JSON, REMOTE_USER="bob")[1]) == {"who": "bob"}


@pytest.mark.parametrize("accept", [HTML, JSON, TEXT])  # problems use no template
def test_environ_placeholders_are_rendered_per_request(accept: str) -> None:
    class Echo(HTTPNotFound):
        body_template_obj = Template("Nothing at ${PATH_INFO}.")

    assert b"/alice" in call(Echo(), accept, PATH_INFO="/alice")[1]
    body = call(Echo(), accept, PATH_INFO="/bob")[1]
    assert b"/bob" in body
    assert b"/alice" not in body


@pytest.mark.parametrize(
    "change",
    [
        {"status": "404 Product Discontinued"},
        {"status_code": 410},
        {"title": "Product Discontinued"},
        {"explanation": "Product Discontinued"},
        {"code": 410},
    ],
    ids=lambda change: next(iter(change)),
)
@pytest.mark.parametrize("accept", FORMATS)
def test_changing_an_instance_changes_no_other(
    change: dict[str, Any], accept: str
) -> None:
    class Fresh(HTTPNotFound):
        """A class of its own, so that nothing is cached for it yet."""

    changed = Fresh()
    for name, value in change.items():
        setattr(changed, name, value)
    call(changed, accept)
    start_response, body = call(Fresh(), accept)
    assert body == call(HTTPNotFound(), accept)[1]
    assert b"Discontinued" not in body
    assert b"410" not in body
    assert start_response.status == "404 Not Found"


def test_changed_status_shows_in_its_own_body() -> None:
    exc = HTTPNotFound()
    exc.status = "404 Product Discontinued"
    start_response, body = call(exc, TEXT)
    assert start_response.status == "404 Product Discontinued"
    assert body.startswith(b"404 Product Discontinued\n")


def with_attribute(name: str) -> Callable[[str], HTTPException]:
    def make(value: str) -> HTTPException:
        exc = HTTPNotFound()
        setattr(exc, name, value)
        return exc

    return make


# Everything a page is rendered from, each as make(value) -> an exception,
# and the media types whose page shows it. (An instance's title shows only
# in the JSON types: HTML and text pages show the status line.)
RENDERING_INPUTS = {
    "detail": (lambda value: HTTPNotFound(value), FORMATS),
    "comment": (lambda value: HTTPNotFound(comment=value), [HTML, JSON, TEXT]),
    "body_template": (
        lambda value: HTTPNotFound(body_template=f"[{value}] ${{detail}}"),
        [HTML, JSON, TEXT],
    ),
    "explanation": (with_attribute("explanation"), [HTML, JSON, TEXT]),
    "title": (with_attribute("title"), [JSON, PROBLEM]),
    "location": (lambda value: HTTPFound(f"/{value}"), [HTML, JSON, TEXT]),
    "header": (
        lambda value: Sample(headers={"ETag": value}, body_template="<${etag}>"),
        [HTML, JSON, TEXT],
    ),
}


@pytest.mark.parametrize(
    ("make", "accept", "shown"),
    [
        pytest.param(make, accept, accept in shown, id=f"{name}-{accept}")
        for name, (make, shown) in RENDERING_INPUTS.items()
        for accept in FORMATS
        if not (name == "title" and accept in (HTML, TEXT))
    ],
)
def test_two_instances_differing_in_one_input_get_their_own_pages(
    make: Callable[[str], HTTPException], accept: str, shown: bool
) -> None:
    # The same length, and each short enough for its page to be cached.
    first_start, first = call(make("value-first"), accept)
    second_start, second = call(make("value-other"), accept)
    for start_response, body in [(first_start, first), (second_start, second)]:
        assert media_type(start_response) == accept
        assert start_response.header("Content-Length") == str(len(body))
    if shown:
        assert b"value-first" in first
        assert b"value-other" not in first
        assert b"value-other" in second
        assert b"value-first" not in second
    else:  # left out of this media type, as documented
        assert first == second
        assert b"value-" not in first


def test_shared_instance_answers_each_accept_in_its_own_type() -> None:
    not_found = HTTPNotFound()  # as a module-level constant
    for accept in [JSON, HTML, TEXT, PROBLEM, JSON, HTML]:
        start_response, body = call(not_found, accept)
        assert media_type(start_response) == accept
        assert start_response.header("Content-Length") == str(len(body))
    assert not_found.body == b""


def test_shared_instance_is_consistent_across_threads() -> None:
    not_found = HTTPNotFound("shared")
    problems: list[str] = []

    def send(accept: str) -> None:
        for _ in range(300):
            start_response, body = call(not_found, accept)
            if media_type(start_response) != accept:
                problems.append(f"{accept}: sent as {media_type(start_response)}")
            if start_response.header("Content-Length") != str(len(body)):
                problems.append(f"{accept}: Content-Length does not match")
            if accept in (JSON, PROBLEM):
                json.loads(body)

    threads = [threading.Thread(target=send, args=(accept,)) for accept in FORMATS]
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sys.setswitchinterval(previous)
    assert problems == []


@pytest.mark.parametrize(
    "make", [HTTPMethodNotAllowed, lambda: HTTPNotFound("x"), lambda: HTTPFound("/")]
)
def test_head_gets_the_headers_of_get(make: Callable[[], HTTPException]) -> None:
    for accept in [None, *FORMATS]:
        for shared in [False, True]:
            exc = make()
            get_start, get_body = call(exc, accept)
            if not shared:
                exc = make()
            head_start, head_body = call(exc, accept, REQUEST_METHOD="HEAD")
            assert head_body == b""
            assert head_start.headers == get_start.headers
            assert head_start.header("Content-Length") == str(len(get_body))


def test_rendered_bodies_follow_instance_changes() -> None:
    assert b"The requested resource" in call(HTTPNotFound())[1]
    exc = HTTPNotFound()
    exc.explanation = "Changed."
    assert b"Changed." in call(exc)[1]
    assert b"other" in call(HTTPNotFound("other"))[1]
    assert b"The requested resource" in call(HTTPNotFound())[1]


def test_rendered_bodies_follow_looked_up_values() -> None:
    assert b"/one;" in call(HTTPFound("/one"))[1]
    assert b"/two;" in call(HTTPFound("/two"))[1]
    assert b"method PUT" in call(HTTPMethodNotAllowed(), REQUEST_METHOD="PUT")[1]
    assert b"method GET" in call(HTTPMethodNotAllowed(), REQUEST_METHOD="GET")[1]
    exc = Sample(body_template="${port}")
    assert call(exc, port=8080)[1] == b"200 OK\n\n8080"
    assert call(Sample(body_template="${port}"), port=81)[1] == b"200 OK\n\n81"
    unhashable = Sample(body_template="${names}")
    assert call(unhashable, names=["a"])[1] == b"200 OK\n\n['a']"


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("Cookie", "Cookie, Accept"),
        ("Accept-Encoding, accept", "Accept-Encoding, accept"),
        ("*", "*"),
    ],
)
def test_vary_is_merged_not_duplicated(vary: str, expected: str) -> None:
    start_response, _ = call(HTTPNotFound(headers={"Vary": vary}), JSON)
    assert start_response.header("Vary") == expected


def test_vary_accept_in_a_later_vary_header_is_enough() -> None:
    exc = HTTPNotFound(headers=[("Vary", "Cookie"), ("Vary", "Accept")])
    start_response, _ = call(exc, JSON)
    assert [v for k, v in start_response.headers if k == "Vary"] == [
        "Cookie",
        "Accept",
    ]


# -- escaping and awkward values ------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_html_escapes_detail_comment_and_status() -> None:
    class Odd(HTTPNotFound):
        title = "Not <Found>"

    _, body = call(Odd(SCRIPT, comment="--> " + SCRIPT), HTML)
    text = body.decode()
    assert "<script>" not in text
    assert html.escape(SCRIPT, quote=True) in text
    assert "<!-- --&gt; &lt;script&gt;" in text
    assert "404 Not &lt;Found&gt;" in text


# -- the HTML page as Pyramid users customise it ---------------------------------------


class _OwnPage(HTTPNotFound):
    """A page of its own, set on the class as a Pyramid application does."""

    html_template_obj = Template("<main>[${status}] ${body}</main>")
    body_template_obj = Template("${explanation} ${detail} ${REQUEST_METHOD} ${etag}")


def test_class_page_and_body_templates_replace_the_html5_page() -> None:
    exc = _OwnPage("<gone>", headers={"ETag": '"v1"'})
    body = call(exc, HTML, REQUEST_METHOD="GET")[1]
    assert body == (
        b"<main>[404 Not Found] The requested resource could not be found. "
        b"&lt;gone&gt; GET &quot;v1&quot;</main>"
    )


def test_body_template_argument_fills_the_html5_page() -> None:
    exc = HTTPNotFound(
        "<x>",
        headers={"ETag": '"v1"'},
        body_template="${REQUEST_METHOD} ${etag}: ${detail}",
    )
    body = call(exc, HTML, REQUEST_METHOD="GET")[1]
    assert body.startswith(HTML5_START)
    assert body.endswith(
        b"\n<h1>404 Not Found</h1>\nGET &quot;v1&quot;: &lt;x&gt;\n</body>\n</html>\n"
    )


def test_html_escapes_template_values_from_environ_and_headers() -> None:
    exc = HTTPFound(
        '/a?b=<i>&c="\'"',
        body_template="${HTTP_X_NAME} ${location} ${REQUEST_METHOD}",
    )
    _, body = call(exc, HTML, HTTP_X_NAME='<b>"q"</b>', REQUEST_METHOD="GET<")
    text = body.decode()
    assert "&lt;b&gt;&quot;q&quot;&lt;/b&gt;" in text
    assert "/a?b=&lt;i&gt;&amp;c=&quot;&#x27;&quot;" in text
    assert "GET&lt;" in text
    assert "<b>" not in text
    assert "<i>" not in text


def test_method_not_allowed_escapes_the_method() -> None:
    _, body = call(HTTPMethodNotAllowed(), HTML, REQUEST_METHOD="<X>")
    assert b"The method &lt;X&gt; is not allowed" in body


def test_text_and_json_keep_values_as_they_are() -> None:
    assert SCRIPT.encode() in call(HTTPNotFound(SCRIPT), TEXT)[1]
    assert SCRIPT in json.loads(call(HTTPNotFound(SCRIPT), JSON)[1])["message"]


AWKWARD = [
    '"quoted"',
    "back\\slash",
    "new\nline\r\n",
    "nul\x00",
    "ünïcødé ☃ 🐍",
    "lone \ud800 surrogate",
    b"bytes \xff",
    "}{][",
    12,
    {"nested": ["x", None, 1.5]},
]


@pytest.mark.parametrize("accept", [JSON, PROBLEM])
@pytest.mark.parametrize("value", AWKWARD)
def test_json_bodies_are_valid_for_awkward_input(value: object, accept: str) -> None:
    _, body = call(HTTPNotFound(value, comment=value), accept)
    data = json.loads(body.decode("ascii"))
    text = data["message"] if accept == JSON else data["detail"]
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    assert " ".join(str(value).split()) in " ".join(text.split())


@pytest.mark.parametrize("accept", [HTML, TEXT])
@pytest.mark.parametrize("value", AWKWARD)
def test_text_bodies_survive_awkward_input(value: object, accept: str) -> None:
    start_response, body = call(HTTPNotFound(value, comment=value), accept)
    body.decode("utf-8")
    assert start_response.header("Content-Length") == str(len(body))


def test_custom_template_gets_environ_values() -> None:
    assert call(Sample(body_template="${REQUEST_METHOD}"))[1] == b"200 OK\n\nGET"


def test_custom_template_ignores_dotted_environ_keys() -> None:
    class Choke:
        def __str__(self) -> str:
            raise AssertionError("must not be turned into text")

    exc = Sample(body_template="${REQUEST_METHOD}")
    _, body = call(exc, **{"gardentheory.user": Choke()})
    assert body == b"200 OK\n\nGET"


def test_custom_template_takes_unicode_values() -> None:
    exc = Sample(body_template="${unicodeval}")
    _, body = call(exc, unicodeval="/La Peña")
    assert body == "200 OK\n\n/La Peña".encode()


def test_custom_template_prefers_headers_to_environ() -> None:
    exc = HTTPFound("/header", body_template="${location}")
    assert call(exc, location="/environ")[1] == b"302 Found\n\n/header"


def test_custom_template_leaves_unknown_placeholders() -> None:
    assert call(Sample(body_template="${nope} $$"))[1] == b"200 OK\n\n${nope} $"


def test_method_not_allowed_body_is_pyramids() -> None:
    assert call(HTTPMethodNotAllowed())[1] == (
        b"405 Method Not Allowed\n\nThe method GET is not allowed for this resource.\n"
    )


# -- empty bodies ---------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EMPTY_BODY_CODES))
@pytest.mark.parametrize("accept", [None, *FORMATS])
def test_empty_body_codes_send_nothing(code: int, accept: str | None) -> None:
    start_response, body = call(exception_response(code, detail="x"), accept)
    assert body == b""
    assert start_response.header("Content-Type") is None
    assert start_response.header("Vary") is None


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"charset": "utf-8"},
        {"headers": {"X-A": "1"}},
        {"content_type": "application/json"},
        {"content_type": "text/plain", "charset": "utf-8"},
        {"headers": [("X-A", "1")], "content_type": "text/html", "charset": "latin-1"},
        {"detail": "d", "comment": "c", "content_type": "text/plain"},
        {"body_template": "${detail}", "detail": "d", "charset": "utf-8"},
        {"body": b"a body the status code has no room for"},
    ],
)
@pytest.mark.parametrize("code", sorted(EMPTY_BODY_CODES))
def test_empty_body_codes_with_keywords_send_no_content_headers(
    code: int, kw: dict[str, Any]
) -> None:
    exc = status_map[code](**kw)  # HTTPNoContent(charset="utf-8") ...
    assert exc.content_type is None
    for method in ["GET", "HEAD"]:
        start_response, body = call(exc, JSON, REQUEST_METHOD=method)
        assert body == b""
        assert start_response.header("Content-Type") is None
        # RFC 9110: a 205 says it has no content, so HEAD is never chunked.
        expected = "0" if code == 205 else None
        assert start_response.header("Content-Length") == expected
        assert start_response.header("X-A") == dict(kw.get("headers", {})).get("X-A")


@pytest.mark.parametrize("code", sorted(EMPTY_BODY_CODES))
def test_empty_body_codes_take_response_keywords(code: int) -> None:
    """WebOb's keywords set their headers (a 304's ETag, say)."""
    exc = status_map[code](etag="v1", cache_control="no-cache")
    start_response, body = call(exc)
    assert body == b""
    assert start_response.header("ETag") == '"v1"'
    assert start_response.header("Cache-Control") == "no-cache"


def test_empty_body_with_explicit_content_type_still_sends_no_body() -> None:
    exc = HTTPNoContent()
    exc.content_type = "text/plain"
    assert call(exc)[1] == b""


# -- header safety ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["caf\u00e9 \u20ac", "\u2028", "\U0001f600"])
def test_header_values_outside_latin1_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="X-Name"):
        HTTPNotFound(headers={"X-Name": value})
    exc = HTTPNotFound()
    exc.headerlist.append(("X-Name", value))
    with pytest.raises(ValueError, match="X-Name"):
        call(exc)


def test_latin1_header_values_are_sent() -> None:
    start_response, _ = call(HTTPNotFound(headers={"X-Name": "caf\u00e9\u00a0x"}))
    assert start_response.header("X-Name") == "caf\u00e9\u00a0x"


@pytest.mark.parametrize(
    "status",
    [
        "404 Not\rFound",
        "404 Not\nX: y",
        "404 Not\x00",
        "404 \x7f",
        "404 \u20ac",
        "4o4 Bad",
        "404",  # no space: not even an empty reason phrase
    ],
)
def test_status_lines_with_control_characters_are_refused(status: str) -> None:
    exc = HTTPNotFound()
    exc._status = status  # as a careless subclass or a setter might leave it
    with pytest.raises(ValueError, match="status"):
        call(exc)


class _Untitled(HTTPException):
    code = 200
    title = ""
    explanation = "No reason phrase."


def test_status_line_with_an_empty_reason_phrase_is_sent() -> None:
    """RFC 9112 allows an empty reason phrase: "200 " is a status line."""
    start_response, _ = call(_Untitled())
    assert start_response.status == "200 "


def test_html_page_shows_a_detail_as_text_not_preformatted() -> None:
    trace = "Traceback (most recent call last):\n  File '<x>'\nKeyError: '<k>'\n"
    page = call(HTTPServerError(trace), HTML)[1]
    assert b"\nTraceback (most recent call last):\n  File &#x27;&lt;x&gt;" in page
    assert b"<pre>" not in page


@pytest.mark.parametrize("vary", ["Accept", "accept, Cookie", "Cookie, Accept", "*"])
@pytest.mark.parametrize("accept", FORMATS)
def test_vary_already_naming_accept_keeps_the_body(vary: str, accept: str) -> None:
    exc = HTTPNotFound("gone", headers={"Vary": vary})
    headerlist = list(exc.headerlist)
    for method in ["GET", "HEAD"]:
        start_response, body = call(exc, accept, REQUEST_METHOD=method)
        assert start_response.header("Vary") == vary
        assert media_type(start_response) == accept
        # The whole page negotiated without a Vary of the exception's own.
        full = call(HTTPNotFound("gone"), accept)[1]
        assert body == (full if method == "GET" else b"")
        assert start_response.header("Content-Length") == str(len(full))
    assert b"gone" in full
    if accept == JSON:
        assert json.loads(full)["message"].endswith("gone")
    assert exc.headerlist == headerlist


UNSAFE = ["a\rb", "a\nb", "a\r\nSet-Cookie: x=1", "a\x00b"]


@pytest.mark.parametrize("value", UNSAFE)
def test_constructor_refuses_unsafe_header_values(value: str) -> None:
    with pytest.raises(ValueError, match="X-Bad"):
        HTTPNotFound(headers=[("X-Bad", value)])
    with pytest.raises(ValueError, match="X-Bad"):
        HTTPNotFound(headers={"X-Bad": value})


@pytest.mark.parametrize(
    "name", ["X\r\nBad", "X\x00Bad", "X Bad", "Set-Cookie: a=1; X", "X-Bad:"]
)
def test_constructor_refuses_unsafe_header_names(name: str) -> None:
    # The error names the header (not an HTTP token, or holding CR, LF, NUL).
    with pytest.raises(ValueError, match=re.escape(repr(name))):
        HTTPNotFound(headers=[(name, "fine")])


@pytest.mark.parametrize("value", UNSAFE)
@pytest.mark.parametrize(
    ("make", "header"),
    [
        (lambda value: HTTPFound(value), "Location"),
        (lambda value: HTTPFound(location=value), "Location"),
        (lambda value: HTTPCreated(location=value), "Location"),
        (lambda value: HTTPNotFound(content_type=f"text/{value}"), "Content-Type"),
        (
            lambda value: HTTPUnauthorized(www_authenticate=f"Basic {value}"),
            "WWW-Authenticate",
        ),
        # (WebOb refuses this one itself, in words of its own.)
        (lambda value: HTTPMethodNotAllowed(allow=["GET", value]), None),
        (lambda value: HTTPTooManyRequests(retry_after=value), "Retry-After"),
    ],
    ids=["redirect", "location", "created", "type", "www-auth", "allow", "retry"],
)
def test_constructor_keywords_refuse_unsafe_values(
    make: Callable[[str], HTTPException], header: str | None, value: str
) -> None:
    # The error names the header the keyword sets.
    with pytest.raises(ValueError, match=header):
        make(value)


@pytest.mark.parametrize("value", UNSAFE)
def test_location_setter_refuses_unsafe_values(value: str) -> None:
    exc = HTTPFound("/ok")
    with pytest.raises(ValueError, match="Location"):
        exc.location = value
    assert exc.location == "/ok"


def test_location_setter_and_deleter_work() -> None:
    exc = HTTPFound("/one")
    exc.location = "/two"
    assert exc.headers.getall("Location") == ["/two"]
    del exc.location
    assert exc.location is None


@pytest.mark.parametrize("value", UNSAFE)
@pytest.mark.parametrize(
    "make",
    [HTTPNotFound, lambda: HTTPNotFound(body=b"given"), HTTPNoContent],
    ids=["negotiated", "given-body", "empty-body"],
)
def test_call_refuses_unsafe_headers_added_later(
    make: Callable[[], HTTPException], value: str
) -> None:
    exc = make()
    exc.headers["X-Later"] = value
    start_response = StartResponse()
    with pytest.raises(ValueError, match="X-Later"):
        exc(environ(), start_response)
    assert start_response.calls == 0
    with pytest.raises(ValueError, match="X-Later"):
        webtest.TestApp(exc).get("/", expect_errors=True)


@pytest.mark.parametrize(
    "header",
    [("X-Number", 5), ("X-Bytes", b"text"), ("X-None", None), (b"X-Name", "text")],
)
@pytest.mark.parametrize(
    "make",
    [
        HTTPNotFound,
        lambda: HTTPNotFound("x", headers={"X-Ok": "1"}),
        lambda: HTTPNotFound(body=b"given"),
        lambda: HTTPFound("/there"),
        HTTPNoContent,
        lambda: HTTPNoContent(charset="utf-8"),
    ],
    ids=["negotiated", "with-headers", "given-body", "redirect", "empty", "empty-kw"],
)
@pytest.mark.parametrize("accept", [None, JSON])
def test_call_refuses_non_text_headers_added_later(
    make: Callable[[], HTTPException], header: tuple[Any, Any], accept: str | None
) -> None:
    exc = make()
    exc.headerlist.append(header)
    start_response = StartResponse()
    with pytest.raises((TypeError, ValueError)):
        exc(environ(accept), start_response)
    assert start_response.calls == 0
    with pytest.raises((TypeError, ValueError)):
        exc.prepare(environ(accept))


@pytest.mark.parametrize(
    "headers", [{"X-Number": 5}, [("X-Bytes", b"text")], [(b"X-Name", "text")]]
)
def test_constructor_refuses_non_text_headers(headers: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        HTTPNotFound(headers=headers)


def test_headers_with_tabs_and_non_ascii_pass() -> None:
    exc = HTTPNotFound(headers={"X-Ok": "tab\there caf\xe9"})
    start_response, _ = call(exc)
    assert start_response.header("X-Ok") == "tab\there caf\xe9"


# -- redirects ----------------------------------------------------------------------


@pytest.mark.parametrize("code", REDIRECT_CODES)
def test_redirects_refuse_none(code: int) -> None:
    cls = status_map[code]
    with pytest.raises(ValueError, match="location"):
        cls(None)
    with pytest.raises(ValueError, match="location"):
        cls(location=None)


@pytest.mark.parametrize("code", REDIRECT_CODES)
def test_redirects_take_the_location_first(code: int) -> None:
    exc = status_map[code]("/target", "why")
    assert exc.location == "/target"
    assert exc.detail == "why"
    response = webtest.TestApp(exc).get("/here", status=code)
    assert response.headers["Location"] == "http://localhost/target"


def test_redirect_location_defaults_to_empty() -> None:
    assert HTTPFound().location == ""


def test_redirect_body_names_the_location() -> None:
    assert call(HTTPMovedPermanently(location="foo"))[1] == (
        b"301 Moved Permanently\n\nThe resource has moved for good to foo; "
        b"you should be redirected automatically.\n"
    )


def test_not_modified_is_no_location_redirect() -> None:
    exc = HTTPNotModified("detail")
    assert exc.detail == "detail"
    assert exc.location is None


# -- convenience keywords ---------------------------------------------------------


def test_forbidden_keeps_its_result() -> None:
    assert HTTPForbidden().result is None
    assert HTTPForbidden(result="denied").result == "denied"


def test_unauthorized_sets_www_authenticate() -> None:
    exc = HTTPUnauthorized(www_authenticate='Basic realm="app"')
    assert exc.headers["WWW-Authenticate"] == 'Basic realm="app"'
    response = webtest.TestApp(exc).get("/", status=401)
    assert response.headers["WWW-Authenticate"] == 'Basic realm="app"'
    # Sent as registered (RFC 9110), whatever clients compare.
    assert ("WWW-Authenticate", 'Basic realm="app"') in call(exc)[0].headers


@pytest.mark.parametrize(
    ("allow", "expected"),
    [(["GET", "HEAD"], "GET, HEAD"), (("POST",), "POST"), ("GET, PUT", "GET, PUT")],
)
def test_method_not_allowed_sets_allow(allow: Iterable[str], expected: str) -> None:
    start_response, _ = call(HTTPMethodNotAllowed(allow=allow))
    assert start_response.header("Allow") == expected


@pytest.mark.parametrize("allow", [[b"GET"], ["GET", 5]], ids=["bytes", "int"])
def test_method_not_allowed_refuses_methods_that_are_not_text(allow: Any) -> None:
    with pytest.raises(TypeError):
        HTTPMethodNotAllowed(allow=allow)


# The machine's local time zone, as POSIX TZ rules by the IANA zone they
# follow: rules need no time-zone database, so they take effect wherever the
# tests run. CI runs on UTC, where a naive datetime taken for local time
# gives the same header as one taken for UTC; the other zones tell them
# apart, summer and winter (New York: UTC-4 and UTC-5; Kolkata: UTC+5:30).
LOCAL_TIME_ZONES = {
    "UTC": ("UTC0", 0),
    "America/New_York": ("EST5EDT,M3.2.0,M11.1.0", 5 * 3600),
    "Asia/Kolkata": ("IST-5:30", -(5 * 3600 + 30 * 60)),
}


@pytest.fixture(params=sorted(LOCAL_TIME_ZONES))
def local_time_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process's local time zone set to the param."""
    rule, seconds_west_of_utc = LOCAL_TIME_ZONES[request.param]
    previous = os.environ.get("TZ")
    os.environ["TZ"] = rule
    time.tzset()
    try:
        # The zone really took effect (an unknown one would be UTC, silently).
        assert time.timezone == seconds_west_of_utc
        yield request.param
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.mark.parametrize("cls", [HTTPTooManyRequests, HTTPServiceUnavailable])
@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        (120, "120"),
        (0, "0"),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
        # Naive: taken as UTC, whatever the machine's time zone.
        (datetime(2015, 10, 21, 7, 28), "Wed, 21 Oct 2015 07:28:00 GMT"),
        (datetime(2015, 1, 21, 23, 28), "Wed, 21 Jan 2015 23:28:00 GMT"),
        (
            datetime(2015, 10, 21, 9, 28, tzinfo=timezone(timedelta(hours=2))),
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ),
        (
            datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc),
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ),
    ],
)
def test_retry_after_is_set(
    cls: type[HTTPException], retry_after: Any, expected: str, local_time_zone: str
) -> None:
    start_response, _ = call(cls(retry_after=retry_after))
    assert start_response.header("Retry-After") == expected
    assert ("Retry-After", expected) in start_response.headers  # as registered


@pytest.mark.parametrize(
    ("retry_after", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_retry_after_refuses_odd_values(
    retry_after: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="retry_after"):  # names the argument
        HTTPServiceUnavailable(retry_after=retry_after)


@pytest.mark.parametrize(
    "make",
    [
        lambda: HTTPUnauthorized(None, None, None, None, "Basic"),  # type: ignore[misc]
        lambda: HTTPMethodNotAllowed(None, None, None, None, ["GET"]),  # type: ignore[misc]
        lambda: HTTPTooManyRequests(None, None, None, None, 5),  # type: ignore[misc]
    ],
    ids=["www_authenticate", "allow", "retry_after"],
)
def test_convenience_arguments_are_keyword_only(make: Callable[[], Any]) -> None:
    with pytest.raises(TypeError):
        make()


# -- the constructor arguments of the classes with their own signature --------

DETAIL = "down for maintenance"
COMMENT = "see the runbook"
EXTRA_HEADER = ("X-Extra", "extra value")
CUSTOM_TEMPLATE = "Custom: ${detail} / ${comment} / ${html_comment}"


def redirect_case(code: int) -> Any:
    def make(*args: Any, **kw: Any) -> HTTPException:
        return status_map[code]("/target", *args, **kw)

    return pytest.param(make, ("Location", "http://localhost/target"), id=str(code))


# Each class whose __init__ is its own, built through it as a caller would
# (with and without its own keyword, which takes WebOb's slower path):
# (make(detail, headers, comment, body_template), a header it adds itself).
OWN_SIGNATURES = [
    pytest.param(HTTPForbidden, None, id="403"),
    pytest.param(
        lambda *args, **kw: HTTPForbidden(*args, result="denied", **kw),
        None,
        id="403-result",
    ),
    pytest.param(HTTPUnauthorized, None, id="401"),
    pytest.param(
        lambda *args, **kw: HTTPUnauthorized(*args, www_authenticate="Basic", **kw),
        ("WWW-Authenticate", "Basic"),
        id="401-www_authenticate",
    ),
    pytest.param(HTTPMethodNotAllowed, None, id="405"),
    pytest.param(
        lambda *args, **kw: HTTPMethodNotAllowed(*args, allow=["GET", "HEAD"], **kw),
        ("Allow", "GET, HEAD"),
        id="405-allow",
    ),
    *(redirect_case(code) for code in REDIRECT_CODES),
    pytest.param(HTTPTooManyRequests, None, id="429"),
    pytest.param(
        lambda *args, **kw: HTTPTooManyRequests(*args, retry_after=30, **kw),
        ("Retry-After", "30"),
        id="429-retry_after",
    ),
    pytest.param(HTTPServiceUnavailable, None, id="503"),
    pytest.param(
        lambda *args, **kw: HTTPServiceUnavailable(*args, retry_after=30, **kw),
        ("Retry-After", "30"),
        id="503-retry_after",
    ),
]


def build(
    make: Callable[..., HTTPException], style: str, body_template: str | None
) -> HTTPException:
    """Build with detail, headers, comment and *body_template*, as *style*."""
    headers = dict([EXTRA_HEADER])
    if style == "positional":
        return make(DETAIL, headers, COMMENT, body_template)
    return make(
        detail=DETAIL, headers=headers, comment=COMMENT, body_template=body_template
    )


def assert_headers_arrive(
    start_response: StartResponse, own_header: tuple[str, str] | None
) -> None:
    assert start_response.header(EXTRA_HEADER[0]) == EXTRA_HEADER[1]
    if own_header is not None:
        assert start_response.header(own_header[0]) == own_header[1]


def sent_text(body: bytes, accept: str) -> str:
    """What a client reads: the page, or the text of a JSON or problem body."""
    if accept == JSON:
        return str(json.loads(body)["message"])
    if accept == PROBLEM:
        return str(json.loads(body).get("detail"))
    return body.decode()


@pytest.mark.parametrize("style", ["positional", "keyword"])
@pytest.mark.parametrize("accept", FORMATS)
@pytest.mark.parametrize(("make", "own_header"), OWN_SIGNATURES)
def test_constructor_arguments_arrive_in_the_sent_response(
    make: Callable[..., HTTPException],
    own_header: tuple[str, str] | None,
    accept: str,
    style: str,
) -> None:
    exc = build(make, style, None)
    assert (exc.detail, exc.comment) == (DETAIL, COMMENT)
    start_response, body = call(exc, accept)
    assert_headers_arrive(start_response, own_header)
    text = sent_text(body, accept)
    assert DETAIL in text
    if accept == PROBLEM:
        assert json.loads(body)["detail"] == DETAIL
        assert COMMENT not in body.decode()
    elif not isinstance(exc, HTTPMethodNotAllowed):
        # (405's template, as Pyramid's, has no place for the comment; the
        # custom template below shows that it arrives all the same.)
        if accept == HTML:
            assert f"<!-- {COMMENT} -->" in text
        else:
            assert text.rstrip().endswith(COMMENT)

    # A body template replaces the class's, and gets the same three values.
    exc = build(make, style, CUSTOM_TEMPLATE)
    start_response, body = call(exc, accept)
    assert_headers_arrive(start_response, own_header)
    text = sent_text(body, accept)
    fragment = f"Custom: {DETAIL} / {COMMENT} / "
    if accept == PROBLEM:  # a problem document uses no template
        assert json.loads(body)["detail"] == DETAIL
        assert "Custom" not in body.decode()
    elif accept == HTML:
        assert f"{fragment}<!-- {COMMENT} -->" in text
        assert exc.explanation not in text
    elif accept == JSON:
        assert text == fragment + COMMENT
    else:
        assert text == f"{exc.status}\n\n{fragment}{COMMENT}"


@pytest.mark.parametrize(("make", "own_header"), OWN_SIGNATURES)
def test_other_keywords_pass_through_an_own_signature(
    make: Callable[..., HTTPException], own_header: tuple[str, str] | None
) -> None:
    """HTTPException's json_formatter and WebOb's keywords arrive too."""

    def formatter(*, status: str, body: str, title: str, environ: Any) -> Any:
        return {"formatted": status}

    exc = make(json_formatter=formatter, cache_control="no-store")
    start_response, body = call(exc, JSON)
    assert json.loads(body) == {"formatted": exc.status}
    assert start_response.header("Cache-Control") == "no-store"
    if own_header is not None:
        assert start_response.header(own_header[0]) == own_header[1]


# -- the prepared-response cache never crosses inputs --------------------------


def test_prepared_cache_keeps_each_challenge_its_own() -> None:
    for realm in ("one", "two", "one"):
        start_response, _ = call(
            HTTPUnauthorized(www_authenticate=f'Basic realm="{realm}"'), "*/*"
        )
        assert start_response.header("WWW-Authenticate") == f'Basic realm="{realm}"'
        assert start_response.header("Vary") == "Accept"


def test_prepared_cache_follows_accept_and_class() -> None:
    bodies = set()
    for exc_class in (HTTPPaymentRequired, HTTPUnauthorized):
        for accept in ("text/html", "application/json", None, "text/html"):
            start_response, body = call(exc_class(), accept)
            assert str(exc_class.code).encode() in body
            bodies.add((exc_class, start_response.header("Content-Type"), body))
    assert len(bodies) == 6


def test_prepared_cache_is_not_used_once_detail_is_set() -> None:
    call(HTTPPaymentRequired(), "text/plain")
    exc = HTTPPaymentRequired()
    exc.detail = "Please swipe your credit card."
    assert b"Please swipe your credit card." in call(exc, "text/plain")[1]


def test_prepared_cache_still_refuses_a_bad_added_header() -> None:
    call(HTTPPaymentRequired(headers={"X-Ok": "1"}))
    exc = HTTPPaymentRequired(headers={"X-Ok": "1"})
    exc.headerlist.append(("X-Bad", "a\r\nSet-Cookie: x=1"))
    with pytest.raises(ValueError, match="CR, LF"):
        call(exc)


def test_prepared_cache_leaves_location_absolute() -> None:
    for _ in range(2):
        exc = HTTPPaymentRequired(headers={"Location": "/pay"})
        start_response, _ = call(exc)
        assert start_response.header("Location") == "http://localhost/pay"


@pytest.mark.parametrize("name", [5, None])
def test_call_refuses_non_text_header_names(name: Any) -> None:
    exc = HTTPNotFound()
    exc.headerlist.append((name, "text"))
    start_response = StartResponse()
    with pytest.raises(TypeError):
        exc(environ(), start_response)
    assert start_response.calls == 0


@pytest.mark.parametrize("accept", [HTML, JSON, TEXT])
def test_method_not_allowed_shows_its_comment(accept: str) -> None:
    exc = HTTPMethodNotAllowed(comment="see the runbook")
    assert b"see the runbook" in call(exc, accept)[1]


# -- conditional_response: WebOb's If-None-Match and Range --------------------------

CONDITIONAL: dict[str, Callable[[], HTTPException]] = {
    "rendered": lambda: httpexceptions.HTTPOk(
        conditional_response=True, headers={"ETag": '"v1"'}
    ),
    "given-body": lambda: httpexceptions.HTTPOk(
        conditional_response=True, headers={"ETag": '"v1"'}, body=b"given"
    ),
}
RENDERED_OK = b"200 OK\n\nThe request has succeeded.\n"


@pytest.mark.parametrize("make", CONDITIONAL.values(), ids=CONDITIONAL.keys())
def test_conditional_response_matching_etag_is_304_without_body(
    make: Callable[[], HTTPException],
) -> None:
    start_response, body = call(make(), HTTP_IF_NONE_MATCH='"v1"')
    assert start_response.status == "304 Not Modified"
    assert body == b""
    assert start_response.header("ETag") == '"v1"'
    assert start_response.header("Content-Type") is None
    assert start_response.header("Content-Length") is None


@pytest.mark.parametrize(
    ("make", "page"),
    [(CONDITIONAL["rendered"], RENDERED_OK), (CONDITIONAL["given-body"], b"given")],
    ids=CONDITIONAL.keys(),
)
@pytest.mark.parametrize("if_none_match", [None, '"v2"'])
def test_conditional_response_other_etag_gets_the_page(
    make: Callable[[], HTTPException], page: bytes, if_none_match: str | None
) -> None:
    extra = {} if if_none_match is None else {"HTTP_IF_NONE_MATCH": if_none_match}
    start_response, body = call(make(), **extra)
    assert start_response.status == "200 OK"
    assert body == page
    assert start_response.header("Content-Length") == str(len(page))
    assert start_response.header("ETag") == '"v1"'


def made_conditional_later() -> HTTPException:
    """An exception with no headers of its own, made conditional afterwards."""
    exc = httpexceptions.HTTPOk()
    exc.conditional_response = True
    return exc


@pytest.mark.parametrize(
    ("make", "page"),
    [
        pytest.param(CONDITIONAL["rendered"], RENDERED_OK, id="rendered"),
        pytest.param(CONDITIONAL["given-body"], b"given", id="given-body"),
        pytest.param(made_conditional_later, RENDERED_OK, id="set-later"),
    ],
)
def test_conditional_response_serves_a_range_of_the_page(
    make: Callable[[], HTTPException], page: bytes
) -> None:
    start_response, body = call(make(), HTTP_RANGE="bytes=0-2")
    assert start_response.status == "206 Partial Content"
    assert body == page[:3]
    assert start_response.header("Content-Range") == f"bytes 0-2/{len(page)}"


def test_conditional_response_head_of_a_given_body_sends_its_headers_only() -> None:
    start_response, body = call(CONDITIONAL["given-body"](), REQUEST_METHOD="HEAD")
    assert start_response.status == "200 OK"
    assert body == b""
    assert start_response.header("Content-Length") == "5"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_conditional_response_keeps_a_status_other_than_200(method: str) -> None:
    """A Range applies to a 200 only; a conditional 404 stays a whole 404."""
    exc = HTTPNotFound("not here either", conditional_response=True)
    start_response, body = call(exc, HTTP_RANGE="bytes=0-2", REQUEST_METHOD=method)
    assert start_response.status == "404 Not Found"
    full = call(HTTPNotFound("not here either"))[1]
    assert body == (full if method == "GET" else b"")
    assert start_response.header("Content-Length") == str(len(full))


# -- status lines, Location, Vary -------------------------------------------------


class _Received(HTTPException):
    code = 200
    title = "Reçu"  # Latin-1, not ASCII: a server sends it as one byte
    explanation = "Got it."


def test_latin1_title_is_sent_as_the_status_line() -> None:
    start_response, body = call(_Received())
    assert start_response.status == "200 Reçu"
    assert body.startswith("200 Reçu\n".encode())


def test_location_set_to_none_removes_the_header() -> None:
    exc = HTTPFound("/elsewhere")
    exc.location = None
    assert exc.location is None
    assert "Location" not in exc.headers


def test_page_extends_only_the_first_vary_without_accept() -> None:
    exc = Sample(headers=[("Vary", "Cookie"), ("Vary", "Origin")])
    start_response, _ = call(exc)
    varies = [value for name, value in start_response.headers if name == "Vary"]
    assert varies == ["Cookie, Accept", "Origin"]


# -- what the page cache refuses to hold -------------------------------------------


def counting_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count HTTPException._render calls (subclasses still share it)."""
    rendered: list[str] = []
    original = HTTPException._render

    def counting(self: HTTPException, media_type: str, *args: Any) -> bytes:
        rendered.append(media_type)
        return original(self, media_type, *args)

    monkeypatch.setattr(HTTPException, "_render", counting)
    return rendered


@pytest.mark.parametrize("accept", [HTML, TEXT])
def test_page_larger_than_the_cache_bound_is_rendered_each_time(
    monkeypatch: pytest.MonkeyPatch, accept: str
) -> None:
    rendered = counting_renders(monkeypatch)
    # Small inputs (a 200-character detail), a page of over 4,096 bytes.
    exc = Sample("<" * 200, body_template="${detail}" * 30)
    pages = [call(exc, accept)[1] for _ in range(3)]
    assert len(pages[0]) > _rendering._MAX_ENTRY_TEXT
    assert pages[0] == pages[1] == pages[2]
    assert len(rendered) == 3


def test_small_page_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = counting_renders(monkeypatch)
    exc = Sample("small and unique: 8c1f", body_template="${detail}")
    pages = [call(exc, TEXT)[1] for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert len(rendered) == 1


TEXT_MAX = _rendering._CACHED_TEXT_MAX
ENTRY_MAX = _rendering._MAX_ENTRY_TEXT


def text_page_of(size: int) -> HTTPException:
    """An exception whose text page is *size* bytes, made of short inputs:
    "200 OK" and two newlines, a 200-character detail 20 times, then "x"s."""
    return Sample("d" * 200, body_template="${detail}" * 20 + "x" * (size - 4008))


def keyed_on(size: int, accept: str) -> HTTPException:
    """An exception whose page of *accept* is short but made from texts of
    *size* characters in all: status, title, explanation and templates."""
    exc = Sample()
    rest = size - len(exc.status) - len(exc.title) - len(exc.explanation)
    if accept == PROBLEM:  # a problem document uses neither template
        exc.body_template_obj = Template("x" * rest)
    else:  # an empty body, in a page template that renders to a few "x"s
        exc.body_template_obj = Template("")
        exc.plain_template_obj = Template("${body}" * (rest // 7) + "x" * (rest % 7))
    return exc


# What the page cache takes (rendered once for three requests) and what it
# leaves (rendered each time): detail and comment texts of at most
# _CACHED_TEXT_MAX characters, pages of at most _MAX_ENTRY_TEXT bytes, made
# from texts (the key) of at most _MAX_ENTRY_TEXT characters in all.
@pytest.mark.parametrize(
    ("make", "accept", "renders"),
    [
        pytest.param(lambda: Sample("d" * TEXT_MAX), TEXT, 1, id="detail-at-bound"),
        pytest.param(lambda: Sample("d" * (TEXT_MAX + 1)), TEXT, 3, id="detail-over"),
        pytest.param(
            lambda: Sample(comment="c" * TEXT_MAX), TEXT, 1, id="comment-at-bound"
        ),
        pytest.param(
            lambda: Sample(comment="c" * (TEXT_MAX + 1)), TEXT, 3, id="comment-over"
        ),
        pytest.param(lambda: text_page_of(ENTRY_MAX), TEXT, 1, id="page-at-bound"),
        pytest.param(lambda: text_page_of(ENTRY_MAX + 1), TEXT, 3, id="page-over"),
        pytest.param(
            lambda: keyed_on(ENTRY_MAX, TEXT), TEXT, 1, id="text-key-at-bound"
        ),
        pytest.param(
            lambda: keyed_on(ENTRY_MAX + 1, TEXT), TEXT, 3, id="text-key-over"
        ),
        pytest.param(
            lambda: keyed_on(ENTRY_MAX, PROBLEM), PROBLEM, 1, id="problem-key-at-bound"
        ),
        pytest.param(
            lambda: keyed_on(ENTRY_MAX + 1, PROBLEM), PROBLEM, 3, id="problem-key-over"
        ),
        pytest.param(lambda: HTTPFound("/cached"), TEXT, 1, id="header-placeholder"),
        # A problem document does not use the JSON formatter.
        pytest.param(
            lambda: Sample("p", json_formatter=lambda **kw: {}),
            PROBLEM,
            1,
            id="problem-despite-formatter",
        ),
    ],
)
def test_page_cache_takes_what_it_is_bounded_for(
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[], HTTPException],
    accept: str,
    renders: int,
) -> None:
    _rendering._pages.clear()
    rendered = counting_renders(monkeypatch)
    exc = make()
    pages = [call(exc, accept)[1] for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert len(rendered) == renders


@pytest.mark.parametrize("size", [ENTRY_MAX, ENTRY_MAX + 1])
def test_text_page_of_makes_pages_of_the_size_asked(size: int) -> None:
    # (The helper the test above relies on for its page bounds.)
    assert len(call(text_page_of(size), TEXT)[1]) == size


class _PercentTemplate(Template):
    delimiter = "%"


# The same source means other placeholders in another Template class.
@pytest.mark.parametrize(
    ("source", "pages"),
    [
        pytest.param(
            "[%detail] [$detail]",
            {Template: "[%detail] [d]", _PercentTemplate: "[d] [$detail]"},
            id="same-names",
        ),
        pytest.param(
            "[%etag] [$allow]",
            {Template: "[%etag] [GET]", _PercentTemplate: "[tag] [$allow]"},
            id="other-names",
        ),
    ],
)
def test_body_template_class_decides_its_placeholders(
    source: str, pages: dict[type[Template], str]
) -> None:
    for template_class, page in pages.items():
        exc = Sample("d", headers={"ETag": "tag", "Allow": "GET"})
        exc.body_template_obj = template_class(source)
        assert call(exc, TEXT)[1] == f"200 OK\n\n{page}".encode()


@pytest.mark.parametrize(
    ("own_template", "page"),
    [
        pytest.param(
            lambda source: Template("[${status}]"),
            lambda source: "[200 OK]",
            id="other-source",
        ),
        pytest.param(_PercentTemplate, lambda source: source, id="other-class"),
    ],
)
@pytest.mark.parametrize(
    ("accept", "attribute"), [(HTML, "html_template_obj"), (TEXT, "plain_template_obj")]
)
def test_instance_page_template_is_its_own(
    accept: str,
    attribute: str,
    own_template: Callable[[str], Template],
    page: Callable[[str], str],
) -> None:
    """An instance's own page template is used, not the class's cached page."""
    default = call(Sample(), accept)[1]
    source = getattr(Sample, attribute).template
    exc = Sample()
    setattr(exc, attribute, own_template(source))
    assert call(exc, accept)[1] == page(source).encode()
    assert call(Sample(), accept)[1] == default


class _Numbered(Sample):
    """Renders its own page, which changes from one request to the next."""

    sent = 0

    def _render(
        self, media_type: str, environ: dict[str, Any], looked_up: dict[str, object]
    ) -> bytes:
        type(self).sent += 1
        return f"page {type(self).sent} for {environ['PATH_INFO']}".encode()


@pytest.mark.parametrize("accept", FORMATS)
def test_subclass_rendering_its_own_page_is_rendered_per_request(
    accept: str,
) -> None:
    exc = _Numbered()
    first = call(exc, accept)[1]
    second = call(exc, accept, PATH_INFO="/other")[1]
    assert first.startswith(b"page ")
    assert second == f"page {_Numbered.sent} for /other".encode()
    assert first != second


class _Shouting(str):
    """Text that renders differently each time it is turned into str."""

    times = 0

    def __str__(self) -> str:
        type(self).times += 1
        return f"{self.upper()}-{type(self).times}"


def test_header_value_subclassing_str_is_never_cached_by() -> None:
    exc = Sample(body_template="<${etag}>")
    exc.headerlist.append(("ETag", _Shouting("tag")))
    first = call(exc)[1]
    second = call(exc)[1]
    assert first == f"200 OK\n\n<TAG-{_Shouting.times - 1}>".encode()
    assert second == f"200 OK\n\n<TAG-{_Shouting.times}>".encode()


# -- the placeholder cache -----------------------------------------------------------


def test_template_larger_than_the_cache_bound_still_fills_its_placeholders() -> None:
    template = "x" * _rendering._MAX_ENTRY_TEXT + " ${etag} ${detail}"
    exc = Sample("d", headers={"ETag": "tag-1"}, body_template=template)
    for _ in range(2):
        body = call(exc)[1]
        assert body.endswith(b"x tag-1 d")
    assert not any(source == template for _, source in _rendering._lookups_cache)


class _CountingPattern:
    """A Template pattern that counts how often a source is searched."""

    def __init__(self) -> None:
        self.searches = 0

    def finditer(self, source: str) -> Iterator[re.Match[str]]:
        self.searches += 1
        return Template.pattern.finditer(source)

    def __getattr__(self, name: str) -> Any:
        return getattr(Template.pattern, name)


# A template's placeholders are found once, if its source is at most
# _MAX_ENTRY_TEXT characters long; a longer one is searched for each page.
@pytest.mark.parametrize(
    ("length", "searches"),
    [(20, 1), (ENTRY_MAX, 1), (ENTRY_MAX + 1, 3)],
    ids=["short", "at-bound", "over-bound"],
)
def test_template_placeholders_are_found_once(length: int, searches: int) -> None:
    pattern = _CountingPattern()
    counting = type("CountingTemplate", (Template,), {})  # a class of its own
    counting.pattern = pattern  # type: ignore[assignment]
    source = "${etag}" + "x" * (length - len("${etag}"))
    exc = Sample(headers={"ETag": "tag"})
    exc.body_template_obj = counting(source)
    for _ in range(3):
        assert call(exc)[1] == f"200 OK\n\ntag{source[7:]}".encode()
    assert pattern.searches == searches


def test_placeholder_cache_is_bounded_and_stays_right() -> None:
    for number in range(_rendering._MAX_ENTRIES + 5):
        exc = Sample(headers={"ETag": "t"}, body_template=f"{number}:${{etag}}")
        assert call(exc)[1] == f"200 OK\n\n{number}:t".encode()
        assert 0 < len(_rendering._lookups_cache) <= _rendering._MAX_ENTRIES
