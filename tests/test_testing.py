"""DummyRequest: a real Request for unit tests, and one through an App."""

from __future__ import annotations

from typing import Any

import pytest

from httpx_views import (
    App,
    HTTPForbidden,
    HTTPNotFound,
    HTTPUnauthorized,
    Request,
)
from httpx_views.testing import DummyRequest


class HeaderPolicy:
    """Identify by ``X-User``; grant every permission to ``admin``."""

    def __init__(self) -> None:
        self.asked = 0

    def identity(self, request: Request) -> str | None:
        self.asked += 1
        return request.headers.get("X-User")

    def permits(self, request: Request, permission: str) -> bool:
        return bool(request.identity == "admin")


# -- the request itself --------------------------------------------------------


def test_dummy_request_is_a_real_request() -> None:
    request = DummyRequest()
    assert type(request) is Request
    assert request.method == "GET"
    assert request.path == "/"
    assert request.url == "http://localhost/"
    assert request.matchdict == {}
    assert request.identity is None
    assert request.app is None
    assert request.exception is None


def test_dummy_request_default_environ() -> None:
    environ = DummyRequest().environ
    assert {key: value for key, value in environ.items() if type(value) is str} == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost:80",
        # What servers send today, not WebOb's HTTP/1.0.
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
    }
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.input"].read() == b""
    request = DummyRequest()
    assert request.http_version == "HTTP/1.1"
    assert request.content_length is None
    assert request.content_type == ""


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("/", "POST"), {"json": {"a": 1}}),
        (("/", "PUT"), {"params": {"a": "1"}}),
        (("/", "DELETE"), {"body": b"x", "headers": {"X-A": "1"}}),
        (("https://example.com:8443/a?b=1",), {}),
    ],
    ids=["json", "form", "body", "full-url"],
)
def test_dummy_request_is_http_1_1_whatever_it_carries(
    args: tuple[str, ...], kwargs: dict[str, Any]
) -> None:
    request = DummyRequest(*args, **kwargs)
    assert request.environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert request.http_version == "HTTP/1.1"


@pytest.mark.parametrize(
    ("key", "value", "read"),
    [
        ("SERVER_PROTOCOL", "HTTP/1.0", lambda request: request.http_version),
        ("REQUEST_METHOD", "PATCH", lambda request: request.method),
        ("CONTENT_TYPE", "text/csv", lambda request: request.content_type),
    ],
    ids=["protocol", "method", "content-type"],
)
def test_dummy_request_environ_overrides_win_over_its_own_values(
    key: str, value: str, read: Any
) -> None:
    # Set last: over the protocol, the method= and the type a JSON body sets.
    overrides: dict[str, Any] = {key: value}
    request = DummyRequest("/", "POST", json={"a": 1}, **overrides)
    assert request.environ[key] == value
    assert read(request) == value
    assert request.json_body == {"a": 1}


def test_dummy_request_path_and_query_string() -> None:
    request = DummyRequest("/search?q=a+b&q=c")
    assert request.path_info == "/search"
    assert request.query_string == "q=a+b&q=c"
    assert request.GET.getall("q") == ["a b", "c"]


def test_dummy_request_percent_encoded_path_is_decoded() -> None:
    assert DummyRequest("/tags/caf%C3%A9").path_info == "/tags/café"


def test_dummy_request_full_url_sets_scheme_and_host() -> None:
    request = DummyRequest("https://example.com/a")
    assert request.scheme == "https"
    assert request.host == "example.com:443"
    assert request.host_url == "https://example.com"


def test_dummy_request_method_is_upper_cased() -> None:
    assert DummyRequest("/", "patch").method == "PATCH"


def test_dummy_request_matchdict_is_a_copy() -> None:
    given = {"id": 42}
    request = DummyRequest("/users/42", matchdict=given)
    assert request.matchdict == {"id": 42}
    request.matchdict["id"] = 0
    assert given == {"id": 42}


def test_dummy_request_default_matchdict_is_not_shared() -> None:
    first = DummyRequest()
    first.matchdict["x"] = 1
    assert DummyRequest().matchdict == {}


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE", "OPTIONS"])
def test_dummy_request_params_go_in_query_for_bodiless_methods(method: str) -> None:
    request = DummyRequest("/s", method, params={"q": "café", "n": 2})
    assert request.query_string == "q=caf%C3%A9&n=2"
    assert request.params["q"] == "café"
    assert request.body == b""


def test_dummy_request_params_are_added_to_query_in_path() -> None:
    request = DummyRequest("/s?a=1", params=[("b", "2"), ("b", "3")])
    assert request.query_string == "a=1&b=2&b=3"


def test_dummy_request_params_list_value_repeats_key() -> None:
    request = DummyRequest("/s", params={"tag": ["x", "y"]})
    assert request.GET.getall("tag") == ["x", "y"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_dummy_request_params_are_form_body_for_other_methods(method: str) -> None:
    request = DummyRequest("/s", method, params={"name": "Zoë"})
    assert request.method == method
    assert request.query_string == ""
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.body == b"name=Zo%C3%AB"
    assert request.POST["name"] == "Zoë"
    assert request.params["name"] == "Zoë"


def test_dummy_request_json_body() -> None:
    request = DummyRequest("/users", "POST", json={"name": "Ann", "tags": [1]})
    assert request.json_body == {"name": "Ann", "tags": [1]}
    assert request.content_type == "application/json"
    assert request.content_length == len(request.body)


def test_dummy_request_raw_body() -> None:
    request = DummyRequest("/upload", "PUT", body=b"\x00\xffraw")
    assert request.body == b"\x00\xffraw"
    assert request.content_length == 5
    assert request.content_type == ""


def test_dummy_request_body_can_be_read_twice() -> None:
    request = DummyRequest("/", "POST", body=b"abc")
    assert request.body_file.read() == b"abc"
    assert request.body == b"abc"


@pytest.mark.parametrize(
    ("kwargs", "given"),
    [
        ({"json": {}, "body": b"x"}, "json=, body="),
        ({"json": {}, "params": {"a": "1"}}, "json=, params="),
        ({"body": b"x", "params": {"a": "1"}}, "body=, params="),
        ({"json": {}, "body": b"x", "params": {"a": "1"}}, "json=, body=, params="),
    ],
)
def test_dummy_request_two_bodies_is_type_error(
    kwargs: dict[str, Any], given: str
) -> None:
    # The error names every body argument given, so the user sees which clash.
    with pytest.raises(TypeError, match="one request body") as info:
        DummyRequest("/", "POST", **kwargs)
    assert given in str(info.value)


def test_dummy_request_query_params_and_json_body_together() -> None:
    request = DummyRequest("/", "GET", params={"a": "1"}, json=[1])
    assert request.GET["a"] == "1"
    assert request.json_body == [1]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Token": "t", "Accept": "application/json"},
        [("X-Token", "t"), ("Accept", "application/json")],
    ],
)
def test_dummy_request_headers(headers: Any) -> None:
    request = DummyRequest("/", headers=headers)
    assert request.headers["X-Token"] == "t"
    assert request.environ["HTTP_ACCEPT"] == "application/json"


def test_dummy_request_content_type_header_wins_over_json() -> None:
    request = DummyRequest(
        "/", "POST", json={"a": 1}, headers={"Content-Type": "application/merge+json"}
    )
    assert request.content_type == "application/merge+json"
    assert request.json_body == {"a": 1}


def test_dummy_request_environ_overrides() -> None:
    request = DummyRequest("/", REMOTE_ADDR="10.0.0.7", **{"wsgi.url_scheme": "https"})
    assert request.remote_addr == "10.0.0.7"
    assert request.scheme == "https"


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_X_FORWARDED_FOR": "10.0.0.1"},
        {"CONTENT_TYPE": "text/csv"},
        {"PATH": "/bin"},
        {"wsgi.multithread": True},
        {"beaker.session": {"user": "ann"}},
        {"webob.adhoc_attrs": {"marker": 1}},
    ],
)
def test_dummy_request_environ_keys_are_upper_case_or_dotted(
    environ: dict[str, Any],
) -> None:
    request = DummyRequest("/", **environ)
    for key, value in environ.items():
        assert request.environ[key] == value


@pytest.mark.parametrize(
    ("keyword", "suggestion"),
    [
        ("identiy", "; did you mean 'identity'?"),
        ("jsn", "; did you mean 'json'?"),
        ("matchdic", "; did you mean 'matchdict'?"),
        ("Params", "; did you mean 'params'?"),
        ("header", "; did you mean 'headers'?"),
        ("remote_addr", " (a WSGI environ key is upper case, like REMOTE_ADDR,"),
        ("session", " (a WSGI environ key is upper case, like REMOTE_ADDR,"),
    ],
)
def test_dummy_request_unknown_keyword_is_type_error(
    keyword: str, suggestion: str
) -> None:
    message = f"DummyRequest() got an unexpected keyword argument '{keyword}'"
    kwargs: dict[str, Any] = {keyword: 1}
    with pytest.raises(TypeError) as info:
        DummyRequest("/", **kwargs)
    assert str(info.value).startswith(message + suggestion)
    if "did you mean" not in suggestion:
        # No close keyword: both kinds of environ key, each by a name to copy.
        assert "wsgi.url_scheme" in str(info.value)


def test_dummy_request_response_is_fresh_text_response() -> None:
    request = DummyRequest()
    assert not request.has_response
    assert request.response.status_code == 200
    assert request.response.content_type == "text/plain"
    assert request.has_response


# -- identity and app ----------------------------------------------------------


@pytest.mark.parametrize("identity", ["alice", None, {"id": 7}])
def test_dummy_request_identity_given_is_used_without_policy(identity: Any) -> None:
    policy = HeaderPolicy()
    app = App(security_policy=policy)
    request = DummyRequest("/", headers={"X-User": "mallory"}, identity=identity)
    assert request.identity == identity
    request = DummyRequest(
        "/", headers={"X-User": "mallory"}, identity=identity, app=app
    )
    assert request.identity == identity
    assert policy.asked == 0


def test_dummy_request_identity_not_given_asks_app_policy() -> None:
    policy = HeaderPolicy()
    request = DummyRequest(
        "/", headers={"X-User": "bob"}, app=App(security_policy=policy)
    )
    assert request.identity == "bob"
    assert request.identity == "bob"
    assert policy.asked == 1


def test_dummy_request_app_gives_route_url_and_path() -> None:
    app = App()
    app.add_route("/users/{name}", lambda request: "x", name="user")
    request = DummyRequest("/", app=app)
    assert request.app is app
    assert request.route_path("user", name="a b") == "/users/a%20b"
    assert request.route_url("user", name="ann") == "http://localhost/users/ann"


def test_dummy_request_without_app_route_url_says_so() -> None:
    with pytest.raises(RuntimeError, match="app="):
        DummyRequest().route_url("user")


# -- the unit-test patterns ------------------------------------------------------


def secret(request: Request) -> str:
    if request.identity is None:
        raise HTTPUnauthorized(www_authenticate='Basic realm="app"')
    return f"hello {request.identity}"


def maybe_missing(request: Request) -> HTTPNotFound | dict[str, Any]:
    if request.matchdict["id"] != 1:
        return HTTPNotFound(detail="No such user.")
    return {"id": 1}


def test_pattern_raised_exception_with_pytest_raises() -> None:
    with pytest.raises(HTTPUnauthorized) as info:
        secret(DummyRequest("/secret"))
    assert info.value.status_code == 401
    assert info.value.headers["WWW-Authenticate"] == 'Basic realm="app"'


def test_pattern_identity_reaches_view() -> None:
    assert secret(DummyRequest("/secret", identity="ann")) == "hello ann"


def test_pattern_returned_exception_is_a_value() -> None:
    result = maybe_missing(DummyRequest("/users/2", matchdict={"id": 2}))
    assert isinstance(result, HTTPNotFound)
    assert result.detail == "No such user."
    assert maybe_missing(DummyRequest(matchdict={"id": 1})) == {"id": 1}


# -- through a whole App ---------------------------------------------------------


@pytest.fixture
def secured() -> App:
    app = App(security_policy=HeaderPolicy())

    @app.route("/users/{id:int}", methods=["GET"], name="user")
    def user(request: Request) -> dict[str, Any]:
        return {"id": request.matchdict["id"], "url": request.route_url("user", id=1)}

    @app.route("/admin", permission="admin")
    def admin(request: Request) -> str:
        return f"admin: {request.text}"

    @app.forbidden_view
    def forbidden(request: Request) -> HTTPForbidden:
        if request.identity is None:
            raise HTTPUnauthorized(www_authenticate='Basic realm="app"')
        return HTTPForbidden(detail="Not you.")

    @app.exception_view(KeyError)
    def missing(request: Request) -> HTTPNotFound:
        return HTTPNotFound(detail=f"missing {request.exception}")

    @app.route("/boom")
    def boom(request: Request) -> None:
        raise KeyError("thing")

    return app


def test_get_response_goes_through_routing(secured: App) -> None:
    response = DummyRequest("/users/7").get_response(secured)
    assert response.status_code == 200
    assert response.json == {"id": 7, "url": "http://localhost/users/1"}


def test_get_response_not_found_and_method_not_allowed(secured: App) -> None:
    assert DummyRequest("/nowhere").get_response(secured).status_code == 404
    response = DummyRequest("/users/7", "POST").get_response(secured)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"X-User": "bob"}, 403), ({"X-User": "admin"}, 200)],
)
def test_get_response_goes_through_security_and_forbidden_view(
    secured: App, headers: dict[str, str], status: int
) -> None:
    request = DummyRequest("/admin", "POST", body=b"go", headers=headers)
    response = request.get_response(secured)
    assert response.status_code == status
    if status == 200:
        assert response.text == "admin: go"
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic realm="app"'


def test_get_response_goes_through_exception_views(secured: App) -> None:
    response = DummyRequest("/boom", headers={"Accept": "text/plain"}).get_response(
        secured
    )
    assert response.status_code == 404
    assert "missing 'thing'" in response.text


def test_get_response_twice_gives_the_same_answer(secured: App) -> None:
    request = DummyRequest("/admin", "POST", body=b"again", headers={"X-User": "admin"})
    first = request.get_response(secured)
    second = request.get_response(secured)
    assert first.text == second.text == "admin: again"
