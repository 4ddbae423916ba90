"""Tests for httpx_views.httpexceptions: classes, bodies, negotiation, safety."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
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
# Titles that deliberately differ from http.HTTPStatus: Pyramid's, kept for
# compatibility. Python 3.13 adopted RFC 9110's names for 413, 414, 416 and
# 422 and spells 418 "I'm a Teapot", so pinning our titles here keeps the
# test independent of the Python version.
DELIBERATE_TITLES = {
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    416: "Request Range Not Satisfiable",
    418: "I'm a teapot",
    422: "Unprocessable Entity",
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
    assert body == f"{code} Unknown Status\n\n\n\n\nodd\n\n".encode()


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


def test_call_twice_returns_the_same_body() -> None:
    exc = Sample("detail")
    _, first = call(exc, "*/*")
    start_response, second = call(exc, "application/json")
    assert first == second == exc.body
    assert media_type(start_response) == HTML


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


def test_text_body_is_pyramids() -> None:
    assert call(Sample("detail"))[1] == b"200 OK\n\nexplanation\n\n\ndetail\n\n"
    assert call(Sample())[1] == b"200 OK\n\nexplanation\n\n\n\n\n"
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


def test_json_body_is_pyramids() -> None:
    start_response, body = call(Sample("detail", comment="comment"), JSON)
    assert start_response.header("Content-Type") == "application/json"
    assert json.loads(body) == {
        "code": "200 OK",
        "title": "OK",
        "message": "explanation\n\n\ndetail\ncomment\n",
    }


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
        "detail": "The requested resource could not be found. No page 7.",
    }


def test_problem_body_of_a_redirect_names_the_location() -> None:
    _, body = call(HTTPFound("/there"), PROBLEM)
    assert json.loads(body)["detail"] == (
        "The resource is to be found at /there; you should be redirected automatically."
    )


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
    elif accept == JSON:
        assert json.loads(body) == {
            "code": exc.status,
            "title": cls.title,
            "message": fragment,
        }
    else:
        assert json.loads(body) == {
            "type": "about:blank",
            "title": cls.title,
            "status": code,
            "detail": " ".join(fragment.split()),
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
        ("text/*", HTML),
        ("application/*", JSON),
        # a named type beats a wildcard of the same quality
        ("application/json, */*", JSON),
        ("*/*, application/json", JSON),
        ("text/plain, */*", TEXT),
        ("application/problem+json, */*", PROBLEM),
        ("text/*, application/json", JSON),
        # quality first
        ("application/json;q=0.5, */*", HTML),
        ("text/html;q=0.5, application/json", JSON),
        ("application/json;q=0.9, text/html;q=0.8", JSON),
        ("application/json;q=0, */*", HTML),
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


def test_body_cache_is_bounded() -> None:
    for number in range(httpexceptions._CACHE_MAX + 5):
        call(HTTPNotFound(f"detail {number}"))
    assert 0 < len(httpexceptions._bodies) <= httpexceptions._CACHE_MAX


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
        b"405 Method Not Allowed\n\n"
        b"The method GET is not allowed for this resource. \n\n\n"
    )


# -- empty bodies ---------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EMPTY_BODY_CODES))
@pytest.mark.parametrize("accept", [None, *FORMATS])
def test_empty_body_codes_send_nothing(code: int, accept: str | None) -> None:
    start_response, body = call(exception_response(code, detail="x"), accept)
    assert body == b""
    assert start_response.header("Content-Type") is None
    assert start_response.header("Vary") is None


def test_empty_body_with_explicit_content_type_still_sends_no_body() -> None:
    exc = HTTPNoContent()
    exc.content_type = "text/plain"
    assert call(exc)[1] == b""


# -- header safety ----------------------------------------------------------------

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


def test_call_refuses_non_text_header_values() -> None:
    exc = HTTPNotFound()
    exc.headerlist.append(("X-Number", 5))
    with pytest.raises(TypeError):
        exc(environ(), StartResponse())


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
        b"you should be redirected automatically.\n\n"
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


@pytest.mark.parametrize("cls", [HTTPTooManyRequests, HTTPServiceUnavailable])
@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        (120, "120"),
        (0, "0"),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
        (datetime(2015, 10, 21, 7, 28), "Wed, 21 Oct 2015 07:28:00 GMT"),
        (
            datetime(2015, 10, 21, 9, 28, tzinfo=timezone(timedelta(hours=2))),
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ),
    ],
)
def test_retry_after_is_set(
    cls: type[HTTPException], retry_after: Any, expected: str
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
