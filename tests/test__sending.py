"""Sending a response: ``_sending``'s checks, copies and closes, called directly.

Each function is called with a request and responses of the test's own;
tests/test_app*.py, test_httpexceptions.py and test_routing.py cover the
same behaviour through the App.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
import webob
import webob.exc
import webob.util
from harness import environ_for
from hypothesis import given
from hypothesis import strategies as st

from httpx_views import (
    HTTPFound,
    HTTPMethodNotAllowed,
    HTTPNoContent,
    HTTPNotFound,
    HTTPNotModified,
    HTTPResetContent,
    Request,
    Response,
)
from httpx_views._sending import (
    _PLAIN_STATUSES,
    _as_get,
    _Body,
    _check_location,
    _checked,
    _close,
    _close_unsent,
    _ok,
    _set_default,
    _with_changes,
    own,
)
from httpx_views.httpexceptions import status_map
from httpx_views.routing import Route, Router

Headers = list[tuple[str, str]]


class Sent:
    """What a WSGI application sent: status line, headers, body chunks."""

    def __init__(self, app: Any, environ: dict[str, Any]) -> None:
        self.calls: list[tuple[str, Headers, tuple[Any, ...]]] = []

        def start_response(status: str, headers: Headers, *exc_info: Any) -> Any:
            self.calls.append((status, headers, exc_info))

        self.iterable = app(environ, start_response)
        self.body = list(self.iterable)
        assert len(self.calls) == 1
        self.status, self.headers, self.exc_info = self.calls[0]


def send(app: Any, method: str = "GET") -> Sent:
    return Sent(app, environ_for("/page", method))


def request_for(method: str = "GET", methods: list[str] | None = None) -> Request:
    """A request for ``/page``; with *methods*, matched to a route serving them."""
    request = Request(environ_for("/page", method))
    if methods is not None:
        request.matched_route = route_for(methods)
    return request


def route_for(methods: list[str] | None) -> Route:
    router = Router()
    router.add("/page", lambda request: "page", methods=methods)
    (route,) = router.routes
    return route


class Closing:
    """A response body that records whether it was closed."""

    def __init__(self, chunks: Iterable[bytes] = (b"body",)) -> None:
        self.chunks = list(chunks)
        self.closed = 0

    def __iter__(self) -> Any:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed += 1


def with_body(status: str, headerlist: Headers, body: Any) -> webob.Response:
    return webob.Response(status=status, headerlist=headerlist, app_iter=body)


def names(headers: Headers) -> list[str]:
    return [name.lower() for name, _ in headers]


# -- _PLAIN_STATUSES -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "plain"),
    [
        ("200 OK", True),
        ("201 Created", True),
        ("206 Partial Content", True),
        ("400 Bad Request", True),
        ("404 Not Found", True),
        ("413 Content Too Large", True),
        ("413 Request Entity Too Large", True),
        ("418 I'm a teapot", True),
        ("500 Internal Server Error", True),
        ("511 Network Authentication Required", True),
        ("100 Continue", False),
        ("204 No Content", False),
        ("205 Reset Content", False),
        ("300 Multiple Choices", False),
        ("301 Moved Permanently", False),
        ("304 Not Modified", False),
        ("405 Method Not Allowed", False),
    ],
)
def test_plain_statuses(status: str, plain: bool) -> None:
    assert (status in _PLAIN_STATUSES) is plain


def test_plain_statuses_hold_our_titles_and_webobs_for_each_code() -> None:
    spellings = [
        *((code, cls.title) for code, cls in status_map.items()),
        *webob.util.status_reasons.items(),
    ]
    sent_as_they_are = [
        f"{code} {phrase}"
        for code, phrase in spellings
        if code not in (204, 205, 405) and code // 100 in (2, 4, 5)
    ]
    assert set(sent_as_they_are) == _PLAIN_STATUSES


@pytest.mark.parametrize(
    "status", ["200 Okay", "404 not found", "200", "200  OK", "299 Custom"]
)
def test_plain_statuses_hold_only_the_known_phrases(status: str) -> None:
    assert status not in _PLAIN_STATUSES


# -- _Body and _ok ---------------------------------------------------------------------


def test_body_sends_its_status_headers_and_body_as_they_are() -> None:
    headers = [("Content-Type", "text/plain"), ("Content-Length", "2")]
    chunks = [b"hi"]
    sent = send(_Body("200 OK", headers, chunks))
    assert (sent.status, sent.headers) == ("200 OK", headers)
    assert sent.headers is headers
    assert sent.iterable is chunks


def test_body_answers_head_with_the_headers_and_no_body() -> None:
    headers = [("Content-Length", "2")]
    sent = send(_Body("200 OK", headers, [b"hi"]), "HEAD")
    assert (sent.status, sent.headers, sent.body) == ("200 OK", headers, [])


@given(st.binary())
def test_ok_is_200_with_the_type_and_the_body_length(body: bytes) -> None:
    content_type = ("Content-Type", "application/octet-stream")
    sent = send(_ok(content_type, body))
    assert sent.status == "200 OK"
    assert sent.headers == [content_type, ("Content-Length", str(len(body)))]
    assert b"".join(sent.body) == body


# -- _checked: responses sent as they are ----------------------------------------------


@pytest.mark.parametrize(
    "response",
    [
        webob.Response(b"fine"),
        Response("fine", status=201),
        webob.Response(status="404 Not Found"),
        webob.Response(status="503 Service Unavailable"),
    ],
    ids=["webob-200", "ours-201", "webob-404", "webob-503"],
)
def test_checked_returns_a_plain_response_itself(response: webob.Response) -> None:
    before = list(response.headerlist)
    assert _checked(response, request_for()) is response
    assert response.headerlist == before


@pytest.mark.parametrize(
    "exception", [HTTPNotFound(), HTTPNotFound("gone", headers={"X-Reason": "gone"})]
)
def test_checked_leaves_a_plain_http_exception_to_check_itself(
    exception: HTTPNotFound,
) -> None:
    assert _checked(exception, request_for()) is exception
    # Its headers are not read here: it checks them when it is sent.
    exception._headerlist.append(("X-Bad", "a\r\nb"))
    assert _checked(exception, request_for()) is exception
    with pytest.raises(ValueError, match="may not contain CR, LF or NUL"):
        send(exception)


# -- _checked: refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ("X-Split", "a\r\nSet-Cookie: b=1"),
            "'X-Split' may not contain CR, LF or NUL",
        ),
        (("X-Nul", "a\x00"), "'X-Nul' may not contain CR, LF or NUL"),
        (("Bad Name", "a"), "'Bad Name' is not an HTTP token"),
        (("X-Text", "caf\u20ac"), "'X-Text' holds characters outside Latin-1"),
    ],
    ids=["crlf", "nul", "name", "latin-1"],
)
@pytest.mark.parametrize("status", ["200 OK", "302 Found"])
def test_checked_refuses_an_unsafe_header(
    status: str, header: tuple[str, str], message: str
) -> None:
    response = webob.Response(status=status, headerlist=[("Location", "/x"), header])
    with pytest.raises(ValueError, match=message):
        _checked(response, request_for())


@pytest.mark.parametrize("status", ["2000 OK", "20 OK", "abc Nope", "299 Tab\there"])
def test_checked_refuses_a_status_line_no_server_sends(status: str) -> None:
    response = webob.Response()
    response._status = status  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="is not a code and a phrase"):
        _checked(response, request_for())


def test_checked_refuses_an_http_exception_with_a_malformed_status() -> None:
    exception = HTTPNotFound()
    exception._status = "404 Not\nFound"
    with pytest.raises(ValueError, match="is not a code and a phrase"):
        _checked(exception, request_for())


@pytest.mark.parametrize("code", ["301", "302", "303", "307", "308"])
@pytest.mark.parametrize(
    "headerlist",
    [[], [("Location", "")], [("X-Locate", "/x")], [("Content-Location", "/x")]],
    ids=["none", "empty", "same-length-name", "longer-name"],
)
def test_checked_refuses_a_redirect_to_nowhere(code: str, headerlist: Headers) -> None:
    status = f"{code} {webob.util.status_reasons[int(code)]}"
    response = webob.Response(status=status, headerlist=headerlist)
    with pytest.raises(
        ValueError,
        match=f"^a {code} redirect needs a Location header that is not empty$",
    ):
        _checked(response, request_for())


# -- _checked: redirects ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["Location", "location", "LOCATION"])
def test_checked_sends_a_redirect_with_a_location_in_any_case(name: str) -> None:
    response = webob.Response(status="302 Found", headerlist=[(name, "/next")])
    assert _checked(response, request_for()) is response


@pytest.mark.parametrize("code", ["300", "399"])
def test_checked_sends_other_3xx_without_a_location(code: str) -> None:
    response = webob.Response(status=f"{code} Choose", headerlist=[])
    assert _checked(response, request_for()) is response


def test_checked_sends_our_redirect_with_its_location() -> None:
    redirect = HTTPFound("/next")
    sent = send(_checked(redirect, request_for()))
    assert sent.status == "302 Found"
    assert ("Location", "http://127.0.0.1/next") in sent.headers


def test_checked_lets_webob_make_an_add_slash_location() -> None:
    redirect = webob.exc.HTTPFound(add_slash=True)
    sent = send(_checked(redirect, request_for()))
    assert ("Location", "http://127.0.0.1/page/") in sent.headers


def test_checked_refuses_a_webob_redirect_without_add_slash_or_location() -> None:
    with pytest.raises(ValueError, match="a 302 redirect needs a Location"):
        _checked(webob.exc.HTTPFound(), request_for())


# -- _check_location, directly ---------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "headerlist", "refused"),
    [
        ("301", [("Location", "/a")], False),
        ("308", [("X-Other", "1"), ("location", "/a")], False),
        ("302", [("Location", ""), ("Location", "/a")], False),
        ("302", [("Location", "/a"), ("Location", "")], False),
        ("303", [("Location", "")], True),
        ("307", [], True),
        ("300", [], False),
        ("304", [], False),
        ("305", [("Location", "")], False),
    ],
)
def test_check_location(code: str, headerlist: Headers, refused: bool) -> None:
    if refused:
        with pytest.raises(ValueError, match=f"a {code} redirect needs"):
            _check_location(code, headerlist)
    else:
        _check_location(code, headerlist)


# -- _checked: statuses without a body -------------------------------------------------


BODY_HEADERS = [
    ("Content-Type", "text/plain"),
    ("content-length", "4"),
    ("Content-MD5", "abc"),
    ("ETag", '"v1"'),
    ("X-Kept", "yes"),
]


@pytest.mark.parametrize(
    ("status", "added"),
    [
        ("204 No Content", []),
        ("304 Not Modified", []),
        ("205 Reset Content", [("Content-Length", "0")]),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_checked_sends_no_body_and_no_body_headers(
    status: str, added: Headers, method: str
) -> None:
    response = with_body(status, list(BODY_HEADERS), [b"body"])
    sent_as = _checked(response, request_for(method))
    assert type(sent_as) is _Body
    sent = send(sent_as, method)
    assert sent.status == status
    assert sent.headers == [("ETag", '"v1"'), ("X-Kept", "yes"), *added]
    assert b"".join(sent.body) == b""
    assert response.headerlist == BODY_HEADERS  # not changed


@pytest.mark.parametrize(
    ("exception", "headers"),
    [
        (HTTPNoContent(), []),
        (HTTPNotModified(headers={"ETag": '"v1"'}), [("ETag", '"v1"')]),
        (HTTPResetContent(), [("Content-Length", "0")]),
    ],
    ids=["204", "304", "205"],
)
def test_checked_sends_our_bodyless_exceptions_as_bodies(
    exception: HTTPNoContent, headers: Headers
) -> None:
    sent_as = _checked(exception, request_for())
    assert type(sent_as) is _Body
    sent = send(sent_as)
    assert (sent.status, sent.headers, sent.body) == (exception.status, headers, [b""])


# -- _checked: Allow on a 405 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("methods", "allow"),
    [
        (["GET", "POST"], "GET, HEAD, OPTIONS, POST"),
        (["DELETE"], "DELETE, OPTIONS"),
        (["OPTIONS", "PUT"], "OPTIONS, PUT"),
    ],
)
@pytest.mark.parametrize(
    "refusal",
    [
        lambda: HTTPMethodNotAllowed(),
        lambda: webob.Response(status="405 Method Not Allowed"),
        lambda: webob.exc.HTTPMethodNotAllowed(),
    ],
    ids=["ours", "webob-response", "webob-exc"],
)
def test_checked_adds_the_routes_allow_to_a_405(
    methods: list[str], allow: str, refusal: Any
) -> None:
    response = refusal()
    sent = send(_checked(response, request_for("PATCH", methods)))
    assert sent.status == "405 Method Not Allowed"
    assert [value for name, value in sent.headers if name == "Allow"] == [allow]
    assert "Allow" not in response.headers  # the copy sent has it


@pytest.mark.parametrize("name", ["Allow", "allow"])
def test_checked_keeps_the_views_own_allow(name: str) -> None:
    response = HTTPMethodNotAllowed(headers=[(name, "GET")])
    sent = send(_checked(response, request_for("PATCH", ["GET", "POST"])))
    assert [pair for pair in sent.headers if pair[0].lower() == "allow"] == [
        (name, "GET")
    ]


@pytest.mark.parametrize("route", [None, route_for(None)], ids=["none", "any-method"])
def test_checked_adds_no_allow_without_a_route_that_names_methods(
    route: Route | None,
) -> None:
    request = request_for("PATCH")
    request.matched_route = route
    response = webob.Response(status="405 Method Not Allowed")
    assert _checked(response, request) is response


def test_checked_adds_no_allow_to_another_status() -> None:
    response = webob.Response(status="400 Bad Request")
    sent = send(_checked(response, request_for("GET", ["GET"])))
    assert "allow" not in names(sent.headers)


# -- _checked: WebOb's own exceptions --------------------------------------------------


@pytest.mark.parametrize(
    ("vary", "sent_vary"),
    [
        ([], ["Accept"]),
        ([("Vary", "Cookie")], ["Cookie, Accept"]),
        ([("Vary", "accept")], ["accept"]),
        ([("Vary", "*")], ["*"]),
    ],
)
def test_checked_says_a_webob_page_varies_on_accept(
    vary: Headers, sent_vary: list[str]
) -> None:
    exception = webob.exc.HTTPNotFound(headers=vary)
    sent = send(_checked(exception, request_for()))
    assert sent.status == "404 Not Found"
    assert [value for name, value in sent.headers if name == "Vary"] == sent_vary
    assert exception.headers.getall("Vary") == [value for _, value in vary]


def test_checked_sends_a_webob_exception_with_a_body_as_it_is() -> None:
    exception = webob.exc.HTTPNotFound(body=b"missing")
    assert _checked(exception, request_for()) is exception


@pytest.mark.parametrize("has_body", [False, True])
def test_checked_answers_head_to_a_webob_exception_as_get_without_body(
    has_body: bool,
) -> None:
    def exception() -> webob.exc.HTTPNotFound:
        if has_body:
            return webob.exc.HTTPNotFound(body=b"missing")
        return webob.exc.HTTPNotFound()

    as_get = send(_checked(exception(), request_for("GET")))
    as_head = send(_checked(exception(), request_for("HEAD")), "HEAD")
    assert (as_head.status, as_head.headers) == (as_get.status, as_get.headers)
    assert ("Content-Length", "0") not in as_head.headers
    assert as_head.body == []
    assert b"".join(as_get.body)


# -- _with_changes, _set_default, _as_get ----------------------------------------------


def test_with_changes_changes_a_copy_of_the_headers_sent() -> None:
    headers = [("X-One", "1")]
    info = (ValueError, ValueError("x"), None)

    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", headers, info)
        return [b"body"]

    def add_two(sent: Headers) -> None:
        sent.append(("X-Two", "2"))

    def add_three(sent: Headers) -> None:
        sent.append(("X-Three", str(len(sent))))

    sent = send(_with_changes(app, [add_two, add_three]))
    assert sent.headers == [("X-One", "1"), ("X-Two", "2"), ("X-Three", "2")]
    assert sent.exc_info == (info,)
    assert sent.body == [b"body"]
    assert headers == [("X-One", "1")]


@pytest.mark.parametrize(
    ("headers", "after"),
    [
        ([], [("Allow", "GET")]),
        ([("X-Other", "1")], [("X-Other", "1"), ("Allow", "GET")]),
        ([("allow", "PUT")], [("allow", "PUT")]),
        ([("ALLOW", "")], [("ALLOW", "")]),
    ],
)
def test_set_default(headers: Headers, after: Headers) -> None:
    _set_default(headers, "Allow", "GET")
    assert headers == after


def test_as_get_sends_the_get_headers_and_no_body() -> None:
    seen: list[str] = []

    def app(environ: Any, start_response: Any) -> list[bytes]:
        seen.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Length", "4")])
        return [b"body"]

    environ = environ_for("/page", "HEAD")
    sent = Sent(_as_get(app), environ)
    assert seen == ["GET"]
    assert environ["REQUEST_METHOD"] == "HEAD"
    assert (sent.headers, sent.body) == ([("Content-Length", "4")], [])


# -- _close and _close_unsent ----------------------------------------------------------


class WithBody:
    """Something with a body in ``_app_iter``, as WebOb responses keep it."""

    def __init__(self, app_iter: Any) -> None:
        self._app_iter = app_iter


class ClosingList(list[bytes]):
    """A list body with a close(), which PEP 3333 says must be called."""

    closed = 0

    def close(self) -> None:
        self.closed += 1


@pytest.mark.parametrize("body", [Closing(), ClosingList([b"a"])], ids=type)
def test_close_closes_the_body(body: Any) -> None:
    body.closed = 0
    _close(WithBody(body))
    assert body.closed == 1


@pytest.mark.parametrize(
    "response",
    [WithBody([b"a"]), WithBody((b"a",)), WithBody(None), object()],
    ids=["list", "no-close", "none", "no-body"],
)
def test_close_leaves_a_body_with_nothing_to_close(response: Any) -> None:
    _close(response)  # no AttributeError


@pytest.mark.parametrize(
    ("sent", "closed"),
    [
        (lambda body: body, 0),
        (lambda body: webob.response.EmptyResponse(body), 0),
        (lambda body: [], 1),
        (lambda body: webob.response.EmptyResponse(Closing()), 1),
        (lambda body: Closing(), 1),
    ],
    ids=["the-body", "head-taking-its-close", "list", "another-close", "another"],
)
def test_close_unsent(sent: Any, closed: int) -> None:
    body = Closing()
    _close_unsent(WithBody(body), sent(body))
    assert body.closed == closed


# -- own -------------------------------------------------------------------------------


def test_own_copies_a_response_the_request_does_not_hold() -> None:
    shared = Response("hello", headers={"X-Shared": "yes"})
    before = list(shared.headerlist)
    request = request_for()
    owned = own(shared, request)
    assert type(owned) is Response
    assert owned is not shared
    assert (owned.status, owned.headerlist, owned.body) == (
        shared.status,
        before,
        b"hello",
    )
    assert owned.headerlist is not shared.headerlist
    owned.headers["X-Shared"] = "changed"
    assert shared.headerlist == before


def test_own_gives_each_request_its_own_copy_of_one_exception() -> None:
    shared = HTTPNotFound("gone")
    first = own(shared, request_for())
    second = own(shared, request_for())
    assert first is not second
    first.status = "410 Gone"
    first.headers["X-First"] = "1"
    assert second.status == "404 Not Found"
    assert "X-First" not in second.headers
    assert shared.status == "404 Not Found"
    assert b"gone" in second.body


def test_own_passes_the_last_one_made_for_the_request_on() -> None:
    request = request_for()
    owned = own(Response("hello"), request)
    assert own(owned, request) is owned
    # Another request's copy is copied again.
    assert own(owned, request_for()) is not owned


def test_own_adds_what_this_request_needs() -> None:
    owned = own(HTTPMethodNotAllowed(), request_for("PATCH", ["GET"]))
    assert owned.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert owned.headers["Vary"] == "Accept"


def test_own_answers_head_with_the_get_headers_and_no_body() -> None:
    owned = own(HTTPNotFound("gone"), request_for("HEAD"))
    as_get = own(HTTPNotFound("gone"), request_for("GET"))
    assert owned.headerlist == as_get.headerlist
    assert list(owned.app_iter) == []


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_own_takes_a_body_over_as_it_is(method: str) -> None:
    headers = [("Content-Length", "2")]
    chunks = [b"hi"]
    body = _Body("200 OK", headers, chunks)
    request = request_for(method)
    owned = own(body, request)
    assert owned.status == "200 OK"
    assert owned.headerlist is headers  # made for this request: no copy
    if method == "GET":
        assert owned.app_iter is chunks
    else:
        assert list(owned.app_iter) == []
    assert _checked(owned, request) is body


def test_own_closes_a_body_it_does_not_send() -> None:
    body = Closing()
    response = with_body("204 No Content", [], body)
    owned = own(response, request_for())
    assert body.closed == 1
    assert (owned.status, owned.body) == ("204 No Content", b"")


def test_own_leaves_the_close_of_a_body_it_sends_to_the_server() -> None:
    body = Closing()
    owned = own(with_body("200 OK", [], body), request_for())
    assert body.closed == 0
    assert owned.app_iter is body


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (webob.Response(headerlist=[("X-Bad", "a\nb")]), "may not contain CR, LF"),
        (webob.Response(status="301 Moved Permanently"), "a 301 redirect needs"),
    ],
    ids=["header", "location"],
)
def test_own_refuses_what_checked_refuses(
    response: webob.Response, message: str
) -> None:
    request = request_for()
    with pytest.raises(ValueError, match=message):
        own(response, request)
    assert "_own_response" not in request.__dict__


# -- _checked: what own() checked is sent without checking again -----------------------


def test_checked_sends_an_unchanged_owned_response_as_own_captured_it() -> None:
    request = request_for("PATCH", ["GET"])
    owned = own(HTTPMethodNotAllowed(), request)
    sender = _checked(owned, request)
    assert type(sender) is _Body
    sent = send(sender)
    assert (sent.status, sent.headers) == (owned.status, owned.headerlist)


def _change_status(owned: Response) -> None:
    owned.status = "418 I'm a teapot"


def _add_header_in_place(owned: Response) -> None:
    owned.headerlist.append(("X-Added", "yes"))


def _replace_headers(owned: Response) -> None:
    owned.headerlist = [("X-Replaced", "yes")]


def _replace_body(owned: Response) -> None:
    owned.app_iter = [b"other"]


def _make_conditional(owned: Response) -> None:
    owned.conditional_response = True


@pytest.mark.parametrize(
    "change",
    [
        _change_status,
        _add_header_in_place,
        _replace_headers,
        _replace_body,
        _make_conditional,
    ],
)
def test_checked_sends_an_owned_response_changed_since_as_it_is_now(
    change: Any,
) -> None:
    request = request_for()
    owned = own(Response("hello"), request)
    change(owned)
    assert _checked(owned, request) is owned


def test_checked_checks_an_owned_response_changed_since() -> None:
    request = request_for()
    owned = own(Response("hello"), request)
    owned.headerlist.append(("X-Bad", "a\r\nb"))
    with pytest.raises(ValueError, match="'X-Bad' may not contain CR, LF or NUL"):
        _checked(owned, request)


def test_checked_checks_a_response_own_did_not_make() -> None:
    request = request_for()
    own(Response("hello"), request)
    other = webob.Response(headerlist=[("X-Bad", "a\nb")])
    with pytest.raises(ValueError, match="may not contain CR, LF or NUL"):
        _checked(other, request)
