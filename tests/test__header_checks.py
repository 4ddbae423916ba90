"""Tests for httpx_views._header_checks: status lines and headers a server sends.

The checks are called directly here. How HTTP exceptions and the App use
them (when they check, what a refused header becomes) is tested in
tests/test_httpexceptions.py and tests/test_app_errors.py.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_views._header_checks import (
    _COMMON_NAMES,
    _check_headerlist,
    _check_status,
    _is_latin1,
    _refuse_unsafe,
)

# Deterministic and bounded: the same examples on every run, no database.
BOUNDED = settings(max_examples=300, deadline=None, derandomize=True, database=None)

# RFC 9110's tchar, written out rather than taken from the module.
TOKEN_CHARS = "!#$%&'*+-.^_`|~" + string.digits + string.ascii_letters
# RFC 9110's delimiters, and whitespace: never part of a token.
NOT_TOKEN_CHARS = '"(),/:;<=>?@[\\]{} \t'
# The names the module lets through without a regular expression: each
# must be a name it would accept anyway.
COMMON_NAMES = sorted(_COMMON_NAMES)


def crlf_message(name: str) -> str:
    return f"header {name!r} may not contain CR, LF or NUL"


def token_message(name: str) -> str:
    return f"header name {name!r} is not an HTTP token"


def latin1_message(name: str) -> str:
    return f"header {name!r} holds characters outside Latin-1"


def is_sendable(name: str, value: str) -> bool:
    """What the checks must accept, from the rules rather than the module."""
    return (
        not any(char in name + value for char in "\r\n\x00")
        and name != ""
        and all(char in TOKEN_CHARS for char in name)
        and all(ord(char) < 256 for char in value)
    )


# -- _refuse_unsafe ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Name", "plain"),
        ("X-Name", ""),
        ("X-Name", "caf\xe9 \xa0\xff"),  # Latin-1, not ASCII
        ("X-Name", "tab\there"),  # only CR, LF and NUL are refused
        ("X-Name", "\x01\x1b\x7f\x85"),  # other controls are the view's business
        ("x", "1"),
        (TOKEN_CHARS, "every token character in one name"),
        ("Set-Cookie", "a=1; Path=/; HttpOnly"),
    ],
)
def test_refuse_unsafe_accepts_a_token_and_a_latin1_value(
    name: str, value: str
) -> None:
    _refuse_unsafe(name, value)  # a refusal raises


@pytest.mark.parametrize("char", list(TOKEN_CHARS))
def test_refuse_unsafe_accepts_each_token_character_as_a_name(char: str) -> None:
    _refuse_unsafe(char, "x")
    _refuse_unsafe(f"X{char}Y", "x")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Name", "a\rb"),
        ("X-Name", "a\nb"),
        ("X-Name", "a\r\nSet-Cookie: owned=1"),
        ("X-Name", "a\x00b"),
        ("X-Name", "\n"),
        ("X\rName", "fine"),
        ("X\nName", "fine"),
        ("X\x00Name", "fine"),
        # CR, LF or NUL is named first, even where the name is no token and
        # the value is not Latin-1 either.
        ("X Name\r\n", "\u20ac"),
        ("X-Name", "\u20ac\n"),
    ],
)
def test_refuse_unsafe_refuses_cr_lf_nul_in_name_or_value(
    name: str, value: str
) -> None:
    with pytest.raises(ValueError) as info:
        _refuse_unsafe(name, value)
    assert str(info.value) == crlf_message(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "X Name",
        "X-Name:",
        "Set-Cookie: a=1; X",
        "Caf\xe9",  # Latin-1 letters are not token characters
        *[f"X{char}Y" for char in NOT_TOKEN_CHARS],
        "X\x7f",
        "X\x01",
    ],
)
def test_refuse_unsafe_refuses_a_name_that_is_not_a_token(name: str) -> None:
    with pytest.raises(ValueError) as info:
        _refuse_unsafe(name, "fine")
    assert str(info.value) == token_message(name)


def test_refuse_unsafe_checks_the_name_before_the_value_encoding() -> None:
    with pytest.raises(ValueError) as info:
        _refuse_unsafe("X Name", "\u20ac")
    assert str(info.value) == token_message("X Name")


@pytest.mark.parametrize(
    "value", ["5 \u20ac", "\u0100", "\u2028", "\U0001f600", "caf\xe9 \u20ac"]
)
def test_refuse_unsafe_refuses_a_value_outside_latin1(value: str) -> None:
    with pytest.raises(ValueError) as info:
        _refuse_unsafe("X-Price", value)
    assert str(info.value) == latin1_message("X-Price")
    # The encoding error is an implementation detail, not shown as the cause.
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


# -- _check_headerlist ------------------------------------------------------------


@pytest.mark.parametrize(
    "headerlist",
    [
        [],
        [("X-Name", "plain")],
        [(name, "value") for name in COMMON_NAMES],
        [("X-Tab", "a\tb"), ("X-Latin", "caf\xe9"), ("X-Control", "\x01")],
        [("x", ""), ("X-Empty", "")],
    ],
)
def test_check_headerlist_accepts_sendable_headers(
    headerlist: list[tuple[str, str]],
) -> None:
    _check_headerlist(headerlist)  # a refusal raises


def test_check_headerlist_takes_any_iterable_once() -> None:
    read: list[str] = []

    def headers() -> Iterator[tuple[str, str]]:
        for name in ["X-A", "X-B"]:
            read.append(name)
            yield name, "1"

    _check_headerlist(headers())
    assert read == ["X-A", "X-B"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (("X-Bad", "a\r\nSet-Cookie: owned=1"), crlf_message("X-Bad")),
        (("X-Bad", "a\x00"), crlf_message("X-Bad")),
        (("Location", "/a\r\nX: y"), crlf_message("Location")),  # a common name
        (("Set-Cookie", "\u20ac"), latin1_message("Set-Cookie")),
        (("X-Bad", "5 \u20ac"), latin1_message("X-Bad")),
        (("X Bad", "fine"), token_message("X Bad")),
        (("X-Bad:", "fine"), token_message("X-Bad:")),
        (("", "fine"), token_message("")),
        (("Caf\xe9", "fine"), token_message("Caf\xe9")),
        (("X\nBad", "fine"), crlf_message("X\nBad")),
    ],
)
def test_check_headerlist_refuses_an_unsafe_header(
    header: tuple[str, str], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        _check_headerlist([("X-Fine", "1"), header, ("X-After", "2")])
    assert str(info.value) == message


def test_check_headerlist_names_the_first_unsafe_header() -> None:
    headerlist = [("X-Ok", "1"), ("X-First", "a\nb"), ("X Second", "x")]
    with pytest.raises(ValueError) as info:
        _check_headerlist(headerlist)
    assert str(info.value) == crlf_message("X-First")


def test_check_headerlist_stops_at_the_first_unsafe_header() -> None:
    read: list[str] = []

    def headers() -> Iterator[tuple[str, str]]:
        for name, value in [("X-A", "1"), ("X-B", "\n"), ("X-C", "3")]:
            read.append(name)
            yield name, value

    with pytest.raises(ValueError, match="'X-B'"):
        _check_headerlist(headers())
    assert read == ["X-A", "X-B"]


@pytest.mark.parametrize(
    "header",
    [
        ("X-Number", 5),
        ("X-None", None),
        ("X-Bytes", b"text"),
        ("Content-Type", b"text/plain"),
        (b"X-Name", "text"),
        (b"Content-Type", "text/plain"),
        (5, "text"),
    ],
)
def test_check_headerlist_refuses_a_name_or_value_that_is_not_str(
    header: tuple[Any, Any],
) -> None:
    # A server would send it wrongly or fail: refused, with a TypeError.
    with pytest.raises(TypeError):
        _check_headerlist([header])


@settings(BOUNDED)
@given(
    name=st.one_of(
        st.sampled_from(COMMON_NAMES),
        st.text(alphabet=TOKEN_CHARS, min_size=1),
        st.text(alphabet=TOKEN_CHARS + NOT_TOKEN_CHARS + "\r\n\x00\x7f\xe9\u20ac"),
    ),
    value=st.one_of(
        st.text(alphabet=st.characters(max_codepoint=0xFF)),
        st.text(),
    ),
)
def test_check_headerlist_refuses_exactly_what_refuse_unsafe_refuses(
    name: str, value: str
) -> None:
    # The fast path must never let through what the precise check refuses,
    # nor refuse a header the precise check accepts.
    def outcome(check: Any, *args: Any) -> str | None:
        try:
            check(*args)
        except ValueError as exc:
            return str(exc)
        return None

    precise = outcome(_refuse_unsafe, name, value)
    assert outcome(_check_headerlist, [(name, value)]) == precise
    assert (precise is None) == is_sendable(name, value)


# -- _check_status ----------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        "200 OK",
        "404 Not Found",
        "200 ",  # RFC 9112 allows an empty reason phrase
        "200  two spaces",
        "000 x",
        "999 Whatever",
        "200 Re\xe7u",  # Latin-1: one byte a character on the wire
        "200 \xff",
        "418 I'm a teapot",
        "200 ~!@#$%^&*()",
    ],
)
def test_check_status_accepts_a_code_and_a_phrase(status: str) -> None:
    _check_status(status)  # a refusal raises


@pytest.mark.parametrize(
    "status",
    [
        "",
        "200",  # no space: not even an empty reason phrase
        "20 OK",
        "2000 OK",
        "20x OK",
        "OK 200",
        " 200 OK",
        "-20 OK",
        "\u0662\u0660\u0660 OK",  # Arabic-Indic digits are digits, not ASCII
        "\xb2\xb2\xb2 OK",  # superscript two: isdigit(), yet Latin-1 not ASCII
        "200-OK",
        "200\tOK",
        "200\xa0OK",
        "200 OK\r\nSet-Cookie: owned=1",
        "200 OK\n",
        "200 OK\x00",
        "200 OK\x01",
        "200 OK\x1b",
        "200 OK\x7f",
        "200 OK\x85",  # a C1 control inside Latin-1
        "200 OK\xa0",  # no-break space: a separator, not printable
        "200 \u20ac",  # printable, but outside Latin-1
        "200 \U0001f600",
    ],
)
def test_check_status_refuses_a_line_that_is_not_a_code_and_a_phrase(
    status: str,
) -> None:
    with pytest.raises(ValueError) as info:
        _check_status(status)
    assert str(info.value) == f"status line {status!r} is not a code and a phrase"


@pytest.mark.parametrize("status", [b"200 OK", 200, None, ["200 OK"]])
def test_check_status_refuses_what_is_not_str(status: Any) -> None:
    with pytest.raises(ValueError) as info:
        _check_status(status)
    assert str(info.value) == f"status line {status!r} is not a code and a phrase"


@settings(BOUNDED)
@given(
    code=st.integers(0, 999),
    phrase=st.text(alphabet=st.characters(max_codepoint=0xFF)),
)
def test_check_status_accepts_any_code_and_printable_latin1_phrase(
    code: int, phrase: str
) -> None:
    status = f"{code:03d} {phrase}"
    if phrase.isprintable():
        _check_status(status)
    else:
        with pytest.raises(ValueError, match=re.escape(repr(status))):
            _check_status(status)


# -- _is_latin1 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("plain", True),
        ("caf\xe9", True),
        ("\x00\xff", True),
        ("\u0100", False),  # the first code point after Latin-1
        ("caf\xe9 \u20ac", False),
        ("\U0001f600", False),
    ],
)
def test_is_latin1(text: str, expected: bool) -> None:
    assert _is_latin1(text) is expected
