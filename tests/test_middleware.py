"""Middleware, WSGI middleware inside the App, and request callbacks.

Mirrors ``httpx_views/middleware.py`` and the lifecycle steps of
``App._serve`` around the view: every behaviour is checked through WebTest
with its lint on, or through ``harness.serve`` (``wsgiref.validate``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import webob
from harness import errors, send
from webtest import TestApp
from werkzeug.middleware.proxy_fix import ProxyFix

from httpx_views import (
    App,
    ConfigurationError,
    HTTPForbidden,
    HTTPFound,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPNotFound,
    HTTPPaymentRequired,
    HTTPSeeOther,
    HTTPUnauthorized,
    Request,
    Response,
)
from httpx_views.middleware import CallNext

# A prepared exception and a response shared by every request, as an
# application may keep them at module level: nothing done to one request's
# answer may reach them.
SHARED_NOT_FOUND = HTTPNotFound(detail="No such note.")
SHARED_RESPONSE = Response("shared", content_type="text/plain")


class _Policy:
    def identity(self, request: Request) -> str | None:
        return request.headers.get("X-User")

    def permits(self, request: Request, permission: str) -> bool:
        return request.identity == "admin"


def _app() -> App:
    app = App(security_policy=_Policy(), max_body_size=10)

    @app.route("/hello", methods=["GET", "POST"])
    def hello(request: Request) -> str:
        return "Hello"

    @app.route("/admin", permission="admin")
    def admin(request: Request) -> str:
        return "secret"

    @app.route("/raise")
    def raises(request: Request) -> None:
        raise HTTPPaymentRequired()

    @app.route("/return")
    def returns(request: Request) -> HTTPPaymentRequired:
        return HTTPPaymentRequired()

    @app.route("/crash")
    def crash(request: Request) -> None:
        raise KeyError("lost")

    @app.route("/shared")
    def shared(request: Request) -> None:
        raise SHARED_NOT_FOUND

    @app.route("/shared-response")
    def shared_response(request: Request) -> Response:
        return SHARED_RESPONSE

    @app.route("/read")
    def read(request: Request) -> bytes:
        return request.body

    return app


def _tagging(app: App) -> list[tuple[str, int, str | None]]:
    """Add a middleware that tags every response; return what it saw."""
    seen: list[tuple[str, int, str | None]] = []

    @app.middleware
    def tag(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.headers["X-Tag"] = request.path_info
        failed = request.exception
        seen.append(
            (
                request.path_info,
                response.status_code,
                type(failed).__name__ if failed else None,
            )
        )
        return response

    return seen


def _recording_bodies(app: App) -> list[bytes]:
    """Add a middleware that records the body of every response it gets."""
    bodies: list[bytes] = []

    @app.middleware
    def record(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        bodies.append(response.body)
        return response

    return bodies


# -- registration ----------------------------------------------------------------------


def test_middleware_decorator_returns_the_function() -> None:
    app = App()

    def noop(request: Request, call_next: CallNext) -> webob.Response:
        return call_next(request)

    assert app.middleware(noop) is noop


class _Counter:
    def __call__(self, request: Request, call_next: CallNext) -> webob.Response:
        return call_next(request)


async def _async_middleware(request: Request, call_next: CallNext) -> Any:
    return call_next(request)


@pytest.mark.parametrize(
    ("middleware", "fragment"),
    [
        (_Counter, re.escape("register an instance, e.g. add_middleware(_Counter())")),
        ("not callable", "must be callable"),
        (_async_middleware, "is async"),
    ],
    ids=["class", "not-callable", "async"],
)
def test_bad_middleware_is_refused_at_registration(
    middleware: Any, fragment: str
) -> None:
    with pytest.raises(ConfigurationError, match=fragment):
        App().add_middleware(middleware)


def test_bad_wsgi_middleware_is_refused_at_registration() -> None:
    with pytest.raises(ConfigurationError, match="factory"):
        App().add_wsgi_middleware("ProxyFix")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "register",
    [
        lambda app: app.add_middleware(_Counter()),
        lambda app: app.add_wsgi_middleware(ProxyFix),
    ],
    ids=["middleware", "wsgi-middleware"],
)
def test_no_middleware_after_the_first_request(register: Callable[[App], None]) -> None:
    app = _app()
    TestApp(app).get("/hello")
    with pytest.raises(ConfigurationError, match="frozen"):
        register(app)


def test_first_registered_is_outermost() -> None:
    app = _app()
    order: list[str] = []

    def layer(name: str) -> Callable[[Request, CallNext], webob.Response]:
        def middleware(request: Request, call_next: CallNext) -> webob.Response:
            order.append(f"{name} in")
            response = call_next(request)
            order.append(f"{name} out")
            return response

        return middleware

    for name in ("first", "second", "third"):
        app.add_middleware(layer(name))
    TestApp(app, lint=True).get("/hello")
    assert order == [
        "first in", "second in", "third in", "third out", "second out", "first out"
    ]  # fmt: skip


# -- what call_next returns ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "exception"),
    [
        ("GET", "/hello", {}, 200, None),
        ("POST", "/hello", {}, 200, None),
        ("GET", "/raise", {}, 402, "HTTPPaymentRequired"),
        ("GET", "/return", {}, 402, "HTTPPaymentRequired"),
        ("GET", "/nowhere", {}, 404, "HTTPNotFound"),
        ("DELETE", "/hello", {}, 405, "HTTPMethodNotAllowed"),
        ("OPTIONS", "/hello", {}, 200, None),
        ("GET", "/admin", {}, 403, "HTTPForbidden"),
        ("GET", "/admin", {"X-User": "admin"}, 200, None),
        ("GET", "/crash", {}, 500, "HTTPInternalServerError"),
        ("POST", "/read", {"Content-Length": "11"}, 413, "HTTPContentTooLarge"),
    ],
)
def test_middleware_sees_every_answer_as_a_response(
    method: str,
    path: str,
    headers: dict[str, str],
    status: int,
    exception: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _app()
    seen = _tagging(app)
    body = b"x" * 11 if path == "/read" else b""
    response = TestApp(app, lint=True).request(
        path, method=method, headers=headers, body=body, expect_errors=True
    )
    assert response.status_int == status
    assert response.headers["X-Tag"] == path
    assert seen == [(path, status, exception)]
    assert bool(errors(caplog)) == (status == 500)


def test_bad_request_path_reaches_middleware_as_400() -> None:
    app = _app()
    statuses: list[int] = []

    @app.middleware
    def record(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        statuses.append(response.status_code)
        return response

    served = send(app, "/\xff")  # the bytes of a path that is not UTF-8
    assert served.status == 400
    assert statuses == [400]


def test_unhandled_error_arrives_with_its_cause() -> None:
    app = _app()
    causes: list[BaseException | None] = []

    @app.middleware
    def inspect(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        assert isinstance(request.exception, HTTPInternalServerError)
        causes.append(request.exception.__cause__)
        return response

    TestApp(app, lint=True).get("/crash", status=500)
    assert isinstance(causes[0], KeyError)


def test_head_through_middleware_keeps_get_headers_without_body() -> None:
    app = _app()
    _tagging(app)
    client = TestApp(app, lint=True)
    got, head = client.get("/raise", status=402), client.head("/raise", status=402)
    assert head.body == b""
    assert head.headers["Content-Length"] == got.headers["Content-Length"]
    assert head.headers["X-Tag"] == "/raise"


def test_middleware_may_replace_the_body() -> None:
    app = _app()

    @app.middleware
    def shout(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.text = response.text.upper()
        return response

    response = TestApp(app, lint=True).get("/hello")
    assert response.body == b"HELLO"
    assert response.headers["Content-Length"] == "5"


# -- no request's changes reach another ------------------------------------------------


@pytest.mark.parametrize("path", ["/shared", "/shared-response"])
def test_changes_to_a_shared_answer_stay_with_their_request(path: str) -> None:
    app = _app()
    calls = iter(range(1, 100))

    @app.middleware
    def number(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.headers.add("X-Call", str(next(calls)))
        response.set_cookie("call", response.headers["X-Call"])
        return response

    shared = SHARED_NOT_FOUND if path == "/shared" else SHARED_RESPONSE
    before = list(shared.headerlist)
    client = TestApp(app, lint=True)
    for call in ("1", "2", "3"):
        response = client.get(path, expect_errors=True)
        assert response.headers.getall("X-Call") == [call]
        assert response.headers.getall("Set-Cookie") == [f"call={call}; Path=/"]
    assert shared.headerlist == before


def test_each_request_negotiates_its_own_body_through_middleware() -> None:
    app = _app()
    bodies = _recording_bodies(app)

    client = TestApp(app, lint=True)
    as_json = client.get("/shared", headers={"Accept": "application/json"}, status=404)
    as_html = client.get("/shared", headers={"Accept": "text/html"}, status=404)
    assert "No such note." in as_json.json["message"]
    assert as_html.body.startswith(b"<!DOCTYPE html>")
    assert bodies == [as_json.body, as_html.body]


def test_exception_view_returning_the_exception_is_not_changed() -> None:
    app = _app()
    _tagging(app)

    @app.notfound_view
    def not_found(request: Request) -> BaseException | None:
        return request.exception

    TestApp(app, lint=True).get("/shared", status=404)
    assert "X-Tag" not in SHARED_NOT_FOUND.headers


# -- answering without call_next -------------------------------------------------------


def test_middleware_may_answer_with_a_response() -> None:
    app = _app()
    viewed: list[str] = []
    app.add_route("/counted", lambda request: viewed.append("view") or "seen")

    @app.middleware
    def maintenance(request: Request, call_next: CallNext) -> webob.Response:
        return Response("Down for maintenance.", status=503)

    response = TestApp(app, lint=True).get("/counted", status=503)
    assert response.text == "Down for maintenance."
    assert viewed == []


@pytest.mark.parametrize("how", ["raise", "return"])
def test_http_exception_from_middleware_goes_through_exception_views(how: str) -> None:
    app = _app()

    @app.middleware
    def guard(request: Request, call_next: CallNext) -> webob.Response:
        if how == "raise":
            raise HTTPForbidden()
        return HTTPForbidden()

    @app.forbidden_view
    def forbidden(request: Request) -> HTTPUnauthorized:
        return HTTPUnauthorized(www_authenticate='Basic realm="notes"')

    response = TestApp(app, lint=True).get("/hello", status=401)
    assert response.headers["WWW-Authenticate"] == 'Basic realm="notes"'


def test_outer_middleware_sees_inner_middlewares_answer() -> None:
    app = _app()
    seen = _tagging(app)

    @app.middleware
    def guard(request: Request, call_next: CallNext) -> webob.Response:
        raise HTTPFound(location="/login")

    response = TestApp(app, lint=True).get("/hello", status=302)
    assert response.headers["Location"] == "http://localhost/login"
    assert seen == [("/hello", 302, "HTTPFound")]


# -- a middleware that fails -----------------------------------------------------------


def test_failing_middleware_is_logged_and_the_next_request_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _app()
    seen = _tagging(app)
    failures = iter([True, False])

    @app.middleware
    def flaky(request: Request, call_next: CallNext) -> webob.Response:
        if next(failures):
            raise RuntimeError("pool exhausted")
        return call_next(request)

    client = TestApp(app, lint=True)
    failed = client.get("/hello", status=500)
    assert b"pool exhausted" not in failed.body
    [record] = errors(caplog)
    assert "RuntimeError: pool exhausted" in record.getMessage()
    assert client.get("/hello").text == "Hello"
    assert seen == [("/hello", 500, "HTTPInternalServerError"), ("/hello", 200, None)]


def test_exception_views_answer_a_middlewares_error_as_a_views() -> None:
    app = _app()

    @app.middleware
    def failing(request: Request, call_next: CallNext) -> webob.Response:
        raise LookupError("no tenant")

    app.exception_view(LookupError)(lambda request: HTTPNotFound(detail="No tenant."))
    response = TestApp(app, lint=True).get("/hello", status=404)
    assert b"No tenant." in response.body


@pytest.mark.parametrize("result", [None, "text", {"a": 1}])
def test_middleware_returning_no_response_is_a_logged_500(
    result: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app()

    def forgetful(request: Request, call_next: CallNext) -> Any:
        call_next(request)
        return result

    app.add_middleware(forgetful)
    TestApp(app, lint=True).get("/hello", status=500)
    [record] = errors(caplog)
    assert "forgetful returned" in record.getMessage()
    assert f"{type(result).__name__}, not a response" in record.getMessage()


def test_header_a_middleware_cannot_send_is_a_logged_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _app()

    @app.middleware
    def splitting(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.headerlist.append(("X-Evil", "a\r\nSet-Cookie: b=c"))
        return response

    served = send(app, "/hello")
    assert served.status == 500
    assert served.header("Set-Cookie") is None
    assert len(errors(caplog)) == 1


def test_inner_answer_that_cannot_be_sent_is_a_500_the_middleware_sees(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _app()
    seen = _tagging(app)
    app.add_route("/nowhere-redirect", lambda request: HTTPSeeOther(location=""))
    response = TestApp(app, lint=True).get("/nowhere-redirect", status=500)
    assert response.headers["X-Tag"] == "/nowhere-redirect"
    assert seen == [("/nowhere-redirect", 500, "HTTPInternalServerError")]
    [record] = errors(caplog)
    assert "Location" in record.getMessage()


# -- per-App state ---------------------------------------------------------------------


class _RequestCounter:
    """Middleware with state of its own: no globals."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: Request, call_next: CallNext) -> webob.Response:
        self.count += 1
        response = call_next(request)
        response.headers["X-Count"] = str(self.count)
        return response


def test_class_based_middleware_keeps_per_app_state() -> None:
    first, second = _app(), _app()
    first_counter, second_counter = _RequestCounter(), _RequestCounter()
    first.add_middleware(first_counter)
    second.add_middleware(second_counter)
    first_client, second_client = TestApp(first, lint=True), TestApp(second, lint=True)
    for _ in range(3):
        first_client.get("/hello")
    assert second_client.get("/hello").headers["X-Count"] == "1"
    assert (first_counter.count, second_counter.count) == (3, 1)


# -- WSGI middleware inside the App ----------------------------------------------------


def test_wsgi_middleware_runs_before_the_request_is_made() -> None:
    app = App()

    @app.route("/where", name="where")
    def where(request: Request) -> dict[str, str]:
        return {"client": request.client_addr or "", "url": request.route_url("where")}

    app.add_wsgi_middleware(ProxyFix, x_for=1, x_proto=1, x_host=1)
    forwarded = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "notes.example.com",
    }
    response = TestApp(app, lint=True).get("/where", headers=forwarded)
    assert response.json == {
        "client": "203.0.113.7",
        "url": "https://notes.example.com/where",
    }


def test_wsgi_middleware_first_registered_is_outermost() -> None:
    app = _app()
    order: list[str] = []

    def recording(inner: Any, name: str) -> Any:
        def middleware(environ: dict[str, Any], start_response: Any) -> Any:
            order.append(name)
            return inner(environ, start_response)

        return middleware

    app.add_wsgi_middleware(recording, "outer")
    app.add_wsgi_middleware(recording, name="inner")

    @app.middleware
    def function(request: Request, call_next: CallNext) -> webob.Response:
        order.append("function")
        return call_next(request)

    TestApp(app, lint=True).get("/hello")
    assert order == ["outer", "inner", "function"]
    assert isinstance(app, App)


# -- response callbacks ----------------------------------------------------------------


def test_cookie_set_before_a_raised_redirect_is_lost_and_a_callback_keeps_it() -> None:
    app = App()

    @app.route("/login", methods=["POST"])
    def login(request: Request) -> None:
        request.response.set_cookie("lost", "1")  # the redirect is the response
        request.add_response_callback(
            lambda request, response: response.set_cookie("session", "abc")
        )
        raise HTTPSeeOther(location="/")

    response = TestApp(app, lint=True).post("/login", status=303)
    assert response.headers.getall("Set-Cookie") == ["session=abc; Path=/"]


def test_response_callbacks_run_in_order_after_all_middleware() -> None:
    app = _app()
    calls: list[str] = []

    @app.middleware
    def outermost(request: Request, call_next: CallNext) -> webob.Response:
        request.add_response_callback(
            lambda request, response: calls.append(f"first {response.headers['X-Tag']}")
        )
        return call_next(request)

    _tagging(app)

    @app.route("/with-callback")
    def view(request: Request) -> None:
        def second(request: Request, response: webob.Response) -> None:
            calls.append(f"second {response.status_code}")
            request.add_response_callback(
                lambda request, response: calls.append("added")
            )

        request.add_response_callback(second)
        raise KeyError("after the callback was added")

    TestApp(app, lint=True).get("/with-callback", status=500)
    assert calls == ["first /with-callback", "second 500", "added"]


def test_response_callback_gets_this_requests_own_response() -> None:
    app = _app()

    @app.route("/own")
    def own(request: Request) -> None:
        request.add_response_callback(
            lambda request, response: response.headers.update({"X-Mine": "1"})
        )
        raise SHARED_NOT_FOUND

    assert TestApp(app, lint=True).get("/own", status=404).headers["X-Mine"] == "1"
    assert "X-Mine" not in SHARED_NOT_FOUND.headers


def test_failing_response_callback_is_a_logged_500_and_skips_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _app()
    calls: list[str] = []

    @app.exception_view(HTTPInternalServerError)
    def branded(request: Request) -> Response:
        calls.append(f"branded {type(request.exception.__cause__).__name__}")
        return Response("Sorry.", status=500)

    @app.route("/callback-fails")
    def view(request: Request) -> str:
        request.add_response_callback(lambda request, response: 1 / 0)
        request.add_response_callback(lambda request, response: calls.append("skipped"))
        request.add_finished_callback(lambda request: calls.append("finished"))
        return "fine"

    response = TestApp(app, lint=True).get("/callback-fails", status=500)
    assert response.text == "Sorry."
    assert calls == ["branded ZeroDivisionError", "finished"]
    [record] = errors(caplog)
    assert "ZeroDivisionError" in record.getMessage()


# -- finished callbacks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"), [("/hello", 200), ("/crash", 500), ("/nowhere", 404)]
)
def test_finished_callbacks_run_for_every_answer(path: str, status: int) -> None:
    app = _app()
    finished: list[str] = []

    @app.middleware
    def cleanup(request: Request, call_next: CallNext) -> webob.Response:
        request.add_finished_callback(lambda request: finished.append("first"))
        request.add_finished_callback(lambda request: finished.append("second"))
        return call_next(request)

    TestApp(app, lint=True).get(path, status=status)
    assert finished == ["first", "second"]


def test_finished_callbacks_run_after_response_callbacks() -> None:
    app = App()
    calls: list[str] = []

    @app.route("/")
    def view(request: Request) -> str:
        request.add_finished_callback(lambda request: calls.append("finished"))
        request.add_response_callback(
            lambda request, response: calls.append("response")
        )
        return "ok"

    TestApp(app, lint=True).get("/")
    assert calls == ["response", "finished"]


def test_finished_callbacks_run_when_the_answer_cannot_be_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = App()
    finished: list[str] = []

    @app.route("/")
    def view(request: Request) -> Response:
        request.add_finished_callback(lambda request: finished.append("done"))
        return Response(headerlist=[("X-Bad", "a\nb")])

    assert send(app, "/").status == 500
    assert finished == ["done"]


def test_failing_finished_callback_is_logged_and_loses_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = App()
    finished: list[str] = []

    @app.route("/")
    def view(request: Request) -> str:
        request.add_finished_callback(lambda request: {}["missing"])
        request.add_finished_callback(lambda request: finished.append("still ran"))
        return "kept"

    response = TestApp(app, lint=True).get("/")
    assert response.text == "kept"
    assert finished == ["still ran"]
    [record] = errors(caplog)
    assert "KeyError" in record.getMessage()


# -- bodies are closed -----------------------------------------------------------------


class _Closing:
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"streamed"

    def close(self) -> None:
        self.closed = True


def test_streamed_body_through_middleware_is_closed_by_the_server() -> None:
    app = App()
    body = _Closing()
    app.add_route("/stream", lambda request: Response(app_iter=body))
    app.add_middleware(lambda request, call_next: call_next(request))
    assert TestApp(app, lint=True).get("/stream").body == b"streamed"
    assert body.closed


def test_streamed_body_of_a_head_answer_is_closed() -> None:
    app = App()
    body = _Closing()
    app.add_route("/stream", lambda request: Response(app_iter=body))
    app.add_middleware(lambda request, call_next: call_next(request))
    TestApp(app, lint=True).head("/stream")
    assert body.closed


# -- answers that cannot be sent, met on the way out -----------------------------------


def test_middlewares_answer_that_cannot_be_sent_is_a_500_outer_ones_see() -> None:
    app = App(debug=True)
    app.add_route("/hello", lambda request: "Hello")
    causes: list[BaseException | None] = []

    @app.middleware
    def outer(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        causes.append(request.exception.__cause__ if request.exception else None)
        return response

    @app.middleware
    def redirect_to_nowhere(request: Request, call_next: CallNext) -> webob.Response:
        return Response(status=302)  # no Location: a loop for the client

    response = TestApp(app, lint=True).get("/hello", status=500)
    assert isinstance(causes[0], ValueError)
    assert b"needs a Location header" in response.body  # debug: the traceback


def test_streamed_body_of_an_answer_that_cannot_be_sent_is_closed() -> None:
    app = App()
    body = _Closing()
    app.add_route("/", lambda request: Response(app_iter=body, status=302))
    app.add_middleware(lambda request, call_next: call_next(request))
    TestApp(app, lint=True).get("/", status=500)
    assert body.closed


def test_response_callback_on_an_answer_that_cannot_be_sent_gets_the_500() -> None:
    app = App()
    statuses: list[int] = []

    @app.route("/")
    def view(request: Request) -> Response:
        request.add_response_callback(
            lambda request, response: statuses.append(response.status_code)
        )
        return Response(status=301)

    assert send(app, "/").status == 500
    assert statuses == [500]


def test_streamed_body_is_closed_when_a_response_callback_fails() -> None:
    app = App()
    body = _Closing()

    @app.route("/")
    def view(request: Request) -> Response:
        request.add_response_callback(lambda request, response: 1 / 0)
        return Response(app_iter=body)

    TestApp(app, lint=True).get("/", status=500)
    assert body.closed


def test_finished_callback_is_given_the_request() -> None:
    app = App()
    seen: list[str] = []

    @app.route("/done")
    def view(request: Request) -> str:
        request.add_finished_callback(lambda request: seen.append(request.path_info))
        return "ok"

    TestApp(app, lint=True).get("/done")
    assert seen == ["/done"]


@pytest.mark.parametrize(
    ("middleware", "message"),
    [
        (_Counter, "middleware test_middleware._Counter is a class"),
        (_async_middleware, "middleware test_middleware._async_middleware is async"),
    ],
    ids=["class", "async"],
)
def test_refused_middleware_is_named_in_the_error(
    middleware: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        App().add_middleware(middleware)
    assert str(info.value).startswith(message)


def test_first_requests_on_many_threads_build_the_middleware_once() -> None:
    app = _app()
    built: list[int] = []

    def slow_factory(inner: Any) -> Any:
        built.append(1)
        time.sleep(0.05)  # a window for another thread's first request
        return inner

    app.add_wsgi_middleware(slow_factory)
    start = threading.Barrier(8)

    def first_request() -> int:
        start.wait(timeout=5)
        return send(app, "/hello").status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: first_request(), range(8)))
    assert statuses == [200] * 8
    assert built == [1]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_status_a_middleware_sets_is_sent_with_what_it_implies(method: str) -> None:
    app = _app()

    @app.middleware
    def not_modified(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.status_code = 304
        return response

    served = send(app, "/hello", method)
    assert (served.status, served.body) == (304, b"")
    assert served.header("Content-Length") is None


def test_plain_answer_to_head_through_middleware_has_no_body() -> None:
    app = _app()
    _tagging(app)
    client = TestApp(app, lint=True)
    head = client.head("/hello")
    assert (head.body, head.headers["Content-Length"]) == (b"", "5")
    assert client.get("/hello").body == b"Hello"


def test_unsendable_streamed_answer_of_a_middleware_is_closed() -> None:
    app = _app()
    body = _Closing()
    app.add_middleware(lambda request, call_next: Response(app_iter=body, status=302))
    TestApp(app, lint=True).get("/hello", status=500)
    assert body.closed


def test_unsendable_streamed_answer_with_response_callbacks_is_closed() -> None:
    app = App()
    body = _Closing()
    statuses: list[int] = []

    @app.route("/")
    def view(request: Request) -> Response:
        request.add_response_callback(
            lambda request, response: statuses.append(response.status_code)
        )
        return Response(app_iter=body, status=307)

    assert send(app, "/").status == 500
    assert (statuses, body.closed) == ([500], True)


# -- the response a middleware gets ----------------------------------------------------


def test_what_a_middleware_returns_is_what_the_next_one_out_gets() -> None:
    app = _app()
    returned: list[webob.Response] = []

    @app.middleware
    def outer(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        assert response is returned[0]
        return response

    @app.middleware
    def inner(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.headers["X-Inner"] = "1"
        returned.append(response)
        return response

    for path in ("/hello", "/raise", "/nowhere"):
        TestApp(app, lint=True).get(path, expect_errors=True)
    assert len(returned) == 3


@pytest.mark.parametrize("path", ["/hello", "/raise"])
def test_middleware_sees_no_body_in_an_answer_to_head(path: str) -> None:
    app = _app()
    bodies = _recording_bodies(app)

    client = TestApp(app, lint=True)
    client.head(path, expect_errors=True)
    client.get(path, expect_errors=True)
    assert bodies[0] == b""
    assert bodies[1] != b""


def test_conditional_response_a_middleware_asks_for_answers_a_range() -> None:
    app = _app()

    @app.middleware
    def ranges(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        response.conditional_response = True
        return response

    partial = TestApp(app, lint=True).get(
        "/hello", headers={"Range": "bytes=0-1"}, status=206
    )
    assert partial.body == b"He"


def test_streamed_body_of_a_204_through_middleware_is_closed() -> None:
    app = App()
    body = _Closing()
    app.add_route("/", lambda request: Response(app_iter=body, status=204))
    app.add_middleware(lambda request, call_next: call_next(request))
    served = send(app, "/")
    assert (served.status, served.body, body.closed) == (204, b"", True)


def test_middleware_gets_the_request_response_the_view_adjusted() -> None:
    app = App()
    same: list[bool] = []

    @app.route("/")
    def view(request: Request) -> str:
        request.response.headers["X-View"] = "1"
        return "adjusted"

    @app.middleware
    def check(request: Request, call_next: CallNext) -> webob.Response:
        response = call_next(request)
        same.append(response is request.response)
        return response

    assert TestApp(app, lint=True).get("/").headers["X-View"] == "1"
    assert same == [True]


class _CountingCloses(_Closing):
    def __init__(self) -> None:
        super().__init__()
        self.closes = 0

    def close(self) -> None:
        self.closes += 1


def test_body_of_a_head_answer_with_added_headers_is_closed_once() -> None:
    app = App()
    body = _CountingCloses()

    @app.route("/", methods=["GET", "POST"])
    def view(request: Request) -> HTTPMethodNotAllowed:
        return HTTPMethodNotAllowed(app_iter=body)  # the App adds its Allow

    app.add_middleware(lambda request, call_next: call_next(request))
    head = TestApp(app, lint=True).head("/", status=405)
    assert head.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert body.closes == 1
