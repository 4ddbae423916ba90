"""The response views return or adjust: WebOb's, cheap where views live.

:class:`Response` is a :class:`webob.Response` whose everyday operations --
the constructor, ``status``, ``content_type``/``charset``, ``headers``,
``text``/``body``, ``set_cookie``, ``cache_control`` and sending it -- work
on the header list directly instead of through WebOb's chain of properties.
The semantics are WebOb's: the same operations give the same header list
(names, values, order), status and body, which ``tests/test_response.py``
checks on random sequences of operations. Anything unusual (an argument of
a rare type, a cookie value that needs quoting) goes to WebOb's own code.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any, Literal, cast

import webob
from webob import descriptors
from webob.cachecontrol import CacheControl, serialize_cache_control
from webob.headers import ResponseHeaders
from webob.util import status_reasons

__all__ = ["Response"]

_WebObResponse: Any = webob.Response
# The charset parameter of a Content-Type, as WebOb finds it.
_CHARSET_RE = descriptors.CHARSET_RE  # type: ignore[attr-defined]
_marker: Any = object()

# Status lines by code, from WebOb's own table of reason phrases: what
# ``status = 404`` and ``status = "404 Not Found"`` both end up as.
_STATUS_BY_CODE = {code: f"{code} {reason}" for code, reason in status_reasons.items()}
_STATUS_LINES = frozenset(_STATUS_BY_CODE.values())


class Response(webob.Response):
    """A :class:`webob.Response` whose common operations are cheap.

    ``request.response`` is one, and so is every HTTP exception:

    >>> from httpx_views import App, Response
    >>> app = App()
    >>> @app.route("/teapot")
    ... def teapot(request):
    ...     return Response("Short and stout.", status=418, content_type="text/plain")
    >>> from webtest import TestApp
    >>> response = TestApp(app).get("/teapot", status=418)
    >>> response.status, response.headers["Content-Type"], response.text
    ("418 I'm a teapot", 'text/plain; charset=UTF-8', 'Short and stout.')
    """

    _headerlist: list[tuple[str, str]]
    _status: str
    _app_iter: Iterable[bytes]
    _cache_control_obj: Any
    # The Cache-Control value the object last wrote: this response's own
    # state (one short string), not a cache shared with any other.
    _cache_control_written: str | None = None

    def __init__(
        self,
        body: bytes | str | None = None,
        status: int | str | None = None,
        headerlist: list[tuple[str, str]] | None = None,
        app_iter: Iterable[bytes] | None = None,
        content_type: str | None = None,
        conditional_response: bool | None = None,
        charset: str | None = _marker,
        **kw: Any,
    ) -> None:
        if kw or headerlist is not None or app_iter is not None:
            # JSON bodies, given headers, iterables: WebOb's rules.
            if charset is not _marker:
                kw["charset"] = charset
            _WebObResponse.__init__(
                self,
                body,
                status,
                headerlist,
                app_iter,
                content_type,
                conditional_response,
                **kw,
            )
            return
        # What WebOb's constructor does for a body, a status, a type and a
        # charset, in the same order (its checks raise the same errors).
        if status is None:
            self._status = "200 OK"
        else:
            self.status = status
        self._headers = None
        headers: list[tuple[str, str]] = []
        self._headerlist = headers
        encoding = None if charset is _marker else charset
        code = self._status[:3]
        has_body = code[0] != "1" and code not in ("204", "205", "304")
        content_type = content_type or self.default_content_type
        if has_body and content_type:
            if "charset=" in content_type:
                encoding = None  # the type's own charset wins
                new_charset = None
            elif charset is _marker:
                new_charset = self.default_charset
            else:
                new_charset = encoding
            if new_charset and _has_charset(content_type):
                content_type += "; charset=" + new_charset
            headers.append(("Content-Type", content_type))
        if conditional_response is None:
            self.conditional_response = self.default_conditional_response
        else:
            self.conditional_response = bool(conditional_response)
        if not has_body:
            self._app_iter = [b""]
            return
        if body is None:
            body = b""
        elif isinstance(body, str):
            encoding = encoding or self.charset
            if encoding is None:
                raise TypeError(
                    "You cannot set the body to a text value without a charset"
                )
            body = body.encode(encoding)
        self._app_iter = [body]
        headers.append(("Content-Length", str(len(body))))

    # -- status -----------------------------------------------------------------

    @property
    def status(self) -> str:
        """The status line, ``"404 Not Found"``; set a line or a code."""
        return self._status

    @status.setter
    def status(self, value: int | str | bytes) -> None:
        kind = type(value)
        if kind is str and value in _STATUS_LINES:
            self._status = value
        elif kind is int and value in _STATUS_BY_CODE:
            self._status = _STATUS_BY_CODE[value]
        else:
            _WebObResponse.status.fset(self, value)

    @property
    def status_code(self) -> int:
        """The status code, ``404``; setting it gives WebOb's reason phrase."""
        return int(self._status.split()[0])

    @status_code.setter
    def status_code(self, value: int) -> None:
        if type(value) is int and value in _STATUS_BY_CODE:
            self._status = _STATUS_BY_CODE[value]
        else:
            _WebObResponse.status_code.fset(self, value)

    status_int = status_code

    # -- headers ----------------------------------------------------------------

    @property
    def headers(self) -> ResponseHeaders:
        """The header list as a case-insensitive multi-dict, a view on it."""
        headers = self._headers
        if headers is None:
            if type(self._headerlist) is not list:
                return _WebObResponse.headers.fget(self)  # type: ignore[no-any-return]
            headers = _Headers.__new__(_Headers)
            headers._items = self._headerlist  # type: ignore[attr-defined]
            self._headers = headers  # type: ignore[assignment]
        return headers

    @headers.setter
    def headers(self, value: Any) -> None:
        _WebObResponse.headers.fset(self, value)

    @property
    def content_type(self) -> str | None:
        """The media type of ``Content-Type``, without its parameters."""
        header = _last(self._headerlist, "content-type")
        return header.split(";", 1)[0] if header else None

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        if not value or not isinstance(value, str):
            _WebObResponse.content_type.fset(self, value)
            return
        # WebOb drops the old parameters and adds the default charset to a
        # text or XML type that names none.
        charset = self.default_charset
        if charset and "charset=" not in value and _has_charset(value):
            value += "; charset=" + charset
        _replace(self._headerlist, "Content-Type", value)

    @content_type.deleter
    def content_type(self) -> None:
        _WebObResponse.content_type.fdel(self)

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of ``Content-Type``, or ``None``."""
        header = _last(self._headerlist, "content-type")
        if not header:
            return None
        match = _CHARSET_RE.search(header)
        return match.group(1) if match else None

    @charset.setter
    def charset(self, value: str | None) -> None:
        header = _last(self._headerlist, "content-type")
        if value is None or header is None:
            _WebObResponse.charset.fset(self, value)
            return
        match = _CHARSET_RE.search(header)
        if match:
            header = header[: match.start()] + header[match.end() :]
        _replace(self._headerlist, "Content-Type", f"{header}; charset={value}")

    @charset.deleter
    def charset(self) -> None:
        _WebObResponse.charset.fdel(self)

    # -- body -------------------------------------------------------------------

    @property
    def body(self) -> bytes:
        """The body as bytes (an iterable body is read and joined)."""
        return _WebObResponse.body.fget(self)  # type: ignore[no-any-return]

    @body.setter
    def body(self, value: bytes) -> None:
        if type(value) is not bytes:
            _WebObResponse.body.fset(self, value)
            return
        headers = self._headerlist
        # WebOb removes Content-MD5 (it described the old body, if any), then
        # replaces Content-Length; one pass over the headers does both.
        drop = _BODY_HEADERS if self._app_iter is not None else _LENGTH_HEADER
        for index in range(len(headers) - 1, -1, -1):
            if headers[index][0].lower() in drop:
                del headers[index]
        self._app_iter = [value]
        headers.append(("Content-Length", str(len(value))))

    @body.deleter
    def body(self) -> None:
        self.body = b""

    @property
    def text(self) -> str:
        """The body decoded with ``charset`` (or ``default_body_encoding``)."""
        return _WebObResponse.text.fget(self)  # type: ignore[no-any-return]

    @text.setter
    def text(self, value: str) -> None:
        encoding = self.charset or self.default_body_encoding
        if type(value) is not str or not encoding:
            _WebObResponse.text.fset(self, value)
            return
        self.body = value.encode(encoding)

    @text.deleter
    def text(self) -> None:
        self.body = b""

    # -- cookies ----------------------------------------------------------------

    def set_cookie(  # type: ignore[override]
        self,
        name: str,
        value: str | None = "",
        max_age: Any = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        comment: str | None = None,
        expires: Any = None,
        overwrite: bool = False,
        samesite: str | None = None,
    ) -> None:
        """Add a ``Set-Cookie`` header, as :meth:`webob.Response.set_cookie`.

        >>> response = Response()
        >>> response.set_cookie("theme", "dark", secure=True, httponly=True)
        >>> response.headers["Set-Cookie"]
        'theme=dark; Path=/; secure; HttpOnly'
        """
        cookie = None
        if comment is None and expires is None and not overwrite:
            cookie = _plain_cookie(
                name, value, max_age, path, domain, secure, httponly, samesite
            )
        if cookie is None:
            _WebObResponse.set_cookie(
                self,
                name,
                value,
                max_age,
                path,
                domain,
                secure,
                httponly,
                comment,
                expires,
                overwrite,
                samesite,
            )
            return
        self._headerlist.append(("Set-Cookie", cookie))

    # -- cache control ----------------------------------------------------------

    @property
    def cache_control(self) -> CacheControl[Literal["response"]]:
        """``Cache-Control`` as an object whose attributes update the header.

        >>> response = Response()
        >>> response.cache_control.max_age = 3600
        >>> response.cache_control.public = True
        >>> response.headers["Cache-Control"]
        'max-age=3600, public'
        """
        value = _last(self._headerlist, "cache-control") or ""
        control: Any = self._cache_control_obj
        if control is None:
            control = CacheControl.parse(
                value, updates_to=self._update_cache_control, type="response"
            )
            control.header_value = value
            self._cache_control_obj = control
        elif control.header_value != value:
            # The header changed since the object last read it, or the object
            # wrote it. WebOb then parses it again, clears the properties and
            # refills them, and each step rewrites the header, which thus
            # moves to the end of the list. Where the header is what the
            # properties last wrote and they hold only what a parse gives
            # back unchanged, the parse is skipped: its result is known.
            properties = control.properties
            if value == self._cache_control_written and _parses_back(properties):
                # The parse would give the properties back, in its order.
                items: Any = sorted(properties.items())
                dict.clear(properties)
                dict.update(properties, items)
                self._write_cache_control(value)
            else:
                parsed = CacheControl.parse(value, type="response")
                dict.clear(properties)
                dict.update(properties, parsed.properties)
                self._update_cache_control(properties)
            control.header_value = value
        return cast("CacheControl[Literal['response']]", control)

    @cache_control.setter
    def cache_control(self, value: Any) -> None:
        _WebObResponse.cache_control.fset(self, value)

    @cache_control.deleter
    def cache_control(self) -> None:
        self.cache_control = {}

    def _update_cache_control(self, properties: Any) -> None:
        # Called by the object's properties on every change (WebOb's hook).
        value = serialize_cache_control(properties)
        self._cache_control_written = value
        self._write_cache_control(value)

    def _write_cache_control(self, value: str) -> None:
        # What WebOb's hook does with the serialised value.
        if value:
            _replace(self._headerlist, "Cache-Control", value)
        else:
            _remove(self._headerlist, "cache-control")

    # -- sending ----------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Send the response (WSGI); a relative ``Location`` is made absolute."""
        if self.conditional_response:
            return self.conditional_response_app(environ, start_response)
        headers = self._headerlist
        for name, _ in headers:
            if name.lower() == "location":
                headers = self._abs_headerlist(environ)  # type: ignore[attr-defined]
                break
        else:
            headers = list(headers)  # a copy: what is sent is the server's
        start_response(self.status, headers)
        if environ["REQUEST_METHOD"] == "HEAD":
            return webob.response.EmptyResponse(self._app_iter)
        return self._app_iter


def _sent_as(
    status: str, headerlist: list[tuple[str, str]], app_iter: Iterable[bytes]
) -> Response:
    """``Response(status=..., headerlist=..., app_iter=...)``, for valid ones.

    Built by setting what the constructor would leave behind, for a status
    line and headers already checked: its argument handling would cost more
    than the rest of making the response.
    """
    response = Response.__new__(Response)
    response.__dict__ = {
        "_status": status,
        "_headers": None,
        "_headerlist": headerlist,
        "_app_iter": app_iter,
        "conditional_response": False,
    }
    return response


# The headers describing a body, which setting one replaces.
_BODY_HEADERS = frozenset(("content-md5", "content-length"))
_LENGTH_HEADER = frozenset(("content-length",))


# -- the header list --------------------------------------------------------------


def _last(headers: list[tuple[str, str]], lowered: str) -> str | None:
    """The value of the last header called *lowered* (in any case), or None."""
    for name, value in reversed(headers):
        if name.lower() == lowered:
            return value
    return None


def _remove(headers: list[tuple[str, str]], lowered: str) -> None:
    """Remove every header called *lowered*, in any case."""
    for index in range(len(headers) - 1, -1, -1):
        if headers[index][0].lower() == lowered:
            del headers[index]


def _add_vary(headers: list[tuple[str, str]], field: str) -> None:
    """Say in *headers* that the answer depends on the request's *field*.

    *field* joins the first ``Vary`` header (an empty one becomes it), or a
    ``Vary`` is added; nothing changes when one lists it already, or ``*``.
    """
    lowered = field.lower()
    first = -1
    for index, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            tokens = {token.strip().lower() for token in value.split(",")}
            if lowered in tokens or "*" in tokens:
                return
            if first < 0:
                first = index
    if first < 0:
        headers.append(("Vary", field))
    else:
        name, value = headers[first]
        headers[first] = (name, f"{value}, {field}" if value.strip() else field)


def _replace(headers: list[tuple[str, str]], name: str, value: str) -> None:
    """``headers[name] = value``: remove every *name*, then append it."""
    _remove(headers, name.lower())
    headers.append((name, value))


class _Headers(ResponseHeaders):
    """WebOb's view on the header list, setting a header without a new list."""

    def __setitem__(self, name: str, value: str) -> None:
        _replace(self._items, name, value)  # type: ignore[attr-defined]


def _has_charset(content_type: str) -> bool:
    """Whether WebOb gives *content_type* a charset: text and XML types."""
    return content_type.startswith(("text/", "application/xml")) or (
        content_type.endswith("+xml")
        and content_type.startswith(("application/", "image/"))
    )


# A Cache-Control directive name as WebOb parses one.
_DIRECTIVE = re.compile("[a-zA-Z][a-zA-Z_-]*")


def _parses_back(properties: dict[str, Any]) -> bool:
    """Whether parsing the serialised *properties* gives them back.

    True for directive names WebOb parses whole and values that are absent
    or integers (a parse turns "10" into 10).
    """
    return all(
        (value is None or type(value) is int) and _DIRECTIVE.fullmatch(name)
        for name, value in properties.items()
    )


# -- cookies ------------------------------------------------------------------------

# What WebOb sends unquoted in a cookie value, a cookie name, and a Path or
# Domain attribute; anything else goes to WebOb, which quotes or refuses it.
_VALUE_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "!#$%&'()*+-./:<=>?@[]^_`{|}~"
)
_NAME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"
)
_ATTRIBUTE_CHARS = _VALUE_CHARS | {" "}
# Names WebOb refuses: its attribute names.
_RESERVED = frozenset(
    (
        "path",
        "comment",
        "domain",
        "max-age",
        "expires",
        "secure",
        "httponly",
        "samesite",
    )
)
_SAMESITE = frozenset(("strict", "lax", "none"))
# Max-Age of at most about 300 years: the Expires date stays in range.
_MAX_AGE_LIMIT = 10**10
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "",
    *("Jan", "Feb", "Mar", "Apr", "May", "Jun"),
    *("Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
)
# What WebOb sends as Expires to delete a cookie.
_EXPIRED = "Wed, 31-Dec-97 23:59:59 GMT"


def _plain_cookie(
    name: str,
    value: str | None,
    max_age: Any,
    path: str | None,
    domain: str | None,
    secure: bool,
    httponly: bool,
    samesite: str | None,
) -> str | None:
    """The ``Set-Cookie`` value WebOb makes, or None where WebOb must decide.

    Only for str arguments of characters sent as they are, an int
    ``max_age`` and a valid ``samesite``: what views pass.
    """
    if not (
        type(name) is str
        and name
        and _NAME_CHARS.issuperset(name)
        and name[0] != "$"
        and name.lower() not in _RESERVED
        and (path is None or (type(path) is str and _ATTRIBUTE_CHARS.issuperset(path)))
        and (
            domain is None
            or (type(domain) is str and _ATTRIBUTE_CHARS.issuperset(domain))
        )
        and (
            samesite is None
            or (type(samesite) is str and samesite.lower() in _SAMESITE)
        )
        and (secure or samesite is None or samesite.lower() != "none")
    ):
        return None
    if value is None:  # delete the cookie
        value, max_age, expires = "", 0, _EXPIRED
    elif type(value) is not str or not _VALUE_CHARS.issuperset(value):
        return None
    elif max_age is None:
        expires = None
    elif type(max_age) is int and -_MAX_AGE_LIMIT < max_age < _MAX_AGE_LIMIT:
        expires = _cookie_date(time.time() + max_age)
    else:
        return None
    # WebOb's order: the value, then Comment, Domain, Max-Age, Path, then
    # expires, secure, HttpOnly, SameSite.
    parts = [f"{name}={value}"]
    if domain:
        parts.append(f"Domain={domain}")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if path:
        parts.append(f"Path={path}")
    if expires is not None:
        parts.append(f"expires={expires}")
    if secure:
        parts.append("secure")
    if httponly:
        parts.append("HttpOnly")
    if samesite:
        parts.append(f"SameSite={samesite}")
    return "; ".join(parts)


def _cookie_date(moment: float) -> str:
    """*moment* as WebOb writes a cookie's Expires, ``Fri, 27-Nov-2026 ...``."""
    t = time.gmtime(moment)
    return (
        f"{_WEEKDAYS[t.tm_wday]}, {t.tm_mday:02d}-{_MONTHS[t.tm_mon]}-{t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )
