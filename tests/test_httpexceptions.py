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

from httpx_views import httpexceptions
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


def test_exception_response_without_class_takes_title_from_http_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(status_map, 404)
    exc = exception_response(404)
    assert type(exc) is HTTPClientError
    assert exc.status == "404 Not Found"


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
    assert first.startswith(b"<html")
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
    assert body.startswith(b"<html")
    assert b"200 OK" in body
    assert b"explanation<br/><br/>" in body
    assert b"detail" in body
    assert b"<!-- " not in body


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
        assert body.startswith(b"<html")
        assert html.escape(exc.status).encode() in body
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
    for number in range(httpexceptions._CACHE_MAX + 5):
        call(HTTPNotFound(), f"application/x-{number}, application/json")
    assert 0 < len(httpexceptions._negotiated) <= httpexceptions._CACHE_MAX


def test_negotiation_cache_skips_long_headers() -> None:
    accept = "x/y;q=0.5, " * 100 + "application/json"
    start_response, _ = call(HTTPNotFound(), accept)
    assert media_type(start_response) == JSON
    assert accept not in httpexceptions._negotiated


def cached_text_size() -> int:
    """Characters and bytes held by the module's caches, keys and values."""

    def size(value: object) -> int:
        if isinstance(value, (str, bytes)):
            return len(value)
        if isinstance(value, (tuple, frozenset)):
            return sum(size(item) for item in value)
        return 0

    # Every module-level dict: whatever the caches are called.
    caches = [value for value in vars(httpexceptions).values() if type(value) is dict]
    return sum(
        size(key) + size(value) for cache in caches for key, value in cache.items()
    )


def test_page_cache_is_bounded_in_entries() -> None:
    for number in range(httpexceptions._MAX_ENTRIES + 5):
        call(HTTPNotFound(f"detail {number}"))
    assert 0 < len(httpexceptions._pages) <= httpexceptions._MAX_ENTRIES


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
    assert cached_text_size() < 4_000_000


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
@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_json_bodies_are_valid_for_awkward_input(value: object, accept: str) -> None:
    _, body = call(HTTPNotFound(value, comment=value), accept)
    data = json.loads(body.decode("ascii"))
    text = data["message"] if accept == JSON else data["detail"]
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    assert " ".join(str(value).split()) in " ".join(text.split())


@pytest.mark.parametrize("accept", [HTML, TEXT])
@pytest.mark.parametrize("value", AWKWARD, ids=repr)
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
    ],
    ids=repr,
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
    ],
    ids=repr,
)
def test_status_lines_with_control_characters_are_refused(status: str) -> None:
    exc = HTTPNotFound()
    exc._status = status  # as a careless subclass or a setter might leave it
    with pytest.raises(ValueError, match="status"):
        call(exc)


def test_debug_server_error_shows_the_traceback_preformatted() -> None:
    trace = "Traceback (most recent call last):\n  File '<x>'\nKeyError: '<k>'\n"
    _, page = call(httpexceptions._DebugServerError(trace), HTML)
    assert b"<pre>Traceback (most recent call last):\n  File &#x27;&lt;x&gt;" in page
    _, text = call(httpexceptions._DebugServerError(trace), TEXT)
    assert trace.encode() in text
    assert b"<pre>" not in call(HTTPServerError(trace), HTML)[1]


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


@pytest.mark.parametrize("value", UNSAFE, ids=repr)
def test_constructor_refuses_unsafe_header_values(value: str) -> None:
    with pytest.raises(ValueError, match="X-Bad"):
        HTTPNotFound(headers=[("X-Bad", value)])
    with pytest.raises(ValueError, match="X-Bad"):
        HTTPNotFound(headers={"X-Bad": value})


@pytest.mark.parametrize("name", ["X\r\nBad", "X\x00Bad"], ids=repr)
def test_constructor_refuses_unsafe_header_names(name: str) -> None:
    with pytest.raises(ValueError):
        HTTPNotFound(headers=[(name, "fine")])


@pytest.mark.parametrize("value", UNSAFE, ids=repr)
@pytest.mark.parametrize(
    "make",
    [
        lambda value: HTTPFound(value),
        lambda value: HTTPFound(location=value),
        lambda value: HTTPCreated(location=value),
        lambda value: HTTPNotFound(content_type=f"text/{value}"),
        lambda value: HTTPUnauthorized(www_authenticate=f"Basic {value}"),
        lambda value: HTTPMethodNotAllowed(allow=["GET", value]),
        lambda value: HTTPTooManyRequests(retry_after=value),
    ],
    ids=["redirect", "location", "created", "type", "www-auth", "allow", "retry"],
)
def test_constructor_keywords_refuse_unsafe_values(
    make: Callable[[str], HTTPException], value: str
) -> None:
    with pytest.raises(ValueError):
        make(value)


@pytest.mark.parametrize("value", UNSAFE, ids=repr)
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


@pytest.mark.parametrize("value", UNSAFE, ids=repr)
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
    ids=repr,
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


@pytest.mark.parametrize(
    ("allow", "expected"),
    [(["GET", "HEAD"], "GET, HEAD"), (("POST",), "POST"), ("GET, PUT", "GET, PUT")],
)
def test_method_not_allowed_sets_allow(allow: Iterable[str], expected: str) -> None:
    start_response, _ = call(HTTPMethodNotAllowed(allow=allow))
    assert start_response.header("Allow") == expected


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


@pytest.mark.parametrize(
    ("retry_after", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_retry_after_refuses_odd_values(
    retry_after: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
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


@pytest.mark.parametrize(
    ("make", "page"),
    [(CONDITIONAL["rendered"], RENDERED_OK), (CONDITIONAL["given-body"], b"given")],
    ids=CONDITIONAL.keys(),
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
    assert len(pages[0]) > httpexceptions._MAX_ENTRY_TEXT
    assert pages[0] == pages[1] == pages[2]
    assert len(rendered) == 3


def test_small_page_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = counting_renders(monkeypatch)
    exc = Sample("small and unique: 8c1f", body_template="${detail}")
    pages = [call(exc, TEXT)[1] for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert len(rendered) == 1


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
    template = "x" * httpexceptions._MAX_ENTRY_TEXT + " ${etag} ${detail}"
    exc = Sample("d", headers={"ETag": "tag-1"}, body_template=template)
    for _ in range(2):
        body = call(exc)[1]
        assert body.endswith(b"x tag-1 d")
    assert not any(source == template for _, source in httpexceptions._lookups_cache)


def test_placeholder_cache_is_bounded_and_stays_right() -> None:
    for number in range(httpexceptions._MAX_ENTRIES + 5):
        exc = Sample(headers={"ETag": "t"}, body_template=f"{number}:${{etag}}")
        assert call(exc)[1] == f"200 OK\n\n{number}:t".encode()
    assert 0 < len(httpexceptions._lookups_cache) <= httpexceptions._MAX_ENTRIES
