"""Tests for httpx_views._linear: built-in placeholders matched in linear time.

The matcher is reached as the App reaches it, through routing's
``PathPattern`` and ``Router``; its values must be those re found when it
matched every pattern as a whole.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_views import _linear
from httpx_views.routing import Match, PathPattern, Router

UUID = "12345678-9abc-DEF0-1234-56789abcdef0"
# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def view_a(request: Any) -> None:
    """A view for the tests."""


# The expressions placeholders had when re matched every pattern as a whole:
# the reference for the values the linear-time matcher must find.
OLD_EXPRESSIONS = {
    "": "[^/]+",
    "int": "[0-9]+",
    "float": r"[0-9]+(?:\.[0-9]+)?",
    "uuid": "-".join(f"[0-9a-fA-F]{{{n}}}" for n in (8, 4, 4, 4, 12)),
    "path": ".+",
}
CONVERT = {"int": int, "float": float, "uuid": uuid.UUID}
# Literal text and placeholder values overlap on purpose, so that a path
# often holds several ways to split it.
TEXTS = ["", "/", ".", "-", "x", "1", "a.", "/x", "-/", "1.", "?", "é", "./", "/1"]
VALUES = {"": "x.-1?é\n", "int": "0123", "float": "12.", "path": "/.-1xé"}
Piece = str | tuple[str, str]


def pattern_text(pieces: list[Piece]) -> str:
    """The pattern that reads ``/`` then *pieces*."""
    return "/" + "".join(
        piece if isinstance(piece, str) else "{" + ":".join(filter(None, piece)) + "}"
        for piece in pieces
    )


def old_match(pieces: list[Piece], path: str) -> dict[str, Any] | None:
    """What re matching the whole pattern found, converted."""
    expression = "/" + "".join(
        re.escape(piece)
        if isinstance(piece, str)
        else f"(?P<{piece[0]}>{OLD_EXPRESSIONS[piece[1]]})"
        for piece in pieces
    )
    found = re.fullmatch(expression, path, re.DOTALL)
    if found is None:
        return None
    params: dict[str, Any] = found.groupdict()
    for name, spec in (piece for piece in pieces if isinstance(piece, tuple)):
        if spec in CONVERT:
            params[name] = CONVERT[spec](params[name])
    return params


@st.composite
def patterns_and_paths(draw: st.DrawFn) -> tuple[list[Piece], str]:
    """A pattern of built-in placeholders, and a path shaped like it."""
    pieces: list[Piece] = [draw(st.sampled_from(TEXTS))]
    for index in range(draw(st.integers(1, 4))):
        spec = draw(st.sampled_from(sorted(OLD_EXPRESSIONS)))
        pieces += [(f"p{index}", spec), draw(st.sampled_from(TEXTS))]
    path = ["/"]
    for piece in pieces:
        if draw(st.integers(0, 9)) == 0:  # now and then, anything
            path.append(draw(st.text("/.-1x0a?é", max_size=5)))
        elif isinstance(piece, str):
            path.append(piece)
        elif piece[1] == "uuid":
            path.append(UUID)
        else:
            path.append(draw(st.text(VALUES[piece[1]], min_size=1, max_size=5)))
    return pieces, "".join(path)


def assert_matches_as_whole_pattern_regex(pieces: list[Piece], path: str) -> None:
    """PathPattern finds what re found, through re and through LinearMatcher."""
    expected = old_match(pieces, path)
    assert PathPattern(pattern_text(pieces)).match(path) == expected
    # re still matches short paths: make the linear matcher take them all.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_linear, "_RE_STEPS", 1)
        linear = PathPattern(pattern_text(pieces))
    assert linear.match(path) == expected


@settings(BOUNDED, max_examples=400)
@given(case=patterns_and_paths())
def test_match_finds_what_whole_pattern_regex_found(
    case: tuple[list[Piece], str],
) -> None:
    assert_matches_as_whole_pattern_regex(*case)


@pytest.mark.parametrize(
    ("pieces", "path"),
    [
        # A segment ends at its first "/", though the rest would match from
        # a later one: a is "x".
        ([("a", ""), ("b", "path")], "/x/y/z"),
        # A float takes a "." only with a digit after it that leaves the
        # rest a match: a is 1 and b ".1"; "1." is no float and "." is not
        # the "x" that follows b, so nothing matches.
        ([("a", "float"), ("b", "")], "/1.1"),
        ([("a", ""), ("b", "float"), "x"], "/y1.x"),
        # Literal characters that the ASCII codes of the path cannot tell
        # apart (non-ASCII, or "?" in a non-ASCII path), side by side.
        ([("a", ""), "éé", ("b", "")], "/xééy"),
        ([("a", ""), "??", ("b", "")], "/é??x"),
    ],
)
def test_match_edge_cases_as_whole_pattern_regex(
    pieces: list[Piece], path: str
) -> None:
    """Where a value ends, and whether the path matches at all, as re found."""
    assert_matches_as_whole_pattern_regex(pieces, path)


@pytest.mark.parametrize(
    "specs",
    [("", ""), ("", "uuid"), ("float", ""), ("float", "float"), ("path", "int", "")],
)
def test_re_is_left_only_texts_it_matches_in_few_steps(specs: tuple[str, ...]) -> None:
    """re_below keeps re's worst case, n ** k steps for k quantifiers, near _RE_STEPS.

    k counts the unbounded quantifiers of the placeholders' expressions: on
    the longest text left to re (re_below - 1 characters) it stays within
    _RE_STEPS steps, and one character more than re_below would exceed them.
    """
    quantifiers = sum(OLD_EXPRESSIONS[spec].count("+") for spec in specs)
    pieces = [(f"p{index}", spec) for index, spec in enumerate(specs)]
    below = _linear.LinearMatcher(pieces).re_below
    assert (below - 1) ** quantifiers <= _linear._RE_STEPS < (below + 1) ** quantifiers


N = 64 * 1024
WORST_CASES = [
    # A pattern, 64 KB paths and whether each matches. On such paths re
    # alone backtracked for seconds to minutes (an int of 64 K digits is
    # refused after a match).
    ("/files/{stem}.{ext}", "/files/" + "." * N, True),
    ("/files/{stem}.{ext}", "/files/" + "." * N + "/", False),
    ("/{a}-{b}", "/" + "-" * N, True),
    ("/{a}-{b}", "/" + "-" * N + "/", False),
    ("/{a:int}{b:int}", "/" + "1" * N, False),
    ("/{a:int}{b:int}", "/" + "1" * N + "x", False),
    ("/{a:float}{b:float}", "/" + "1" * N, True),
    ("/{a:float}{b:float}", "/" + "1." * (N // 2) + "x", False),
    ("/v{a:int}.{b:int}", "/v" + "1" * N + ".", False),
    ("/{a}{b}{c}", "/" + "a" * N, True),
    ("/{a}{b}{c}", "/" + "a" * N + "/", False),
    ("/{a:path}.{b}", "/" + "." * N, True),
    ("/{a:path}.{b}", "/" + "." * N + "/", False),
    ("/{a:path}{b:int}", "/" + "1" * N, True),
    ("/{a:path}{b:int}", "/" + "1" * N + "x", False),
    ("/{a:path}/{b:path}/x", "/" + "/" * N + "/x", True),
    ("/{a:path}/{b:path}/x", "/" + "/" * N, False),
    ("/{a}{u:uuid}", "/" + "a" * N + UUID, True),
    ("/{a}{u:uuid}", "/" + "a" * N, False),
    # re matches these alone: what may follow each placeholder is fixed.
    ("/{a:path}/{b}/x", "/" + "/a" * (N // 2) + "/x", True),
    ("/{a:path}/{b}/x", "/" + "/a" * (N // 2), False),
    ("/{a:path}/{b:int}", "/" + "/1" * (N // 2) + "x", False),
    ("/{a}.json", "/" + ".json" * (N // 5), True),
    ("/{a}.json", "/" + ".json" * (N // 5) + "x", False),
    ("/f/{rest:path}/raw", "/f/" + "/raw" * (N // 4) + "/", False),
]


def test_match_worst_cases_take_linear_time() -> None:
    # The bound is generous (a few milliseconds a path are expected): it
    # only catches time that grows with the square of the path.
    budget = 1.0
    for pattern, path, matches in WORST_CASES:
        router = Router()
        router.add(pattern, view_a)
        started = time.perf_counter()
        found = router.match(path, "GET")
        budget -= time.perf_counter() - started
        assert budget > 0, f"{pattern} took too long"
        assert isinstance(found, Match) is matches, pattern


@pytest.mark.parametrize("first", sorted(OLD_EXPRESSIONS))
@pytest.mark.parametrize("second", sorted(OLD_EXPRESSIONS))
@pytest.mark.parametrize("between", ["", "-", "/", "1", "x/"])
def test_match_two_placeholders_take_linear_time(
    first: str, between: str, second: str
) -> None:
    pieces: list[Piece] = [("a", first), between, ("b", second)]
    pattern = PathPattern(pattern_text(pieces))
    longest = 0.0
    for unit in ["a", "1", "-", "/", "1.", "a/", "1/"]:
        for end in ["", "x", "/"]:
            path = "/" + unit * (16 * 1024 // len(unit)) + end
            started = time.perf_counter()
            pattern.match(path)
            longest = max(longest, time.perf_counter() - started)
    # Linear: about a millisecond. Quadratic: a second or more.
    assert longest < 0.25
