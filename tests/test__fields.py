"""The field parsers of ``_fields``, each against WebOb's own on the same input.

Through the Request, ``tests/test_request_differential.py`` compares them on
random input; here each is called directly, on the cases its docstring names.
"""

from __future__ import annotations

import io

import pytest
import webob.cookies
from webob.compat import cgi_FieldStorage

from httpx_views._fields import parse_form, parse_query, parse_simple_cookies

QUERIES = [
    "",
    "q=python+web&page=2&per_page=20&sort=name&order=asc",
    "a=1;b=2&&c",
    "empty=&=nameless",
    "x=%41%42&y=caf%C3%A9",
    "odd=%1&space=% f",  # WebOb reads these as bytes; urllib would not
    "latin=caf\xc3\xa9",  # UTF-8 sent unescaped, as latin-1 text (PEP 3333)
]


def webob_query(query: str) -> list[tuple[str, str]]:
    return list(webob.Request.blank("/", environ={"QUERY_STRING": query}).GET.items())


@pytest.mark.parametrize("query", QUERIES)
def test_parse_query_gives_webobs_fields(query: str) -> None:
    assert parse_query(query) == webob_query(query)


@pytest.mark.parametrize("query", ["bad=%FF", "%C3=1"])
def test_parse_query_refuses_escapes_that_are_not_utf8(query: str) -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_query(query)


FORMS = [
    b"name=Ada&empty=",
    b"q=python+web&page=2",
    b"a=1;b=2",  # only & separates a form's fields
    b"x=%41%42&y=caf%C3%A9&&z",
]


def cgi_form(body: bytes) -> list[tuple[str, str]]:
    """The fields WebOb's ``cgi.FieldStorage`` gives for a urlencoded *body*."""
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
    }
    fields = cgi_FieldStorage(
        fp=io.BytesIO(body), environ=environ, keep_blank_values=True
    )
    return [(field.name, field.value) for field in fields.list or []]


@pytest.mark.parametrize("body", FORMS)
def test_parse_form_gives_cgis_fields(body: bytes) -> None:
    assert parse_form(body) == cgi_form(body)


@pytest.mark.parametrize("body", [b"a=%FF", b"%FF=a", b"caf\xe9=1"])
def test_parse_form_refuses_what_is_not_utf8(body: bytes) -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_form(body)


@pytest.mark.parametrize(
    "header",
    [
        "session=abc; theme=dark",
        "a=1;b=2; ;c=",
        "twice=1; twice=2",
        "value=x%20y!#$&*()+=`.?|:/{}<>'-",
    ],
)
def test_parse_simple_cookies_gives_webobs_cookies(header: str) -> None:
    webob_cookies = {
        name.decode(): value.decode()
        for name, value in webob.cookies.parse_cookie(header)  # type: ignore[attr-defined]
    }
    assert parse_simple_cookies(header) == webob_cookies


@pytest.mark.parametrize(
    "header",
    [
        'quoted="a b"',  # quotes: WebOb's parser decides
        "comma=a,b",
        "tab=a\tb",
        "path=1",  # an attribute name
        "Max-Age=3; a=1",
        "back=a\\b",
    ],
)
def test_parse_simple_cookies_leaves_the_rest_to_webob(header: str) -> None:
    assert parse_simple_cookies(header) is None
