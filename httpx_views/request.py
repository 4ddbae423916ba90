"""The request object views receive: a :class:`webob.Request` and more.

:class:`Request` adds the values its route matched, a response to adjust
before returning a plain value, the security policy's identity, and URLs for
named routes. What the client sent and cannot be decoded (query string,
form, text or JSON body, path) raises
:class:`~httpx_views.httpexceptions.HTTPBadRequest`; a cookie that is not
UTF-8 is left out of ``request.cookies``. These, the body, headers and
content type read as WebOb reads them, with less work (``_fields``);
``tests/test_request_differential.py`` holds the two to one another.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import webob
import webob.cookies
from webob.compat import cgi_FieldStorage
from webob.cookies import RequestCookies
from webob.headers import EnvironHeaders
from webob.multidict import GetDict, MultiDict
from webob.request import DisconnectionError

from ._fields import parse_form, parse_query, parse_simple_cookies
from .httpexceptions import HTTPBadRequest
from .response import Response, _sent_as

if TYPE_CHECKING:
    from _typeshed import SupportsKeysAndGetItem

    from .app import App
    from .routing import Route

__all__ = ["Request", "Response"]


_UNSET: Any = object()


class Request(webob.Request):
    """A WebOb request with routing, response and security helpers.

    The App fills in ``matchdict``, ``matched_route`` and ``app`` before the
    view runs, and ``exception`` before an exception view runs:

    >>> from httpx_views import App
    >>> app = App()
    >>> @app.route("/users/{id:int}", name="user")
    ... def user(request):
    ...     return [request.matched_route.name, request.matchdict["id"]]
    >>> Request.blank("/users/42").get_response(app).json
    ['user', 42]
    """

    # Declared here so that WebOb stores them on the instance, not the environ.
    #: The values the route captured, converted; empty and read-only if none.
    matchdict: Mapping[str, Any] = MappingProxyType({})
    #: The route that matched, or ``None`` (Not Found, or a test request).
    matched_route: Route | None = None
    #: The exception an exception view is answering, else ``None``.
    exception: BaseException | None = None
    #: The App serving this request; ``route_url`` needs it.
    app: App | None = None

    _response: webob.Response | None = None
    # Made for this request alone: middleware may change it (_sending.own).
    _own_response: webob.Response | None = None
    _identity: Any = _UNSET

    @property
    def response(self) -> webob.Response:
        """The response a view may adjust before returning a plain value.

        Made on first use (a :class:`Response`, ``200 OK``, ``text/plain``);
        a view that returns a ``str``, ``bytes``, ``dict``, ``list`` or
        ``None`` is answered with it, its body set from the value.
        """
        response = self._response
        if response is None:
            # Into the instance dict: WebOb's attribute hook is slow. This
            # request's own response, which middleware may change as it is.
            response = _sent_as("200 OK", list(UNTOUCHED_HEADERS), [b""])
            attributes = self.__dict__
            attributes["_response"] = attributes["_own_response"] = response
        return response

    @response.setter
    def response(self, value: webob.Response) -> None:
        self._response = value

    # What the client sent and cannot be decoded is a 400, never a 500.
    # WebOb is strict, but decodes forms with errors="replace" (U+FFFD for
    # any bad byte); POST undoes that below.

    @property
    def GET(self) -> GetDict:
        """The query string's fields; 400 if they are not UTF-8."""
        environ = self.environ
        query = environ.get("QUERY_STRING", "")
        # WebOb's cache, in WebOb's place: keyed on the query string parsed.
        parsed = environ.get(_PARSED_QUERY)
        if parsed is not None and parsed[1] == query:
            fields: GetDict = parsed[0]
            return fields
        try:
            fields = GetDict(parse_query(query), environ)
        except UnicodeDecodeError as exc:
            raise HTTPBadRequest(detail="The query string is not valid UTF-8.") from exc
        environ[_PARSED_QUERY] = (fields, query)
        return fields

    @property
    def POST(self) -> Any:
        """The form fields; 400 unless names, values and file names are UTF-8."""
        if self._is_plain_form():
            return self._plain_form()
        try:
            form = super().POST
        except (UnicodeError, DeprecationWarning) as exc:
            # WebOb raises DeprecationWarning for a charset other than UTF-8.
            raise HTTPBadRequest(detail="The form data is not UTF-8.") from exc
        except (ValueError, LookupError) as exc:
            raise HTTPBadRequest(detail="The form data cannot be decoded.") from exc
        environ = self.environ
        # Checked once per parse: (WebOb's form, the form to give out).
        checked = environ.get(_CHECKED_FORM)
        if checked is not None and checked[0] is form:
            return checked[1]
        strict = self._strict_form() if _has_replacement(form) else form
        environ[_CHECKED_FORM] = (form, strict)
        return strict

    def _is_plain_form(self) -> bool:
        """Whether the body is a urlencoded UTF-8 form not yet parsed.

        WebOb parses such a form, of a length given, from the body it reads:
        the fields of ``self.body``. Not so where ``cgi`` reads none (GET,
        HEAD); without a length > 0, WebOb's ``body`` and ``POST`` would
        leave the stream in different places.
        """
        environ = self.environ
        return (
            _PARSED_FORM not in environ
            and environ.get("CONTENT_TYPE", "").split(";", 1)[0] == _URLENCODED
            and environ.get("REQUEST_METHOD", "GET").upper() not in ("GET", "HEAD")
            and (_content_length(environ) or 0) > 0
            and self.charset == "UTF-8"
        )

    def _plain_form(self) -> MultiDict[str, str]:
        """Parse a urlencoded form as WebOb does, but strictly as UTF-8."""
        body = self.body
        environ = self.environ
        # The stream where WebOb's parse leaves it: after the form it read.
        environ["wsgi.input"].seek(len(body))
        try:
            form = MultiDict(parse_form(body))
        except UnicodeDecodeError as exc:
            raise HTTPBadRequest(detail="The form data is not UTF-8.") from exc
        # WebOb's cache, keyed as WebOb keys it: on the body read; and ours.
        environ[_PARSED_FORM] = (form, environ["wsgi.input"])
        environ[_CHECKED_FORM] = (form, form)
        return form

    def _strict_form(self) -> MultiDict[str, Any]:
        """Parse the form as WebOb does, but refuse bytes that are not UTF-8.

        Only for a form in which WebOb's parse put U+FFFD: the client sent
        that character, or bytes that are not UTF-8.
        """
        environ = {**self.environ, "QUERY_STRING": ""}  # as WebOb's POST
        environ.setdefault("CONTENT_LENGTH", "0")
        try:
            fields = cgi_FieldStorage(
                fp=_UTF8Lines(self.body),
                environ=environ,
                keep_blank_values=True,
                encoding="utf8",
                errors="strict",
            )
            return MultiDict.from_fieldstorage(fields)
        except UnicodeError as exc:
            raise HTTPBadRequest(detail="The form data is not UTF-8.") from exc

    @property
    def cookies(self) -> RequestCookies:
        """The request's cookies, less any that is not UTF-8.

        WebOb raises on one: a 400 for every request that reads a cookie until
        it expires, and a sibling subdomain can set one for the whole domain.
        So it is left out, as WebOb skips cookie-pairs it cannot parse.
        """
        return _Cookies(self.environ)

    @cookies.setter
    def cookies(
        self, value: SupportsKeysAndGetItem[str, str] | Iterable[tuple[str, str]]
    ) -> None:
        webob.Request.cookies.__set__(self, value)

    @property
    def headers(self) -> EnvironHeaders:
        """The request headers, a view of the environ; WebOb's ``headers``."""
        # Kept where WebOb keeps it, set without its slow attribute hook.
        attributes = self.__dict__
        headers: EnvironHeaders | None = attributes.get("_headers")
        if headers is None:
            headers = attributes["_headers"] = EnvironHeaders(self.environ)
        return headers

    @headers.setter
    def headers(
        self, value: SupportsKeysAndGetItem[str, str] | Iterable[tuple[str, str]]
    ) -> None:
        webob.Request.headers.__set__(self, value)

    @property
    def content_type(self) -> str:
        """The media type of the body, without parameters; WebOb's."""
        content_type: str = self.environ.get("CONTENT_TYPE", "")
        return content_type.split(";", 1)[0]

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        webob.Request.content_type.__set__(self, value)

    @content_type.deleter
    def content_type(self) -> None:
        webob.Request.content_type.__delete__(self)

    @property
    def path_info(self) -> str:
        """``PATH_INFO``, decoded; 400 if it is not UTF-8.

        The App refuses such a path before any view runs; an exception view
        that reads it (``request.path``, ``request.url`` ...) gets the 400,
        not a 500. No ``PATH_INFO`` is the empty path, as PEP 3333 allows.
        """
        if "PATH_INFO" not in self.environ:
            return ""
        try:
            return super().path_info
        except UnicodeDecodeError as exc:
            raise HTTPBadRequest(detail="The request path is not UTF-8.") from exc

    @path_info.setter
    def path_info(self, value: str) -> None:
        webob.Request.path_info.__set__(self, value)

    @property
    def charset(self) -> str:
        """The body's charset: its Content-Type's, else UTF-8; found once."""
        attributes = self.__dict__
        charset: str | None = attributes.get("_charset")
        if charset is None:
            if ";" in self.environ.get("CONTENT_TYPE", ""):
                # Never None (UTF-8 without a charset), though typeshed says so.
                return super().charset  # type: ignore[return-value]
            charset = attributes["_charset"] = "UTF-8"
        return charset

    @charset.setter
    def charset(self, value: str) -> None:
        webob.Request.charset.__set__(self, value)  # type: ignore[attr-defined]

    @property
    def body(self) -> bytes:
        """The body, read once; WebOb's ``body``.

        A small body is read once, into the stream WebOb would copy it to; with
        no length, a large body or one read in part, WebOb's own code runs.
        """
        environ = self.environ
        length = _content_length(environ)
        if length is None or length < 0:
            return super().body
        if length == 0:
            return b""  # not readable, to WebOb
        stream = environ["wsgi.input"]
        if environ.get("webob.is_body_seekable", False):
            stream.seek(0)
            body: bytes = stream.read(length)
            stream.seek(0)
            return body
        if length > self.request_body_tempfile_limit or "webob._body_file" in environ:
            return super().body
        body = stream.read(length)
        if len(body) < length:
            raise DisconnectionError(
                "The client disconnected while sending the body "
                f"({length - len(body)} more bytes were expected)"
            )
        # What WebOb's copy leaves: the body seekable, its length exact.
        environ["CONTENT_LENGTH"] = str(length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["webob.is_body_seekable"] = True
        return body

    # WebOb's setter and deleter (typeshed declares its property overloaded).

    @body.setter
    def body(self, value: bytes | None) -> None:
        webob.Request.body.__set__(self, value)  # type: ignore[attr-defined]

    @body.deleter
    def body(self) -> None:
        webob.Request.body.__delete__(self)  # type: ignore[attr-defined]

    @property
    def text(self) -> str:
        """The body as text in its charset; 400 if it cannot be decoded."""
        charset = self.charset
        try:
            return self.body.decode(charset)
        except (UnicodeError, LookupError) as exc:
            raise HTTPBadRequest(detail=_NOT_IN_CHARSET) from exc

    @text.setter
    def text(self, value: str) -> None:
        webob.Request.text.__set__(self, value)

    @text.deleter
    def text(self) -> None:
        webob.Request.text.__delete__(self)

    @property
    def json_body(self) -> Any:
        """The body parsed as JSON; 400 if it cannot be decoded."""
        charset = self.charset
        try:
            return json.loads(self.body.decode(charset))
        except (UnicodeError, LookupError) as exc:
            raise HTTPBadRequest(detail=_NOT_IN_CHARSET) from exc
        except json.JSONDecodeError as exc:
            # exc.msg is the parser's own wording, never the client's text.
            raise HTTPBadRequest(
                detail=f"The request body is not valid JSON: {exc.msg} "
                f"(line {exc.lineno}, column {exc.colno})."
            ) from exc
        except RecursionError as exc:
            detail = "The request body is JSON nested too deeply."
            raise HTTPBadRequest(detail=detail) from exc
        except ValueError as exc:  # an integer of over 4,300 digits
            detail = "The request body is JSON with a number too long."
            raise HTTPBadRequest(detail=detail) from exc

    @json_body.setter
    def json_body(self, value: Any) -> None:
        webob.Request.json_body.__set__(self, value)

    @json_body.deleter
    def json_body(self) -> None:
        webob.Request.json_body.__delete__(self)

    json = json_body

    @property
    def has_response(self) -> bool:
        """Whether ``request.response`` has been created yet."""
        return self._response is not None

    def add_response_callback(
        self, callback: Callable[[Request, webob.Response], None]
    ) -> None:
        """Call ``callback(request, response)`` on the response sent.

        It runs after the middleware, on the final response, whatever it is
        (a 404, a 500 ...), in the order added; one that raises is logged,
        makes the answer a 500, and stops those after it. Unlike one set on
        ``request.response``, a cookie it sets survives the view raising:

        >>> from httpx_views import App, HTTPSeeOther
        >>> app = App()
        >>> @app.route("/login")
        ... def login(request):
        ...     request.add_response_callback(lambda _, r: r.set_cookie("session", "1"))
        ...     raise HTTPSeeOther(location="/")
        >>> Request.blank("/login").get_response(app).headers["Set-Cookie"]
        'session=1; Path=/'
        """
        self.__dict__.setdefault("_response_callbacks", []).append(callback)

    def add_finished_callback(self, callback: Callable[[Request], None]) -> None:
        """Call ``callback(request)`` once the response is made, for cleanup.

        It runs for every request that reached the App, whatever failed, after
        the response callbacks and before the body is sent, in the order
        added; one that raises is logged and affects nothing else.
        """
        self.__dict__.setdefault("_finished_callbacks", []).append(callback)

    @property
    def identity(self) -> Any:
        """Who made this request, per the App's security policy (asked once).

        ``None`` without a policy; a test request may be given one directly.
        """
        identity = self._identity
        if identity is _UNSET:
            app = self.app
            policy = app.security_policy if app is not None else None
            identity = None if policy is None else policy.identity(self)
            self._identity = identity
        return identity

    @identity.setter
    def identity(self, value: Any) -> None:
        self._identity = value

    def route_path(
        self,
        name: str,
        /,
        _query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        **parts: Any,
    ) -> str:
        """Return the path of the route called *name*, with *parts* filled in.

        Each part is quoted as one path segment (``/`` becomes ``%2F``), and
        the application's ``SCRIPT_NAME`` is prefixed:

        >>> from httpx_views import App
        >>> app = App()
        >>> app.add_route("/files/{name}", lambda request: None, name="file")
        Route(pattern='/files/{name}', ...)
        >>> request = Request.blank("/", app=app, script_name="/shop")
        >>> request.route_path("file", name="a/b", _query={"q": "a b"})
        '/shop/files/a%2Fb?q=a%20b'

        :raises LookupError: for an unknown route name.
        :raises ValueError: for a missing or unexpected part.
        """
        if self.app is None:
            raise RuntimeError(
                "request.route_path() needs the App: this request has none "
                "(give DummyRequest an app=)"
            )
        return self.script_name + self.app.router.url_path(name, parts, query=_query)

    def route_url(
        self,
        name: str,
        /,
        _query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        **parts: Any,
    ) -> str:
        """Like :meth:`route_path`, as an absolute URL on this request's host.

        >>> from httpx_views import App
        >>> app = App()
        >>> app.add_route("/users/{id}", lambda request: None, name="user")
        Route(pattern='/users/{id}', ...)
        >>> Request.blank("https://shop.example/", app=app).route_url("user", id=42)
        'https://shop.example/users/42'
        """
        return self.host_url + self.route_path(name, _query, **parts)

    def static_url(
        self,
        name: str,
        path: str,
        /,
        _query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
    ) -> str:
        """The absolute URL of the file *path* under :meth:`App.add_static` *name*.

        Its ``/`` stay separators; every other character is quoted:

        >>> from httpx_views import App
        >>> app = App()
        >>> app.add_static("/static", ".")
        Route(pattern='/static/{path:path}', ...)
        >>> Request.blank("/", app=app).static_url("static", "css/my app.css")
        'http://localhost/static/css/my%20app.css'

        :raises LookupError: for an unknown name.
        """
        return self.route_url(name, _query, path=path)

    def render(
        self, template: str, values: Mapping[str, Any] | None = None, /
    ) -> webob.Response:
        """Render *template* with *values* into :attr:`response`, and return it.

        As a route's ``renderer`` does (see :mod:`httpx_views.templates`):

        >>> import jinja2
        >>> from httpx_views import App
        >>> loader = jinja2.DictLoader({"note.html": "<h1>{{ note }}</h1>"})
        >>> app = App(templates=jinja2.Environment(loader=loader, autoescape=True))
        >>> @app.route("/note")
        ... def note(request):
        ...     return request.render("note.html", {"note": "Tea & cake"})
        >>> Request.blank("/note").get_response(app).text
        '<h1>Tea &amp; cake</h1>'

        :raises RuntimeError: if the App has no templates.
        """
        templates = None if self.app is None else self.app.templates
        if templates is None:
            raise RuntimeError(
                "request.render() needs an App with templates: "
                "App(templates='a/directory')"
            )
        return templates.response(self, template, values)


_NOT_IN_CHARSET = "The request body cannot be decoded in its charset."
_URLENCODED = "application/x-www-form-urlencoded"

# The parses below are kept in the request's environ beside their input
# (query string, body stream, Cookie header), used while it is unchanged:
# they die with the request, and none is larger than its input.
# The environ key under which Request.POST keeps the form it checked.
_CHECKED_FORM = "httpx_views.checked_form"
# WebOb's own, under which it keeps what it parsed: GET, POST, cookies.
_PARSED_QUERY = "webob._parsed_query_vars"
_PARSED_FORM = "webob._parsed_post_vars"
_COOKIES_CACHE = "webob._parsed_cookies"


def _content_length(environ: Mapping[str, Any]) -> int | None:
    """``CONTENT_LENGTH`` as WebOb reads it: ``None`` if absent or no number."""
    value = environ.get("CONTENT_LENGTH")
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _has_replacement(form: Any) -> bool:
    """Whether U+FFFD is in a name, a text value or a file name of *form*."""
    for name, value in form.items():
        text = value if isinstance(value, str) else value.filename
        if "\ufffd" in text or (name and "\ufffd" in name):
            return True
    return False


class _UTF8Lines(io.BytesIO):
    """A body whose lines, when cut at a length, end between characters.

    cgi reads and decodes a form field 64 KiB at a time: a character across
    a boundary would not decode (WebOb makes two U+FFFD of it).
    """

    def readline(self, size: int | None = -1, /) -> bytes:
        line = super().readline(size)
        if line and line[-1] >= 0x80:
            # Inside a character, perhaps: add its continuation bytes
            # (0x80-0xBF, at most three) to this line.
            for _ in range(3):
                byte = self.read(1)
                if not byte:
                    break
                if not 0x80 <= byte[0] <= 0xBF:
                    self.seek(-1, io.SEEK_CUR)
                    break
                line += byte
        return line


class _Cookies(RequestCookies):
    """WebOb's request cookies, less those that are not UTF-8."""

    @property
    def _cache(self) -> dict[str, str]:
        # WebOb's RequestCookies._cache, one cookie at a time.
        environ = self._environ  # type: ignore[attr-defined]
        header = environ.get("HTTP_COOKIE", "")
        cached: tuple[dict[str, str], str | None] = environ.get(
            _COOKIES_CACHE, ({}, None)
        )
        cache, cached_header = cached
        if cached_header != header:
            simple = parse_simple_cookies(header)
            cache = _decodable_cookies(header) if simple is None else simple
            environ[_COOKIES_CACHE] = (cache, header)
        return cache


def _decodable_cookies(header: str) -> dict[str, str]:
    """Parse *header* with WebOb's parser; leave out cookies not UTF-8."""
    cookies = {}
    # parse_cookie: WebOb's, untyped; gives the pairs as bytes.
    pairs = webob.cookies.parse_cookie(header)  # type: ignore[attr-defined]
    for name, value in pairs:
        try:
            cookies[name.decode("utf-8")] = value.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return cookies


#: The Content-Type header of ``request.response`` as first made.
TEXT_PLAIN = ("Content-Type", "text/plain; charset=UTF-8")
#: The headers of ``request.response`` as first made.
UNTOUCHED_HEADERS = [TEXT_PLAIN, ("Content-Length", "0")]
