"""Reliability: WSGI compliance, closing, failing views and policies.

Requests here go through :func:`wsgiref.validate.validator` (where it can
judge them), so a PEP 3333 violation (a bad status line, a control character
in a header, an iterable read after ``close()``) fails the test that made it.

Decision: the App answers ``Exception`` and its subclasses, never a bare
``BaseException``. ``KeyboardInterrupt``, ``SystemExit`` and
``GeneratorExit`` mean "stop", not "this request failed": swallowing them
into a 500 would keep a server from shutting down, so they propagate (the
server decides), and the App serves the next request normally.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
import webob
import webob.exc
from harness import environ_for, errors, send, serve

from httpx_views import (
    App,
    HTTPException,
    HTTPForbidden,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    HTTPUnauthorized,
    Request,
    Response,
)

# -- helpers ------------------------------------------------------------------------


class Closing:
    """A response iterable that counts its ``close()`` calls."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks or (b"streamed",)
        self.closed = 0

    def __iter__(self) -> Iterator[bytes]:
        assert not self.closed, "iterated after close()"
        return iter(self.chunks)

    def close(self) -> None:
        self.closed += 1


def ok_app(**kwargs: Any) -> App:
    """An App with a healthy ``/ok`` route, to check the next request."""
    app = App(**kwargs)
    app.add_route("/ok", lambda request: "ok")
    return app


def assert_still_serving(app: App) -> None:
    res = send(app, "/ok")
    assert (res.status, res.body) == (200, b"ok")


# -- close() exactly once -----------------------------------------------------------


def _view_returns(closing: Closing) -> App:
    app = ok_app()
    app.add_route(
        "/r", lambda request: Response(app_iter=closing, content_type="text/plain")
    )
    return app


def _request_response(closing: Closing) -> App:
    app = ok_app()

    @app.route("/r")
    def view(request: Request) -> None:
        request.response.app_iter = closing

    return app


def _http_exception(closing: Closing, *, raised: bool) -> App:
    app = ok_app()

    @app.route("/r")
    def view(request: Request) -> HTTPException:
        exc = HTTPForbidden(app_iter=closing, content_type="text/plain")
        if raised:
            raise exc
        return exc

    return app


def _exception_view(closing: Closing, exc_type: type[BaseException]) -> App:
    app = ok_app()

    @app.route("/r")
    def view(request: Request) -> None:
        raise exc_type("from the view")

    @app.exception_view(exc_type)
    def handle(request: Request) -> Response:
        return Response(app_iter=closing, status=503, content_type="text/plain")

    return app


def _notfound_view(closing: Closing) -> App:
    app = ok_app()
    app.notfound_view(
        lambda request: Response(
            app_iter=closing, status=404, content_type="text/plain"
        )
    )
    return app


def _too_large(closing: Closing) -> App:
    app = ok_app(max_body_size=4)
    app.add_route("/r", lambda request: request.body, methods=["POST"])
    app.exception_view(HTTPRequestEntityTooLarge)(
        lambda request: Response(
            app_iter=closing, status=413, content_type="text/plain"
        )
    )
    return app


def _refused_header(closing: Closing) -> App:
    app = ok_app()

    @app.route("/r")
    def view(request: Request) -> Response:
        response = Response(app_iter=closing, content_type="text/plain")
        response.headers["X-Evil"] = "a\r\nSet-Cookie: owned=1"
        return response

    return app


@pytest.mark.parametrize(
    ("build", "request_kw", "status"),
    [
        pytest.param(_view_returns, {}, 200, id="view-response"),
        pytest.param(_view_returns, {"method": "HEAD"}, 200, id="view-response-HEAD"),
        pytest.param(_request_response, {}, 200, id="request.response"),
        pytest.param(
            lambda c: _http_exception(c, raised=True), {}, 403, id="raised-http-exc"
        ),
        pytest.param(
            lambda c: _http_exception(c, raised=False), {}, 403, id="returned-http-exc"
        ),
        pytest.param(
            lambda c: _http_exception(c, raised=True),
            {"method": "HEAD"},
            403,
            id="raised-http-exc-HEAD",
        ),
        pytest.param(
            lambda c: _exception_view(c, KeyError), {}, 503, id="exception-view"
        ),
        pytest.param(
            lambda c: _exception_view(c, KeyError),
            {"method": "HEAD"},
            503,
            id="exception-view-HEAD",
        ),
        pytest.param(
            lambda c: _exception_view(c, RuntimeError), {}, 503, id="500-exception-view"
        ),
        pytest.param(_notfound_view, {}, 404, id="notfound-view"),
        pytest.param(
            _too_large, {"method": "POST", "body": b"x" * 10}, 413, id="413-declared"
        ),
        pytest.param(
            _too_large,
            {"method": "POST", "body": b"x" * 10, "chunked": True},
            413,
            id="413-chunked",
        ),
        # The App drops the view's response for a 500; it must still close
        # the iterable, or a streamed file stays open.
        pytest.param(_refused_header, {}, 500, id="500-refused-header"),
    ],
)
def test_close_called_exactly_once_on_every_path(
    build: Callable[[Closing], App], request_kw: dict[str, Any], status: int
) -> None:
    closing = Closing(b"own body")
    app = build(closing)
    res = send(app, "/r", **request_kw)
    assert res.status == status
    assert closing.closed == 1
    if request_kw.get("method") == "HEAD":
        assert res.body == b""
    elif status != 500:
        assert res.body == b"own body"
    assert_still_serving(app)


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade"}


def test_headers_refused_by_server_get_500_with_exc_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A server may refuse what start_response gets: Waitress raises for a
    # hop-by-hop header, which PEP 3333 forbids applications to send, after
    # taking the call as made. Answering 500 then means calling it again,
    # which PEP 3333 allows only with exc_info.
    closing = Closing()
    app = ok_app()

    @app.route("/hop")
    def hop(request: Request) -> Response:
        response = Response(app_iter=closing, content_type="text/plain")
        response.headers["Connection"] = "close"
        return response

    calls: list[tuple[str, Any]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if calls and exc_info is None:
            raise AssertionError("start_response called again without exc_info")
        calls.append((status, exc_info))
        for name, _ in headers:
            if name.lower() in HOP_BY_HOP:
                raise AssertionError(f"{name} is a hop-by-hop header")
        return lambda data: None

    environ: dict[str, Any] = {"PATH_INFO": "/hop", "QUERY_STRING": ""}
    setup_testing_defaults(environ)
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        iterable = app(environ, start_response)
    b"".join(iterable)
    assert [status[:3] for status, _ in calls] == ["200", "500"]
    assert calls[1][1] is not None
    assert len(errors(caplog)) == 1
    assert closing.closed == 1


def test_framework_responses_pass_validator(app: App) -> None:
    app.add_route("/only-get", lambda request: "x", methods=["GET"])
    app.add_route("/boom", lambda request: 1 / 0)
    for path, method, status in [
        ("/nowhere", "GET", 404),
        ("/only-get", "DELETE", 405),
        ("/boom", "GET", 500),
        ("/boom", "HEAD", 500),
    ]:
        assert send(app, path, method).status == status


# -- PEP 3333 environ corners -------------------------------------------------------


def test_environ_without_path_info_is_served_as_empty_path() -> None:
    # PEP 3333 lets a server leave PATH_INFO out when it is empty: an app
    # mounted at /mount asked for "/mount" itself. That is the empty path.
    app = ok_app()
    app.add_route("/", lambda request: "root")
    environ = environ_for("")
    environ["SCRIPT_NAME"] = "/mount"
    with_empty = serve(app, environ)
    environ = environ_for("")
    environ["SCRIPT_NAME"] = "/mount"
    del environ["PATH_INFO"]
    # (wsgiref.validate itself trips over a missing PATH_INFO: not used.)
    without = serve(app, environ, validate=False)
    assert without == with_empty
    assert without.status != 500


# -- views that raise ---------------------------------------------------------------


class _UnprintableError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("__str__ broke too")

    def __repr__(self) -> str:
        raise RuntimeError("__repr__ broke too")


class _ArgsError(Exception):
    def __init__(self, *, code: int) -> None:
        super().__init__(code)
        self.code = code


def _recurse(depth: int = 0) -> int:
    return _recurse(depth + 1) + 1


def _raise_group() -> None:
    if sys.version_info >= (3, 11):
        raise ExceptionGroup("several", [ValueError("a"), KeyError("b")])  # noqa: F821
    raise ValueError("no ExceptionGroup before 3.11")


_SECRET = "s3cr3t-<b>detail</b>"

EXCEPTIONS: list[Any] = [
    pytest.param(lambda: RuntimeError(_SECRET), id="RuntimeError"),
    pytest.param(lambda: ValueError(_SECRET), id="ValueError"),
    pytest.param(lambda: KeyError(_SECRET), id="KeyError"),
    pytest.param(lambda: IndexError(_SECRET), id="IndexError"),
    pytest.param(lambda: TypeError(_SECRET), id="TypeError"),
    pytest.param(lambda: AttributeError(_SECRET), id="AttributeError"),
    pytest.param(lambda: 1 / 0, id="ZeroDivisionError"),
    pytest.param(lambda: AssertionError(_SECRET), id="AssertionError"),
    pytest.param(lambda: NotImplementedError(_SECRET), id="NotImplementedError"),
    pytest.param(lambda: OSError(5, _SECRET), id="OSError"),
    pytest.param(lambda: ConnectionResetError(_SECRET), id="ConnectionResetError"),
    pytest.param(lambda: TimeoutError(_SECRET), id="TimeoutError"),
    pytest.param(lambda: MemoryError(_SECRET), id="MemoryError"),
    pytest.param(_recurse, id="RecursionError"),
    pytest.param(lambda: StopIteration(_SECRET), id="StopIteration"),
    pytest.param(lambda: StopAsyncIteration(_SECRET), id="StopAsyncIteration"),
    pytest.param(lambda: "é".encode("ascii"), id="UnicodeEncodeError"),
    pytest.param(lambda: OverflowError(_SECRET), id="OverflowError"),
    pytest.param(lambda: json.loads("{" + _SECRET), id="JSONDecodeError"),
    pytest.param(lambda: DeprecationWarning(_SECRET), id="Warning-as-exception"),
    pytest.param(_raise_group, id="ExceptionGroup"),
    pytest.param(lambda: _ArgsError(code=7), id="keyword-only-init"),
    pytest.param(
        lambda: RuntimeError(_SECRET + "\r\nX-Injected: 1"), id="crlf-message"
    ),
    pytest.param(lambda: RuntimeError(_SECRET * 50_000), id="huge-message"),
    pytest.param(_UnprintableError, id="unprintable"),
]


def _raiser(make: Callable[[], Any]) -> Callable[[Request], Any]:
    def view(request: Request) -> Any:
        result = make()  # some of these raise already
        raise result

    return view


@pytest.mark.parametrize("make", EXCEPTIONS)
def test_view_raising_any_exception_is_500_logged_once(
    caplog: pytest.LogCaptureFixture, make: Callable[[], Any]
) -> None:
    app = ok_app()
    app.add_route("/fail", _raiser(make))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, "/fail", headers={"Accept": "text/html"})
    assert res.status == 500
    assert b"s3cr3t" not in res.body
    assert b"Traceback" not in res.body
    assert b"X-Injected" not in res.body
    assert all("Injected" not in name + value for name, value in res.headers)
    records = errors(caplog)
    assert len(records) == 1
    assert records[0].exc_info is not None
    assert "GET '/fail'" in records[0].getMessage()
    assert_still_serving(app)


@pytest.mark.parametrize(
    "accept",
    [None, "text/html", "application/json", "application/problem+json", "text/*"],
)
def test_500_body_leaks_no_traceback_in_any_format(accept: str | None) -> None:
    app = ok_app()
    app.add_route("/fail", _raiser(lambda: RuntimeError(_SECRET)))
    res = send(app, "/fail", headers={"Accept": accept})
    assert res.status == 500
    for leak in (b"s3cr3t", b"Traceback", b"File ", b"RuntimeError", b"line "):
        assert leak not in res.body


# -- BaseException propagates -------------------------------------------------------

BASE_EXCEPTIONS = [KeyboardInterrupt, SystemExit, GeneratorExit]


@pytest.mark.parametrize("exc_type", BASE_EXCEPTIONS)
@pytest.mark.parametrize("where", ["view", "exception-view", "security-policy"])
def test_base_exception_propagates_and_app_recovers(
    caplog: pytest.LogCaptureFixture, exc_type: type[BaseException], where: str
) -> None:
    class Policy:
        def identity(self, request: Request) -> Any:
            return None

        def permits(self, request: Request, permission: str) -> bool:
            if where == "security-policy":
                raise exc_type()
            return True

    called = []
    app = ok_app(security_policy=Policy())

    @app.route("/stop", permission="p")
    def stop(request: Request) -> None:
        called.append(1)
        if where == "view":
            raise exc_type()
        raise LookupError("handled by the exception view")

    @app.exception_view(LookupError)
    def handle(request: Request) -> None:
        raise exc_type()

    with pytest.raises(exc_type):
        send(app, "/stop")
    assert errors(caplog) == []
    assert called == ([] if where == "security-policy" else [1])
    assert_still_serving(app)


# -- views returning the wrong thing ------------------------------------------------


def _wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"raw wsgi"]


def _cyclic() -> list[Any]:
    value: list[Any] = []
    value.append(value)
    return value


@pytest.mark.parametrize(
    ("make", "names_view"),
    [
        pytest.param(lambda: 3.5, True, id="float"),
        pytest.param(lambda: True, True, id="bool"),
        pytest.param(object, True, id="object"),
        pytest.param(lambda: (b"a", b"b"), True, id="tuple"),
        pytest.param(lambda: {1, 2}, True, id="set"),
        pytest.param(lambda: bytearray(b"x"), True, id="bytearray"),
        pytest.param(lambda: memoryview(b"x"), True, id="memoryview"),
        pytest.param(lambda: iter([b"x"]), True, id="iterator"),
        pytest.param(lambda: _wsgi_app, True, id="wsgi-callable"),
        pytest.param(lambda: RuntimeError("returned"), True, id="plain-exception"),
        # json.dumps fails on these; its message names the value, not the view.
        pytest.param(lambda: {"not": object()}, False, id="dict-not-json"),
        pytest.param(_cyclic, False, id="list-cyclic"),
    ],
)
def test_view_returning_bad_type_is_500_logged_once(
    caplog: pytest.LogCaptureFixture, make: Callable[[], Any], names_view: bool
) -> None:
    def odd_return_view(request: Request) -> Any:
        return make()

    app = ok_app()
    app.add_route("/odd", odd_return_view)
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, "/odd")
    assert res.status == 500
    assert b"odd_return_view" not in res.body
    records = errors(caplog)
    assert len(records) == 1
    if names_view:
        assert "odd_return_view" in records[0].getMessage()
    assert_still_serving(app)


# -- exception views that fail ------------------------------------------------------


def test_exception_view_reraising_its_exception_is_500_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = ok_app()
    app.add_route("/fail", _raiser(lambda: KeyError("k")))

    @app.exception_view(Exception)
    def again(request: Request) -> None:
        assert request.exception is not None
        raise request.exception

    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        assert send(app, "/fail").status == 500
    assert len(errors(caplog)) == 1
    assert_still_serving(app)


def test_exception_view_returning_the_plain_exception_is_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = ok_app()
    app.add_route("/fail", _raiser(lambda: KeyError("k")))
    app.exception_view(KeyError)(lambda request: request.exception)
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        assert send(app, "/fail").status == 500
    assert len(errors(caplog)) == 1


@pytest.mark.parametrize("path", ["/nowhere", "/gone"])
def test_notfound_view_that_fails_is_500_logged_once(
    caplog: pytest.LogCaptureFixture, path: str
) -> None:
    app = ok_app()
    app.add_route("/gone", _raiser(HTTPNotFound))
    calls = []

    @app.notfound_view
    def broken(request: Request) -> None:
        calls.append(1)
        raise RuntimeError("not found view broke")

    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, path)
    assert res.status == 500
    assert b"broke" not in res.body
    assert calls == [1]
    assert len(errors(caplog)) == 1
    assert_still_serving(app)


@pytest.mark.parametrize(
    "raise_again",
    [
        pytest.param(lambda: HTTPNotFound(detail="ours again"), id="ours"),
        pytest.param(lambda: webob.exc.HTTPNotFound(), id="webob"),
    ],
)
@pytest.mark.parametrize("path", ["/nowhere", "/gone"])
def test_notfound_view_raising_not_found_is_404_without_loop(
    caplog: pytest.LogCaptureFixture, raise_again: Callable[[], Any], path: str
) -> None:
    app = ok_app()
    app.add_route("/gone", _raiser(HTTPNotFound))
    calls = []

    @app.notfound_view
    def not_found(request: Request) -> None:
        calls.append(1)
        raise raise_again()

    res = send(app, path)
    assert res.status == 404
    assert calls == [1]
    assert errors(caplog) == []


def test_forbidden_view_raising_forbidden_is_403_without_loop() -> None:
    app = ok_app()
    app.add_route("/deny", _raiser(HTTPForbidden))
    calls = []

    @app.forbidden_view
    def forbidden(request: Request) -> None:
        calls.append(1)
        raise HTTPForbidden(detail="still no")

    res = send(app, "/deny")
    assert res.status == 403
    assert b"still no" in res.body
    assert calls == [1]


def test_exception_view_starts_from_a_fresh_response() -> None:
    # The failed view's half-made response (a status, a session cookie) is not
    # sane state; an exception view returning a plain value must not send it.
    app = ok_app()

    @app.route("/half")
    def half(request: Request) -> None:
        request.response.status_code = 201
        request.response.set_cookie("session", "for-a-request-that-failed")
        raise KeyError("failed after starting the response")

    app.exception_view(KeyError)(lambda request: "sorry")
    res = send(app, "/half")
    assert res.body == b"sorry"
    assert res.status == 200
    assert res.header("Set-Cookie") is None


# -- security policies that fail ----------------------------------------------------


class _Boom:
    def __bool__(self) -> bool:
        raise RuntimeError("truthiness broke")


class FlakyPolicy:
    """A policy whose *failing* method raises until ``healthy`` is set."""

    def __init__(self, failing: str) -> None:
        self.failing = failing
        self.healthy = False

    def identity(self, request: Request) -> Any:
        if self.failing == "identity" and not self.healthy:
            raise RuntimeError("identity broke")
        return "alice"

    def permits(self, request: Request, permission: str) -> Any:
        if not self.healthy:
            if self.failing == "permits":
                raise RuntimeError("permits broke")
            if self.failing == "permits-result":
                return _Boom()
        return request.identity == "alice"


FAILURES = ["identity", "permits", "permits-result"]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


@pytest.mark.parametrize("failing", FAILURES)
@pytest.mark.parametrize("method", METHODS)
def test_policy_error_is_500_logged_once_then_recovers(
    caplog: pytest.LogCaptureFixture, failing: str, method: str
) -> None:
    policy = FlakyPolicy(failing)
    app = ok_app(security_policy=policy)
    called = []
    app.add_route("/admin", lambda request: called.append(1) or "admin", permission="p")
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, "/admin", method)
    assert res.status == 500
    assert b"broke" not in res.body
    assert called == []
    assert len(errors(caplog)) == 1
    policy.healthy = True
    res = send(app, "/admin", method)
    assert res.status == 200
    assert called == [1]


@pytest.mark.parametrize("failing", FAILURES)
def test_policy_error_never_grants_access_even_with_catch_all_view(
    caplog: pytest.LogCaptureFixture, failing: str
) -> None:
    # docs/explanation/security.rst: an exception in identity or permits is
    # a logged 500 whatever exception views the application has. A catch-all
    # view answers the view's own errors, never the policy's.
    app = App(security_policy=FlakyPolicy(failing))
    called = []

    class Admin:
        def __init__(self) -> None:
            called.append("instance")

        def get(self, request: Request) -> str:
            called.append("get")
            return "admin"

    app.add_route("/admin", Admin, permission="p")
    app.add_route("/fn", lambda request: called.append("fn"), permission="p")
    # An application that answers every error itself, politely.
    app.exception_view(Exception)(lambda request: "something went wrong")
    for path in ("/admin", "/fn"):
        with caplog.at_level(logging.ERROR, logger="httpx_views"):
            res = send(app, path)
        assert res.status == 500
        assert res.body != b"something went wrong"
    assert called == []
    assert len(errors(caplog)) == 2


def test_policy_error_in_forbidden_view_is_500_and_view_not_called(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Policy:
        def identity(self, request: Request) -> Any:
            raise RuntimeError("identity broke")

        def permits(self, request: Request, permission: str) -> bool:
            return False

    app = ok_app(security_policy=Policy())
    called = []
    app.add_route("/admin", lambda request: called.append(1), permission="p")

    @app.forbidden_view
    def forbidden(request: Request) -> None:
        if request.identity is None:
            raise HTTPUnauthorized(www_authenticate='Basic realm="x"')

    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        assert send(app, "/admin").status == 500
    assert called == []
    assert len(errors(caplog)) == 1
    assert_still_serving(app)


def test_policy_raising_http_exception_is_that_response() -> None:
    class Policy:
        def identity(self, request: Request) -> Any:
            return None

        def permits(self, request: Request, permission: str) -> bool:
            raise HTTPUnauthorized(www_authenticate='Bearer realm="api"')

    app = App(security_policy=Policy())
    called = []
    app.add_route("/admin", lambda request: called.append(1), permission="p")
    res = send(app, "/admin")
    assert res.status == 401
    assert res.header("WWW-Authenticate") == 'Bearer realm="api"'
    assert called == []


def test_identity_error_in_unprotected_view_is_500_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    policy = FlakyPolicy("identity")
    app = ok_app(security_policy=policy)
    app.add_route("/me", lambda request: f"hello {request.identity}")
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        assert send(app, "/me").status == 500
    assert len(errors(caplog)) == 1
    policy.healthy = True
    assert send(app, "/me").body == b"hello alice"
