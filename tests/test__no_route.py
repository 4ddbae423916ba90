"""The App's answers when no route serves a request (``_no_route.no_route``).

Called directly, with a router and an exception-view registry of the test's
own; tests/test_app.py covers the same answers through the App.
"""

from __future__ import annotations

from typing import Any

import pytest
import webob
from harness import environ_for

from httpx_views import HTTPMethodNotAllowed, HTTPNotFound, Request
from httpx_views._debug_pages import _DebugNotFound
from httpx_views._exception_views import ExceptionViews
from httpx_views._no_route import no_route
from httpx_views.routing import Router


def answer_of(
    path: str,
    method: str = "GET",
    *,
    query: str = "",
    debug: bool = False,
    append_slash: bool = False,
) -> Any:
    router = Router()
    router.add("/notes", lambda request: "notes", methods=["GET", "POST"], name="notes")
    router.add("/folder/", lambda request: "folder", methods=["GET", "POST"])
    router.freeze()
    views = ExceptionViews(debug)
    if append_slash:
        views.add(HTTPNotFound, lambda request: request.exception, None, True)
    views.freeze()
    request = Request(environ_for(path, method, query=query))
    found = router.match(path, method)
    assert found is None or isinstance(found, frozenset)  # no route serves it
    return no_route(router, views, request, path, method, found)


def test_options_is_answered_with_allow_alone() -> None:
    answer = answer_of("/notes", "OPTIONS")
    assert type(answer) is webob.Response
    assert answer.status_code == 200
    assert answer.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert answer.body == b""


@pytest.mark.parametrize("debug", [False, True])
def test_another_method_is_405_with_allow(
    debug: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="httpx_views")
    answer = answer_of("/notes", "DELETE", debug=debug)
    assert isinstance(answer, HTTPMethodNotAllowed)
    assert answer.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    if debug:
        assert answer.detail == (
            "DELETE is not allowed for '/notes': routes /notes (GET, HEAD, POST) "
            "allow GET, HEAD, OPTIONS, POST."
        )
        assert f"405 {answer.detail}" in caplog.messages
    else:
        assert answer.detail is None
        assert caplog.messages == []


@pytest.mark.parametrize("debug", [False, True])
def test_a_path_no_route_matches_is_404(
    debug: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="httpx_views")
    answer = answer_of("/nowhere", debug=debug)
    assert answer.status_code == 404
    if debug:
        assert isinstance(answer, _DebugNotFound)
        assert "/notes (GET, HEAD, POST)" in str(answer.detail)
        assert caplog.messages == [f"404 {answer.detail}"]
    else:
        assert type(answer) is HTTPNotFound
        assert answer.detail is None
        assert caplog.messages == []


@pytest.mark.parametrize(
    ("method", "status"), [("GET", 301), ("HEAD", 301), ("POST", 308)]
)
def test_append_slash_redirects_keeping_the_method_where_it_must(
    method: str, status: int
) -> None:
    # The query is re-quoted: WSGI gives it as latin-1, one char per byte.
    answer = answer_of("/folder", method, query="a=1&b=é x\r\n", append_slash=True)
    assert answer.status_code == status
    assert answer.location == "/folder/?a=1&b=%E9%20x%0D%0A"


@pytest.mark.parametrize(
    ("path", "append_slash"),
    [
        ("/folder", False),  # no Not Found view asks for it
        ("/nothing", True),  # "/nothing/" matches no route either
    ],
)
def test_append_slash_only_where_asked_and_a_route_matches(
    path: str, append_slash: bool
) -> None:
    answer = answer_of(path, append_slash=append_slash)
    assert answer.status_code == 404
    assert "Location" not in answer.headers
