"""Issue #9: what the App refuses to send, where errors go, HTTP corners.

Each test here failed before the fix it comes with. Most go through WebTest
(whose lint checks every answer against PEP 3333); the rest call the App as a
server does (:func:`harness.send`, through :mod:`wsgiref.validate`).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pyramid.httpexceptions
import pytest
import webob
import webob.exc
from harness import environ_for, errors, send, serve
from webtest import TestApp

from httpx_views import (
    App,
    HTTPBadRequest,
    HTTPConflict,
    HTTPError,
    HTTPException,
    HTTPForbidden,
    HTTPFound,
    HTTPGone,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPMovedPermanently,
    HTTPMultipleChoices,
    HTTPNotFound,
    HTTPOk,
    HTTPPaymentRequired,
    HTTPPermanentRedirect,
    HTTPResetContent,
    HTTPSeeOther,
    HTTPServerError,
    HTTPTemporaryRedirect,
    Request,
    Response,
)

View = Callable[[Request], Any]


def _raises(exc: BaseException) -> View:
    def view(request: Request) -> Any:
        raise exc

    return view


def _served(app: App, view: View, path: str = "/v", **kw: Any) -> App:
    app.add_route(path, view, **kw)
    return app


def _one_error(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    records = errors(caplog)
    assert len(records) == 1, [record.getMessage() for record in records]
    return records[0]


# -- A. a redirect needs somewhere to go -----------------------------------------


def _request_response_redirect(request: Request) -> str:
    request.response.status_code = 302
    return "moved"


def _response_with_empty_location(request: Request) -> Response:
    response = Response("moved", status=301)
    response.headers["Location"] = ""
    return response


NOWHERE_REDIRECTS: list[Any] = [
    *(
        pytest.param(lambda request, cls=cls: cls(), id=f"returned-{cls.__name__}")
        for cls in (
            HTTPMovedPermanently,
            HTTPFound,
            HTTPSeeOther,
            HTTPTemporaryRedirect,
            HTTPPermanentRedirect,
        )
    ),
    pytest.param(_raises(HTTPFound()), id="raised-HTTPFound"),
    pytest.param(_raises(webob.exc.HTTPFound()), id="raised-webob-HTTPFound"),
    pytest.param(lambda request: webob.exc.HTTPSeeOther(), id="webob-HTTPSeeOther"),
    pytest.param(lambda request: Response(status=307), id="Response-no-location"),
    pytest.param(_response_with_empty_location, id="Response-empty-location"),
    pytest.param(_request_response_redirect, id="request.response-302"),
]


@pytest.mark.parametrize("view", NOWHERE_REDIRECTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_redirect_without_location_is_logged_500(
    app: App, caplog: pytest.LogCaptureFixture, view: View, method: str
) -> None:
    _served(app, view)
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).request("/v", method=method, status=500)
    assert "Location" not in res.headers
    assert "Location" in _one_error(caplog).getMessage()


def test_redirect_built_without_location_may_get_one_later(app: App) -> None:
    # Constructing one stays allowed: an exception view may fill it in.
    app.add_route("/v", _raises(HTTPFound()))

    @app.exception_view(HTTPFound)
    def to_login(request: Request) -> HTTPFound:
        return HTTPFound(location="/login")

    res = TestApp(app).get("/v", status=302)
    assert res.headers["Location"] == "http://localhost/login"


def test_multiple_choices_needs_no_location(app: App) -> None:
    # 300 lists its choices in the body; Location is optional there.
    _served(app, lambda request: HTTPMultipleChoices())
    res = TestApp(app).get("/v", status=300)
    assert "Location" not in res.headers


def test_webob_add_slash_redirect_goes_to_the_path_with_a_slash(app: App) -> None:
    # WebOb makes the Location of an add_slash redirect as it sends it: one
    # without a Location header of its own is no redirect to nowhere.
    _served(app, lambda request: webob.exc.HTTPMovedPermanently(add_slash=True))
    res = TestApp(app).get("/v", status=301)
    assert res.headers["Location"] == "http://localhost/v/"


# -- A. JSON that is not JSON --------------------------------------------------------


def _nan_view(value: Any, touch_response: bool) -> View:
    def nan_view(request: Request) -> Any:
        if touch_response:
            request.response.headers["X-Touched"] = "1"
        return value

    return nan_view


NOT_JSON = [
    pytest.param({"x": float("nan")}, id="nan"),
    pytest.param([1.0, float("inf")], id="inf"),
    pytest.param({"a": [{"b": [float("-inf")]}]}, id="deep-minus-inf"),
]


@pytest.mark.parametrize("value", NOT_JSON)
@pytest.mark.parametrize("touch_response", [False, True])
def test_json_with_nan_or_infinity_is_logged_500_naming_the_view(
    app: App, caplog: pytest.LogCaptureFixture, value: Any, touch_response: bool
) -> None:
    _served(app, _nan_view(value, touch_response))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/v", status=500)
    assert b"NaN" not in res.body
    assert b"Infinity" not in res.body
    message = _one_error(caplog).getMessage()
    assert "nan_view" in message
    assert f"returned {type(value).__name__}" in message  # what it returned


def test_json_with_nan_from_exception_view_is_logged_500(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_route("/v", _raises(KeyError("k")))
    app.exception_view(KeyError)(_nan_view({"x": float("nan")}, False))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/v", status=500)
    assert b"NaN" not in res.body
    assert "nan_view" in _one_error(caplog).getMessage()


def _odd_view(value: Any, touch_response: bool) -> View:
    def odd_view(request: Request) -> Any:
        if touch_response:
            request.response.headers["X-Touched"] = "1"
        return value

    return odd_view


@pytest.mark.parametrize("value", [42, {"a"}, object()], ids=["int", "set", "object"])
@pytest.mark.parametrize("touch_response", [False, True])
def test_value_no_view_may_return_is_logged_500_naming_view_and_type(
    app: App, caplog: pytest.LogCaptureFixture, value: Any, touch_response: bool
) -> None:
    _served(app, _odd_view(value, touch_response))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        TestApp(app).get("/v", status=500)
    message = _one_error(caplog).getMessage()
    assert "odd_view" in message
    assert f"returned {type(value).__name__}" in message
    assert "Response" in message  # and what a view may return instead


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("str() of this exception fails")


def test_exception_that_cannot_say_its_message_is_logged_by_its_class(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    _served(app, _raises(Unprintable()))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        TestApp(app).get("/v", status=500)
    # The stand-in for the message it cannot give names its class.
    assert "<Unprintable" in _one_error(caplog).getMessage()


# -- A. the status line is checked like the headers ---------------------------------

BAD_STATUS_LINES = [
    pytest.param("200 OK\x01", id="control"),
    pytest.param("402 Pay\x1bnow", id="escape"),
    pytest.param("200 OK\r\nSet-Cookie: owned=1", id="crlf"),
    pytest.param("200 OK\x7f", id="delete"),
]


def _status_on_response(status: str) -> View:
    return lambda request: Response("body", status=status)


def _status_on_request_response(status: str, result: Any) -> View:
    def view(request: Request) -> Any:
        request.response.status = status
        return result

    return view


def _status_on_exception(status: str, cls: type[Any]) -> View:
    def view(request: Request) -> Any:
        exc = cls()
        exc.status = status
        raise exc

    return view


STATUS_CARRIERS: list[Any] = [
    pytest.param(_status_on_response, id="Response"),
    pytest.param(
        lambda status: _status_on_request_response(status, "text"),
        id="request.response-str",
    ),
    pytest.param(
        lambda status: _status_on_request_response(status, {"a": 1}),
        id="request.response-dict",
    ),
    pytest.param(
        lambda status: _status_on_request_response(status, None),
        id="request.response-None",
    ),
    pytest.param(lambda status: _status_on_exception(status, HTTPForbidden), id="ours"),
    pytest.param(
        lambda status: _status_on_exception(status, webob.exc.HTTPForbidden),
        id="webob.exc",
    ),
]


@pytest.mark.parametrize("status", BAD_STATUS_LINES)
@pytest.mark.parametrize("carrier", STATUS_CARRIERS)
def test_status_line_with_control_character_is_logged_500(
    app: App,
    caplog: pytest.LogCaptureFixture,
    carrier: Callable[[str], View],
    status: str,
) -> None:
    _served(app, carrier(status))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, "/v")
    assert res.status == 500
    assert res.header("Set-Cookie") is None
    assert "status" in _one_error(caplog).getMessage()


def _header_on(where: str) -> View:
    def view(request: Request) -> Any:
        if where == "Response":
            response = Response("x")
        elif where == "webob.exc":
            response = webob.exc.HTTPForbidden()
        elif where == "ours":
            response = HTTPForbidden()
        else:
            response = request.response
        response.headers["X-Price"] = "5 \u20ac"
        return "text" if where == "request.response" else response

    return view


@pytest.mark.parametrize("where", ["Response", "webob.exc", "ours", "request.response"])
def test_header_value_outside_latin1_is_logged_500(
    app: App, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    _served(app, _header_on(where))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, "/v")
    assert res.status == 500
    assert res.header("X-Price") is None
    assert "Latin-1" in _one_error(caplog).getMessage()


@pytest.mark.parametrize("where", ["Response", "request.response"])
def test_header_that_cannot_be_sent_is_not_an_exception_views_to_answer(
    app: App, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    # The same whether the view returns its response or text on
    # request.response: the response is checked as it is sent, after every
    # view and exception view, so it is a logged 500 and nothing else.
    answered: list[BaseException] = []

    @app.exception_view(Exception)
    def anything(request: Request) -> str:
        assert request.exception is not None
        answered.append(request.exception)
        return "handled"

    _served(app, _header_on(where))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = send(app, "/v")
    assert (res.status, answered) == (500, [])
    assert "Latin-1" in _one_error(caplog).getMessage()


# -- B. a view's own decoding error is the server's ----------------------------------


def test_unicode_decode_error_in_view_code_is_logged_500(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    def corrupt_file(request: Request) -> str:
        return b"caf\xe9".decode("utf-8")

    _served(app, corrupt_file)
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        TestApp(app).get("/v", status=500)
    assert "UnicodeDecodeError" in _one_error(caplog).getMessage()


# -- B. unhandled exceptions reach the 500's exception views -------------------------


@pytest.mark.parametrize(
    "registered",
    [HTTPInternalServerError, HTTPServerError, HTTPError, HTTPException],
)
def test_unhandled_exception_is_logged_then_branded_by_500_view(
    app: App, caplog: pytest.LogCaptureFixture, registered: type[Exception]
) -> None:
    original = RuntimeError("db down")
    app.add_route("/v", _raises(original))
    seen: list[BaseException | None] = []

    @app.exception_view(registered)
    def branded(request: Request) -> Response:
        seen.append(request.exception)
        return Response("Sorry, our fault.", status=500, content_type="text/plain")

    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/v", status=500)
    assert res.text == "Sorry, our fault."
    assert "db down" in _one_error(caplog).getMessage()
    [exception] = seen
    assert isinstance(exception, HTTPInternalServerError)
    assert exception.__cause__ is original


def test_500_view_brands_only_under_its_prefix(app: App) -> None:
    app.add_route("/api/v", _raises(RuntimeError("x")))
    app.add_route("/v", _raises(RuntimeError("x")))
    app.exception_view(HTTPInternalServerError, path_prefix="/api")(
        lambda request: {"error": "internal"}
    )
    client = TestApp(app)
    assert client.get("/api/v", status=200).json == {"error": "internal"}
    assert "Internal Server Error" in client.get("/v", status=500).text


def test_exception_view_for_exception_still_comes_first(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    original = RuntimeError("x")
    app.add_route("/v", _raises(original))
    seen: list[BaseException | None] = []
    app.exception_view(Exception)(lambda request: seen.append(request.exception))
    app.exception_view(HTTPInternalServerError)(lambda request: "branded")
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/v", status=200)
    assert res.text == ""
    assert seen == [original]
    assert errors(caplog) == []


def test_500_view_that_fails_is_plain_500_logged_twice(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.add_route("/v", _raises(RuntimeError("first")))
    app.exception_view(HTTPInternalServerError)(_raises(RuntimeError("second")))
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/v", status=500)
    assert "Internal Server Error" in res.text
    messages = [record.getMessage() for record in errors(caplog)]
    assert len(messages) == 2
    assert "first" in messages[0]
    assert "second" in messages[1]


def test_debug_500_view_sees_the_traceback_page() -> None:
    app = App(debug=True)
    app.add_route("/v", _raises(RuntimeError("secret detail")))

    @app.exception_view(HTTPInternalServerError)
    def branded(request: Request) -> Any:
        assert request.exception is not None
        request.exception.headers["X-Branded"] = "yes"
        return request.exception

    res = TestApp(app).get("/v", headers={"Accept": "text/html"}, status=500)
    assert res.headers["X-Branded"] == "yes"
    assert "<pre>" in res.text
    assert "Traceback" in res.text
    assert "secret detail" in res.text


# -- B. a failing security policy is a 500 only HTTP views may brand -----------------


class PolicyError(Exception):
    pass


class _FailingPolicy:
    def __init__(self, failing: str) -> None:
        self.failing = failing

    def identity(self, request: Request) -> Any:
        if self.failing == "identity":
            raise PolicyError("identity broke")
        return "alice"

    def permits(self, request: Request, permission: str) -> bool:
        if self.failing == "permits":
            raise PolicyError("permits broke")
        return request.identity == "alice"


@pytest.mark.parametrize("failing", ["identity", "permits"])
@pytest.mark.parametrize("registered", [Exception, PolicyError])
def test_policy_error_is_not_answered_by_non_http_exception_views(
    caplog: pytest.LogCaptureFixture, failing: str, registered: type[Exception]
) -> None:
    app = App(security_policy=_FailingPolicy(failing))
    called = []
    app.add_route("/admin", lambda request: called.append("view"), permission="p")
    app.exception_view(registered)(lambda request: "all is well")
    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/admin", status=500)
    assert "all is well" not in res.text
    assert "broke" in _one_error(caplog).getMessage()
    assert called == []


@pytest.mark.parametrize("failing", ["identity", "permits"])
def test_policy_error_may_be_branded_by_500_view(
    caplog: pytest.LogCaptureFixture, failing: str
) -> None:
    app = App(security_policy=_FailingPolicy(failing))
    called = []
    app.add_route("/admin", lambda request: called.append("view"), permission="p")
    app.exception_view(Exception)(lambda request: "all is well")
    causes: list[Any] = []

    @app.exception_view(HTTPInternalServerError)
    def branded(request: Request) -> Response:
        causes.append(request.exception.__cause__)
        return Response("Sorry.", status=500, content_type="text/plain")

    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        res = TestApp(app).get("/admin", status=500)
    assert res.text == "Sorry."
    assert len(errors(caplog)) == 1
    assert [type(cause) for cause in causes] == [PolicyError]
    assert called == []


# -- B. every dropped iterable is closed ----------------------------------------------


class Tracked:
    """A response iterable that records itself, to count its ``close()`` calls."""

    made: list[Tracked] = []  # noqa: RUF012 - test bookkeeping

    def __init__(self, body: bytes = b"tracked") -> None:
        self.body = body
        self.closed = 0
        Tracked.made.append(self)

    def __iter__(self) -> Iterator[bytes]:
        assert not self.closed, "iterated after close()"
        return iter([self.body])

    def close(self) -> None:
        self.closed += 1


class Stop(webob.Response, Exception):
    """A user's response that is also an exception."""


def _closing_app() -> App:
    app = App()

    @app.route("/exc-replaced-by-view")
    def exc_replaced(request: Request) -> None:
        raise HTTPForbidden(app_iter=Tracked(), content_type="text/plain")

    @app.exception_view(HTTPForbidden)
    def forbidden(request: Request) -> Response:
        return Response(app_iter=Tracked(), status=403, content_type="text/plain")

    @app.route("/webob-exc-replaced-by-view")
    def webob_exc_replaced(request: Request) -> None:
        raise webob.exc.HTTPForbidden(app_iter=Tracked(), content_type="text/plain")

    @app.route("/exc-view-fails")
    def exc_view_fails(request: Request) -> None:
        raise HTTPNotFound(app_iter=Tracked(), content_type="text/plain")

    app.exception_view(HTTPNotFound)(_raises(RuntimeError("the view broke")))

    @app.route("/stop-replaced-by-view")
    def stop_replaced(request: Request) -> None:
        raise Stop(app_iter=Tracked(), status=202, content_type="text/plain")

    @app.exception_view(Stop)
    def stopped(request: Request) -> Response:
        return Response(app_iter=Tracked(), content_type="text/plain")

    @app.route("/request-response-dropped")
    def response_dropped(request: Request) -> None:
        request.response.app_iter = Tracked()
        raise HTTPMethodNotAllowed(allow=["GET"])

    @app.route("/refused-status")
    def refused_status(request: Request) -> Response:
        return Response(app_iter=Tracked(), status="200 O\x01K")

    @app.route("/no-content")
    def no_content(request: Request) -> Response:
        return Response(app_iter=Tracked(), status=204)

    @app.route("/request-response-no-content")
    def request_response_no_content(request: Request) -> None:
        request.response.app_iter = Tracked()
        request.response.status_code = 204

    @app.route("/webob-exc-own-body")
    def webob_exc_own_body(request: Request) -> None:
        raise webob.exc.HTTPConflict(app_iter=Tracked(), content_type="text/plain")

    @app.route("/ours-own-body")
    def ours_own_body(request: Request) -> None:
        raise HTTPPaymentRequired(app_iter=Tracked(), content_type="text/plain")

    @app.route("/sent")
    def sent(request: Request) -> Response:
        return Response(app_iter=Tracked(), content_type="text/plain")

    @app.route("/exc-sent-by-its-view")
    def exc_sent_by_its_view(request: Request) -> None:
        raise HTTPGone(app_iter=Tracked(), content_type="text/plain")

    app.exception_view(HTTPGone)(lambda request: request.exception)

    @app.route("/request-response-is-the-exc")
    def request_response_is_the_exc(request: Request) -> Response:
        request.response = HTTPConflict(app_iter=Tracked(), content_type="text/plain")
        return request.response

    return app


def test_close_called_once_on_every_iterable_made(
    caplog: pytest.LogCaptureFixture,
) -> None:
    Tracked.made.clear()
    app = _closing_app()
    client = TestApp(app)
    paths = [route.pattern for route in app.router.routes]
    with caplog.at_level(logging.CRITICAL, logger="httpx_views"):
        for _ in range(20):
            for path in paths:
                for method in ("GET", "HEAD"):
                    client.request(path, method=method, expect_errors=True)
    assert len(Tracked.made) > 20 * len(paths)
    assert [t.closed for t in Tracked.made] == [1] * len(Tracked.made)


@pytest.mark.parametrize(("method", "body"), [("PUT", b"tracked"), ("HEAD", b"")])
@pytest.mark.parametrize(
    "cls", [HTTPMethodNotAllowed, webob.exc.HTTPMethodNotAllowed], ids=["ours", "webob"]
)
def test_405_with_its_own_body_and_an_added_allow_is_closed_once_when_sent(
    cls: type[Exception], method: str, body: bytes
) -> None:
    # Sent with the Allow of its route added, it still sends its own
    # iterable, or for HEAD an empty one that closes it: the server closes
    # what is sent; the App does not close the body a second time.
    Tracked.made.clear()
    app = _served(
        App(),
        _raises(cls(app_iter=Tracked(), content_type="text/plain")),
        methods=["GET", "PUT"],
    )
    served = send(app, "/v", method)
    assert (served.status, served.body) == (405, body)
    assert served.header("Allow") == "GET, HEAD, OPTIONS, PUT"
    assert [t.closed for t in Tracked.made] == [1]


def test_500_view_sending_another_response_closes_the_500s_own_body(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    Tracked.made.clear()
    _served(app, _raises(RuntimeError("the view broke")))

    @app.exception_view(HTTPInternalServerError)
    def branded(request: Request) -> Response:
        assert request.exception is not None
        request.exception.app_iter = Tracked()  # a body it then does not send
        return Response(app_iter=Tracked(), status=500, content_type="text/plain")

    with caplog.at_level(logging.CRITICAL, logger="httpx_views"):
        served = send(app, "/v")
    assert (served.status, served.body) == (500, b"tracked")
    assert [t.closed for t in Tracked.made] == [1, 1]


# -- B. any raised Response is the response -------------------------------------------


def test_raised_response_subclass_is_the_response(app: App) -> None:
    _served(app, _raises(Stop("stopped early", status=202, content_type="text/plain")))
    res = TestApp(app).get("/v", status=202)
    assert res.text == "stopped early"


def test_raised_response_subclass_goes_through_its_exception_view(app: App) -> None:
    _served(app, _raises(Stop("stopped", status=202)))
    app.exception_view(Stop)(lambda request: "seen by the view")
    assert TestApp(app).get("/v", status=200).text == "seen by the view"


@pytest.mark.parametrize(
    ("make", "status"),
    [
        pytest.param(pyramid.httpexceptions.HTTPPaymentRequired, 402, id="402"),
        pytest.param(
            lambda: pyramid.httpexceptions.HTTPFound("/elsewhere"), 302, id="302"
        ),
        pytest.param(pyramid.httpexceptions.HTTPNotFound, 404, id="404"),
    ],
)
def test_raised_pyramid_exception_is_the_response(
    app: App, make: Callable[[], Exception], status: int
) -> None:
    app.add_route("/raised", lambda request: _raises(make())(request))
    app.add_route("/returned", lambda request: make())
    client = TestApp(app)
    raised = client.get("/raised", status=status)
    returned = client.get("/returned", status=status)
    assert raised.headers.get("Location") == returned.headers.get("Location")
    assert raised.body == returned.body


# -- C. HEAD carries the headers GET would --------------------------------------------

WEBOB_EXCEPTIONS: list[Any] = [
    pytest.param(lambda: webob.exc.HTTPNotFound(), id="404"),
    pytest.param(lambda: webob.exc.HTTPPaymentRequired("pay first"), id="402-detail"),
    pytest.param(lambda: webob.exc.HTTPFound(location="/there"), id="302"),
    pytest.param(lambda: webob.exc.HTTPGone(comment="<b>"), id="410-comment"),
]
ACCEPTS = [None, "text/html", "application/json", "text/plain", "*/*"]


@pytest.mark.parametrize("make", WEBOB_EXCEPTIONS)
@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("raised", [True, False])
def test_head_of_webob_exception_has_get_headers(
    app: App, make: Callable[[], Exception], accept: str | None, raised: bool
) -> None:
    def view(request: Request) -> Any:
        if raised:
            raise make()
        return make()

    _served(app, view)
    headers = {"Accept": accept} if accept else {}
    client = TestApp(app)
    get = client.get("/v", headers=headers, status="*")
    head = client.head("/v", headers=headers, status="*")
    assert head.status == get.status
    assert head.body == b""
    assert int(get.headers["Content-Length"]) == len(get.body) > 0
    assert sorted(head.headerlist) == sorted(get.headerlist)


@pytest.mark.parametrize("make", WEBOB_EXCEPTIONS)
def test_webob_exception_negotiated_body_varies_on_accept(
    app: App, make: Callable[[], Exception]
) -> None:
    _served(app, _raises(make()))
    res = TestApp(app).get("/v", headers={"Accept": "application/json"}, status="*")
    assert res.headers["Vary"] == "Accept"


def test_webob_exception_vary_accept_joins_existing_vary(app: App) -> None:
    _served(app, lambda request: webob.exc.HTTPForbidden(headers={"Vary": "Cookie"}))
    res = TestApp(app).get("/v", status=403)
    assert res.headers.getall("Vary") == ["Cookie, Accept"]


def test_webob_exception_with_own_body_does_not_vary(app: App) -> None:
    _served(
        app,
        lambda request: webob.exc.HTTPForbidden(body=b"no", content_type="text/plain"),
    )
    res = TestApp(app).get("/v", status=403)
    assert res.body == b"no"
    assert "Vary" not in res.headers


# -- C. 204, 205 and 304 --------------------------------------------------------------


def _status_via_request_response(code: int, result: Any) -> View:
    def view(request: Request) -> Any:
        request.response.status_code = code
        return result

    return view


RESULTS = [
    pytest.param(None, id="None"),
    pytest.param("text", id="str"),
    pytest.param(b"bytes", id="bytes"),
    pytest.param({"a": 1}, id="dict"),
]


@pytest.mark.parametrize("code", [204, 304])
@pytest.mark.parametrize("result", RESULTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_204_and_304_via_request_response_send_no_body_type_or_length(
    app: App, code: int, result: Any, method: str
) -> None:
    _served(app, _status_via_request_response(code, result))
    res = TestApp(app).request("/v", method=method, status=code)
    assert res.body == b""
    assert "Content-Type" not in res.headers
    assert "Content-Length" not in res.headers


@pytest.mark.parametrize("result", RESULTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_205_via_request_response_sends_length_zero(
    app: App, result: Any, method: str
) -> None:
    _served(app, _status_via_request_response(205, result))
    res = TestApp(app).request("/v", method=method, status=205)
    assert res.body == b""
    assert ("Content-Length", "0") in res.headerlist  # spelled as the App's own
    assert "Content-Type" not in res.headers


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(lambda request: Response("reset", status=205), id="Response"),
        pytest.param(lambda request: Response(status=205), id="Response-empty"),
        pytest.param(lambda request: HTTPResetContent(), id="ours"),
        pytest.param(_raises(webob.exc.HTTPResetContent()), id="webob.exc"),
    ],
)
def test_205_always_sends_length_zero(app: App, view: View) -> None:
    _served(app, view)
    res = TestApp(app).get("/v", status=205)
    assert res.body == b""
    assert ("Content-Length", "0") in res.headerlist  # spelled as the App's own
    assert "Content-Type" not in res.headers


@pytest.mark.parametrize("code", [202, 402])
@pytest.mark.parametrize("result", RESULTS)
def test_status_set_on_request_response_is_sent_with_any_plain_value(
    app: App, code: int, result: Any
) -> None:
    _served(app, _status_via_request_response(code, result))
    assert send(app, "/v").status == code


# -- C. a view's 405 says what is allowed ---------------------------------------------


def test_405_raised_by_view_gets_allow_from_its_route(app: App) -> None:
    _served(app, _raises(HTTPMethodNotAllowed()), methods=["GET", "POST"])
    res = TestApp(app).post("/v", status=405)
    assert ("Allow", "GET, HEAD, OPTIONS, POST") in res.headerlist


def test_405_from_webob_raised_by_view_gets_allow(app: App) -> None:
    _served(app, _raises(webob.exc.HTTPMethodNotAllowed()), methods=["PUT"])
    res = TestApp(app).put("/v", status=405)
    assert res.headers["Allow"] == "OPTIONS, PUT"


def test_405_raised_by_class_view_gets_allow_from_its_methods(app: App) -> None:
    class Notes:
        def get(self, request: Request) -> str:
            return "notes"

        def delete(self, request: Request) -> None:
            raise HTTPMethodNotAllowed()

    app.add_route("/notes", Notes)
    res = TestApp(app).delete("/notes", status=405)
    assert res.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"


def test_405_raised_by_view_keeps_its_own_allow(app: App) -> None:
    _served(app, _raises(HTTPMethodNotAllowed(allow=["GET"])), methods=["GET", "PUT"])
    assert TestApp(app).put("/v", status=405).headers["Allow"] == "GET"


def test_405_raised_by_view_serving_every_method_has_no_allow(app: App) -> None:
    # Decision: a route serving every method cannot say which ones its view
    # refuses; the view must pass allow= itself.
    _served(app, _raises(HTTPMethodNotAllowed()))
    assert "Allow" not in TestApp(app).put("/v", status=405).headers


# -- C. bytes are not text -----------------------------------------------------------


def _bytes_view(touch: str) -> View:
    def view(request: Request) -> bytes:
        if touch == "header":
            request.response.headers["X-Touched"] = "1"
        elif touch == "status":
            request.response.status_code = 202
        elif touch == "conditional":
            request.response.conditional_response = True
        elif touch == "location":
            request.response.status_code = 201
            request.response.location = "/made"
        elif touch == "cookie":
            request.response.set_cookie("seen", "1")
        return b"\x89PNG"

    return view


@pytest.mark.parametrize(
    "touch", ["nothing", "header", "status", "conditional", "location", "cookie"]
)
def test_bytes_without_content_type_is_octet_stream(app: App, touch: str) -> None:
    _served(app, _bytes_view(touch))
    res = TestApp(app).get("/v")
    assert res.headers.getall("Content-Type") == ["application/octet-stream"]
    assert res.body == b"\x89PNG"


@pytest.mark.parametrize(
    ("content_type", "sent"),
    [("image/png", "image/png"), ("text/plain", "text/plain; charset=UTF-8")],
)
def test_bytes_keep_the_content_type_the_view_set(
    app: App, content_type: str, sent: str
) -> None:
    def typed(request: Request) -> bytes:
        request.response.content_type = content_type
        request.response.headers["X-After"] = "1"
        return b"\x89PNG"

    _served(app, typed)
    assert TestApp(app).get("/v").headers["Content-Type"] == sent


@pytest.mark.parametrize("touch", ["nothing", "header"])
def test_str_stays_utf8_text(app: App, touch: str) -> None:
    def text(request: Request) -> str:
        if touch == "header":
            request.response.headers["X-Touched"] = "1"
        return "caf\u00e9"

    _served(app, text)
    res = TestApp(app).get("/v")
    assert res.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert res.body == "caf\u00e9".encode()


@pytest.mark.parametrize(
    ("value", "content_type"),
    [
        ("text", "text/plain; charset=UTF-8"),
        (b"\x89PNG", "application/octet-stream"),
        ({"a": 1}, "application/json"),
        ([1, 2], "application/json"),
    ],
    ids=["str", "bytes", "dict", "list"],
)
def test_plain_value_is_200_ok_with_its_type_and_length(
    app: App, value: Any, content_type: str
) -> None:
    _served(app, lambda request: value)
    res = TestApp(app).get("/v")
    assert res.status == "200 OK"
    assert res.headerlist == [
        ("Content-Type", content_type),
        ("Content-Length", str(len(res.body))),
    ]


def _latin1(request: Request) -> None:
    request.response.charset = "latin-1"


def _latin1_conditional(request: Request) -> None:
    _latin1(request)
    request.response.conditional_response = True


def _untyped_conditional(request: Request) -> None:
    request.response.content_type = "application/octet-stream"  # no charset
    request.response.conditional_response = True


def _appended_type(request: Request) -> None:
    request.response.headerlist.append(("Content-Type", "text/plain; charset=latin-1"))


def _located(request: Request) -> None:
    request.response.status_code = 201
    request.response.location = "/made"


@pytest.mark.parametrize(
    "touch",
    [
        _latin1,
        _latin1_conditional,
        _untyped_conditional,
        _appended_type,
        _located,
    ],
    ids=[
        "charset",
        "charset-conditional",
        "no-charset-conditional",
        "appended-type",
        "location",
    ],
)
def test_text_on_touched_request_response_is_sent_as_webob_sends_it(
    touch: Callable[[Request], None],
) -> None:
    # The App gives request.response its body without WebOb's machinery;
    # what it sends is what WebOb sends once response.text is set: encoded
    # in the response's charset, a Location made absolute.
    def view(request: Request) -> str:
        touch(request)
        return "caf\u00e9"

    reference = Request.blank("/v")
    touch(reference)
    if reference.response.charset:
        reference.response.text = "caf\u00e9"
    else:  # WebOb refuses text without a charset; the App sends UTF-8
        reference.response.body = "caf\u00e9".encode()
    assert send(_served(App(), view), "/v") == send(reference.response, "/v")


# -- D. a body limit that works in tests as under a server ----------------------------


def _echo_app() -> App:
    app = App(max_body_size=8)
    app.add_route("/echo", lambda request: request.body, methods=["POST"])
    return app


def test_max_body_size_body_readable_through_webtest() -> None:
    client = TestApp(_echo_app())
    assert client.post("/echo", b"12345678").body == b"12345678"
    client.post("/echo", b"123456789", status=413)


def test_max_body_size_body_readable_through_webob_get_response() -> None:
    app = _echo_app()
    request = webob.Request.blank("/echo", method="POST", body=b"12345678")
    assert request.get_response(app).body == b"12345678"
    request = webob.Request.blank("/echo", method="POST", body=b"123456789")
    assert request.get_response(app).status_code == 413


def test_max_body_size_body_readable_twice() -> None:
    app = App(max_body_size=8)
    app.add_route(
        "/twice",
        lambda request: request.body + request.body_file.read(),
        methods=["POST"],
    )
    request = webob.Request.blank("/twice", method="POST", body=b"ab")
    assert request.get_response(app).body == b"abab"
    assert send(app, "/twice", "POST", body=b"ab").body == b"abab"


# -- D. the debug 404 lists each pattern once -----------------------------------------


def test_debug_404_lists_each_pattern_once_with_its_methods() -> None:
    app = App(debug=True)
    app.add_route("/notes", lambda request: "list", methods=["GET"])
    app.add_route("/notes", lambda request: "add", methods=["POST"])
    app.add_route("/any", lambda request: "any")
    text = TestApp(app).get("/nope", status=404).text
    assert text.count("/notes") == 1
    assert "Routes: /notes (GET, HEAD, POST), /any (any method).\n" in text


def test_debug_404_page_is_a_table_of_patterns_methods_and_names() -> None:
    app = App(debug=True)
    app.add_route("/notes", lambda request: "list", methods=["GET"], name="notes")
    app.add_route("/notes", lambda request: "add", methods=["POST"], name="add")
    app.add_route("/notes/{id:int}", lambda request: "one", methods=["GET"])
    app.add_route("/any", lambda request: "any", name="any")
    html = TestApp(app).get("/nope", headers={"Accept": "text/html"}, status=404).text
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert rows.split("\n")[1:-1] == [
        "<tr><td><code>/notes</code></td><td>GET, HEAD, POST</td>"
        "<td>notes, add</td></tr>",
        "<tr><td><code>/notes/{id:int}</code></td><td>GET, HEAD</td><td></td></tr>",
        "<tr><td><code>/any</code></td><td>any method</td><td>any</td></tr>",
    ]


def test_debug_404_is_what_a_not_found_view_answers() -> None:
    app = App(debug=True)
    app.add_route("/a", lambda request: "a", name="a")
    app.notfound_view(lambda request: request.exception)
    html = TestApp(app).get("/nope", headers={"Accept": "text/html"}, status=404).text
    assert "<td><code>/a</code></td>" in html


# -- the debug 500 shows the exception, its frames and the request ---------------------


def _view_that_fails(request: Request) -> Any:
    raise LookupError("no such <order>")


def test_debug_500_page_shows_frames_and_the_request_masked() -> None:
    app = _served(App(debug=True), _view_that_fails, "/orders/{id}")
    res = TestApp(app).get(
        "/orders/7?full=1",
        headers={
            "Accept": "text/html",
            "Authorization": "Bearer s3cr3t",
            "Cookie": "session=s3cr3t",
            "X-Request-Id": "req-42",
        },
        status=500,
    )
    html = res.text
    assert "<h2>LookupError</h2>\n<pre>no such &lt;order&gt;</pre>" in html
    line = _view_that_fails.__code__.co_firstlineno + 1
    assert (
        f"<pre>File &quot;{__file__}&quot;, line {line}, in _view_that_fails\n"
        "  raise LookupError(&quot;no such &lt;order&gt;&quot;)</pre>"
    ) in html
    assert '<th scope="row">Path</th><td>/orders/7</td>' in html
    assert '<th scope="row">Query string</th><td>full=1</td>' in html
    assert '<th scope="row">X-Request-Id</th><td>req-42</td>' in html
    assert '<th scope="row">Authorization</th><td>[masked]</td>' in html
    assert '<th scope="row">Cookie</th><td>[masked]</td>' in html
    assert "s3cr3t" not in html


# -- without debug, nothing of the above ----------------------------------------------


def _errors_app(debug: bool) -> App:
    app = App(security_policy=_Denying(), debug=debug)
    app.add_route("/users/{id:int}", lambda request: "u", methods=["GET"])
    app.add_route("/admin-only", lambda request: "a", permission="admin-perm")
    app.add_route("/fails", _view_that_fails)
    return app


@pytest.mark.parametrize(
    "accept", ["text/html", "application/json", "application/problem+json", None]
)
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nope", 404),
        ("POST", "/users/1", 405),
        ("GET", "/admin-only", 403),
        ("GET", "/fails", 500),
    ],
)
def test_no_debug_page_shows_routes_traceback_or_request(
    method: str, path: str, status: int, accept: str | None
) -> None:
    headers = {"Accept": accept, "X-Probe": "probe-value", "Cookie": "c=probe-cookie"}
    for debug in (True, False):  # debug shows it all: the probes can find it
        served = send(_errors_app(debug), path, method, headers=headers)
        assert served.status == status
        body = served.body.decode()
        shown = [
            text
            for text in ("/users/{id:int}", "admin-perm", "Traceback", "probe-value")
            if text in body
        ]
        assert "probe-cookie" not in body
        if debug:
            assert shown
        else:
            assert shown == [], body


# -- what the App adds at send time stays with that request ---------------------


def test_shared_405_gets_each_route_its_own_allow() -> None:
    not_allowed = HTTPMethodNotAllowed()  # one instance, raised by two routes
    app = App()
    app.add_route("/a", _raises(not_allowed), methods=["GET"])
    app.add_route("/b", _raises(not_allowed), methods=["POST"])
    test = TestApp(app)
    for _ in range(2):
        assert test.get("/a", status=405).headers["Allow"] == "GET, HEAD, OPTIONS"
        assert test.post("/b", status=405).headers["Allow"] == "OPTIONS, POST"
    assert "Allow" not in not_allowed.headers


def test_shared_webob_exception_is_not_changed_by_sending() -> None:
    gone = webob.exc.HTTPGone()
    multiple = HTTPMultipleChoices("")  # an empty, optional Location
    app = App()
    app.add_route("/gone", _raises(gone))
    app.add_route("/choices", _raises(multiple))
    test = TestApp(app)
    for _ in range(2):
        assert "Accept" in test.get("/gone", status=410).headers["Vary"]
        assert "Location" not in test.get("/choices", status=300).headers
    assert "Vary" not in gone.headers
    assert multiple.headers["Location"] == ""


# -- exception views: WebOb's bare HTTPException, the per-class cache -----------------


def _teapot() -> webob.exc.HTTPException:
    # WebOb's base class: an exception that only carries its response.
    return webob.exc.HTTPException("teapot", webob.Response("short", status=418))


@pytest.mark.parametrize("other_view", [False, True], ids=["no-views", "other-view"])
def test_raised_webob_base_http_exception_sends_its_wsgi_response(
    other_view: bool,
) -> None:
    app = _served(App(), _raises(_teapot()))
    if other_view:
        app.exception_view(KeyError)(lambda request: "not this one")
    served = send(app, "/v")
    assert (served.status, served.body) == (418, b"short")


class _TeapotResponse(webob.Response, webob.exc.HTTPException):
    """A Response that is also WebOb's bare HTTPException: the response itself."""


def _teapot_response() -> webob.exc.HTTPException:
    return _TeapotResponse("short", status=418)


@pytest.mark.parametrize(
    "make", [_teapot, _teapot_response], ids=["wrapping", "response"]
)
def test_exception_view_raising_webob_base_http_exception_sends_its_response(
    make: Callable[[], webob.exc.HTTPException],
) -> None:
    app = _served(App(), _raises(KeyError("k")))

    @app.exception_view(KeyError)
    def key_error(request: Request) -> Any:
        raise make()

    served = send(app, "/v")
    assert (served.status, served.body) == (418, b"short")


class _WebObClientClosed(webob.exc.HTTPClientError):
    # A code that neither WebOb nor httpx_views has a class for.
    code = 499
    title = "Client Closed Request"


def test_webob_exception_of_a_code_without_our_class_finds_webob_views() -> None:
    app = _served(App(), _raises(_WebObClientClosed()))
    app.exception_view(webob.exc.HTTPClientError)(
        lambda request: f"webob view for {request.exception.code}"
    )
    served = send(app, "/v")
    assert (served.status, served.body) == (200, b"webob view for 499")


# -- a WebOb exception's own Vary already naming Accept ---------------------------


@pytest.mark.parametrize("vary", ["Accept-Encoding, accept", "*", "Accept"])
def test_webob_exception_vary_naming_accept_is_not_extended(vary: str) -> None:
    app = _served(App(), _raises(webob.exc.HTTPGone(headers=[("Vary", vary)])))
    served = send(app, "/v")
    assert served.status == 410
    assert [value for name, value in served.headers if name == "Vary"] == [vary]


# -- request.response, touched by the view, then given a body -------------------------


def _set_header(request: Request) -> None:
    request.response.headers["X-Trace"] = "abc"


def _set_cookie(request: Request) -> None:
    request.response.set_cookie("trace", "abc")


def _append_header(request: Request) -> None:
    request.response.headerlist.append(("X-Trace", "abc"))


@pytest.mark.parametrize(
    ("touch", "added"),
    [
        (_set_header, ("X-Trace", "abc")),
        (_set_cookie, ("Set-Cookie", "trace=abc; Path=/")),
        (_append_header, ("X-Trace", "abc")),
    ],
    ids=["headers", "set_cookie", "headerlist"],
)
def test_view_header_on_request_response_is_sent_with_the_text(
    touch: Callable[[Request], None], added: tuple[str, str]
) -> None:
    def view(request: Request) -> str:
        touch(request)
        return "héllo"

    served = send(_served(App(), view), "/v")
    assert served.body == "héllo".encode()
    assert served.headers == [
        ("Content-Type", "text/plain; charset=UTF-8"),
        added,
        ("Content-Length", "6"),
    ]


def _stale_length(request: Request) -> None:
    request.response.content_length = 5


def _stale_md5(request: Request) -> None:
    request.response.headerlist.append(("Content-MD5", "stale"))


@pytest.mark.parametrize("make_stale", [_stale_length, _stale_md5])
def test_view_stale_body_headers_go_with_the_old_body(
    make_stale: Callable[[Request], None],
) -> None:
    def view(request: Request) -> str:
        make_stale(request)
        return "hello world"

    served = send(_served(App(), view), "/v")
    assert served.body == b"hello world"
    assert served.headers == [
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Length", "11"),
    ]


def test_view_json_content_type_of_its_own_is_kept_for_a_dict() -> None:
    def view(request: Request) -> dict[str, int]:
        request.response.content_type = "application/vnd.api+json"
        return {"a": 1}

    served = send(_served(App(), view), "/v")
    assert served.body == b'{"a": 1}'
    assert served.header("Content-Type") == "application/vnd.api+json"


# -- class views with methods= -------------------------------------------------------


class _Notes:
    def get(self, request: Request) -> str:
        return "list"

    def post(self, request: Request) -> str:
        return "added"


def test_class_view_with_methods_serves_only_those_it_names() -> None:
    app = App()
    route = app.add_route("/notes", _Notes, methods=["get"])
    assert route.methods == frozenset({"GET", "HEAD"})
    assert send(app, "/notes").body == b"list"
    refused = send(app, "/notes", "POST")
    assert refused.status == 405
    assert refused.header("Allow") == "GET, HEAD, OPTIONS"


# -- the path of a request that is not UTF-8 picks a prefixed view -----------------


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/\xff", b"api bad request"), ("/api\xff", None), ("/web/\xff", None)],
)
def test_prefixed_view_answers_a_path_that_is_not_utf8(
    path: str, body: bytes | None
) -> None:
    app = App()
    app.add_route("/{rest:path}", lambda request: "never")
    app.exception_view(HTTPBadRequest, path_prefix="/api")(
        lambda request: HTTPBadRequest(detail="api bad request")
    )
    served = send(app, path)
    assert served.status == 400
    if body is None:  # no view under that prefix: the App's own 400
        assert b"path is not UTF-8" in served.body
    else:
        assert body in served.body


# -- the request body read past max_body_size ------------------------------------------


_READERS: dict[str, Callable[[Any], bytes]] = {
    "read": lambda stream: stream.read(),
    "read-None": lambda stream: stream.read(None),
    "read-size": lambda stream: stream.read(100),
    "readline": lambda stream: stream.readline(),
    "readline-None": lambda stream: stream.readline(None),
    "readline-size": lambda stream: stream.readline(100),
    "readlines": lambda stream: b"".join(stream.readlines()),
    "iter": lambda stream: b"".join(stream),
}


def _reader_app(read: Callable[[Any], bytes]) -> App:
    app = App(max_body_size=6)
    app.add_route(
        "/read",
        lambda request: read(request.environ["wsgi.input"]),
        methods=["POST"],
    )
    return app


@pytest.mark.parametrize("read", _READERS.values(), ids=_READERS.keys())
def test_chunked_body_up_to_the_limit_is_read_whole(
    read: Callable[[Any], bytes],
) -> None:
    served = send(_reader_app(read), "/read", "POST", body=b"abcdef", chunked=True)
    assert (served.status, served.body) == (200, b"abcdef")


@pytest.mark.parametrize("read", _READERS.values(), ids=_READERS.keys())
def test_chunked_body_past_the_limit_is_413(read: Callable[[Any], bytes]) -> None:
    served = send(_reader_app(read), "/read", "POST", body=b"abcdefg", chunked=True)
    assert served.status == 413


@pytest.mark.parametrize(
    "read",
    [_READERS["readlines"], _READERS["iter"]],
    ids=["readlines", "iter"],
)
def test_chunked_body_lines_past_the_limit_are_413(
    read: Callable[[Any], bytes],
) -> None:
    # The first lines are within the limit; the one that crosses it is not.
    served = send(
        _reader_app(read), "/read", "POST", body=b"ab\ncd\nef\n", chunked=True
    )
    assert served.status == 413


def test_chunked_body_lines_within_the_limit_are_read_one_by_one() -> None:
    def view(request: Request) -> Any:
        stream = request.environ["wsgi.input"]
        return [line.decode() for line in stream.readlines()]

    app = App(max_body_size=6)
    app.add_route("/lines", view, methods=["POST"])
    served = send(app, "/lines", "POST", body=b"ab\ncd\n", chunked=True)
    assert json.loads(served.body) == ["ab\n", "cd\n"]


def test_conditional_response_head_of_a_rendered_page_sends_no_body() -> None:
    app = App()
    app.add_route(
        "/ok",
        lambda request: HTTPOk(conditional_response=True, headers={"ETag": '"v1"'}),
    )
    served = send(app, "/ok", "HEAD")  # harness.serve asserts a HEAD body is b""
    assert served.status == 200
    assert served.body == b""
    assert served.header("Content-Length") == str(len(send(app, "/ok").body))


# -- a request body limit: a bad length, reads of nothing, reads past it ---------------


@pytest.mark.parametrize("declared", ["abc", "1e3"])
def test_max_body_size_refuses_a_content_length_that_is_not_a_number(
    declared: str,
) -> None:
    environ = environ_for("/echo", "POST", body=b"12")
    environ["CONTENT_LENGTH"] = declared
    # wsgiref's validator refuses such an environ before the App sees it.
    served = serve(_echo_app(), environ, validate=False)
    assert served.status == 400
    assert b"Content-Length" in served.body  # says which header is wrong


@pytest.mark.parametrize(
    "read_nothing",
    [lambda stream: stream.read(0), lambda stream: stream.readline(0)],
    ids=["read", "readline"],
)
def test_reading_zero_bytes_of_a_limited_body_reads_nothing(
    read_nothing: Callable[[Any], bytes],
) -> None:
    app = _reader_app(lambda stream: read_nothing(stream) + b"|" + stream.read())
    served = send(app, "/read", "POST", body=b"abcdef", chunked=True)
    assert (served.status, served.body) == (200, b"|abcdef")


@pytest.mark.parametrize("read", _READERS.values(), ids=_READERS.keys())
def test_body_past_the_limit_is_read_at_most_one_byte_past_it(
    read: Callable[[Any], bytes],
) -> None:
    # However the view reads, the App takes from the server's stream only
    # what it needs to know the body is too large: not a huge body whole.
    environ = environ_for("/read", "POST", body=b"x" * 100, chunked=True)
    stream = environ["wsgi.input"]
    served = serve(_reader_app(read), environ)  # max_body_size=6
    assert served.status == 413
    assert stream.tell() <= 6 + 1


# -- an absent PATH_INFO ---------------------------------------------------------------


@pytest.mark.parametrize("append_slash", [False, True])
def test_absent_path_info_is_the_empty_path(append_slash: bool) -> None:
    # PEP 3333 lets a server leave out an empty PATH_INFO (a request for an
    # App mounted at /app that ends there); the debug 404 names the path,
    # and so may a Not Found view (looking for the path with a slash, too).
    app = App(debug=True)
    app.add_route("/", lambda request: "root")
    if append_slash:
        app.notfound_view(lambda request: f"no {request.path}", append_slash=True)
    empty = environ_for("/")
    empty.update(SCRIPT_NAME="/app", PATH_INFO="")
    absent = dict(empty)
    del absent["PATH_INFO"]
    # wsgiref's validator fails on an absent PATH_INFO itself.
    served = serve(app, absent, validate=False)
    assert served == serve(app, empty, validate=False)
    assert served.status in (301, 404)


# -- exception views of WebOb exceptions: one per code ---------------------------------


def test_webob_exceptions_of_different_codes_each_find_their_own_view() -> None:
    app = App()
    app.add_route("/missing", _raises(webob.exc.HTTPNotFound()))
    app.add_route("/denied", _raises(webob.exc.HTTPForbidden()))
    app.notfound_view(lambda request: "not found view")
    app.forbidden_view(lambda request: "forbidden view")
    for _ in range(2):  # the second time from the per-class cache
        assert send(app, "/missing").body == b"not found view"
        assert send(app, "/denied").body == b"forbidden view"


# -- the framework's own 403 -----------------------------------------------------------


class _Denying:
    def identity(self, request: Request) -> Any:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        return False


@pytest.mark.parametrize("debug", [False, True])
def test_framework_403_explains_itself_only_in_debug(
    caplog: pytest.LogCaptureFixture, debug: bool
) -> None:
    app = App(security_policy=_Denying(), debug=debug)
    app.add_route("/admin", lambda request: "never", permission="edit")
    details: list[Any] = []

    @app.forbidden_view
    def forbidden(request: Request) -> Any:
        details.append(getattr(request.exception, "detail", "no exception"))
        return request.exception

    with caplog.at_level(logging.INFO, logger="httpx_views"):
        assert send(app, "/admin").status == 403
    logged = [r.getMessage() for r in caplog.records if r.name == "httpx_views"]
    if debug:  # which route, which permission: in the detail and the log
        [detail] = details
        assert "/admin" in detail
        assert "'edit'" in detail
        [message] = logged
        assert "403" in message
        assert "'edit'" in message
    else:  # the detail (none) of an HTTPForbidden() a view raises; no log
        assert details == [HTTPForbidden().detail]
        assert logged == []


# -- start_response: the server's refusal, a response's exc_info -----------------------


class _Refused(Exception):
    """A server's refusal of the headers it was given."""


@pytest.mark.parametrize("debug", [False, True])
def test_headers_the_server_refuses_are_replaced_by_500_with_exc_info(
    caplog: pytest.LogCaptureFixture, debug: bool
) -> None:
    app = _served(App(debug=debug), lambda request: "hello")
    calls: list[tuple[str, Any]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        calls.append((status, exc_info))
        if len(calls) == 1:
            raise _Refused("the server refused a header")
        return lambda data: None

    with caplog.at_level(logging.ERROR, logger="httpx_views"):
        body = b"".join(app(environ_for("/v"), start_response))
    [(first, _), (second, exc_info)] = calls
    assert (first[:3], second[:3]) == ("200", "500")
    # PEP 3333: a second call carries the exc_info of what went wrong.
    assert exc_info is not None
    assert isinstance(exc_info[1], _Refused)
    assert "refused a header" in _one_error(caplog).getMessage()
    if debug:  # the traceback of the refusal, as Python prints one
        text = body.decode()
        assert "Traceback (most recent call last):\n  File " in text
        assert "_Refused: the server refused a header" in text
        assert "\nRequest: GET /v\n" in text


class _ReportingResponse(Response):
    """A response that hands the server an error's exc_info, as PEP 3333 allows."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        try:
            raise RuntimeError("reported to the server")
        except RuntimeError:
            start_response(self.status, self.headerlist, sys.exc_info())
        return [self.body]


def test_response_exc_info_reaches_the_server_through_headers_the_app_adds() -> None:
    # A 405 from a route with methods is sent with the route's Allow added.
    app = _served(
        App(), lambda request: _ReportingResponse(status=405), methods=["PUT"]
    )
    calls: list[tuple[str, list[tuple[str, str]], Any]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        calls.append((status, headers, exc_info))
        return lambda data: None

    b"".join(app(environ_for("/v", "PUT"), start_response))
    [(status, headers, exc_info)] = calls
    assert status[:3] == "405"
    assert ("Allow", "OPTIONS, PUT") in headers
    assert exc_info is not None
    assert str(exc_info[1]) == "reported to the server"


def test_debug_turned_on_after_the_app_is_made_shows_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _served(App(), _raises(KeyError("the lost key")))
    assert app.debug is False
    app.debug = True
    assert app.debug is True
    served = send(app, "/v")
    assert served.status == 500
    assert b"the lost key" in served.body


# -- found by mutation testing ----------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "sent"),
    [("image/png", "image/png"), ("text/plain", "text/plain; charset=UTF-8")],
)
def test_bytes_after_the_view_set_a_content_type_send_that_one_only(
    app: App, content_type: str, sent: str
) -> None:
    def typed(request: Request) -> bytes:
        request.response.content_type = content_type
        return b"\x89PNG"

    _served(app, typed)
    res = TestApp(app).get("/v")
    assert res.headers.getall("Content-Type") == [sent]
    assert res.headers.getall("Content-Length") == ["4"]
    assert res.body == b"\x89PNG"
