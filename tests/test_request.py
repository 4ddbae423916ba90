"""The Request views receive: lazy response, identity, URLs, decoding."""

from __future__ import annotations

from typing import Any

import pytest
import webob

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
