"""What a view returned, made a response (``httpx_views/_results.py``).

Called directly, with a request and an exception-view registry of the
test's own; ``test_app.py`` and ``test_app_errors.py`` cover the same
answers as a client sees them through the App.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pytest
import webob
import webob.exc
from harness import environ_for
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_views import HTTPNotFound, Request, Response
from httpx_views._exception_views import ExceptionViews
from httpx_views._results import (
    _as_response,
    _json_body,
    _plain_response,
    _type_bytes,
    to_response,
)
from httpx_views._sending import _Body

# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None)

TEXT_PLAIN = ("Content-Type", "text/plain; charset=UTF-8")
OCTET_STREAM = ("Content-Type", "application/octet-stream")
JSON = ("Content-Type", "application/json")


def a_view(request: Request) -> Any:
    """The view named in error messages; never called."""


VIEW_NAME = f"{a_view.__module__}.{a_view.__qualname__}"


def request_for(*, touched: bool = False) -> Request:
    """A request; *touched*: its view has made ``request.response``."""
    request = Request(environ_for("/v"))
    if touched:
        request.response.headers["X-Touched"] = "1"
    return request


def no_views() -> ExceptionViews:
    views = ExceptionViews(debug=False)
    views.freeze()
    return views


def sent(answer: Any, request: Request) -> tuple[str, list[tuple[str, str]], bytes]:
    """What *answer*, a WSGI application, sends for *request*."""
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        started.append((status, list(headers)))
        return lambda data: None

    body = b"".join(answer(request.environ, start_response))
    ((status, headers),) = started
    return status, headers, body


# -- to_response: the plain values of a view that left request.response alone ------


@pytest.mark.parametrize(
    ("value", "header", "body"),
    [
        ("caf\u00e9", TEXT_PLAIN, "caf\u00e9".encode()),
        ("", TEXT_PLAIN, b""),
        (b"\x89PNG", OCTET_STREAM, b"\x89PNG"),
        (b"", OCTET_STREAM, b""),
        ({"a": [1, None]}, JSON, b'{"a": [1, null]}'),
        ({}, JSON, b"{}"),
        ([1, "\u00e9"], JSON, b'[1, "\\u00e9"]'),
        ([], JSON, b"[]"),
    ],
    ids=[
        "str",
        "empty-str",
        "bytes",
        "empty-bytes",
        "dict",
        "empty-dict",
        "list",
        "[]",
    ],
)
def test_plain_value_is_a_prebuilt_200_without_a_response_object(
    value: Any, header: tuple[str, str], body: bytes
) -> None:
    request = request_for()
    answer = to_response(request, value, a_view, no_views())
    assert type(answer) is _Body
    assert not request.has_response  # no request.response was made for it
    assert sent(answer, request) == (
        "200 OK",
        [header, ("Content-Length", str(len(body)))],
        body,
    )


class _Text(str):
    pass


class _Bytes(bytes):
    pass


@pytest.mark.parametrize(
    ("value", "header", "body"),
    [
        (_Text("caf\u00e9"), TEXT_PLAIN, "caf\u00e9".encode()),
        (_Bytes(b"\x89PNG"), OCTET_STREAM, b"\x89PNG"),
        (OrderedDict(a=1), JSON, b'{"a": 1}'),
    ],
    ids=["str-subclass", "bytes-subclass", "dict-subclass"],
)
def test_subclass_of_a_plain_type_is_sent_through_request_response(
    value: Any, header: tuple[str, str], body: bytes
) -> None:
    # Only the exact types take the prebuilt answer; a subclass is answered
    # by request.response, with the same headers and body.
    request = request_for()
    answer = to_response(request, value, a_view, no_views())
    assert request.has_response
    assert answer is request.response
    assert sent(answer, request) == (
        "200 OK",
        [header, ("Content-Length", str(len(body)))],
        body,
    )


def test_none_from_an_untouched_request_is_an_empty_request_response() -> None:
    request = request_for()
    answer = to_response(request, None, a_view, no_views())
    assert answer is request.response
    assert sent(answer, request) == (
        "200 OK",
        [TEXT_PLAIN, ("Content-Length", "0")],
        b"",
    )


# -- to_response: responses and HTTP exceptions ----------------------------------------


@pytest.mark.parametrize("touched", [False, True])
@pytest.mark.parametrize(
    "make",
    [lambda: Response("made"), lambda: webob.Response("made")],
    ids=["ours", "webob"],
)
def test_returned_response_is_sent_as_it_is(
    touched: bool, make: Callable[[], webob.Response]
) -> None:
    request = request_for(touched=touched)
    response = make()
    assert to_response(request, response, a_view, no_views()) is response
    assert request.exception is None  # not an exception: no view was asked


@pytest.mark.parametrize("touched", [False, True])
@pytest.mark.parametrize(
    "exc",
    [HTTPNotFound(detail="gone"), webob.exc.HTTPNotFound(detail="gone")],
    ids=["ours", "webob"],
)
def test_returned_http_exception_without_a_view_is_itself(
    touched: bool, exc: Any
) -> None:
    request = request_for(touched=touched)
    assert to_response(request, exc, a_view, no_views()) is exc
    assert request.exception is exc  # answered as if raised
    assert not request.has_response  # what the view set up is dropped


@pytest.mark.parametrize(
    "exc",
    [HTTPNotFound(detail="gone"), webob.exc.HTTPNotFound(detail="gone")],
    ids=["ours", "webob"],
)
def test_returned_http_exception_is_answered_by_its_exception_view(exc: Any) -> None:
    def not_found(request: Request) -> str:
        assert request.exception is exc
        return "no such page"

    views = ExceptionViews(debug=False)
    views.add(HTTPNotFound, not_found, None, append_slash=False)
    views.freeze()
    request = request_for(touched=True)
    request.response.status_code = 202
    answer = to_response(request, exc, a_view, views)
    # The exception view starts from a fresh request.response: the status and
    # header the failed view set do not leak into its answer.
    assert sent(answer, request) == (
        "200 OK",
        [TEXT_PLAIN, ("Content-Length", "12")],
        b"no such page",
    )


# -- to_response and _plain_response: a view that made request.response ------------


def test_text_is_encoded_in_the_charset_of_request_response() -> None:
    request = request_for(touched=True)
    request.response.charset = "latin-1"
    answer = to_response(request, "caf\u00e9", a_view, no_views())
    assert answer is request.response
    status, headers, body = sent(answer, request)
    assert (status, body) == ("200 OK", b"caf\xe9")
    assert sorted(headers) == [
        ("Content-Length", "4"),
        ("Content-Type", "text/plain; charset=latin-1"),
        ("X-Touched", "1"),
    ]


@pytest.mark.parametrize("touched", [False, True])
def test_none_leaves_request_response_as_the_view_made_it(touched: bool) -> None:
    request = request_for(touched=touched)
    answer = _plain_response(request, None, a_view)
    assert answer is request.response
    assert answer.body == b""


@pytest.mark.parametrize(
    ("chosen", "content_type"),
    [
        (None, "application/octet-stream"),
        ("image/png", "image/png"),
        ("text/plain", "text/plain; charset=UTF-8"),  # chosen, though the default
    ],
)
def test_bytes_are_octet_stream_unless_the_view_chose_a_type(
    chosen: str | None, content_type: str
) -> None:
    request = request_for(touched=True)
    if chosen is not None:
        request.response.content_type = chosen
    answer = to_response(request, b"\x89PNG", a_view, no_views())
    assert answer is request.response
    assert answer.headers.getall("Content-Type") == [content_type]
    assert answer.headers["X-Touched"] == "1"
    assert answer.body == b"\x89PNG"


@pytest.mark.parametrize(
    ("chosen", "content_type"),
    [
        (None, "application/json"),
        ("text/plain; charset=latin-1", "application/json"),  # text/plain is ours
        ("application/problem+json", "application/problem+json"),
        ("text/html", "text/html; charset=UTF-8"),
    ],
)
@pytest.mark.parametrize("value", [{"a": 1}, [1, 2]], ids=["dict", "list"])
def test_json_is_application_json_unless_the_view_chose_a_type(
    chosen: str | None, content_type: str, value: Any
) -> None:
    request = request_for(touched=True)
    if chosen is not None:
        request.response.content_type = chosen
    answer = to_response(request, value, a_view, no_views())
    assert answer is request.response
    assert answer.headers.getall("Content-Type") == [content_type]
    assert json.loads(answer.body) == value


# -- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize("touched", [False, True])
@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (42, "int"),
        (1.5, "float"),
        (True, "bool"),
        ((1, 2), "tuple"),
        ({1}, "set"),
        (bytearray(b"x"), "bytearray"),
        (iter([b"x"]), "list_iterator"),
        (object(), "object"),
        # WebOb's bare HTTPException is not a response: one is raised, not returned.
        (webob.exc.HTTPException("m", webob.Response()), "HTTPException"),
    ],
)
def test_value_of_another_type_is_refused_naming_view_and_type(
    touched: bool, value: Any, type_name: str
) -> None:
    request = request_for(touched=touched)
    with pytest.raises(TypeError) as raised:
        to_response(request, value, a_view, no_views())
    assert str(raised.value) == (
        f"view {VIEW_NAME} returned {type_name}; a view returns a Response, str, "
        "bytes, dict, list or None"
    )


def _cycle() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


NOT_JSON = [
    pytest.param({"x": float("nan")}, ValueError, "Out of range float", id="nan"),
    pytest.param([1.0, float("inf")], ValueError, "Out of range float", id="inf"),
    pytest.param({"a": [float("-inf")]}, ValueError, "Out of range float", id="-inf"),
    pytest.param({"s": {1}}, TypeError, "set is not JSON serializable", id="set"),
    pytest.param({(1, 2): 1}, TypeError, "keys must be str", id="tuple-key"),
    pytest.param(_cycle(), ValueError, "Circular reference", id="cycle"),
]


@pytest.mark.parametrize("touched", [False, True])
@pytest.mark.parametrize(("value", "cause", "reason"), NOT_JSON)
def test_json_that_is_not_json_is_refused_naming_view_and_cause(
    touched: bool, value: Any, cause: type[Exception], reason: str
) -> None:
    request = request_for(touched=touched)
    with pytest.raises(ValueError) as raised:
        to_response(request, value, a_view, no_views())
    message = str(raised.value)
    prefix = f"view {VIEW_NAME} returned {type(value).__name__} that is not JSON: "
    assert message.startswith(prefix)
    assert reason in message
    assert type(raised.value.__cause__) is cause
    assert message == prefix + str(raised.value.__cause__)


# -- _json_body --------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@BOUNDED
@given(value=JSON_VALUES)
def test_json_body_is_ascii_json_that_reads_back_as_the_value(value: Any) -> None:
    body = _json_body(value, a_view)
    assert body == json.dumps(value).encode("ascii")  # json.dumps's own text
    assert json.loads(body) == value


@BOUNDED
@given(
    value=st.dictionaries(st.text(), JSON_VALUES, max_size=4) | st.lists(JSON_VALUES)
)
def test_json_round_trips_on_either_path(value: Any) -> None:
    for touched in (False, True):
        request = request_for(touched=touched)
        status, headers, body = sent(
            to_response(request, value, a_view, no_views()), request
        )
        assert status == "200 OK"
        assert ("Content-Type", "application/json") in headers
        assert ("Content-Length", str(len(body))) in headers
        assert json.loads(body) == value


@BOUNDED
@given(text=st.text())
def test_text_round_trips_on_either_path(text: str) -> None:
    for touched in (False, True):
        request = request_for(touched=touched)
        status, headers, body = sent(
            to_response(request, text, a_view, no_views()), request
        )
        assert status == "200 OK"
        assert TEXT_PLAIN in headers
        assert body.decode("utf-8") == text


# -- _type_bytes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headerlist", "typed"),
    [
        ([], []),
        ([TEXT_PLAIN], [OCTET_STREAM]),
        (
            [TEXT_PLAIN, ("Content-Length", "0"), ("X-A", "1")],
            [OCTET_STREAM, ("Content-Length", "0"), ("X-A", "1")],
        ),
        # A type the view set is moved to the end: kept, whatever it is.
        ([("Content-Length", "0"), TEXT_PLAIN], [("Content-Length", "0"), TEXT_PLAIN]),
        ([("Content-Type", "image/png")], [("Content-Type", "image/png")]),
        (
            [("Content-Type", "text/plain; charset=latin-1")],
            [("Content-Type", "text/plain; charset=latin-1")],
        ),
        (
            [("content-type", "text/plain; charset=UTF-8")],
            [("content-type", "text/plain; charset=UTF-8")],
        ),
    ],
    ids=[
        "empty",
        "default-alone",
        "default-first",
        "default-not-first",
        "png",
        "latin-1",
        "lower-case-name",
    ],
)
def test_type_bytes_replaces_only_the_untouched_default_type(
    headerlist: list[tuple[str, str]], typed: list[tuple[str, str]]
) -> None:
    _type_bytes(headerlist)
    assert headerlist == typed


# -- _as_response ------------------------------------------------------------------


def test_as_response_of_webob_bare_http_exception_is_its_wsgi_response() -> None:
    response = webob.Response("inside")
    assert _as_response(webob.exc.HTTPException("m", response)) is response


@pytest.mark.parametrize(
    "result",
    [
        HTTPNotFound(),
        webob.exc.HTTPNotFound(),
        Response("ours"),
        webob.Response("webob"),
    ],
    ids=["ours-exception", "webob-exception", "ours-response", "webob-response"],
)
def test_as_response_of_a_response_is_itself(result: webob.Response) -> None:
    assert _as_response(result) is result
