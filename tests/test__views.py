"""Class-based views, async refusal and route listings (``httpx_views/_views.py``).

Called directly; ``test_app.py``, ``test_app_errors.py`` and
``test_middleware.py`` cover the same rules through the App, and
``test__no_route.py`` and ``test__debug_pages.py`` the listings a 404 or a
405 shows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_views import ConfigurationError, Request
from httpx_views._path_pattern import PathPattern
from httpx_views._views import (
    _class_view_method,
    _class_view_methods,
    _patterns,
    _refuse_async,
    _route_rows,
    _RouteRow,
)
from httpx_views.routing import Route, Router

# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None)

# -- class views ---------------------------------------------------------------------


class GetOnly:
    def get(self, request: Request) -> str:
        return "get"


class GetPost(GetOnly):  # an inherited method counts
    def post(self, request: Request) -> str:
        return "post"


class HeadOnly:
    def head(self, request: Request) -> str:
        return "head"


class PostOnly:
    def post(self, request: Request) -> str:
        return "post"


class GetAndHead(GetOnly):
    def head(self, request: Request) -> str:
        return "head"


class Every:
    def get(self, request: Request) -> str:
        return "get"

    def head(self, request: Request) -> str:
        return "head"

    def post(self, request: Request) -> str:
        return "post"

    def put(self, request: Request) -> str:
        return "put"

    def patch(self, request: Request) -> str:
        return "patch"

    def delete(self, request: Request) -> str:
        return "delete"

    def options(self, request: Request) -> str:
        return "options"


class Empty:
    pass


class Unserved:
    """Only names that are not HTTP methods the App routes to a class."""

    def trace(self, request: Request) -> str:
        return "trace"

    def GET(self, request: Request) -> str:
        return "GET"

    def connect(self, request: Request) -> str:
        return "connect"


def _name(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.mark.parametrize(
    ("cls", "served"),
    [
        (GetOnly, {"GET", "HEAD"}),
        (GetPost, {"GET", "HEAD", "POST"}),
        (HeadOnly, {"HEAD"}),
        (PostOnly, {"POST"}),  # no GET, so no HEAD either
        (GetAndHead, {"GET", "HEAD"}),
        (Every, {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}),
    ],
)
def test_class_view_without_methods_serves_what_it_implements(
    cls: type[Any], served: set[str]
) -> None:
    assert _class_view_methods(cls, "/p", None) == frozenset(served)


@pytest.mark.parametrize(
    ("cls", "methods", "served"),
    [
        (GetPost, ["get"], {"GET"}),  # the router adds HEAD to GET, not this
        (GetPost, ["Post", "GET"], {"GET", "POST"}),
        (GetPost, ("post",), {"POST"}),
        (GetPost, iter(["GET", "get"]), {"GET"}),
        (GetOnly, ["HEAD"], {"HEAD"}),  # served by get
        (Every, ["options", "delete"], {"OPTIONS", "DELETE"}),
        (GetPost, "post", {"POST"}),  # one method, as a function view takes it
    ],
    ids=["lower", "mixed-case", "tuple", "iterator", "head-by-get", "every", "str"],
)
def test_class_view_with_methods_serves_those_named(
    cls: type[Any], methods: Iterable[str], served: set[str]
) -> None:
    assert _class_view_methods(cls, "/p", methods) == frozenset(served)


@pytest.mark.parametrize("cls", [Empty, Unserved])
def test_class_view_implementing_no_method_is_refused(cls: type[Any]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _class_view_methods(cls, "/things/{id}", None)
    assert str(raised.value) == (
        f"class view {_name(cls)} for '/things/{{id}}' implements no HTTP method "
        "(one of get, head, post, put, patch, delete, options)"
    )


@pytest.mark.parametrize(
    ("cls", "methods", "missing"),
    [
        (
            GetPost,
            ["GET", "put", "DELETE", "patch", "OPTIONS"],
            "DELETE, OPTIONS, PATCH, PUT",
        ),  # sorted
        (PostOnly, ["HEAD"], "HEAD"),  # HEAD comes with get alone
        (HeadOnly, ["GET"], "GET"),
        (Empty, ["get"], "GET"),
        (Unserved, ["TRACE"], "TRACE"),
    ],
)
def test_class_view_lacking_a_named_method_is_refused(
    cls: type[Any], methods: list[str], missing: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _class_view_methods(cls, "/p", methods)
    assert str(raised.value) == (
        f"class view {_name(cls)} for '/p' has no method for {missing}"
    )


@pytest.mark.parametrize(
    ("cls", "method", "answer"),
    [
        (Every, "GET", "get"),
        (Every, "POST", "post"),
        (Every, "PUT", "put"),
        (Every, "PATCH", "patch"),
        (Every, "DELETE", "delete"),
        (Every, "OPTIONS", "options"),
        (Every, "HEAD", "head"),
        (GetAndHead, "HEAD", "head"),  # its own head first
        (GetOnly, "HEAD", "get"),  # else get answers HEAD
        (GetPost, "POST", "post"),
    ],
)
def test_class_view_method_is_the_instance_method_named_after_it(
    cls: type[Any], method: str, answer: str
) -> None:
    instance = cls()
    handler = _class_view_method(instance, method)
    assert handler.__self__ is instance  # type: ignore[attr-defined]
    assert handler(Request.blank("/")) == answer


def test_class_view_method_finds_an_attribute_of_the_instance() -> None:
    instance = Empty()
    instance.get = lambda request: "set on the instance"  # type: ignore[attr-defined]
    assert _class_view_method(instance, "HEAD")(None) == "set on the instance"


# -- async views and middleware ---------------------------------------------------


def sync_view(request: Request) -> str:
    return "sync"


async def async_view(request: Request) -> str:
    return "async"


class _Methods:
    def sync(self, request: Request) -> str:
        return "sync"

    async def run(self, request: Request) -> str:
        return "async"


class _Callable:
    def __call__(self, request: Request) -> str:
        return "called"


class _AsyncCallable:
    async def __call__(self, request: Request) -> str:
        return "called"


async def async_generator_view(request: Request) -> AsyncIterator[bytes]:
    yield b"async"


@pytest.mark.parametrize(
    "view",
    [
        sync_view,
        lambda request: "lambda",
        _Methods().sync,
        _Callable(),
        _Methods,
        len,
        partial(sync_view),
    ],
    ids=[
        "function",
        "lambda",
        "bound-method",
        "callable-object",
        "class",
        "builtin",
        "partial",
    ],
)
def test_sync_callable_is_accepted(view: Any) -> None:
    _refuse_async(view)  # raises nothing
    _refuse_async(view, "middleware")


@pytest.mark.parametrize(
    ("view", "name"),
    [
        (async_view, f"{__name__}.async_view"),
        (_Methods().run, f"{__name__}._Methods.run"),
    ],
    ids=["function", "bound-method"],
)
@pytest.mark.parametrize("kind", ["view", "middleware"])
def test_async_def_is_refused_naming_what_and_why(
    view: Any, name: str, kind: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        if kind == "view":
            _refuse_async(view)  # the default kind
        else:
            _refuse_async(view, kind)
    assert str(raised.value) == (
        f"{kind} {name} is async; a WSGI App calls it synchronously "
        "(use def, not async def)"
    )


@pytest.mark.parametrize(
    "view",
    [
        partial(async_view),
        partial(partial(async_view)),
        _AsyncCallable(),
        async_generator_view,
    ],
    ids=["partial", "partial-of-partial", "async-call", "async-generator"],
)
def test_async_in_disguise_is_refused(view: Any) -> None:
    with pytest.raises(ConfigurationError, match=r" is async; a WSGI App calls it"):
        _refuse_async(view)


# -- route listings --------------------------------------------------------------------


def route(
    pattern: str,
    methods: Iterable[str] | None = ("GET", "HEAD"),
    name: str | None = None,
) -> Route:
    """A route as the router stores it, with exactly these methods."""
    served = None if methods is None else frozenset(methods)
    return Route(pattern, sync_view, served, name, None, PathPattern(pattern))


@pytest.mark.parametrize(
    ("routes", "rows"),
    [
        ([], []),
        ([route("/notes", name="notes")], [("/notes", "GET, HEAD", "notes")]),
        (
            [route("/n", ["POST", "DELETE", "GET"])],  # methods sorted
            [("/n", "DELETE, GET, POST", "")],
        ),
        (
            [route("/n", name="list"), route("/n", ["POST"]), route("/n", name="b")],
            [("/n", "GET, HEAD, POST", "list, b")],  # names in the order added
        ),
        ([route("/any", None)], [("/any", "any method", "")]),
        ([route("/a", None), route("/a", ["GET"])], [("/a", "any method", "")]),
        ([route("/a", ["GET"]), route("/a", None)], [("/a", "any method", "")]),
        (
            [route("/b", ["POST"]), route("/a"), route("/b", ["PUT"], "b")],
            [("/b", "POST, PUT", "b"), ("/a", "GET, HEAD", "")],  # first added first
        ),
    ],
    ids=[
        "none",
        "one",
        "sorted",
        "merged",
        "any",
        "any-then-get",
        "get-then-any",
        "order-added",
    ],
)
def test_route_rows_list_each_pattern_once(
    routes: list[Route], rows: list[tuple[str, str, str]]
) -> None:
    listed = _route_rows(iter(routes))  # any iterable, read once
    assert listed == [_RouteRow(*row) for row in rows]
    assert all(type(row) is _RouteRow for row in listed)


def test_route_rows_of_the_routers_routes() -> None:
    router = Router()
    router.add("/notes", sync_view, methods=["get"], name="notes")
    router.add("/notes", sync_view, methods=["post"])
    router.add("/{rest:path}", sync_view)
    assert _route_rows(router.routes) == [
        _RouteRow("/notes", "GET, HEAD, POST", "notes"),
        _RouteRow("/{rest:path}", "any method", ""),
    ]


@pytest.mark.parametrize(
    ("routes", "line"),
    [
        ([], ""),
        ([route("/notes")], "/notes (GET, HEAD)"),
        (
            [route("/notes"), route("/any", None), route("/notes", ["POST"])],
            "/notes (GET, HEAD, POST), /any (any method)",
        ),
    ],
    ids=["none", "one", "two"],
)
def test_patterns_is_one_line_of_patterns_and_methods(
    routes: list[Route], line: str
) -> None:
    assert _patterns(iter(routes)) == line


METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"])
ROUTES = st.lists(
    st.builds(
        route,
        st.sampled_from(["/", "/a", "/b/{id}", "/c"]),
        st.none() | st.frozensets(METHODS, min_size=1),
        st.none() | st.sampled_from(["x", "y", "z"]),
    ),
    max_size=8,
)


@BOUNDED
@given(routes=ROUTES)
def test_route_rows_keep_every_pattern_method_and_name(routes: list[Route]) -> None:
    rows = _route_rows(routes)
    assert [row.pattern for row in rows] == list(
        dict.fromkeys(r.pattern for r in routes)
    )
    for row in rows:
        mine = [r for r in routes if r.pattern == row.pattern]
        if any(r.methods is None for r in mine):
            assert row.methods == "any method"
        else:
            listed = row.methods.split(", ")
            assert listed == sorted(listed)
            assert set(listed) == set().union(*(r.methods or () for r in mine))
        assert row.names == ", ".join(r.name for r in mine if r.name is not None)
    line = _patterns(routes)
    assert line == ", ".join(f"{r.pattern} ({r.methods})" for r in rows)
