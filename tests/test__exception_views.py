"""The exception-view registry: which view answers an exception, and its cache.

Mirrors ``httpx_views/_exception_views.py``; how the App uses it, through
WSGI, is in ``test_app.py`` and ``test_app_errors.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
import webob.exc
from harness import environ_for, send

from httpx_views import (
    App,
    ConfigurationError,
    HTTPException,
    HTTPInternalServerError,
    HTTPNotFound,
    Request,
)
from httpx_views._debug_pages import _DebugServerError
from httpx_views._exception_views import ExceptionViews


def _view(name: str) -> Any:
    def view(request: Request) -> str:
        return name

    view.__qualname__ = name
    return view


def _frozen(
    *registrations: tuple[type[BaseException], str, str | None],
) -> ExceptionViews:
    views = ExceptionViews(debug=False)
    for exc_type, name, prefix in registrations:
        views.add(exc_type, _view(name), prefix, append_slash=False)
    views.freeze()
    return views


@pytest.mark.parametrize(
    ("exc", "path", "found"),
    [
        (KeyError("k"), "/", "key"),
        (LookupError("l"), "/", "lookup"),
        (IndexError("i"), "/", "lookup"),  # the nearest class in the MRO wins
        (KeyError("k"), "/api/notes", "api key"),  # the longest prefix wins
        (KeyError("k"), "/apiary", "key"),  # a prefix ends at a segment
        (ValueError("v"), "/", None),
    ],
)
def test_find_takes_the_nearest_class_then_the_longest_prefix(
    exc: BaseException, path: str, found: str | None
) -> None:
    views = _frozen(
        (LookupError, "lookup", None),
        (KeyError, "key", None),
        (KeyError, "api key", "/api"),
    )
    entry = views.find(exc, environ_for(path))
    assert (entry.view.__qualname__ if entry else None) == found


def test_webob_exception_finds_the_view_of_our_class_of_its_code() -> None:
    views = _frozen((HTTPNotFound, "not found", None), (HTTPException, "any", None))
    entry = views.find(webob.exc.HTTPNotFound(), environ_for("/"))
    assert entry is not None and entry.view.__qualname__ == "not found"


def test_server_error_views_are_those_of_the_500_and_its_http_bases() -> None:
    views = _frozen(
        (Exception, "anything", None),
        (HTTPException, "http", None),
        (HTTPInternalServerError, "500", "/api"),
    )
    assert [entry.view.__qualname__ for entry in views.server_error_views] == [
        "500",
        "http",
    ]
    for path, name in [("/api/x", "500"), ("/x", "http")]:
        entry = views.server_error_view(environ_for(path))
        assert entry is not None and entry.view.__qualname__ == name


def _failed() -> RuntimeError:
    try:
        raise RuntimeError("the <cause>")
    except RuntimeError as exc:
        return exc


def test_server_error_outside_debug_is_the_plain_500() -> None:
    error = ExceptionViews(debug=False).server_error(
        _failed(), Request(environ_for("/"))
    )
    assert type(error) is HTTPInternalServerError
    assert error.detail is None


def test_server_error_in_debug_shows_the_exception_and_the_request() -> None:
    request = Request(environ_for("/where", headers={"X-Asked": "yes"}))
    error = ExceptionViews(debug=True).server_error(_failed(), request)
    assert isinstance(error, _DebugServerError)
    assert isinstance(error.detail, str)
    assert "RuntimeError: the <cause>" in error.detail
    assert "\nRequest: GET /where\n" in error.detail
    assert "\nX-Asked: yes\n" in error.detail


def test_appends_slash_asks_the_not_found_view_of_the_path() -> None:
    views = ExceptionViews(debug=False)
    views.add(HTTPNotFound, _view("api"), "/api", append_slash=True)
    views.add(HTTPNotFound, _view("site"), None, append_slash=False)
    views.freeze()
    assert views.append_slash is True
    assert views.appends_slash("/api/notes") is True
    assert views.appends_slash("/notes") is False


@pytest.mark.parametrize(
    ("exc_type", "prefix", "fragment"),
    [
        (str, None, "exception classes"),
        (KeyError, "api", "must start with '/'"),
        (KeyError, "/api/", "two exception views for KeyError"),
    ],
)
def test_bad_registration_is_refused(
    exc_type: Any, prefix: str | None, fragment: str
) -> None:
    views = ExceptionViews(debug=False)
    views.add(KeyError, _view("first"), "/api", append_slash=False)
    with pytest.raises(ConfigurationError, match=fragment):
        views.add(exc_type, _view("second"), prefix, append_slash=False)


def test_exception_view_lookup_cache_is_bounded_and_still_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("httpx_views._exception_views._VIEWS_BY_CLASS_MAX", 3)
    classes = [type(f"Made{number}", (KeyError,), {}) for number in range(8)]
    app = App()

    @app.route("/raise/{number:int}")
    def raiser(request: Request) -> Any:
        raise classes[request.matchdict["number"]]()

    app.exception_view(KeyError)(lambda request: type(request.exception).__name__)
    for number in [*range(8), 0, 7]:
        assert send(app, f"/raise/{number}").body == f"Made{number}".encode()
        assert len(app._exception_views._views_by_class) <= 3
