"""The Request views receive: lazy response, identity, URLs, decoding."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import webob
from harness import send
from webob.request import DisconnectionError

from httpx_views import App, HTTPBadRequest, Request


def test_response_is_what_webob_builds_for_plain_text() -> None:
    ours = Request.blank("/").response
    webobs = webob.Response(content_type="text/plain", charset="UTF-8")
    assert ours.status == webobs.status
    assert ours.headerlist == webobs.headerlist
    assert ours.body == webobs.body
    assert ours.charset == "UTF-8"
    assert ours.content_type == "text/plain"
    assert ours.conditional_response is False


def test_response_behaves_like_any_webob_response() -> None:
    response = Request.blank("/").response
    response.status_code = 402
    response.text = "Please swipe your credit card."
    response.set_cookie("seen", "1")
    served = Request.blank("/").get_response(response)
    assert served.status == "402 Payment Required"
    assert served.text == "Please swipe your credit card."
    assert served.headers["Set-Cookie"].startswith("seen=1")


def test_response_is_created_once_and_can_be_replaced() -> None:
    request = Request.blank("/")
    assert not request.has_response
    first = request.response
    assert request.has_response
    assert request.response is first
    other = webob.Response("x")
    request.response = other
    assert request.response is other


def test_each_request_gets_its_own_response() -> None:
    first = Request.blank("/").response
    second = Request.blank("/").response
    first.headerlist.append(("X-Mine", "1"))
    assert "X-Mine" not in second.headers


def test_identity_without_app_or_policy_is_none() -> None:
    assert Request.blank("/").identity is None


def test_identity_asks_policy_once_and_can_be_set() -> None:
    calls: list[Request] = []

    class Policy:
        def identity(self, request: Request) -> Any:
            calls.append(request)
            return "ann"

        def permits(self, request: Request, permission: str) -> bool:
            return True

    request = Request.blank("/")
    request.app = App(security_policy=Policy())
    assert request.identity == "ann"
    assert request.identity == "ann"
    assert calls == [request]
    request.identity = "bob"
    assert request.identity == "bob"


def test_route_path_needs_an_app() -> None:
    # What is missing, and how a test request gets it.
    with pytest.raises(RuntimeError, match=r"needs the App.*DummyRequest an app="):
        Request.blank("/").route_path("home")


def test_route_url_uses_host_and_script_name() -> None:
    app = App()
    app.add_route("/users/{name}", lambda request: "", name="user")
    request = Request.blank("/", base_url="https://example.com/mount")
    request.app = app
    assert request.route_path("user", name="a b") == "/mount/users/a%20b"
    assert request.route_url("user", _query={"q": "x"}, name="a") == (
        "https://example.com/mount/users/a?q=x"
    )


@pytest.mark.parametrize(
    ("content_type", "body", "attribute"),
    [
        ("application/json", b"{not json", "json_body"),
        ("application/json", b"{not json", "json"),
        ("text/plain; charset=no-such-charset", b"abc", "text"),
        ("application/x-www-form-urlencoded; charset=no-such-charset", b"a=1", "POST"),
        ("multipart/form-data", b"--x\r\n", "POST"),
    ],
)
def test_undecodable_body_is_bad_request(
    content_type: str, body: bytes, attribute: str
) -> None:
    request = Request.blank("/", method="POST", body=body)
    request.content_type = content_type
    with pytest.raises(HTTPBadRequest):
        getattr(request, attribute)


def test_decodable_body_reads_as_webob_does() -> None:
    request = Request.blank("/", method="POST", body=b'{"a": [1]}')
    request.content_type = "application/json"
    assert request.json_body == {"a": [1]}
    assert request.json == {"a": [1]}
    assert request.text == '{"a": [1]}'
    request.json_body = {"b": 2}
    assert request.json == {"b": 2}
    request.text = "é"
    assert request.body == "é".encode()


def test_matchdict_without_a_route_is_empty_and_read_only() -> None:
    request = Request.blank("/")
    assert dict(request.matchdict) == {}
    with pytest.raises(TypeError):
        request.matchdict["x"] = 1  # type: ignore[index]
    assert dict(Request.blank("/").matchdict) == {}


@pytest.mark.parametrize(
    ("environ", "path_info"), [({}, ""), ({"PATH_INFO": "/x"}, "/x")]
)
def test_absent_path_info_is_the_empty_path(
    environ: dict[str, str], path_info: str
) -> None:
    # PEP 3333 lets a server leave PATH_INFO out when it is empty.
    request = Request.blank("/")
    del request.environ["PATH_INFO"]
    request.environ.update(SCRIPT_NAME="/app", **environ)
    assert request.path_info == path_info
    assert request.path == "/app" + path_info


# -- what the client sent, read cheaply: caches and the body ----------------------


def test_get_is_parsed_again_when_the_query_string_changes() -> None:
    request = Request.blank("/?q=1")
    first = request.GET
    assert request.GET is first  # kept, as WebOb keeps it
    request.environ["QUERY_STRING"] = "q=2"
    assert request.GET["q"] == "2"
    request.GET["r"] = "3"  # WebOb's GetDict writes the query string back
    assert request.environ["QUERY_STRING"] == "q=2&r=3"
    assert request.GET["r"] == "3"


def test_post_is_parsed_again_when_the_body_changes() -> None:
    form = "application/x-www-form-urlencoded"
    request = Request.blank("/", method="POST", body=b"a=1", content_type=form)
    first = request.POST
    assert request.POST is first
    request.body = b"a=2"
    assert request.POST["a"] == "2"


def test_cookies_are_parsed_again_when_the_header_changes() -> None:
    request = Request({"HTTP_COOKIE": "a=1"})
    assert request.cookies["a"] == "1"
    request.environ["HTTP_COOKIE"] = "a=2"
    assert request.cookies["a"] == "2"


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("application/json", "UTF-8"),
        ("text/plain; charset=latin-1", "latin-1"),
        ("text/plain; charset=utf8", "UTF-8"),
        ("text/plain; format=flowed", "UTF-8"),
    ],
)
def test_charset_is_webobs(content_type: str, charset: str) -> None:
    request = Request({"CONTENT_TYPE": content_type})
    assert request.charset == charset
    assert request.charset == webob.Request({"CONTENT_TYPE": content_type}).charset


def test_charset_set_as_webob_sets_it() -> None:
    request = Request({"CONTENT_TYPE": "text/plain"})
    request.charset = "utf-8"  # the same: accepted
    assert request.charset == "UTF-8"
    with pytest.raises(DeprecationWarning):
        request.charset = "latin-1"


def _server_environ(body: bytes, **extra: Any) -> dict[str, Any]:
    """A POST as a server passes it on: a stream WebOb may not seek."""
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),  # not flagged seekable: WebOb copies it
    }
    environ.update(extra)
    return environ


def test_body_read_once_then_again_from_its_copy() -> None:
    environ = _server_environ(b'{"a": 1}', CONTENT_LENGTH="0008")
    stream = environ["wsgi.input"]
    request = Request(environ)
    assert request.json_body == {"a": 1}
    # What WebOb's copy leaves: a seekable copy at its start, the length.
    assert request.environ["wsgi.input"] is not stream
    assert request.is_body_seekable
    assert request.environ["CONTENT_LENGTH"] == "8"
    assert request.body == b'{"a": 1}'
    assert request.body_file.read() == b'{"a": 1}'
    assert request.text == '{"a": 1}'


def test_body_cut_short_is_webobs_disconnection_error() -> None:
    environ = _server_environ(b"{}", CONTENT_LENGTH="5")
    with pytest.raises(DisconnectionError, match=r"\(3 more bytes"):
        Request(environ).body  # noqa: B018


def test_body_read_in_part_through_body_file_is_webobs() -> None:
    """WebOb reads the rest from the stream it gave out; so does ours."""
    ours = Request(_server_environ(b"abcdef"))
    webobs = webob.Request(_server_environ(b"abcdef"))
    assert ours.body_file.read(2) == webobs.body_file.read(2) == b"ab"
    with pytest.raises(DisconnectionError):
        webobs.body  # noqa: B018
    with pytest.raises(DisconnectionError):
        ours.body  # noqa: B018


def test_body_setter_and_deleter_are_webobs() -> None:
    request = Request(_server_environ(b"{}"))
    request.body = b"[1]"
    assert request.json == [1]
    del request.body
    assert request.body == b""
    request.text = "é"
    assert request.body == "é".encode()
    del request.text
    assert request.body == b""
    request.json_body = {"b": 2}
    assert request.body == b'{"b":2}'
    del request.json_body
    assert request.body == b""


def test_content_type_reads_and_sets_as_webobs() -> None:
    request = Request({"CONTENT_TYPE": "text/plain; charset=latin-1"})
    assert request.content_type == "text/plain"
    request.content_type = "text/html"  # the parameters are kept
    assert request.environ["CONTENT_TYPE"] == "text/html; charset=latin-1"
    del request.content_type
    assert request.content_type == ""


def test_headers_are_made_once_and_set_as_webobs() -> None:
    request = Request({"HTTP_X_API_KEY": "k"})
    assert request.headers is request.headers
    assert request.headers["X-Api-Key"] == "k"
    request.headers = {"X-Other": "o"}
    assert "X-Api-Key" not in request.headers
    assert request.environ["HTTP_X_OTHER"] == "o"


def test_body_through_the_app_with_a_limit_reads_twice() -> None:
    """The App counts the body in a stream WebOb may not seek; ours reads it."""
    read: list[Any] = []

    def view(request: Request) -> str:
        read.extend([request.json_body, request.body, request.body_file.read()])
        read.extend([request.POST, request.text])
        return ""

    app = App(max_body_size=100)
    app.add_route("/", view, methods=["POST"])
    served = send(app, "/", "POST", body=b'{"a": 1}', content_type="application/json")
    assert served.status == 200
    assert read[:3] == [{"a": 1}, b'{"a": 1}', b'{"a": 1}']
    assert not read[3]
    assert read[4] == '{"a": 1}'


@pytest.mark.parametrize("chunked", [False, True])
def test_form_through_the_app_with_a_limit(chunked: bool) -> None:
    app = App(max_body_size=100)
    app.add_route("/", lambda request: dict(request.POST), methods=["POST"])
    served = send(
        app,
        "/",
        "POST",
        body=b"a=1&b=caf%C3%A9",
        chunked=chunked,
        content_type="application/x-www-form-urlencoded",
    )
    assert json.loads(served.body) == {"a": "1", "b": "café"}


def test_json_past_the_limit_through_the_app_is_413() -> None:
    app = App(max_body_size=4)
    app.add_route("/", lambda request: request.json_body, methods=["POST"])
    served = send(app, "/", "POST", body=b"[1, 2, 3]", chunked=True)
    assert served.status == 413


@pytest.mark.parametrize(
    "body", [b"a=%FF", b"%FF=a", b"a=%C3", b"x=1&b=%E2%82", b"%C3=1&c=2"]
)
def test_form_with_an_escape_that_is_not_utf8_is_a_400(body: bytes) -> None:
    # WebOb's cgi parse would give U+FFFD; the form is refused instead.
    request = Request.blank(
        "/", method="POST", body=body, content_type="application/x-www-form-urlencoded"
    )
    with pytest.raises(HTTPBadRequest, match="The form data is not UTF-8"):
        _ = request.POST


@pytest.mark.parametrize("header", ["path=1", "Path=1; Domain=x", "max-age=3"])
def test_cookies_named_as_cookie_attributes_are_left_out_as_webob_does(
    header: str,
) -> None:
    webob_cookies = dict(webob.Request.blank("/", headers={"Cookie": header}).cookies)
    ours = dict(Request.blank("/", headers={"Cookie": header}).cookies)
    assert ours == webob_cookies == {}
