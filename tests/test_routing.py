"""Tests for httpx_views.routing: patterns, precedence, methods, URLs.

The linear-time matcher routing uses has its own: tests/test__linear.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_views.routing import (
    ConfigurationError,
    Match,
    PathPattern,
    Route,
    Router,
)

UUID = "12345678-9abc-DEF0-1234-56789abcdef0"
# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def view_a(request: Any) -> None:
    """A view for the tests."""


def view_b(request: Any) -> None:
    """Another view for the tests."""


def routed(pattern: str, path: str, method: str = "GET") -> Any:
    """Register *pattern* alone and return what matching *path* gives."""
    router = Router()
    router.add(pattern, view_a, methods=["GET"])
    return router.match(path, method)


def names(message: str, fragment: str) -> bool:
    """Whether *message* holds *fragment* as a whole: no word, no ``.`` glued
    on either side (``missing tab``, not ``missing tabs`` or ``x.tab``)."""
    return re.search(rf"(?<![\w.]){re.escape(fragment)}(?![\w.])", message) is not None


# -- matching and converters ------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "params"),
    [
        ("/", "/", {}),
        ("/about", "/about", {}),
        ("/a/b/", "/a/b/", {}),
        ("/café", "/café", {}),
        ("/users/{id}", "/users/abc", {"id": "abc"}),
        ("/users/{id}", "/users/a b%2F", {"id": "a b%2F"}),
        ("/users/{id}/", "/users/7/", {"id": "7"}),
        ("/{a}/{b}", "/x/y", {"a": "x", "b": "y"}),
        ("/users/{id:int}", "/users/42", {"id": 42}),
        ("/users/{id:int}", "/users/007", {"id": 7}),
        ("/p/{x:float}", "/p/1.5", {"x": 1.5}),
        ("/p/{x:float}", "/p/3", {"x": 3.0}),
        ("/u/{u:uuid}", f"/u/{UUID}", {"u": uuid.UUID(UUID)}),
        ("/u/{u:uuid}", f"/u/{UUID.lower()}", {"u": uuid.UUID(UUID)}),
        ("/static/{rest:path}", "/static/css/site.css", {"rest": "css/site.css"}),
        ("/static/{rest:path}", "/static/a/", {"rest": "a/"}),
        ("/f/{rest:path}/raw", "/f/a/b/raw", {"rest": "a/b"}),
        ("/w/{rest:.*}", "/w/", {"rest": ""}),
        ("/w/{rest:.*}", "/w/line\nbreak/x", {"rest": "line\nbreak/x"}),
        ("/d/{day:\\d{4}-\\d{2}}", "/d/2024-05", {"day": "2024-05"}),
        ("/d/{y:[0-9]{4}}/{m:[0-9]{2}}", "/d/2024/05", {"y": "2024", "m": "05"}),
        ("/d/{v:a\\{b}", "/d/a{b", {"v": "a{b"}),
        ("/x/{v:(?:ab)+}", "/x/abab", {"v": "abab"}),
        ("/x/{v:(?i:ab)}", "/x/AB", {"v": "AB"}),
        ("/files/{stem}.{ext}", "/files/report.pdf", {"stem": "report", "ext": "pdf"}),
        ("/files/{stem}.{ext}", "/files/a.tar.gz", {"stem": "a.tar", "ext": "gz"}),
        ("/{a}-{b}", "/x-y-z", {"a": "x-y", "b": "z"}),
        ("/{a:int}{b:int}", "/123", {"a": 12, "b": 3}),
        ("/{a:float}{b:float}", "/1.52", {"a": 1.5, "b": 2.0}),
        ("/{a:path}.{b}", "/x/y.tar.gz", {"a": "x/y.tar", "b": "gz"}),
        ("/{a:path}/{b:path}/x", "/p/q/r/x", {"a": "p/q", "b": "r"}),
        ("/{a}{u:uuid}", f"/x{UUID}", {"a": "x", "u": uuid.UUID(UUID)}),
        ("/x/{v:(?:str)}", "/x/str", {"v": "str"}),
        ("/x/{v:café}", "/x/café", {"v": "café"}),
        ("/v{version:int}/items", "/v2/items", {"version": 2}),
        ("/é/{nom}", "/é/ünï", {"nom": "ünï"}),
        ("/k/{café}", "/k/x", {"café": "x"}),
    ],
)
def test_match_finds_route_and_converts(
    pattern: str, path: str, params: dict[str, Any]
) -> None:
    found = routed(pattern, path)
    assert isinstance(found, Match)
    assert found.route.pattern == pattern
    assert found.params == params
    assert [type(v) for v in found.params.values()] == [
        type(v) for v in params.values()
    ]


@pytest.mark.parametrize(
    ("pattern", "path"),
    [
        ("/about", "/about/"),
        ("/about/", "/about"),
        ("/about", "/About"),
        ("/about", "/abou"),
        ("/users/{id}", "/users/"),
        ("/users/{id}", "/users/a/b"),
        ("/users/{id}", "/users/a/"),
        ("/users/{id}/", "/users/a"),
        ("/users/{id:int}", "/users/abc"),
        ("/users/{id:int}", "/users/-1"),
        ("/users/{id:int}", "/users/4.2"),
        ("/users/{id:int}", "/users/٤٢"),  # non-ASCII digits
        ("/users/{id:int}", "/users/" + "9" * 5000),  # int() refuses it
        ("/p/{x:float}", "/p/1."),
        ("/p/{x:float}", "/p/.5"),
        ("/p/{x:float}", "/p/1e5"),
        ("/p/{x:float}", "/p/nan"),
        ("/u/{u:uuid}", "/u/not-a-uuid"),
        ("/u/{u:uuid}", f"/u/{UUID.replace('-', '')}"),
        ("/u/{u:uuid}", f"/u/{{{UUID}}}"),
        ("/u/{u:uuid}", f"/u/{UUID[:-1]}g"),
        ("/static/{rest:path}", "/static/"),
        ("/static/{rest:path}", "/static"),
        ("/d/{day:\\d{4}}", "/d/202"),
        ("/d/{day:\\d{4}}", "/d/20245"),
        ("/files/{stem}.{ext}", "/files/report"),
        ("/x/{v:a[b]}", "/x/AB"),
        ("/{a}-{b}", "/x-"),
        ("/{a:int}{b:int}", "/1"),
        ("/{a:path}/{b:path}/x", "/p/x"),
    ],
)
def test_match_misses(pattern: str, path: str) -> None:
    assert routed(pattern, path) is None


def test_match_static_params_are_fresh_dicts() -> None:
    router = Router()
    router.add("/a", view_a)
    first = router.match("/a", "GET")
    assert isinstance(first, Match)
    first.params["x"] = 1
    second = router.match("/a", "GET")
    assert isinstance(second, Match)
    assert second.params == {}


@pytest.mark.parametrize(
    ("pattern", "path", "params"),
    [
        # Long enough for the linear-time matcher, where placeholders share a
        # segment: each still takes the longest value that lets the rest match.
        ("/{a}-{b}", "/" + "-".join(["w"] * 30), {"a": "-".join(["w"] * 29), "b": "w"}),
        ("/{a:int}{b:int}", "/" + "1" * 40, {"a": int("1" * 39), "b": 1}),
        (
            "/{a:path}/{b:path}/x",
            "/" + "p/" * 30 + "x",
            {"a": "/".join(["p"] * 29), "b": "p"},
        ),
        # a custom expression is matched by re as written, at any length
        ("/{a:[a-z]+}{b:[a-z]+}", "/" + "k" * 40, {"a": "k" * 39, "b": "k"}),
        ("/{a:[a-z]+}-{b}", "/k-" + "x-" * 20, {"a": "k", "b": "x-" * 20}),
    ],
)
def test_match_long_path_gives_each_placeholder_its_longest_value(
    pattern: str, path: str, params: dict[str, Any]
) -> None:
    found = routed(pattern, path)
    assert isinstance(found, Match)
    assert found.params == params


# -- precedence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "path", "winner"),
    [
        # 1. static beats dynamic, whatever the registration order
        (["/users/{id}", "/users/me"], "/users/me", "/users/me"),
        (["/users/me", "/users/{id}"], "/users/me", "/users/me"),
        (["/{any:path}", "/a/b"], "/a/b", "/a/b"),
        # 2. more whole literal leading segments win, whatever the order
        (["/users/{id}/{tab}", "/users/me/{tab}"], "/users/me/x", "/users/me/{tab}"),
        (["/users/me/{tab}", "/users/{id}/{tab}"], "/users/me/x", "/users/me/{tab}"),
        (["/{any:path}", "/a/{rest:path}"], "/a/b", "/a/{rest:path}"),
        (["/a/{x:.*}", "/a/b/c/{y}"], "/a/b/c/d", "/a/b/c/{y}"),
        # the deeper route does not match: fall back to a shallower one
        (["/a/{x:.*}", "/a/b/c/{y:int}"], "/a/b/c/d", "/a/{x:.*}"),
        # a partly literal segment counts for nothing: first registered wins
        (["/{x}/{y}", "/v{n}/{y}"], "/v1/z", "/{x}/{y}"),
        (["/v{n}/{y}", "/{x}/{y}"], "/v1/z", "/v{n}/{y}"),
        # 3. ties: the first registered wins
        (["/{a}/x", "/{b:[a-z]+}/x"], "/k/x", "/{a}/x"),
        (["/{b:[a-z]+}/x", "/{a}/x"], "/k/x", "/{b:[a-z]+}/x"),
        (["/f/{id:int}", "/f/{name}"], "/f/12", "/f/{id:int}"),
        (["/f/{name}", "/f/{id:int}"], "/f/12", "/f/{name}"),
        (["/f/{id:int}", "/f/{name}"], "/f/ab", "/f/{name}"),
    ],
)
def test_match_precedence(patterns: list[str], path: str, winner: str) -> None:
    router = Router()
    for pattern in patterns:
        router.add(pattern, view_a)
    found = router.match(path, "GET")
    assert isinstance(found, Match)
    assert found.route.pattern == winner


def test_match_precedence_same_pattern_keeps_first_place() -> None:
    router = Router()
    router.add("/{x}", view_a, methods=["GET"])
    router.add("/{y:int}", view_b, methods=["POST"])
    third = router.add("/{x}", view_b, methods=["POST"])
    found = router.match("/5", "POST")
    assert isinstance(found, Match)
    assert found.route is third


def test_match_precedence_only_among_routes_accepting_method() -> None:
    router = Router()
    router.add("/users/me", view_a, methods=["GET"])
    dynamic = router.add("/users/{id}", view_b, methods=["DELETE"])
    found = router.match("/users/me", "DELETE")
    assert isinstance(found, Match)
    assert found.route is dynamic
    assert found.params == {"id": "me"}


# -- methods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("methods", "method", "result"),
    [
        (["GET"], "GET", "match"),
        (["GET"], "HEAD", "match"),
        (["get"], "GET", "match"),
        ("post", "POST", "match"),
        (["GET"], "get", {"GET", "HEAD", "OPTIONS"}),
        (["GET"], "POST", {"GET", "HEAD", "OPTIONS"}),
        (["GET"], "OPTIONS", {"GET", "HEAD", "OPTIONS"}),
        (["POST"], "HEAD", {"POST", "OPTIONS"}),
        (["PUT", "DELETE"], "PATCH", {"PUT", "DELETE", "OPTIONS"}),
        (["OPTIONS"], "OPTIONS", "match"),
        (None, "BREW", "match"),
        (None, "OPTIONS", "match"),
    ],
)
def test_match_methods(
    methods: list[str] | str | None, method: str, result: str | set[str]
) -> None:
    for pattern, path in [("/s", "/s"), ("/d/{x}", "/d/1")]:
        router = Router()
        router.add(pattern, view_a, methods=methods)
        found = router.match(path, method)
        if result == "match":
            assert isinstance(found, Match)
        else:
            assert found == frozenset(result)


def test_match_not_allowed_unites_all_matching_routes() -> None:
    router = Router()
    router.add("/a/b", view_a, methods=["GET"])
    router.add("/a/b", view_b, methods=["PUT"])
    router.add("/a/{x}", view_a, methods=["POST"])
    router.add("/{x:path}", view_a, methods=["PATCH"])
    router.add("/a/{x:int}", view_a, methods=["DELETE"])  # does not match "b"
    assert router.match("/a/b", "TRACE") == frozenset(
        {"GET", "HEAD", "PUT", "POST", "PATCH", "OPTIONS"}
    )


def test_match_route_methods_normalized() -> None:
    router = Router()
    route = router.add("/", view_a, methods=["get", "Post"])
    assert route.methods == frozenset({"GET", "HEAD", "POST"})
    assert router.add("/p", view_a, methods=["post"]).methods == frozenset({"POST"})
    assert router.add("/any", view_a).methods is None


def test_match_explicit_head_route_takes_head_from_get() -> None:
    router = Router()
    get = router.add("/r", view_a, methods=["GET"])
    head = router.add("/r", view_b, methods=["HEAD"])
    found_get, found_head = router.match("/r", "GET"), router.match("/r", "HEAD")
    assert isinstance(found_get, Match)
    assert isinstance(found_head, Match)
    assert (found_get.route, found_head.route) == (get, head)


def test_match_head_first_then_get_keeps_explicit_head() -> None:
    router = Router()
    head = router.add("/r/{x}", view_b, methods=["HEAD"])
    router.add("/r/{x}", view_a, methods=["GET"])
    found = router.match("/r/1", "HEAD")
    assert isinstance(found, Match)
    assert found.route is head


def test_match_dispatches_by_method_on_one_pattern() -> None:
    router = Router()
    get = router.add("/u/{id:int}", view_a, methods=["GET"])
    delete = router.add("/u/{id:int}", view_b, methods=["DELETE"])
    found_get = router.match("/u/1", "GET")
    found_delete = router.match("/u/1", "DELETE")
    assert isinstance(found_get, Match)
    assert isinstance(found_delete, Match)
    assert (found_get.route, found_delete.route) == (get, delete)


# -- configuration errors -----------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "starting with '/'"),
        ("users", "starting with '/'"),
        ("{id}/x", "starting with '/'"),
        ("/a/{id", "unbalanced '{'"),
        ("/a/{id:\\d{4}", "unbalanced '{'"),
        ("/a/{x:\\}", "unbalanced '{'"),
        ("/a/id}", "unbalanced '}'"),
        ("/a/{}", "name '' is not"),
        ("/a/{:int}", "name '' is not"),
        ("/a/{1x}", "name '1x' is not"),
        ("/a/{ id }", "name ' id ' is not"),
        ("/a/{a-b}", "name 'a-b' is not"),
        ("/{id}/{id}", "'id' is used twice"),
        ("/{id}/{id:int}", "'id' is used twice"),
        ("/a/{x:}", "empty expression"),
        ("/a/{x:[}", "bad regular expression"),
        ("/a/{x:(a)}", "capturing group"),
        ("/a/{x:(?P<y>a)}", "capturing group"),
        ("/a/{x:(?P=x)}", "bad regular expression"),
        ("/a/{x:(?i)a}", "lags not at the start"),  # 3.10: "Flags not at the start"
    ],
)
def test_add_bad_pattern_raises(pattern: str, problem: str) -> None:
    router = Router()
    with pytest.raises(ConfigurationError) as info:
        router.add(pattern, view_a)
    assert repr(pattern) in str(info.value)
    assert problem in str(info.value)
    assert router.routes == ()


@pytest.mark.parametrize(
    "spec", ["str", "integer", "string", "slug", "Int", "UUID", "_x", "ab", "x1"]
)
def test_add_unknown_converter_raises(spec: str) -> None:
    pattern = f"/a/{{x:{spec}}}"
    router = Router()
    with pytest.raises(ConfigurationError) as info:
        router.add(pattern, view_a)
    message = str(info.value)
    for fragment in (repr(pattern), f"unknown converter {spec!r}", "int, float"):
        assert fragment in message
    assert router.routes == ()


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("/d/{year:str}", "year"),
        ("/d/{year:[}", "year"),
        ("/d/{y}/{month:(x)}", "month"),
    ],
)
def test_add_bad_expression_names_its_placeholder(pattern: str, name: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Router().add(pattern, view_a)
    assert repr(name) in str(info.value)


def test_add_expression_re_only_warns_about_stays_a_warning() -> None:
    # re warns when it compiles an expression, not when its cache has it.
    re.purge()
    router = Router()
    with pytest.warns(FutureWarning, match="nested set"):
        router.add("/a/{x:[[a]}", view_a)
    found = router.match("/a/[", "GET")
    assert isinstance(found, Match)
    assert found.params == {"x": "["}


@pytest.mark.parametrize("spec", ["(?:str)", "a[b]", "[a-z]+", "\\w+", "ab+", "x{2}"])
def test_add_expression_that_is_not_a_bare_word(spec: str) -> None:
    assert Router().add(f"/a/{{x:{spec}}}", view_a).compiled.names == ("x",)


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (["GET"], ["GET"], ["GET"]),
        (["GET", "POST"], ["post", "PUT"], ["POST"]),
        (["GET", "POST", "PUT"], ["put", "post"], ["POST", "PUT"]),
        (None, ["GET"], ["every method"]),
        (["GET"], None, ["every method"]),
        (None, None, ["every method"]),
    ],
)
@pytest.mark.parametrize("pattern", ["/dup", "/dup/{x:int}"])
def test_add_duplicate_route_names_both_views(
    pattern: str,
    first: list[str] | None,
    second: list[str] | None,
    overlap: list[str],
) -> None:
    router = Router()
    router.add(pattern, view_a, methods=first)
    with pytest.raises(ConfigurationError) as info:
        router.add(pattern, view_b, methods=second)
    message = str(info.value)
    assert repr(pattern) in message
    assert f"{__name__}.view_a" in message
    assert f"{__name__}.view_b" in message
    for fragment in overlap:
        assert names(message, fragment)
    assert len(router.routes) == 1


def test_add_duplicate_names_a_view_without_qualname() -> None:
    class Handler:
        def __call__(self, request: Any) -> None:
            """Handle."""

        def __repr__(self) -> str:
            return "<the handler>"

    router = Router()
    router.add("/h", Handler())
    with pytest.raises(ConfigurationError, match=r"<the handler>.*view_b"):
        router.add("/h", view_b)


@pytest.mark.parametrize(
    ("view", "qualname"), [(str.upper, "str.upper"), ([].append, "list.append")]
)
def test_add_duplicate_names_a_view_without_module(view: Any, qualname: str) -> None:
    # A builtin method has no __module__, or None: it is named by its
    # qualified name alone.
    router = Router()
    router.add("/h", view)
    with pytest.raises(ConfigurationError) as info:
        router.add("/h", view_b)
    assert names(str(info.value), qualname)


def test_add_same_pattern_disjoint_methods_is_fine() -> None:
    router = Router()
    router.add("/r", view_a, methods=["GET"])
    router.add("/r", view_b, methods=["POST"])
    router.add("/r", view_b, methods=["HEAD"])  # GET's HEAD is only implied
    assert [route.view for route in router.routes] == [view_a, view_b, view_b]


def test_add_duplicate_route_name_raises() -> None:
    router = Router()
    router.add("/a", view_a, name="home")
    with pytest.raises(ConfigurationError) as info:
        router.add("/b", view_b, name="home")
    message = str(info.value)
    for fragment in ("'home'", "'/a'", "'/b'", "view_a", "view_b"):
        assert fragment in message


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"methods": []}, "empty list of methods"),
        ({"methods": ()}, "empty list of methods"),
        ({"methods": ["GET,POST"]}, "'GET,POST' is not an HTTP method"),
        ({"methods": ["GET", ""]}, "'' is not an HTTP method"),
        ({"methods": ["G ET"]}, "'G ET' is not an HTTP method"),
        ({"name": ""}, "name must be a non-empty string"),
    ],
)
def test_add_bad_arguments_raise(kwargs: dict[str, Any], problem: str) -> None:
    router = Router()
    with pytest.raises(ConfigurationError, match=problem) as info:
        router.add("/x", view_a, **kwargs)
    assert "'/x'" in str(info.value)


def test_freeze_refuses_new_routes() -> None:
    router = Router()
    router.add("/a", view_a)
    assert router.frozen is False
    router.freeze()
    assert router.frozen is True
    with pytest.raises(ConfigurationError, match=r"'/b'.*after the first request"):
        router.add("/b", view_a)
    assert isinstance(router.match("/a", "GET"), Match)
    assert router.match("/b", "GET") is None


# -- introspection -------------------------------------------------------------


def test_routes_in_registration_order_and_read_only() -> None:
    router = Router()
    added = [
        router.add("/b/{x}", view_a, methods=["GET"], name="b", permission="edit"),
        router.add("/a", view_b, methods=["POST"]),
        router.add("/b/{x}", view_b, methods=["PUT"]),
    ]
    assert router.routes == tuple(added)
    assert isinstance(router.routes, tuple)
    first = added[0]
    assert (first.pattern, first.view, first.name, first.permission) == (
        "/b/{x}",
        view_a,
        "b",
        "edit",
    )
    assert isinstance(first, Route)
    with pytest.raises(AttributeError):
        first.view = view_b  # type: ignore[misc]


def test_routes_of_one_pattern_share_its_compiled_pattern() -> None:
    router = Router()
    first = router.add("/r/{x:int}", view_a, methods=["GET"])
    second = router.add("/r/{x:int}", view_b, methods=["POST"])
    other = router.add("/s/{x:int}", view_b)
    assert second.compiled is first.compiled
    assert other.compiled is not first.compiled
    assert (first.compiled.source, other.compiled.source) == (
        "/r/{x:int}",
        "/s/{x:int}",
    )


def test_candidates_lists_matching_routes_in_precedence_order() -> None:
    router = Router()
    everything = router.add("/{any:path}", view_a, methods=["GET"])
    get = router.add("/a/{x}", view_a, methods=["GET"])
    put = router.add("/a/{x}", view_b, methods=["PUT"])
    router.add("/a/{x:int}", view_b)
    static = router.add("/a/b", view_b, methods=["POST"])
    router.add("/other", view_b)
    assert router.candidates("/a/b") == [static, get, put, everything]
    assert router.candidates("/nope/x/") == [everything]
    assert router.candidates("/") == []


# -- lookups do not depend on the route count --------------------------------


def counted_attempts(
    monkeypatch: pytest.MonkeyPatch, router: Router, path: str
) -> tuple[Any, list[str]]:
    """Match *path* and return the result and the patterns it tried."""
    tried: list[str] = []
    original = PathPattern.match

    def counting(self: PathPattern, path: str) -> dict[str, Any] | None:
        tried.append(self.source)
        return original(self, path)

    with monkeypatch.context() as patch:
        patch.setattr(PathPattern, "match", counting)
        return router.match(path, "GET"), tried


@pytest.mark.parametrize("fillers", [0, 1, 1000])
@pytest.mark.parametrize(
    ("path", "found", "tried"),
    [
        ("/last/42", "/last/{id}", ["/last/{id}"]),
        ("/last/42/x", None, ["/last/{id}"]),
        ("/nope", None, []),
        ("/nope/deeper/still", None, []),
        ("/static", "/static", []),
        ("/", None, []),
    ],
)
def test_match_tries_no_route_that_cannot_match(
    monkeypatch: pytest.MonkeyPatch,
    fillers: int,
    path: str,
    found: str | None,
    tried: list[str],
) -> None:
    router = Router()
    for i in range(fillers):
        router.add(f"/r{i}/{{id}}", view_a, methods=["GET"])
        router.add(f"/s{i}", view_a, methods=["GET"])
    router.add("/last/{id}", view_a, methods=["GET"])
    router.add("/static", view_a, methods=["GET"])
    router.freeze()
    result, attempts = counted_attempts(monkeypatch, router, path)
    assert (result.route.pattern if result else None) == found
    assert attempts == tried


def test_match_tries_only_patterns_along_the_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    router = Router()
    for i in range(100):
        router.add(f"/a/b{i}/{{x}}", view_a)
    router.add("/a/{x}/{y}", view_a)
    router.add("/a/b/{y:int}", view_a)
    router.add("/{x}/b/c", view_a)
    result, attempts = counted_attempts(monkeypatch, router, "/a/b/c")
    assert isinstance(result, Match)
    assert result.route.pattern == "/a/{x}/{y}"
    assert attempts == ["/a/b/{y:int}", "/a/{x}/{y}"]


# -- url_path ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "parts", "query", "expected"),
    [
        ("/", {}, None, "/"),
        ("/about/", None, None, "/about/"),
        ("/users/{id:int}", {"id": 42}, None, "/users/42"),
        ("/users/{id}", {"id": "a/b c"}, None, "/users/a%2Fb%20c"),
        ("/users/{id}", {"id": "é?#%&+"}, None, "/users/%C3%A9%3F%23%25%26%2B"),
        ("/users/{id}", {"id": "日本"}, None, "/users/%E6%97%A5%E6%9C%AC"),
        ("/p/{x:float}", {"x": 1.5}, None, "/p/1.5"),
        ("/u/{u:uuid}", {"u": uuid.UUID(UUID)}, None, f"/u/{UUID.lower()}"),
        ("/s/{rest:path}", {"rest": "css/a b.css"}, None, "/s/css/a%20b.css"),
        ("/files/{stem}.{ext}", {"stem": "a", "ext": "pdf"}, None, "/files/a.pdf"),
        ("/d/{day:\\d{4}}", {"day": 2024}, None, "/d/2024"),
        ("/café/{x}", {"x": 1}, None, "/caf%C3%A9/1"),
        ("/a:b@c/{x}", {"x": "a:b"}, None, "/a:b@c/a%3Ab"),
        ("/{x}/a:b@c;d=e", {"x": 1}, None, "/1/a:b@c;d=e"),
        ("/a;b=c,d", {}, None, "/a;b=c,d"),
        ("/q", {}, {"q": "a b", "n": 1}, "/q?q=a%20b&n=1"),
        ("/q", {}, [("t", "x"), ("t", "é")], "/q?t=x&t=%C3%A9"),
        ("/q", {}, {"t": ["x", "y"]}, "/q?t=x&t=y"),
        ("/q", {}, {"s": "a&b=c/d"}, "/q?s=a%26b%3Dc%2Fd"),
        ("/q", {}, {}, "/q"),
    ],
)
def test_url_path_builds_quoted_path(
    pattern: str, parts: dict[str, Any] | None, query: Any, expected: str
) -> None:
    router = Router()
    router.add(pattern, view_a, name="r")
    assert router.url_path("r", parts, query=query) == expected


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("a b", "/users/{id}"),
        ("x/y z", "/s/{rest:path}"),
        ("é", "/users/{id}"),
        ("/evil.example", "/{rest:path}"),
        ("//x", "/{rest:path}"),
        ("/", "/{rest:path}"),
    ],
)
def test_url_path_round_trips_through_match(value: str, pattern: str) -> None:
    router = Router()
    router.add(pattern, view_a, name="r")
    name = "rest" if "rest" in pattern else "id"
    found = router.match(unquote(router.url_path("r", {name: value})), "GET")
    assert isinstance(found, Match)
    assert found.params == {name: value}


@pytest.mark.parametrize(
    ("pattern", "parts", "expected"),
    [
        ("/{rest:path}", {"rest": "/evil.example"}, "/%2Fevil.example"),
        ("/{rest:path}", {"rest": "//x"}, "/%2F/x"),
        ("/{rest:path}", {"rest": "/"}, "/%2F"),
        ("/{rest:path}", {"rest": "\\evil.example"}, "/%5Cevil.example"),
        ("/{a}/x", {"a": ""}, "/%2Fx"),
        ("//twice", {}, "/%2Ftwice"),
    ],
)
def test_url_path_never_starts_with_two_slashes(
    pattern: str, parts: dict[str, Any], expected: str
) -> None:
    # "//evil.example" is a URL on another host, for a browser.
    router = Router()
    router.add(pattern, view_a, name="r")
    assert router.url_path("r", parts) == expected


@settings(BOUNDED)
@given(value=st.text(min_size=1))
def test_url_path_of_any_path_part_round_trips(value: str) -> None:
    router = Router()
    router.add("/{rest:path}", view_a, name="r")
    path = router.url_path("r", {"rest": value})
    assert not path.startswith("//")
    found = router.match(unquote(path), "GET")
    assert isinstance(found, Match)
    assert found.params == {"rest": value}


@pytest.mark.parametrize(
    ("name", "parts", "error", "fragments"),
    [
        ("nope", {}, KeyError, ["'nope'", "home", "user"]),
        ("user", {}, ValueError, ["'/users/{id}/{tab}'", "missing id, tab"]),
        ("user", {"id": 1}, ValueError, ["missing tab"]),
        ("user", {"id": 1, "tab": 2, "x": 3}, ValueError, ["unexpected x"]),
        ("user", {"id": 1, "x": 3}, ValueError, ["missing tab", "unexpected x"]),
        (
            "user",
            {"tab": 1, "y": 2, "x": 3},
            ValueError,
            ["missing id", "unexpected x, y"],
        ),
        ("home", {"x": 3}, ValueError, ["'/'", "unexpected x"]),
    ],
)
def test_url_path_errors(
    name: str, parts: dict[str, Any], error: type[Exception], fragments: list[str]
) -> None:
    router = Router()
    router.add("/", view_a, name="home")
    router.add("/users/{id}/{tab}", view_a, name="user")
    with pytest.raises(error) as info:
        router.url_path(name, parts)
    for fragment in fragments:
        assert names(str(info.value), fragment)


def test_url_path_error_says_no_route_is_named() -> None:
    router = Router()
    router.add("/", view_a)
    with pytest.raises(KeyError) as info:
        router.url_path("home")
    assert names(str(info.value), "'home'")
    assert names(str(info.value), "none")


# -- static patterns and reprs ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/about/us", {}), ("/about/us/", None), ("/about", None), ("/About/us", None)],
)
def test_static_pattern_matches_only_its_own_path(
    path: str, expected: dict[str, Any] | None
) -> None:
    pattern = PathPattern("/about/us")
    assert pattern.regex is None
    assert pattern.match(path) == expected


@pytest.mark.parametrize(
    ("source", "prefix"),
    [
        # a static pattern is found by one lookup, not down the prefix tree
        ("/about/us", ()),
        ("/users/{id}", ("users",)),
        ("/a/b/{x}/c", ("a", "b")),
        ("/v{n}/x", ()),
        ("/{any:path}", ()),
    ],
)
def test_path_pattern_prefix_is_its_whole_literal_leading_segments(
    source: str, prefix: tuple[str, ...]
) -> None:
    assert PathPattern(source).prefix == prefix


def test_path_pattern_repr_names_its_source() -> None:
    assert repr(PathPattern("/users/{id:int}")) == "PathPattern('/users/{id:int}')"


def test_match_repr_names_route_and_converted_params() -> None:
    router = Router()
    route = router.add("/users/{id:int}", view_a, methods=["GET"])
    found = router.match("/users/7", "GET")
    assert isinstance(found, Match)
    assert repr(found) == f"Match(route={route!r}, params={{'id': 7}})"
