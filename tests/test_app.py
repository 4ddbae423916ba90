"""The App: routing, views, raised-or-returned exceptions, exception views."""

from __future__ import annotations

import gc
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import webob
import webob.exc
from harness import Served, environ_for, send, serve
from webtest import TestApp

from httpx_views import (
    App,
    ConfigurationError,
    HTTPBadRequest,
    HTTPException,
    HTTPForbidden,
    HTTPFound,
    HTTPNotFound,
    HTTPPaymentRequired,
    HTTPUnauthorized,
    Request,
    Response,
    exception_response,
)

# -- routing through the App ---------------------------------------------------


def test_route_static_path_is_served(app: App) -> None:
    @app.route("/hello")
    def hello(request: Request) -> str:
        return "Hello, World!"

    res = TestApp(app).get("/hello")
    assert res.status_int == 200
    assert res.text == "Hello, World!"
    assert res.headers["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/users/{id}", "/users/42", {"id": "42"}),
        ("/users/{id:int}", "/users/42", {"id": 42}),
        ("/price/{p:float}", "/price/2.5", {"p": 2.5}),
        ("/files/{rest:path}", "/files/a/b.txt", {"rest": "a/b.txt"}),
        ("/tags/{tag}", "/tags/caf%C3%A9%20cr%C3%A8me", {"tag": "café crème"}),
        ("/y/{year:[0-9]{4}}", "/y/2024", {"year": "2024"}),
    ],
)
def test_route_matchdict_reaches_view(
    app: App, pattern: str, path: str, expected: dict[str, Any]
) -> None:
    @app.route(pattern)
    def view(request: Request) -> str:
        assert request.matched_route is not None
        assert request.matched_route.pattern == pattern
        return repr(request.matchdict)

    assert TestApp(app).get(path).text == repr(expected)


@pytest.mark.parametrize("path", ["/users/abc", "/users/", "/users/1/2"])
def test_route_value_that_does_not_convert_is_404(app: App, path: str) -> None:
    app.add_route("/users/{id:int}", lambda request: "user")
    TestApp(app).get(path, status=404)


def test_route_first_registered_dynamic_route_wins(app: App) -> None:
    app.add_route("/a/{x}", lambda request: "first")
    app.add_route("/a/{y:path}", lambda request: "second")
    assert TestApp(app).get("/a/b").text == "first"
    assert TestApp(app).get("/a/b/c").text == "second"


def test_route_static_route_beats_earlier_placeholder(app: App) -> None:
    app.add_route("/users/{id}", lambda request: "placeholder")
    app.add_route("/users/me", lambda request: "static")
    assert TestApp(app).get("/users/me").text == "static"
    assert TestApp(app).get("/users/you").text == "placeholder"


def test_route_same_pattern_and_method_twice_is_configuration_error(
    app: App,
) -> None:
    def first(request: Request) -> str:
        return "1"

    def second(request: Request) -> str:
        return "2"

    app.add_route("/x", first, methods=["GET"])
    with pytest.raises(ConfigurationError) as info:
        app.add_route("/x", second, methods=["GET", "POST"])
    assert "first" in str(info.value)
    assert "second" in str(info.value)


def test_route_methods_none_accepts_every_method(app: App) -> None:
    app.add_route("/any", lambda request: request.method)
    client = TestApp(app)
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        res = client.request("/any", method=method)
        assert res.text == method


def test_route_head_is_served_by_get_view_without_body(app: App) -> None:
    calls = []

    @app.route("/page", methods=["GET"])
    def page(request: Request) -> str:
        calls.append(request.method)
        return "some body"

    res = TestApp(app).head("/page")
    assert res.status_int == 200
    assert res.body == b""
    assert res.headers["Content-Length"] == "9"
    assert calls == ["HEAD"]


def test_route_options_answered_with_allow(app: App) -> None:
    app.add_route("/page", lambda request: "x", methods=["GET", "POST"])
    res = TestApp(app).options("/page")
    assert res.status_int == 200
    assert res.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert res.body == b""
    # Only these headers, as sent: WebTest would add a Content-Length of its
    # own, and the validator's shim a Content-Type.
    sent = serve(app, environ_for("/page", "OPTIONS"), validate=False)
    assert [(name.lower(), value) for name, value in sent.headers] == [
        ("allow", "GET, HEAD, OPTIONS, POST"),
        ("content-length", "0"),
    ]


def test_route_options_view_takes_precedence(app: App) -> None:
    app.add_route("/page", lambda request: "x", methods=["GET"])
    app.add_route("/page", lambda request: "mine", methods=["OPTIONS"])
    assert TestApp(app).options("/page").text == "mine"


def test_route_wrong_method_is_405_with_allow(app: App) -> None:
    app.add_route("/page", lambda request: "x", methods=["GET"])
    app.add_route("/page", lambda request: "y", methods=["PUT"])
    res = TestApp(app).post("/page", status=405)
    assert res.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"


def test_route_url_and_path_quote_each_part(app: App) -> None:
    app.add_route("/users/{name}", lambda request: "x", name="user")

    @app.route("/where")
    def where(request: Request) -> dict[str, str]:
        return {
            "path": request.route_path("user", name="a/b c"),
            "url": request.route_url("user", name="é"),
        }

    res = TestApp(app).get("/where", extra_environ={"SCRIPT_NAME": "/mount"})
    assert res.json == {
        "path": "/mount/users/a%2Fb%20c",
        "url": "http://localhost/mount/users/%C3%A9",
    }


def test_route_decorator_passes_methods_name_and_permission() -> None:
    """@app.route registers as add_route does, with all its options."""
    policy = _Policy(identity=None, allowed=False)
    app = App(security_policy=policy)

    @app.route("/docs/{id}", methods=["POST"], name="doc", permission="edit")
    def doc(request: Request) -> str:
        return "doc"

    @app.route("/where")
    def where(request: Request) -> str:
        return request.route_path("doc", id="1")

    client = TestApp(app)
    assert client.get("/where").text == "/docs/1"
    client.get("/docs/1", status=405)
    client.post("/docs/1", status=403)
    assert policy.permits_calls == ["edit"]


def test_route_url_unknown_name_or_missing_part_is_clear_error(app: App) -> None:
    app.add_route("/users/{name}", lambda request: "x", name="user")
    request = Request.blank("/")
    request.app = app
    with pytest.raises(LookupError, match="nobody"):
        request.route_path("nobody")
    with pytest.raises(ValueError, match="name"):
        request.route_path("user")


def test_route_registration_after_first_request_raises(app: App) -> None:
    app.add_route("/a", lambda request: "a")
    TestApp(app).get("/a")
    with pytest.raises(ConfigurationError, match="frozen"):
        app.add_route("/b", lambda request: "b")
    with pytest.raises(ConfigurationError, match="frozen"):
        app.notfound_view(lambda request: "nf")


def test_route_undecodable_path_is_400(app: App) -> None:
    app.add_route("/{x}", lambda request: "x")
    res = TestApp(app).get("/%FF", status=400)
    assert isinstance(res.text, str)


def test_undecodable_query_read_by_view_is_400(app: App) -> None:
    app.add_route("/search", lambda request: request.params.get("q", ""))
    TestApp(app).get("/search?q=%FF", status=400)


# -- class-based views --------------------------------------------------------


class Thing:
    instances: list[Thing] = []  # noqa: RUF012 - test bookkeeping

    def __init__(self) -> None:
        Thing.instances.append(self)

    def get(self, request: Request) -> str:
        return f"get {id(self)}"

    def post(self, request: Request) -> str:
        return "post"


def test_class_view_fresh_instance_per_request(app: App) -> None:
    Thing.instances.clear()
    app.add_route("/thing", Thing)
    client = TestApp(app)
    first = client.get("/thing").text
    second = client.get("/thing").text
    assert first != second
    assert len(Thing.instances) == 2
    assert client.post("/thing").text == "post"


def test_class_view_missing_method_is_405_with_implied_allow(app: App) -> None:
    app.add_route("/thing", Thing)
    res = TestApp(app).delete("/thing", status=405)
    assert res.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_class_view_head_and_options(app: App) -> None:
    app.add_route("/thing", Thing)
    client = TestApp(app)
    res = client.head("/thing")
    assert res.status_int == 200
    assert res.body == b""
    assert client.options("/thing").headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_class_view_head_only_is_served_by_get(app: App) -> None:
    """methods=["HEAD"] is allowed for a class with get: HEAD implies it."""
    app.add_route("/thing", Thing, methods=["HEAD"])
    client = TestApp(app)
    res = client.head("/thing")
    assert res.status_int == 200
    assert int(res.headers["Content-Length"]) > 0
    client.get("/thing", status=405)


class _WithHead:
    def get(self, request: Request) -> str:
        return "the whole page"

    def head(self, request: Request) -> str:
        request.response.headers["X-Answered-By"] = "head"
        return ""


def test_class_view_own_head_method_answers_head(app: App) -> None:
    app.add_route("/page", _WithHead)
    res = TestApp(app).head("/page")
    assert res.headers["X-Answered-By"] == "head"
    assert res.headers["Content-Length"] == "0"


def test_class_view_explicit_method_it_lacks_is_configuration_error(
    app: App,
) -> None:
    with pytest.raises(ConfigurationError, match="DELETE") as info:
        app.add_route("/thing", Thing, methods=["GET", "DELETE"])
    # The error names the class and the pattern.
    assert f"{Thing.__module__}.Thing" in str(info.value)
    assert "'/thing'" in str(info.value)


def test_class_view_without_methods_is_configuration_error(app: App) -> None:
    class Empty:
        pass

    with pytest.raises(ConfigurationError, match="Empty") as info:
        app.add_route("/empty", Empty)
    assert "'/empty'" in str(info.value)


# -- what a view returns ------------------------------------------------------


def test_view_returns_response(app: App) -> None:
    app.add_route("/r", lambda request: Response("<p>hi</p>"))
    res = TestApp(app).get("/r")
    assert res.text == "<p>hi</p>"
    assert res.content_type == "text/html"


def test_view_returns_str_keeps_content_type_it_set(app: App) -> None:
    @app.route("/page")
    def page(request: Request) -> str:
        request.response.content_type = "text/html"
        return "<h1>é</h1>"

    res = TestApp(app).get("/page")
    assert res.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert res.text == "<h1>é</h1>"


def test_view_returns_str_without_charset_is_utf8(app: App) -> None:
    @app.route("/page")
    def page(request: Request) -> str:
        request.response.content_type = "application/x-thing"
        return "é"

    assert TestApp(app).get("/page").body == "é".encode()


def test_view_returns_bytes(app: App) -> None:
    app.add_route("/b", lambda request: b"\x00\x01")
    assert TestApp(app).get("/b").body == b"\x00\x01"


@pytest.mark.parametrize("value", [{"a": [1, 2]}, [1, "two", None]])
def test_view_returns_json(app: App, value: Any) -> None:
    app.add_route("/j", lambda request: value)
    res = TestApp(app).get("/j")
    assert res.content_type == "application/json"
    assert res.json == value


def test_view_returns_none_sends_request_response(app: App) -> None:
    @app.route("/n")
    def view(request: Request) -> None:
        request.response.status_code = 201
        request.response.body = b"made"

    res = TestApp(app).get("/n", status=201)
    assert res.body == b"made"


def test_view_returns_bad_type_is_500_naming_view(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    def odd_view(request: Request) -> int:
        return 42

    app.add_route("/odd", odd_view)
    res = TestApp(app).get("/odd", status=500)
    assert "odd_view" not in res.text
    assert "TypeError" in caplog.text
    assert "odd_view" in caplog.text


def test_view_sets_status_on_response_twisted_example(app: App) -> None:
    @app.route("/buy")
    def buy(request: Request) -> str:
        request.response.status_code = 402
        return "Please swipe your credit card."

    res = TestApp(app).get("/buy", status=402)
    assert res.status == "402 Payment Required"
    assert res.text == "Please swipe your credit card."


# -- raised or returned exceptions --------------------------------------------


def _raising(exc: BaseException) -> Any:
    def view(request: Request) -> None:
        raise exc

    return view


def _returning(exc: Any) -> Any:
    return lambda request: exc


@pytest.mark.parametrize("make_view", [_raising, _returning])
@pytest.mark.parametrize(
    "exc_factory",
    [
        lambda: HTTPUnauthorized(www_authenticate='Basic realm="x"'),
        lambda: exception_response(401, www_authenticate='Basic realm="x"'),
        lambda: webob.exc.HTTPUnauthorized(headers={"WWW-Authenticate": "Basic"}),
    ],
)
def test_exception_raised_or_returned_is_response(
    app: App, make_view: Any, exc_factory: Any
) -> None:
    app.add_route("/s", make_view(exc_factory()))
    res = TestApp(app).get("/s", status=401)
    assert res.headers["WWW-Authenticate"].startswith("Basic")


def test_head_of_webob_405_sends_the_length_of_its_get_page(app: App) -> None:
    """WebOb's 405 page names the method: HEAD gets GET's headers, no body."""

    @app.route("/refused")
    def refused(request: Request) -> None:
        raise webob.exc.HTTPMethodNotAllowed()

    client = TestApp(app)
    get = client.get("/refused", status=405)
    head = client.head("/refused", status=405)
    assert "GET" in get.text
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.body == b""


@pytest.mark.parametrize("make_view", [_raising, _returning])
def test_exception_views_apply_to_raised_and_returned(app: App, make_view: Any) -> None:
    app.add_route("/pay", make_view(HTTPPaymentRequired()))

    @app.exception_view(HTTPPaymentRequired)
    def pay_view(request: Request) -> str:
        assert isinstance(request.exception, HTTPPaymentRequired)
        request.response.status_code = 402
        return "pay up"

    res = TestApp(app).get("/pay", status=402)
    assert res.text == "pay up"


@pytest.mark.parametrize("make_view", [_raising, _returning])
@pytest.mark.parametrize("exc_class", [HTTPNotFound, webob.exc.HTTPNotFound])
def test_notfound_view_answers_no_route_and_view_404(
    app: App, make_view: Any, exc_class: Any
) -> None:
    seen: list[BaseException | None] = []
    app.add_route("/gone", make_view(exc_class()))

    @app.notfound_view
    def not_found(request: Request) -> Response:
        seen.append(request.exception)
        return Response("custom 404", status=404, content_type="text/plain")

    client = TestApp(app)
    assert client.get("/nowhere", status=404).text == "custom 404"
    assert client.get("/gone", status=404).text == "custom 404"
    assert isinstance(seen[0], HTTPNotFound)
    assert isinstance(seen[1], exc_class)


def test_notfound_view_registration_forms(app: App) -> None:
    def nf(request: Request) -> str:
        return "nf"

    assert app.notfound_view(nf, path_prefix="/a") is nf
    decorator = app.notfound_view(path_prefix="/b")
    assert decorator(nf) is nf
    with pytest.raises(ConfigurationError, match="nf"):
        app.notfound_view(nf, path_prefix="/a/")


@pytest.mark.parametrize(
    ("method", "status"), [("GET", 301), ("HEAD", 301), ("POST", 308)]
)
@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("x=1&y=2", "?x=1&y=2"),
        ("", ""),
        # UTF-8 "café" as WSGI passes it (latin-1 text): each byte quoted.
        ("q=caf\xc3\xa9", "?q=caf%C3%A9"),
    ],
)
def test_notfound_view_append_slash_redirects(
    app: App, method: str, status: int, query: str, kept: str
) -> None:
    app.add_route("/docs/", lambda request: "docs")
    app.notfound_view(lambda request: request.exception, append_slash=True)
    served = send(app, "/docs", method, query=query)
    assert served.status == status
    assert served.header("Location") == f"http://127.0.0.1/docs/{kept}"


@pytest.mark.parametrize(
    ("views", "path", "status"),
    [
        # (prefix, append_slash) of each Not Found view registered
        ([("/api", True)], "/api/docs", 301),
        ([("/api", True)], "/docs", 404),
        ([(None, True), ("/api", False)], "/api/docs", 404),
        ([(None, True), ("/api", False)], "/docs", 301),
    ],
)
def test_notfound_view_append_slash_only_where_that_view_answers(
    app: App, views: list[tuple[str | None, bool]], path: str, status: int
) -> None:
    """append_slash redirects only the paths under its own view's prefix."""
    app.add_route("/docs/", lambda request: "docs")
    app.add_route("/api/docs/", lambda request: "api docs")
    for prefix, append_slash in views:
        app.notfound_view(
            lambda request: request.exception,
            append_slash=append_slash,
            path_prefix=prefix,
        )
    assert send(app, path).status == status


def test_notfound_view_append_slash_never_adds_a_second_slash(app: App) -> None:
    app.add_route("/docs//", lambda request: "docs")
    app.notfound_view(lambda request: request.exception, append_slash=True)
    assert send(app, "/docs/").status == 404


def test_notfound_view_append_slash_only_when_slash_route_exists(app: App) -> None:
    app.add_route("/docs/", lambda request: "docs")
    app.notfound_view(lambda request: request.exception, append_slash=True)
    TestApp(app).get("/other", status=404)


@pytest.mark.parametrize("exception_view", [False, True])
def test_notfound_without_append_slash_does_not_redirect(
    app: App, exception_view: bool
) -> None:
    app.add_route("/docs/", lambda request: "docs")
    if exception_view:  # a Not Found view registered through exception_view
        app.exception_view(HTTPNotFound)(lambda request: request.exception)
    TestApp(app).get("/docs", status=404)


def test_forbidden_view_answers_raised_and_returned(app: App) -> None:
    app.add_route("/r", _raising(HTTPForbidden()))
    app.add_route("/t", _returning(HTTPForbidden()))

    @app.forbidden_view()
    def forbidden(request: Request) -> str:
        assert isinstance(request.exception, HTTPForbidden)
        request.response.status_code = 403
        return "no"

    client = TestApp(app)
    assert client.get("/r", status=403).text == "no"
    assert client.get("/t", status=403).text == "no"


def test_exception_view_most_specific_class_wins(app: App) -> None:
    class AppError(Exception):
        pass

    class PaymentError(AppError):
        pass

    app.add_route("/a", _raising(AppError()))
    app.add_route("/p", _raising(PaymentError()))
    app.exception_view(Exception)(lambda request: "exception")
    app.exception_view(AppError)(lambda request: "app error")
    app.exception_view(PaymentError)(lambda request: "payment error")
    client = TestApp(app)
    assert client.get("/a").text == "app error"
    assert client.get("/p").text == "payment error"


def test_exception_view_longest_prefix_wins(app: App) -> None:
    app.notfound_view(lambda request: {"scope": "api"}, path_prefix="/api")
    app.notfound_view(lambda request: {"scope": "b"}, path_prefix="/b")
    app.notfound_view(lambda request: {"scope": "v2"}, path_prefix="/api/v2/")
    app.notfound_view(lambda request: {"scope": "all"})
    listed = [entry.prefix for entry in app.exception_views[HTTPNotFound]]
    assert listed == ["/api/v2", "/api", "/b", ""]
    client = TestApp(app)
    assert client.get("/b/x").json == {"scope": "b"}
    assert client.get("/api/x").json == {"scope": "api"}
    assert client.get("/api").json == {"scope": "api"}
    assert client.get("/api/v2/x").json == {"scope": "v2"}
    assert client.get("/apix").json == {"scope": "all"}
    assert client.get("/").json == {"scope": "all"}


def test_exception_view_falls_back_along_mro_outside_prefix(app: App) -> None:
    app.exception_view(HTTPNotFound, path_prefix="/api")(lambda request: "api nf")
    app.exception_view(HTTPException)(lambda request: "any http")
    client = TestApp(app)
    assert client.get("/api/x").text == "api nf"
    assert client.get("/x").text == "any http"


@pytest.mark.parametrize(
    ("prefix", "same_prefix", "shown"), [("/a", "/a/", "'/a'"), (None, "/", "'/'")]
)
def test_exception_view_duplicate_is_configuration_error(
    app: App, prefix: str | None, same_prefix: str, shown: str
) -> None:
    """The error names the class, the prefix and both views in full."""

    def first(request: Request) -> str:
        return "1"

    def second(request: Request) -> str:
        return "2"

    app.exception_view(KeyError, path_prefix=prefix)(first)
    with pytest.raises(ConfigurationError, match="KeyError") as info:
        app.exception_view(KeyError, path_prefix=same_prefix)(second)
    assert shown in str(info.value)
    assert f"{first.__module__}.{first.__qualname__}" in str(info.value)
    assert f"{second.__module__}.{second.__qualname__}" in str(info.value)


def _named_view(request: Request) -> str:
    return "named"


class _CallableView:
    """A view that is an instance: no __qualname__, so its repr names it."""

    def __call__(self, request: Request) -> str:
        return "called"

    def __repr__(self) -> str:
        return "<callable view>"


@pytest.mark.parametrize(
    ("view", "described"),
    [
        (_named_view, f"{__name__}._named_view"),
        (_CallableView(), "<callable view>"),
        (str.upper, "str.upper"),  # a method of a built-in type: no __module__
    ],
    ids=["function", "instance", "builtin-method"],
)
def test_configuration_error_names_any_kind_of_view(
    app: App, view: Any, described: str
) -> None:
    """A view is named module.qualname, by its repr without a __qualname__."""
    app.exception_view(KeyError)(view)
    with pytest.raises(ConfigurationError) as info:
        app.exception_view(KeyError)(view)
    # Named twice, each time whole (not the tail of a longer dotted name).
    named = re.findall(rf"(?<![\w.]){re.escape(described)}(?![\w.])", str(info.value))
    assert len(named) == 2


def test_exception_view_prefix_for_a_request_without_path_info(app: App) -> None:
    """A request for the mount point itself (no PATH_INFO) is under no prefix."""
    app.notfound_view(lambda request: "api", path_prefix="/api")
    app.notfound_view(lambda request: "anywhere")
    environ = environ_for("/")
    environ["SCRIPT_NAME"] = "/mount"
    del environ["PATH_INFO"]
    # Not through the validator: building its message needs PATH_INFO.
    assert serve(app, environ, validate=False).body == b"anywhere"


def test_exception_view_prefix_must_be_absolute(app: App) -> None:
    with pytest.raises(ConfigurationError, match="must start with"):
        app.exception_view(KeyError, path_prefix="api")(lambda request: "x")


def test_exception_view_for_non_class_is_configuration_error(app: App) -> None:
    with pytest.raises(ConfigurationError, match="'KeyError'"):
        app.exception_view("KeyError")(lambda request: "x")  # type: ignore[arg-type]


def test_exception_view_raising_http_exception_is_response(app: App) -> None:
    app.add_route("/x", _raising(HTTPForbidden()))

    @app.forbidden_view
    def forbidden(request: Request) -> None:
        raise HTTPFound(location="/login")

    res = TestApp(app).get("/x", status=302)
    assert res.headers["Location"] == "http://localhost/login"


def test_notfound_view_raising_not_found_does_not_loop(app: App) -> None:
    calls = []

    @app.notfound_view
    def not_found(request: Request) -> None:
        calls.append(1)
        raise HTTPNotFound(detail="still not here")

    res = TestApp(app).get("/x", status=404)
    assert "still not here" in res.text
    assert calls == [1]


def test_exception_view_raising_other_is_logged_500(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_route("/x", _raising(KeyError("k")))

    @app.exception_view(KeyError)
    def broken(request: Request) -> None:
        raise RuntimeError("exception view broke")

    res = TestApp(app).get("/x", status=500)
    assert "exception view broke" not in res.text
    assert "exception view broke" in caplog.text


def test_exception_view_returning_bad_type_is_500(app: App) -> None:
    app.add_route("/x", _raising(KeyError("k")))
    app.exception_view(KeyError)(lambda request: 3.5)
    TestApp(app).get("/x", status=500)


# -- unhandled exceptions and debug --------------------------------------------


def test_unhandled_exception_is_logged_500_without_traceback(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(request: Request) -> None:
        raise RuntimeError("secret detail")

    app.add_route("/boom", boom, methods=["POST"])
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).post("/boom", status=500)
    assert "secret detail" not in res.text
    assert "Traceback" not in res.text
    records = [r for r in caplog.records if r.name == "httpx_views"]
    assert len(records) == 1
    assert records[0].exc_info is not None
    assert "POST '/boom'" in records[0].getMessage()
    assert "secret detail" in records[0].getMessage()


def test_unhandled_exception_body_is_negotiated(app: App) -> None:
    app.add_route("/boom", _raising(RuntimeError("x")))
    res = TestApp(app).get("/boom", headers={"Accept": "application/json"}, status=500)
    assert res.json["title"] == "Internal Server Error"


def test_debug_puts_traceback_in_500() -> None:
    app = App(debug=True)
    app.add_route("/boom", _raising(RuntimeError("secret detail")))
    res = TestApp(app).get("/boom", status=500)
    assert "Traceback" in res.text
    assert "secret detail" in res.text


def test_debug_explains_404_405_403(caplog: pytest.LogCaptureFixture) -> None:
    app = App(debug=True, security_policy=_Policy(identity=None, allowed=False))
    app.add_route("/users/{id:int}", lambda request: "u", methods=["GET"])
    app.add_route("/admin", lambda request: "a", permission="admin")
    client = TestApp(app)
    with caplog.at_level(logging.INFO, logger="httpx_views"):
        assert "/users/{id:int}" in client.get("/nope", status=404).text
        text405 = client.post("/users/1", status=405).text
        text403 = client.get("/admin", status=403).text
    assert "POST" in text405
    assert "/users/{id:int}" in text405
    assert "'admin'" in text403
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx_views"]
    # One log line per answer, naming its status and what was asked for.
    (line404,) = [line for line in lines if "'/nope'" in line]
    (line405,) = [line for line in lines if "'/users/1'" in line]
    (line403,) = [line for line in lines if "'admin'" in line]
    assert "404" in line404
    assert "405" in line405
    assert "POST" in line405
    assert "403" in line403


def test_debug_404_of_an_app_without_routes_says_none() -> None:
    text = TestApp(App(debug=True)).get("/x", status=404).text
    assert re.search(r"\bnone\b", text)


def test_framework_404_and_405_have_no_detail_outside_debug(app: App) -> None:
    """Only debug explains them: an exception view finds no detail to show."""
    app.add_route("/page", lambda request: "x", methods=["GET"])
    seen = []

    @app.exception_view(HTTPException)
    def record(request: Request) -> Any:
        seen.append((request.exception.code, request.exception.detail))
        return request.exception

    client = TestApp(app)
    client.get("/nope", status=404)
    client.post("/page", status=405)
    assert seen == [(404, None), (405, None)]


def test_no_debug_bodies_name_no_route_view_or_permission() -> None:
    app = App(security_policy=_Policy(identity=None, allowed=False))
    app.add_route("/users/{id:int}", lambda request: "u", methods=["GET"])
    app.add_route("/admin", lambda request: "a", permission="admin-perm")
    client = TestApp(app)
    bodies = [
        client.get("/nope", status=404).text,
        client.post("/users/1", status=405).text,
        client.get("/admin", status=403).text,
    ]
    for body in bodies:
        assert "users" not in body
        assert "admin" not in body
        assert "lambda" not in body


# -- security -------------------------------------------------------------------


class _Policy:
    def __init__(self, identity: Any, allowed: bool) -> None:
        self.identity_value = identity
        self.allowed = allowed
        self.identity_calls = 0
        self.permits_calls: list[str] = []

    def identity(self, request: Request) -> Any:
        self.identity_calls += 1
        return self.identity_value

    def permits(self, request: Request, permission: str) -> bool:
        self.permits_calls.append(permission)
        return self.allowed


def test_security_identity_is_asked_once_per_request() -> None:
    policy = _Policy(identity="alice", allowed=True)
    app = App(security_policy=policy)

    @app.route("/me")
    def me(request: Request) -> str:
        return f"{request.identity} {request.identity}"

    client = TestApp(app)
    assert client.get("/me").text == "alice alice"
    assert policy.identity_calls == 1
    client.get("/me")
    assert policy.identity_calls == 2


def test_security_permission_granted_serves_view() -> None:
    policy = _Policy(identity="alice", allowed=True)
    app = App(security_policy=policy)
    app.add_route("/edit", lambda request: "edited", permission="edit")
    assert TestApp(app).get("/edit").text == "edited"
    assert policy.permits_calls == ["edit"]


def test_security_permission_denied_is_forbidden_with_result() -> None:
    app = App(security_policy=_Policy(identity=None, allowed=False))
    called = []
    app.add_route("/edit", lambda request: called.append(1), permission="edit")

    @app.forbidden_view
    def forbidden(request: Request) -> HTTPException:
        exc = request.exception
        assert isinstance(exc, HTTPForbidden)
        assert "edit" in str(exc.result)
        raise HTTPUnauthorized(www_authenticate='Basic realm="x"')

    res = TestApp(app).get("/edit", status=401)
    assert res.headers["WWW-Authenticate"] == 'Basic realm="x"'
    assert called == []


@pytest.mark.parametrize("falsy", [False, None, 0, ""])
def test_security_falsy_permits_denies(falsy: Any) -> None:
    policy = _Policy(identity="x", allowed=falsy)
    app = App(security_policy=policy)
    app.add_route("/edit", lambda request: "edited", permission="edit")
    TestApp(app).get("/edit", status=403)


def test_security_permission_without_policy_is_configuration_error(
    app: App,
) -> None:
    with pytest.raises(ConfigurationError, match="security_policy"):
        app.add_route("/edit", lambda request: "x", permission="edit")


@pytest.mark.parametrize("failing", ["identity", "permits"])
def test_security_policy_error_fails_closed(failing: str) -> None:
    class Broken(_Policy):
        def identity(self, request: Request) -> Any:
            if failing == "identity":
                raise RuntimeError("identity broke")
            return "alice"

        def permits(self, request: Request, permission: str) -> bool:
            if failing == "permits":
                raise RuntimeError("permits broke")
            return request.identity is not None

    app = App(security_policy=Broken(None, True))
    called = []
    app.add_route("/edit", lambda request: called.append(1), permission="edit")
    res = TestApp(app).get("/edit", status=500)
    assert "broke" not in res.text
    assert called == []


# -- the response headers --------------------------------------------------------


def test_response_header_with_crlf_is_500_not_split(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    @app.route("/inject")
    def inject(request: Request) -> Response:
        response = Response("x")
        response.headers["X-Evil"] = "a\r\nSet-Cookie: owned=1"
        return response

    res = TestApp(app).get("/inject", status=500)
    assert "Set-Cookie" not in res.headers
    assert "X-Evil" not in res.headers
    assert "CR, LF" in caplog.text


def test_bad_request_exception_keeps_its_status(app: App) -> None:
    app.add_route("/bad", _raising(HTTPBadRequest(detail="no")))
    res = TestApp(app).get("/bad", headers={"Accept": "application/json"}, status=400)
    assert "no" in json.loads(res.text)["message"]


def test_request_response_is_created_lazily(app: App) -> None:
    @app.route("/lazy")
    def lazy(request: Request) -> webob.Response:
        assert not request.has_response
        response = request.response
        assert request.has_response
        assert request.response is response
        return Response("other")

    assert TestApp(app).get("/lazy").text == "other"


# -- request bodies ---------------------------------------------------------------


class _RecordingInput:
    """A ``wsgi.input`` that records how much was read from it."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = len(self._data) - self.read_bytes
        chunk = self._data[self.read_bytes : self.read_bytes + size]
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return [self.read()]

    def __iter__(self) -> Iterator[bytes]:
        return iter([self.read()])


def _body_request(app: App, body: bytes, *, declared: bool) -> tuple[Served, int]:
    """POST *body* to /upload through the validator; return what was read."""
    # chunked: the server passes the body on without a length
    environ = environ_for("/upload", "POST", body=body, chunked=not declared)
    stream = _RecordingInput(body)
    environ["wsgi.input"] = stream
    return serve(app, environ), stream.read_bytes


def test_body_is_not_read_unless_view_reads_it(app: App) -> None:
    app.add_route("/upload", lambda request: "ignored", methods=["POST"])
    response, read = _body_request(app, b"x" * 1000, declared=True)
    assert response.status == 200
    assert read == 0


@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize(("limit", "body"), [(10, b"0123456789"), (0, b"")])
def test_max_body_size_allows_body_within_limit(
    declared: bool, limit: int, body: bytes
) -> None:
    app = App(max_body_size=limit)
    app.add_route("/upload", lambda request: request.body, methods=["POST"])
    response, _ = _body_request(app, body, declared=declared)
    assert response.status == 200
    assert response.body == body


def test_max_body_size_refuses_declared_length_before_view() -> None:
    app = App(max_body_size=10)
    called = []
    app.add_route("/upload", lambda request: called.append(1), methods=["POST"])
    response, read = _body_request(app, b"x" * 11, declared=True)
    assert response.status == 413
    assert read == 0
    assert called == []


def test_max_body_size_refuses_chunked_body_as_view_reads() -> None:
    app = App(max_body_size=10)
    app.add_route("/upload", lambda request: request.body, methods=["POST"])
    response, read = _body_request(app, b"x" * 100_000, declared=False)
    assert response.status == 413
    assert read <= 11


def test_max_body_size_bad_content_length_is_400() -> None:
    app = App(max_body_size=10)
    app.add_route("/upload", lambda request: "x", methods=["POST"])
    request = webob.Request.blank("/upload", method="POST")
    request.environ["CONTENT_LENGTH"] = "ten"
    # Not through the validator, which refuses such an environ itself.
    assert request.get_response(app).status_int == 400


@pytest.mark.parametrize("bad", [-1, 1.5, "10", True])
def test_max_body_size_must_be_bytes(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_body_size"):
        App(max_body_size=bad)


@pytest.mark.parametrize(
    ("prefix", "listed"), [("/api/", "/api"), ("/api//", "/api"), ("/TAX", "/TAX")]
)
def test_exception_views_lists_registrations_read_only(
    app: App, prefix: str, listed: str
) -> None:
    """Each view with its prefix (trailing slashes dropped) and append_slash."""

    def api(request: Request) -> str:
        return "api"

    def anywhere(request: Request) -> str:
        return "anywhere"

    def forbidden(request: Request) -> str:
        return "forbidden"

    def missing(request: Request) -> str:
        return "missing"

    app.notfound_view(anywhere, append_slash=True)
    app.notfound_view(api, path_prefix=prefix)
    app.forbidden_view(forbidden, path_prefix=prefix)
    app.exception_view(KeyError)(missing)
    views = app.exception_views
    assert {
        exc_type: [tuple(entry) for entry in entries]
        for exc_type, entries in views.items()
    } == {
        HTTPNotFound: [(listed, api, False), ("", anywhere, True)],
        HTTPForbidden: [(listed, forbidden, False)],
        KeyError: [("", missing, False)],
    }
    with pytest.raises(TypeError):
        views[KeyError] = ()  # type: ignore[index]


def test_log_line_cannot_be_forged_through_the_path(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_route("/{x}", _raising(RuntimeError("x")))
    assert serve(app, environ_for("/a\nERROR forged")).status == 500
    assert "\nERROR forged" not in caplog.text
    assert "'/a\\nERROR forged'" in caplog.text


@pytest.mark.parametrize("name", ["Set-Cookie: a=1; X", "X Y", "", "X\u00e9"])
def test_response_header_name_not_a_token_is_500(app: App, name: str) -> None:
    @app.route("/h")
    def header(request: Request) -> Response:
        response = Response("x")
        response.headerlist.append((name, "v"))
        return response

    res = TestApp(app).get("/h", status=500)
    assert "Set-Cookie" not in res.headers


def test_async_view_is_configuration_error(app: App) -> None:
    async def async_view(request: Request) -> str:
        return "never awaited"

    with pytest.raises(ConfigurationError, match="async") as route_error:
        app.add_route("/a", async_view)
    with pytest.raises(ConfigurationError, match="async") as view_error:
        app.exception_view(KeyError)(async_view)
    # Each error names the view.
    assert async_view.__qualname__ in str(route_error.value)
    assert async_view.__qualname__ in str(view_error.value)


@pytest.mark.parametrize("path", ["/raise", "/by-view", "/nowhere"])
def test_handled_exception_leaves_no_reference_cycle(app: App, path: str) -> None:
    # Each request raises a new exception, as views do.
    @app.route("/raise")
    def raising(request: Request) -> None:
        raise HTTPPaymentRequired()

    @app.route("/by-view")
    def by_view_raising(request: Request) -> None:
        raise KeyError("k")

    @app.exception_view(KeyError)
    def by_view(request: Request) -> None:
        raise HTTPForbidden()

    def serve() -> None:
        environ = webob.Request.blank(path).environ
        b"".join(app(environ, lambda status, headers, exc_info=None: None))

    serve()  # warm up caches
    gc.collect()
    gc.disable()
    try:
        serve()
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize("result", ["text", b"bytes", {"json": 1}])
def test_request_response_header_with_crlf_is_500(app: App, result: Any) -> None:
    @app.route("/inject")
    def inject(request: Request) -> Any:
        request.response.headers["X-Evil"] = "a\r\nSet-Cookie: owned=1"
        return result

    res = TestApp(app).get("/inject", status=500)
    assert "Set-Cookie" not in res.headers


# -- found by mutation testing ----------------------------------------------------


def test_debug_405_names_the_methods_the_path_allows(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = App(debug=True)
    app.add_route("/users/{id:int}", lambda request: "u", methods=["GET"])
    app.add_route("/users/{id:int}", lambda request: "u", methods=["PUT"])
    with caplog.at_level(logging.INFO, logger="httpx_views"):
        text = TestApp(app).post("/users/1", status=405).text
    (line,) = [r.getMessage() for r in caplog.records if "'/users/1'" in r.getMessage()]
    # OPTIONS is answered for every routed path, so only the allowed list names it.
    for method in ("GET", "HEAD", "OPTIONS", "PUT"):
        assert method in text
        assert method in line


def test_async_view_error_says_what_was_refused_and_what_to_write(app: App) -> None:
    async def async_view(request: Request) -> str:
        return "never awaited"

    with pytest.raises(ConfigurationError) as raised:
        app.add_route("/a", async_view)
    message = str(raised.value)
    name = f"{async_view.__module__}.{async_view.__qualname__}"
    assert f"view {name} is async" in message
    assert "use def, not async def" in message
