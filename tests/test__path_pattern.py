"""Tests for httpx_views._path_pattern: parse a route pattern, match, build.

``PathPattern`` and its helpers are called directly here. How the Router
chooses among patterns, and url_path's use of ``build``, are tested in
tests/test_routing.py; the linear-time matcher in tests/test__linear.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import httpx_views
from httpx_views import routing
from httpx_views._linear import LinearMatcher
from httpx_views._path_pattern import (
    ConfigurationError,
    PathPattern,
    _backtracks,
    _check_custom,
    _parse,
)

UUID = "12345678-9abc-DEF0-1234-56789abcdef0"
# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(max_examples=300, deadline=None, derandomize=True, database=None)
Piece = str | tuple[str, str]


def refusal(source: object, problem: str) -> str:
    """The whole message of a ConfigurationError about *source*."""
    return f"route pattern {source!r}: {problem}"


def test_configuration_error_is_the_one_the_package_exports() -> None:
    assert issubclass(ConfigurationError, Exception)
    assert routing.ConfigurationError is ConfigurationError
    assert httpx_views.ConfigurationError is ConfigurationError
    assert routing.PathPattern is PathPattern


# -- _parse -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "pieces"),
    [
        ("/", ["/"]),
        ("/about/us", ["/about/us"]),
        ("/caf\xe9", ["/caf\xe9"]),
        ("/a\\b", ["/a\\b"]),  # outside a placeholder a backslash is text
        ("/users/{id}", ["/users/", ("id", "")]),
        ("/users/{id:int}/", ["/users/", ("id", "int"), "/"]),
        ("/{a}{b}", ["/", ("a", ""), ("b", "")]),
        ("/files/{stem}.{ext}", ["/files/", ("stem", ""), ".", ("ext", "")]),
        ("/d/{y:\\d{4}}", ["/d/", ("y", "\\d{4}")]),
        ("/d/{v:a{1,2}{3}}x", ["/d/", ("v", "a{1,2}{3}"), "x"]),
        ("/d/{v:a\\{b}", ["/d/", ("v", "a\\{b")]),  # an escaped brace does not nest
        ("/d/{v:a\\}b}", ["/d/", ("v", "a\\}b")]),
        ("/d/{v:a:b}", ["/d/", ("v", "a:b")]),  # the first colon ends the name
        ("/k/{caf\xe9}", ["/k/", ("caf\xe9", "")]),
    ],
)
def test_parse_splits_text_and_placeholders(source: str, pieces: list[Piece]) -> None:
    assert _parse(source) == pieces


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("", "it must be a string starting with '/'"),
        ("users", "it must be a string starting with '/'"),
        ("{id}/x", "it must be a string starting with '/'"),
        (None, "it must be a string starting with '/'"),
        (b"/users", "it must be a string starting with '/'"),
        ("/a}", "unbalanced '}' at position 2"),
        ("/a/{x}}", "unbalanced '}' at position 6"),
        ("/a/{x", "unbalanced '{' at position 3"),
        ("/{a}/{b:\\d{4}", "unbalanced '{' at position 5"),
        ("/a/{x:\\}", "unbalanced '{' at position 3"),  # the brace is escaped
        ("/a/{x:\\", "unbalanced '{' at position 3"),  # nothing left to escape
        ("/a/{}", "placeholder name '' is not a Python identifier"),
        ("/a/{:int}", "placeholder name '' is not a Python identifier"),
        ("/a/{1x}", "placeholder name '1x' is not a Python identifier"),
        ("/a/{ id }", "placeholder name ' id ' is not a Python identifier"),
        ("/a/{a-b}", "placeholder name 'a-b' is not a Python identifier"),
        ("/{id}/{id}", "placeholder name 'id' is used twice"),
        ("/{id}/{id:int}", "placeholder name 'id' is used twice"),
        ("/a/{x:}", "placeholder 'x' has an empty expression"),
    ],
)
def test_parse_refuses_a_malformed_pattern(source: Any, problem: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        _parse(source)
    assert str(info.value) == refusal(source, problem)
    # The same refusal when the pattern is made, before anything is compiled.
    with pytest.raises(ConfigurationError) as made:
        PathPattern(source)
    assert str(made.value) == str(info.value)


NAMES = st.sampled_from(["a", "b", "id", "_x", "n1", "caf\xe9", "Year"])
SPECS = st.sampled_from(["", "int", "float", "uuid", "path", "\\d{4}", "[a-z]+"])
# Literal text: anything but the braces, which cannot be text.
TEXT = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=4)


@settings(BOUNDED)
@given(
    first=TEXT,
    rest=st.lists(
        st.tuples(NAMES, SPECS, TEXT), max_size=4, unique_by=lambda item: item[0]
    ),
)
def test_parse_gives_back_the_pieces_a_pattern_is_written_from(
    first: str, rest: list[tuple[str, str, str]]
) -> None:
    pieces: list[Piece] = ["/" + first]
    source = "/" + first
    for name, spec, text in rest:
        pieces.append((name, spec))
        source += "{" + (f"{name}:{spec}" if spec else name) + "}" + text
        if text:
            pieces.append(text)
    assert _parse(source) == pieces


# -- _check_custom ----------------------------------------------------------------


@pytest.mark.parametrize(
    "spec", ["(?:str)", "a[b]", "[a-z]+", "\\w+", "ab+", "x{2}", "(?=a)a", "(?i:a)"]
)
def test_check_custom_accepts_an_expression_without_groups(spec: str) -> None:
    _check_custom("/a/{x}", "x", spec)  # a refusal raises


@pytest.mark.parametrize("spec", ["str", "integer", "Int", "UUID", "_x", "x1"])
def test_check_custom_refuses_a_bare_word_as_an_unknown_converter(spec: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        _check_custom("/a/{x:w}", "x", spec)
    assert str(info.value) == refusal(
        "/a/{x:w}",
        f"placeholder 'x' has an unknown converter {spec!r}; the converters are "
        f"int, float, uuid, path (a regular expression that is not a bare word, "
        f"such as (?:{spec}), matches the word itself)",
    )


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("[", "unterminated character set at position 0"),
        ("a)", "unbalanced parenthesis at position 1"),
        ("(?P=x)", "unknown group name 'x' at position 4"),
        ("*", "nothing to repeat at position 0"),
    ],
)
def test_check_custom_refuses_a_bad_expression_with_re_s_reason(
    spec: str, error: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        _check_custom("/a/{x:e}", "x", spec)
    assert str(info.value) == refusal(
        "/a/{x:e}", f"placeholder 'x' has a bad regular expression {spec!r}: {error}"
    )
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


@pytest.mark.parametrize("spec", ["(a)", "(?P<y>a)", "(?:(b))", "a|(b)"])
def test_check_custom_refuses_a_capturing_group(spec: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        _check_custom("/a/{x:e}", "x", spec)
    assert str(info.value) == refusal(
        "/a/{x:e}",
        f"placeholder 'x' has a capturing group in {spec!r}; "
        "use a non-capturing one, (?:...)",
    )


@pytest.mark.parametrize(
    ("source", "name"),
    [("/a/{year:str}", "year"), ("/a/{y}/{month:[}", "month"), ("/{z:(x)}", "z")],
)
def test_path_pattern_checks_each_custom_expression(source: str, name: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        PathPattern(source)
    assert str(info.value).startswith(refusal(source, f"placeholder {name!r} has"))


def test_path_pattern_refuses_an_expression_valid_only_on_its_own() -> None:
    # "(?i)a" compiles alone, but not after the text before it. (Python 3.10
    # warns, "Flags not at the start"; later versions refuse.)
    source = "/a/{x:(?i)a}"
    with pytest.raises(ConfigurationError) as info:
        PathPattern(source)
    assert str(info.value).startswith(refusal(source, ""))
    assert "lags not at the start" in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


# -- _backtracks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "backtracks"),
    [
        ("/", False),
        ("/users/{id}", False),
        ("/{a}/{b}/{c:int}", False),  # a '/' ends each one
        ("/v{n:int}/x", False),
        ("/{a}-{b}", True),
        ("/{a}{b}", True),
        ("/{a:int}{b:int}", True),
        ("/{a:float}.{b}", True),
        ("/{a:path}.{b}", True),
        ("/{a}{u:uuid}", True),
        ("/{a}-/-{b}", False),  # the '/' may be anywhere in the text between
        ("/{u:uuid}{b}", False),  # a uuid is bounded: it fixes where b starts
        ("/{u:uuid}-{v:uuid}", False),
        ("/{a:path}/{b:path}", True),  # two path placeholders, even apart
        ("/{a:path}/x", False),
        ("/x/{a:path}", False),
        ("/{a}{b:[a-z]+}", False),  # a custom expression is re's, as written
        ("/{a}-{b}/{c:\\d+}", False),
    ],
)
def test_backtracks(source: str, backtracks: bool) -> None:
    assert _backtracks(_parse(source)) is backtracks


@pytest.mark.parametrize(
    ("source", "linear"),
    [("/users/{id}", False), ("/{a}-{b}", True), ("/{a}{b:[a-z]+}", False)],
)
def test_path_pattern_uses_the_linear_matcher_only_where_re_backtracks(
    source: str, linear: bool
) -> None:
    assert (PathPattern(source)._linear is not None) is linear


# -- PathPattern: what it holds ---------------------------------------------------


@pytest.mark.parametrize(
    ("source", "names", "prefix"),
    [
        ("/", (), ()),
        ("/about/us", (), ()),  # a static pattern is looked up whole
        ("/users/{id}", ("id",), ("users",)),
        ("/a/b/{x}/c", ("x",), ("a", "b")),
        ("/a/b/{x}.{y}/c", ("x", "y"), ("a", "b")),
        ("/v{n}/x", ("n",), ()),  # "v" is text, not a whole segment
        ("/{rest:path}", ("rest",), ()),
        ("/{b}/{a}", ("b", "a"), ()),  # in order, not sorted
    ],
)
def test_path_pattern_names_and_prefix(
    source: str, names: tuple[str, ...], prefix: tuple[str, ...]
) -> None:
    pattern = PathPattern(source)
    assert pattern.source == source
    assert pattern.names == names
    assert pattern.prefix == prefix
    assert (pattern.regex is None) is (names == ())


def test_path_pattern_expression_matches_what_follows_the_literal_head() -> None:
    pattern = PathPattern("/users/{id:int}/tab")
    assert pattern.regex is not None
    assert pattern.regex.fullmatch("7/tab")
    assert not pattern.regex.fullmatch("/users/7/tab")
    # Patterns that differ only in their head share one compiled expression.
    assert PathPattern("/r1/{id:int}/tab").regex is pattern.regex


def test_path_pattern_repr_names_its_source() -> None:
    assert repr(PathPattern("/users/{id:int}")) == "PathPattern('/users/{id:int}')"


# -- PathPattern.match ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "path", "params"),
    [
        ("/", "/", {}),
        ("/about", "/about", {}),
        ("/a/", "/a/", {}),
        ("/users/{id}", "/users/a b%2F", {"id": "a b%2F"}),
        ("/users/{id:int}", "/users/007", {"id": 7}),
        ("/p/{x:float}", "/p/1.5", {"x": 1.5}),
        ("/p/{x:float}", "/p/3", {"x": 3.0}),
        ("/u/{u:uuid}", f"/u/{UUID}", {"u": uuid.UUID(UUID)}),
        ("/s/{rest:path}", "/s/a/b/", {"rest": "a/b/"}),
        ("/s/{rest:path}", "/s/a\nb", {"rest": "a\nb"}),  # DOTALL
        ("/w/{rest:.*}", "/w/", {"rest": ""}),
        ("/w/{rest:.*}", "/w/a\n/b", {"rest": "a\n/b"}),  # DOTALL, custom
        ("/{a}-{b}", "/x-y-z", {"a": "x-y", "b": "z"}),
        ("/{a:int}{b:int}", "/123", {"a": 12, "b": 3}),
        ("/{a}{u:uuid}", f"/x{UUID}", {"a": "x", "u": uuid.UUID(UUID)}),
        ("/d/{y:\\d{4}}", "/d/2024", {"y": "2024"}),
        ("/v{n:int}/x", "/v2/x", {"n": 2}),
    ],
)
def test_match_converts_the_values(
    source: str, path: str, params: dict[str, Any]
) -> None:
    found = PathPattern(source).match(path)
    assert found == params
    assert found is not None
    assert [type(value) for value in found.values()] == [
        type(value) for value in params.values()
    ]


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("/about", "/about/"),
        ("/about/", "/about"),
        ("/about", "/About"),
        ("/about", ""),
        ("/users/{id}", "/user/x"),  # the head differs
        ("/users/{id}", "/users"),
        ("/users/{id}", "/users/"),
        ("/users/{id}", "/users/a/b"),
        ("/users/{id:int}", "/users/-1"),
        ("/users/{id:int}", "/users/\u0664\u0662"),  # digits, not ASCII ones
        ("/p/{x:float}", "/p/1."),
        ("/p/{x:float}", "/p/1e5"),
        ("/u/{u:uuid}", f"/u/{UUID.replace('-', '')}"),
        ("/s/{rest:path}", "/s/"),
        ("/{a}-{b}", "/x-"),
        ("/d/{y:\\d{4}}", "/d/20245"),
    ],
)
def test_match_misses(source: str, path: str) -> None:
    assert PathPattern(source).match(path) is None


@pytest.mark.parametrize(
    ("source", "head"), [("/n/{n:int}", "/n/"), ("/{a}-{n:int}", "/a-")]
)
def test_match_value_that_does_not_convert_is_a_miss(source: str, head: str) -> None:
    # int() refuses more digits than sys.get_int_max_str_digits() allows.
    pattern = PathPattern(source)
    assert pattern.match(head + "9" * 5000) is None
    found = pattern.match(head + "42")
    assert found is not None
    assert found["n"] == 42


@pytest.mark.parametrize(
    ("source", "path"), [("/about", "/about"), ("/u/{id}", "/u/x")]
)
def test_match_gives_a_fresh_dict_each_time(source: str, path: str) -> None:
    pattern = PathPattern(source)
    first = pattern.match(path)
    assert first is not None
    first["added"] = 1
    assert pattern.match(path) == {k: v for k, v in first.items() if k != "added"}


# Patterns re would backtrack on, a path of n repeated units, and its values.
LONG_AND_SHORT: list[
    tuple[str, Callable[[int], str], Callable[[int], dict[str, Any]]]
] = [
    (
        "/{a}-{b}",
        lambda n: "/" + "x-" * n + "z",
        lambda n: {"a": ("x-" * n)[:-1], "b": "z"},
    ),
    (
        "/f/{stem}.{ext}",
        lambda n: "/f/" + "a." * n + "d",
        lambda n: {"stem": ("a." * n)[:-1], "ext": "d"},
    ),
    (
        "/{a:int}{b:int}",
        lambda n: "/" + "1" * n + "23",
        lambda n: {"a": int("1" * n + "2"), "b": 3},
    ),
    (
        "/{a:path}/{b:path}/x",
        lambda n: "/" + "p/" * n + "r/x",
        lambda n: {"a": ("p/" * n)[:-1], "b": "r"},
    ),
    (
        "/{a}{u:uuid}",
        lambda n: "/" + "x" * n + UUID,
        lambda n: {"a": "x" * n, "u": uuid.UUID(UUID)},
    ),
]


@pytest.mark.parametrize(("source", "make_path", "make_params"), LONG_AND_SHORT)
@pytest.mark.parametrize("length", [1, 40, 2000])
def test_match_finds_the_same_values_on_short_and_long_paths(
    source: str,
    make_path: Callable[[int], str],
    make_params: Callable[[int], dict[str, Any]],
    length: int,
) -> None:
    # Long paths go to the linear-time matcher, short ones to re: the values
    # must not depend on which one read the path.
    pattern = PathPattern(source)
    assert pattern._linear is not None
    assert pattern.match(make_path(length)) == make_params(length)
    assert pattern.match(make_path(length) + "/") is None


def test_match_leaves_short_paths_to_re_and_long_ones_to_the_linear_matcher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # re is faster on short paths, where its backtracking costs little.
    read: list[str] = []
    original = LinearMatcher.match

    def counting(self: LinearMatcher, text: str) -> dict[str, str] | None:
        read.append(text)
        return original(self, text)

    monkeypatch.setattr(LinearMatcher, "match", counting)
    pattern = PathPattern("/f/{a}-{b}")
    assert pattern._linear is not None
    below = pattern._linear.re_below
    shortest_linear = "x" * (below - 2) + "-y"
    assert pattern.match("/f/" + shortest_linear[1:]) == {
        "a": "x" * (below - 3),
        "b": "y",
    }
    assert read == []
    assert pattern.match("/f/" + shortest_linear) == {"a": "x" * (below - 2), "b": "y"}
    assert read == [shortest_linear]


# -- PathPattern.build ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "parts", "path"),
    [
        ("/", {}, "/"),
        ("/about/", {}, "/about/"),
        ("/users/{id:int}", {"id": 42}, "/users/42"),
        ("/users/{id}", {"id": "a/b c"}, "/users/a%2Fb%20c"),
        ("/users/{id}", {"id": "\xe9?#%&+:@"}, "/users/%C3%A9%3F%23%25%26%2B%3A%40"),
        ("/users/{id}", {"id": "-._~"}, "/users/-._~"),
        ("/p/{x:float}", {"x": 1.5}, "/p/1.5"),
        ("/u/{u:uuid}", {"u": uuid.UUID(UUID)}, f"/u/{UUID.lower()}"),
        ("/s/{rest:path}", {"rest": "css/a b.css"}, "/s/css/a%20b.css"),
        ("/s/{rest:path}/raw", {"rest": "a?b"}, "/s/a%3Fb/raw"),
        ("/files/{stem}.{ext}", {"stem": "a b", "ext": "txt"}, "/files/a%20b.txt"),
        ("/d/{y:\\d{4}}", {"y": 2024}, "/d/2024"),
        ("/{a}{b}", {"a": 1, "b": 2}, "/12"),
        # Literal text keeps RFC 3986's sub-delimiters, ':' and '@'; the rest
        # is quoted, '%' too (a pattern is written decoded).
        ("/caf\xe9/{x}", {"x": 1}, "/caf%C3%A9/1"),
        ("/a:b@c/{x}", {"x": "a:b"}, "/a:b@c/a%3Ab"),
        ("/{x}/!$&'()*+,;=", {"x": 1}, "/1/!$&'()*+,;="),
        ("/100%/{x}", {"x": 1}, "/100%25/1"),
        ("/a?b#c d", {}, "/a%3Fb%23c%20d"),
    ],
)
def test_build_fills_in_and_quotes_the_parts(
    source: str, parts: dict[str, Any], path: str
) -> None:
    assert PathPattern(source).build(parts) == path


@pytest.mark.parametrize(
    ("source", "parts", "path"),
    [
        ("/{rest:path}", {"rest": "/evil.example"}, "/%2Fevil.example"),
        ("/{rest:path}", {"rest": "//x"}, "/%2F/x"),
        ("/{rest:path}", {"rest": "/"}, "/%2F"),
        ("/{a}/x", {"a": ""}, "/%2Fx"),
        ("//twice", {}, "/%2Ftwice"),
        ("//{a}", {"a": "x"}, "/%2Fx"),
        ("/{rest:path}", {"rest": "a//b"}, "/a//b"),  # only a leading '//'
    ],
)
def test_build_never_starts_a_path_with_two_slashes(
    source: str, parts: dict[str, Any], path: str
) -> None:
    # A browser reads "//evil.example" as a URL on another host.
    assert PathPattern(source).build(parts) == path


@pytest.mark.parametrize(
    ("source", "parts", "problems"),
    [
        ("/users/{id}/{tab}", {}, "missing id, tab"),
        ("/users/{id}/{tab}", {"tab": 1}, "missing id"),
        ("/users/{id}/{tab}", {"id": 1, "tab": 2, "x": 3}, "unexpected x"),
        ("/users/{id}/{tab}", {"id": 1, "x": 3}, "missing tab; unexpected x"),
        (
            "/users/{id}/{tab}",
            {"tab": 1, "y": 2, "x": 3},
            "missing id; unexpected x, y",
        ),
        ("/", {"x": 3}, "unexpected x"),
        ("/", {2: "b", 10: "a"}, "unexpected 10, 2"),  # str() then sorted
    ],
)
def test_build_refuses_missing_and_unexpected_parts(
    source: str, parts: dict[Any, Any], problems: str
) -> None:
    with pytest.raises(ValueError) as info:
        PathPattern(source).build(parts)
    assert str(info.value) == f"route {source!r}: {problems}"


@settings(BOUNDED)
@given(
    name=st.text(min_size=1).filter(lambda text: "/" not in text),
    number=st.integers(min_value=0),
    rest=st.text(min_size=1),
    identifier=st.uuids(),
)
def test_build_round_trips_through_match(
    name: str, number: int, rest: str, identifier: uuid.UUID
) -> None:
    pattern = PathPattern("/u/{name}/{number:int}/{identifier:uuid}/{rest:path}")
    parts = {"name": name, "number": number, "identifier": identifier, "rest": rest}
    path = pattern.build(parts)
    assert pattern.match(unquote(path)) == parts


@settings(BOUNDED)
@given(rest=st.text(min_size=1))
def test_build_of_any_path_part_never_starts_with_two_slashes(rest: str) -> None:
    pattern = PathPattern("/{rest:path}")
    path = pattern.build({"rest": rest})
    assert not path.startswith("//")
    assert pattern.match(unquote(path)) == {"rest": rest}
