"""Header safety: the status lines and headers a server can send as they are.

A CR or LF in a header would let its author start a header or the body of
their own (response splitting), a name that is not an HTTP token smuggles a
header in, and a value that is not Latin-1 makes a server fail half-way
through the response (PEP 3333 sends header values as Latin-1). HTTP
exceptions check their headers with these when they are made and again just
before they are sent; the App checks every response it sends with them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A CR or LF in a header value would let its author start a new header or
# the body (response splitting); NUL is refused by servers inconsistently.
_UNSAFE_CHARS = re.compile("[\r\n\x00]")
# A header name is an RFC 9110 token: "Set-Cookie: a=1; X" as a name would
# smuggle in a header of its own.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


# Header names that are HTTP tokens, as views and WebOb spell them.
_COMMON_NAMES = frozenset(
    (
        "Cache-Control",
        "Content-Disposition",
        "Content-Length",
        "Content-Type",
        "ETag",
        "Last-Modified",
        "Location",
        "Set-Cookie",
        "Vary",
        "WWW-Authenticate",
    )
)


def _refuse_unsafe(name: str, value: str) -> None:
    if _UNSAFE_CHARS.search(name) or _UNSAFE_CHARS.search(value):
        raise ValueError(f"header {name!r} may not contain CR, LF or NUL")
    if not _TOKEN.fullmatch(name):
        raise ValueError(f"header name {name!r} is not an HTTP token")
    if not value.isascii():
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            # PEP 3333 sends header values as Latin-1; a server would fail
            # (or mangle the value) half-way through the response.
            raise ValueError(
                f"header {name!r} holds characters outside Latin-1"
            ) from None


def _check_status(status: str) -> None:
    """Refuse a status line a server could not send as it is.

    :raises ValueError: unless *status* is three digits, a space and a
        reason phrase of printable Latin-1 text (no CR, LF, NUL or other
        control character).
    """
    if not (
        isinstance(status, str)
        and len(status) > 3
        and status[:3].isdigit()
        and status[:3].isascii()
        and status[3] == " "
        and status.isprintable()
        and (status.isascii() or _is_latin1(status))
    ):
        raise ValueError(f"status line {status!r} is not a code and a phrase")


def _is_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _check_headerlist(headerlist: Iterable[tuple[str, str]]) -> None:
    """Refuse header names that are not tokens and values with CR, LF, NUL.

    :raises ValueError: naming the first such header.
    """
    for name, value in headerlist:
        # isprintable() is one fast C call, true for ordinary ASCII text;
        # only the rare rest needs the precise search. (str.isprintable
        # rather than the method so that a non-str raises TypeError.) The
        # names responses usually carry are known tokens.
        if not (
            str.isprintable(value)
            and value.isascii()
            and (
                name in _COMMON_NAMES
                or (str.isprintable(name) and _TOKEN.fullmatch(name))
            )
        ):
            _refuse_unsafe(name, value)
