"""Fast parsers for the name=value fields a client sends, with WebOb's results.

The query string, a urlencoded form and the Cookie header: WebOb parses the
first as bytes, the second through ``cgi.FieldStorage`` and the third with a
backtracking regular expression, each costing more than a simple view. The
parsers here give WebOb's values for the common inputs and hand anything
else to WebOb's own code, so that they agree by construction:

>>> parse_query("q=python+web&page=2")
[('q', 'python web'), ('page', '2')]
>>> parse_form(b"name=Ada&empty=")
[('name', 'Ada'), ('empty', '')]
>>> parse_simple_cookies("session=abc; theme=dark")
{'session': 'abc', 'theme': 'dark'}
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from webob.compat import parse_qsl_text  # type: ignore[attr-defined]
from webob.compat import unquote as webob_unquote  # type: ignore[attr-defined]

__all__ = ["parse_form", "parse_query", "parse_simple_cookies"]


def parse_query(query: str) -> list[tuple[str, str]]:
    """Return the fields of *query* (a ``QUERY_STRING``) as WebOb's GET has them.

    ``&`` and ``;`` separate fields, empty ones are skipped, ``+`` is a
    space, a field without ``=`` has the value ``""``, and escapes are
    decoded as UTF-8.

    :raises UnicodeDecodeError: where the decoded bytes are not UTF-8, as
        WebOb raises.
    """
    if not query.isascii():
        # Bytes beyond ASCII, sent unescaped (PEP 3333 gives them as
        # latin-1 text): rare, and WebOb's own parser decodes them.
        return list(parse_qsl_text(query))
    pairs = []
    for field in query.replace("+", " ").replace(";", "&").split("&"):
        if field:
            name, _, value = field.partition("=")
            if "%" in field:
                # WebOb's unescaping, not urllib's: it reads "%1" and "% f"
                # as bytes where urllib leaves them as they are.
                name = webob_unquote(name.encode("ascii")).decode("utf-8")
                value = webob_unquote(value.encode("ascii")).decode("utf-8")
            pairs.append((name, value))
    return pairs


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """Return the fields of a urlencoded form *body*, strictly as UTF-8.

    What ``cgi.FieldStorage`` gives WebOb for such a body, through
    ``urllib.parse.parse_qsl``: only ``&`` separates fields, ``+`` is a
    space, blank values are kept, escapes are decoded as urllib decodes
    them. But where WebOb replaces bytes that are not UTF-8 with U+FFFD,
    this raises.

    :raises UnicodeDecodeError: for a body or an escape that is not UTF-8.
    """
    pairs = []
    for field in body.decode("utf-8").replace("+", " ").split("&"):
        if field:
            name, _, value = field.partition("=")
            if "%" in field:
                name = unquote(name, errors="strict")
                value = unquote(value, errors="strict")
            pairs.append((name, value))
    return pairs


# What WebOb's cookie parser takes as it is: a name of letters, digits, "_"
# and "-" (a subset of the RFC 6265 token it allows), "=", a value of the
# characters it reads unquoted; the pairs apart by spaces and semicolons.
# No quotes, backslashes, commas or tabs: with those, its regular expression
# decides. (At least one separator between pairs: then a header matches in
# one way only, and the time to match it grows with its length alone.)
_COOKIE = r"([A-Za-z0-9_-]+)=([\w~!@#$%^&*()+=`.?|:/{}<>'-]*)"
_SIMPLE_COOKIE = re.compile(_COOKIE, re.ASCII)
_SIMPLE_COOKIES = re.compile(rf"[ ;]*(?:{_COOKIE}(?:[ ;]+|\Z))*", re.ASCII)
# Cookie attribute names, which WebOb refuses as cookie names; more than it
# refuses, so that any it might refuse goes to its own parser.
_ATTRIBUTE_NAMES = frozenset(
    [
        "comment",
        "commenturl",
        "discard",
        "domain",
        "expires",
        "httponly",
        "max-age",
        "partitioned",
        "path",
        "port",
        "priority",
        "samesite",
        "secure",
        "version",
    ]
)


def parse_simple_cookies(header: str) -> dict[str, str] | None:
    """Return the cookies of a simple Cookie *header*, or ``None``.

    ``None`` where the header holds anything WebOb's parser might read
    otherwise than ``name=value`` pairs split at ``;``: the caller then
    parses it with WebOb's. A later cookie of a name wins, as in WebOb.
    """
    if _SIMPLE_COOKIES.fullmatch(header) is None:
        return None
    cookies = dict(_SIMPLE_COOKIE.findall(header))
    for name in cookies:
        if name.lower() in _ATTRIBUTE_NAMES:
            return None
    return cookies
