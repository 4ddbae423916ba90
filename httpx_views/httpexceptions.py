"""HTTP exceptions that are also WebOb responses.

Every class here stands for one HTTP status code and is at the same time
an :class:`Exception` and a :class:`webob.Response`, so a view can either
``raise`` it or ``return`` it, and it can serve a request on its own as a
WSGI application. The API mirrors :mod:`pyramid.httpexceptions`, so code
written against Pyramid's classes keeps working with these.

When an exception has no body of its own, it renders one on the way out,
negotiated from the request's ``Accept`` header: an HTML page, Pyramid's
JSON object, an RFC 9457 problem document or plain text.

``webob.exc`` interplay: the application treats any
:class:`webob.exc.HTTPException` as a response too, and looks exception
views up for it under this module's class of the same code
(``status_map[exc.code]``). Our classes do not subclass ``webob.exc``.

Example:

>>> from httpx_views import App
>>> from httpx_views.httpexceptions import HTTPFound, HTTPNotFound
>>> PAGES = {"home": "Welcome.", "old-home": None}
>>> app = App()
>>> @app.route("/pages/{name}")
... def show(request):
...     name = request.matchdict["name"]
...     if name not in PAGES:
...         raise HTTPNotFound("No such page.")
...     if PAGES[name] is None:
...         return HTTPFound("/pages/home")
...     return PAGES[name]
>>> from webtest import TestApp
>>> client = TestApp(app)
>>> client.get("/pages/old-home", status=302).location
'http://localhost/pages/home'
>>> problem = {"Accept": "application/problem+json"}
>>> client.get("/pages/nope", headers=problem, status=404).json
{'type': 'about:blank', 'title': 'Not Found', 'status': 404, 'detail': 'No such page.'}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from email.utils import format_datetime
from http import HTTPStatus
from string import Template
from typing import Any, Protocol

import webob
from webob.response import EmptyResponse

# Header safety, and what pages are rendered with, are modules of their own.
from ._header_checks import _check_headerlist, _check_status, _refuse_unsafe
from ._rendering import (
    _BODY_HEADERS,
    _CACHED_TEXT_MAX,
    _CONTENT_TYPES,
    _DEFAULT_TYPE,
    _HTML,
    _HTML_PAGE,
    _JSON,
    _MAX_ENTRIES,
    _MAX_ENTRY_TEXT,
    _NO_LENGTH,
    _PROBLEM,
    _TEXT,
    _VARY_ACCEPT,
    _as_html,
    _as_text,
    _length,
    _lookups,
    _media_type,
    _pages,
)
from .response import Response, _add_vary

__all__ = [
    "HTTPAccepted",
    "HTTPAlreadyReported",
    "HTTPBadGateway",
    "HTTPBadRequest",
    "HTTPClientError",
    "HTTPConflict",
    "HTTPContentTooLarge",
    "HTTPCreated",
    "HTTPError",
    "HTTPException",
    "HTTPExpectationFailed",
    "HTTPFailedDependency",
    "HTTPForbidden",
    "HTTPFound",
    "HTTPGatewayTimeout",
    "HTTPGone",
    "HTTPIMUsed",
    "HTTPImATeapot",
    "HTTPInsufficientStorage",
    "HTTPInternalServerError",
    "HTTPLengthRequired",
    "HTTPLocked",
    "HTTPLoopDetected",
    "HTTPMethodNotAllowed",
    "HTTPMisdirectedRequest",
    "HTTPMovedPermanently",
    "HTTPMultiStatus",
    "HTTPMultipleChoices",
    "HTTPNetworkAuthenticationRequired",
    "HTTPNoContent",
    "HTTPNonAuthoritativeInformation",
    "HTTPNotAcceptable",
    "HTTPNotExtended",
    "HTTPNotFound",
    "HTTPNotImplemented",
    "HTTPNotModified",
    "HTTPOk",
    "HTTPPartialContent",
    "HTTPPaymentRequired",
    "HTTPPermanentRedirect",
    "HTTPPreconditionFailed",
    "HTTPPreconditionRequired",
    "HTTPProxyAuthenticationRequired",
    "HTTPRangeNotSatisfiable",
    "HTTPRedirection",
    "HTTPRequestEntityTooLarge",
    "HTTPRequestHeaderFieldsTooLarge",
    "HTTPRequestRangeNotSatisfiable",
    "HTTPRequestTimeout",
    "HTTPRequestURITooLong",
    "HTTPResetContent",
    "HTTPSeeOther",
    "HTTPServerError",
    "HTTPServiceUnavailable",
    "HTTPSuccessful",
    "HTTPTemporaryRedirect",
    "HTTPTooEarly",
    "HTTPTooManyRequests",
    "HTTPURITooLong",
    "HTTPUnauthorized",
    "HTTPUnavailableForLegalReasons",
    "HTTPUnprocessableContent",
    "HTTPUnprocessableEntity",
    "HTTPUnsupportedMediaType",
    "HTTPUpgradeRequired",
    "HTTPUseProxy",
    "HTTPVariantAlsoNegotiates",
    "HTTPVersionNotSupported",
    "JSONFormatter",
    "WSGIHTTPException",
    "exception_response",
    "status_map",
]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
HeadersArg = Mapping[str, str] | Iterable[tuple[str, str]]


class JSONFormatter(Protocol):
    """Builds the JSON-serialisable value of an ``application/json`` body."""

    def __call__(
        self, *, status: str, body: str, title: str, environ: Environ
    ) -> Any: ...


# -- the base class -----------------------------------------------------------

# WebOb checks CR and LF in Location but lets NUL through; ours wraps it.
_webob_location: Any = vars(webob.Response)["location"]
# What a new exception's app_iter is: no body of its own yet.
_NO_BODY = [b""]


class HTTPException(Response, Exception):
    """Base of all HTTP exceptions: an exception, a response, a WSGI app.

    Every subclass takes these arguments (redirects take ``location``
    first); any other keyword goes to :class:`webob.Response`
    (``content_type``, ``location``, ``charset`` ...). A CR, LF or NUL in
    any header, or a header value that is not Latin-1, raises
    :exc:`ValueError`, here and again just before the response is sent.

    :param detail: text specific to this occurrence; also ``message``,
        ``str(exc)`` and the ``detail`` of a problem document.
    :param headers: extra headers, a mapping or a list of pairs.
    :param comment: text for developers: an HTML comment in HTML, a last
        line in text and JSON, left out of problem documents.
    :param body_template: a :class:`string.Template` source replacing
        ``body_template_obj``; it may use ``${explanation}``,
        ``${detail}``, ``${comment}``, ``${html_comment}``, ``${br}``, any
        response header in lower case (``${location}``) and any WSGI
        environ key without a dot (``${REQUEST_METHOD}``). Values are
        HTML-escaped in HTML; unknown placeholders are left as they are.
    :param json_formatter: ``f(*, status, body, title, environ)`` returning
        the value to send as ``application/json`` instead of
        ``{"code": status, "title": title, "message": body}``.

    Without a body of its own the response renders one for each request
    it answers, chosen from that request's ``Accept`` among HTML, JSON,
    ``application/problem+json`` and plain text (the default), and adds
    ``Vary: Accept``; the exception itself is not changed, so one instance
    may answer many requests. Classes with ``empty_body`` (204, 205, 304)
    send neither a body nor a Content-Type (205 says ``Content-Length: 0``).

    One instance may answer many requests, each in the type it accepts:

    >>> from webob import Request
    >>> gone = HTTPGone("That note was deleted.")
    >>> as_html = Request.blank("/", accept="text/html").get_response(gone)
    >>> as_html.content_type, as_html.headers["Vary"]
    ('text/html', 'Accept')
    >>> problem = Request.blank("/", accept="application/problem+json")
    >>> problem.get_response(gone).json
    {'type': 'about:blank', 'title': 'Gone', 'status': 410,
     'detail': 'That note was deleted.'}
    """

    # Differences from webob.exc.WSGIHTTPException and Pyramid 2.1:
    # - sending does not change the exception (Pyramid's __call__ prepares
    #   a body on the instance; prepare() still does), and HEAD gets GET's
    #   headers, Content-Length included; ${br} instead of markup in
    #   templates; ``location`` is not made relative before rendering;
    # - negotiation also offers application/problem+json, prefers a type the
    #   client names over an equally weighted wildcard and caches its
    #   decision per header value;
    # - rendered pages are cached by everything they are made of, unless
    #   they read the request (a JSON formatter, an environ placeholder);
    # - every negotiated body carries Vary: Accept; JSON messages and text
    #   pages carry no trailing blank lines; 413, 414, 416 and 422 take
    #   their RFC 9110 titles;
    # - CR, LF, NUL and non-Latin-1 text are refused in all header values,
    #   control characters in the status line;
    # - unknown template placeholders stay as they are instead of raising;
    # - bodies are always UTF-8, whatever ``charset`` says;
    # - the HTML page is HTML5 (doctype, lang, charset, viewport, a style of
    #   its own), so it no longer starts with "<html".

    # Overridden by every concrete class; 520 is Pyramid's code for this base.
    code: int = 520
    title: str = "Unknown Error"
    explanation: str = ""
    empty_body: bool = False

    detail: object
    message: object
    comment: object
    json_formatter: JSONFormatter | None = None
    # The headers of an empty_body class, which has no Content-Type.
    _bodyless_headers: tuple[tuple[str, str], ...] = ()

    # WebOb's own state, read and set directly on hot paths.
    _status: str
    _headerlist: list[tuple[str, str]]
    _app_iter: Iterable[bytes]

    body_template_obj = Template(
        "${explanation}${br}${br}\n${detail}\n${html_comment}\n"
    )
    plain_template_obj = Template("${status}\n\n${body}")
    html_template_obj = Template(_HTML_PAGE)  # HTML5, with its own style

    def __init__(
        self,
        detail: object = None,
        headers: HeadersArg | None = None,
        comment: object = None,
        body_template: str | None = None,
        json_formatter: JSONFormatter | None = None,
        **kw: Any,
    ) -> None:
        if "status" in kw:
            raise TypeError("an HTTP exception takes its status from its class")
        status = f"{self.code} {self.title}"
        if not kw:
            # What Response.__init__ leaves behind for these arguments, set
            # directly: its argument handling costs more than the rest of
            # raising. (No body, so no headers, for empty_body codes.)
            self._headers = None
            self._headerlist = (
                list(self._bodyless_headers)
                if self.empty_body
                else [_DEFAULT_TYPE, _NO_LENGTH]
            )
            self._app_iter = [b""]
            self.conditional_response = False
        elif self.empty_body:
            Response.__init__(self, status=status, **kw)
            del self.content_type
            del self.content_length
            self._headerlist.extend(self._bodyless_headers)
        else:
            Response.__init__(self, **kw)
        # WebOb parses a status string by first trying int() on it and
        # catching the error, which costs a microsecond; ours is well-formed
        # by construction, so it is set directly.
        self._status = status
        Exception.__init__(self, detail)
        self.detail = self.message = detail
        self.comment = comment
        if headers:
            self._headerlist.extend(
                headers.items() if isinstance(headers, Mapping) else headers
            )
        if body_template is not None:
            self.body_template = body_template
            self.body_template_obj = Template(body_template)
        if json_formatter is not None:
            self.json_formatter = json_formatter
        if headers or kw:
            _check_headerlist(self._headerlist)

    # str() gives the message, as for any exception, not WebOb's dump of
    # the whole response (whose skip_body argument is thus not taken).
    def __str__(self) -> str:  # type: ignore[override]
        return str(self.detail) if self.detail else self.explanation

    @property
    def location(self) -> str | None:
        """The ``Location`` header; refuses CR, LF and NUL."""
        value: str | None = _webob_location.fget(self)
        return value

    @location.setter
    def location(self, value: str | None) -> None:
        if value is not None:
            _refuse_unsafe("Location", value)
        _webob_location.fset(self, value)

    @location.deleter
    def location(self) -> None:
        _webob_location.fdel(self)

    @property
    def wsgi_response(self) -> HTTPException:
        """This exception itself (kept for Pyramid compatibility)."""
        return self

    @property
    def exception(self) -> HTTPException:
        """This exception itself (kept for Pyramid compatibility)."""
        return self

    def _json_formatter(
        self, *, status: str, body: str, title: str, environ: Environ
    ) -> Any:
        return {"message": body, "code": status, "title": title}

    def prepare(self, environ: Environ) -> None:
        """Give the exception the body negotiated for *environ*, check headers.

        Pyramid's API: it changes the exception. Sending it does not need
        this (see :meth:`__call__`).

        :param environ: the WSGI environ of the request being answered.
        :raises ValueError: if a header contains CR, LF or NUL.
        """
        if self._renders_page():
            media_type = _media_type(environ)
            page = self._page(media_type, environ)
            self._headerlist[:] = self._page_headers(media_type, page)  # checks
            self._app_iter = [page]
        else:
            _check_headerlist(self._headerlist)

    def __call__(
        self, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Serve this exception as a WSGI application.

        Sending does not change the exception: the page negotiated for this
        request goes into a header list of its own, so one instance may be
        sent from many views and threads at once. ``HEAD`` gets the headers
        ``GET`` would.
        """
        status = self._status
        _check_status(status)
        method = environ["REQUEST_METHOD"]
        if self._renders_page():
            media_type = _media_type(environ)
            as_get = environ
            if method == "HEAD":  # the page, and so the headers, GET gets
                as_get = {**environ, "REQUEST_METHOD": "GET"}
            page = self._page(media_type, as_get)
            app_iter: Iterable[bytes] = [page]
            own = self._headerlist
            if (
                len(own) == 2
                and own[0] is _DEFAULT_TYPE
                and own[1] is _NO_LENGTH
                and not self.conditional_response
            ):
                # As HTTPException() built it: only our own constant headers.
                start_response(
                    status,
                    [_VARY_ACCEPT, _CONTENT_TYPES[media_type], _length(page)],
                )
                return [] if method == "HEAD" else app_iter
            headerlist = self._page_headers(media_type, page)
        else:
            headerlist = self._headerlist[:]
            _check_headerlist(headerlist)
            app_iter = self._app_iter
        for index, (name, value) in enumerate(headerlist):
            if len(name) == 8 and name.lower() == "location":
                if value:  # made absolute, as WebOb does
                    value = Response._make_location_absolute(environ, value)  # type: ignore[attr-defined]
                    headerlist[index] = (name, value)
                else:  # never given one (a 300's is optional): not the request URL
                    del headerlist[index]
                break
        if self.conditional_response:
            # WebOb's If-None-Match, If-Modified-Since and Range handling.
            response = Response(
                status=status,
                headerlist=headerlist,
                app_iter=app_iter,
                conditional_response=True,
            )
            sent: Iterable[bytes] = response(environ, start_response)
            return sent
        start_response(status, headerlist)
        if method == "HEAD":
            return EmptyResponse(app_iter)
        return app_iter

    def _renders_page(self) -> bool:
        """Whether this exception is sent with a page rendered for it."""
        if self.empty_body:
            return False
        app_iter = self._app_iter
        return (type(app_iter) is list and app_iter == _NO_BODY) or not self.has_body

    def _page_headers(self, media_type: str, page: bytes) -> list[tuple[str, str]]:
        """The headers to send with *page*: this exception's, typed for it.

        :raises ValueError: for a header of the exception's that is unsafe.
        """
        # str.lower, not .lower(): a name that is not text is a TypeError.
        kept = [
            pair for pair in self._headerlist if str.lower(pair[0]) not in _BODY_HEADERS
        ]
        _check_headerlist(kept)  # what is added below is ours, and safe
        _add_vary(kept, "Accept")
        kept.append(_CONTENT_TYPES[media_type])
        kept.append(_length(page))
        return kept

    def _page(self, media_type: str, environ: Environ) -> bytes:
        """The page of *media_type* for this exception, from the cache if safe."""
        names = _lookups(self.body_template_obj)
        looked_up, from_environ = (
            self._look_up(names, environ) if names else ({}, False)
        )
        key = None if from_environ else self._page_key(media_type, looked_up)
        if key is None:
            return self._render(media_type, environ, looked_up)
        page = _pages.get(key)
        if page is None:
            page = self._render(media_type, environ, looked_up)
            if len(page) <= _MAX_ENTRY_TEXT:
                if len(_pages) >= _MAX_ENTRIES:
                    _pages.clear()
                _pages[key] = page
        return page

    def _page_key(
        self, media_type: str, looked_up: dict[str, object]
    ) -> tuple[object, ...] | None:
        """Everything the page is made of, or None if it must not be cached.

        The page is a pure function of this key: the class (its rendering
        code), the media type, and every text and template the rendering
        reads. A page that calls a JSON formatter (it may read the request)
        or that a subclass renders its own way is never cached.
        """
        cls = type(self)
        if cls._render is not HTTPException._render:
            return None
        page_template: Template | None = None
        if media_type == _HTML:
            page_template = self.html_template_obj
        elif media_type == _TEXT:
            page_template = self.plain_template_obj
        elif media_type == _JSON and (
            self.json_formatter is not None
            or cls._json_formatter is not HTTPException._json_formatter
        ):
            return None
        body_template = self.body_template_obj
        body_source = body_template.template
        page_source = "" if page_template is None else page_template.template
        status, title, explanation = self._status, self.title, self.explanation
        detail, comment, code = self.detail, self.comment, self.code
        # Exactly str: a subclass of str could render differently.
        if not (
            type(status) is str
            and type(title) is str
            and type(explanation) is str
            and type(body_source) is str
            and type(page_source) is str
            and type(code) is int
            and (detail is None or type(detail) is str)
            and (comment is None or type(comment) is str)
        ):
            return None
        size = (
            len(status)
            + len(title)
            + len(explanation)
            + len(body_source)
            + len(page_source)
        )
        for value in looked_up.values():
            if type(value) is not str:
                return None
            size += len(value)
        if (
            size > _MAX_ENTRY_TEXT
            or (detail is not None and len(detail) > _CACHED_TEXT_MAX)
            or (comment is not None and len(comment) > _CACHED_TEXT_MAX)
        ):
            return None
        key: tuple[object, ...] = (
            cls,
            media_type,
            code,
            status,
            title,
            explanation,
            detail,
            comment,
            type(body_template),
            body_source,
            type(page_template),
            page_source,
        )
        if looked_up:
            key += tuple(looked_up.items())
        return key

    def _look_up(
        self, names: Iterable[str], environ: Environ
    ) -> tuple[dict[str, object], bool]:
        """Return the values of *names*, and whether any came from the environ."""
        found: dict[str, object] = {}
        from_environ = False
        for name in names:
            # Headers win over the environ, as in Pyramid.
            for header, value in self._headerlist:
                if header.lower() == name:
                    found[name] = value
            # Placeholders cannot contain dots, so middleware keys such as
            # "beaker.session" are never turned into text (Pyramid #239).
            if name not in found and name in environ:
                found[name] = environ[name]
                from_environ = True
        return found, from_environ

    def _render(
        self, media_type: str, environ: Environ, looked_up: dict[str, object]
    ) -> bytes:
        """Render the page of *media_type* (no cache; see :meth:`_page`)."""
        if media_type == _PROBLEM:
            return self._render_problem()
        html = media_type == _HTML
        escape = _as_html if html else _as_text
        comment = escape(self.comment)
        if not comment:
            html_comment = ""
        elif html:
            html_comment = f"<!-- {comment} -->"
        else:
            html_comment = comment
        body = self._render_fragment(
            looked_up, escape, "<br/>" if html else "\n", comment, html_comment
        )
        if media_type == _JSON:
            formatter = self.json_formatter or self._json_formatter
            data = formatter(
                status=self.status,
                body=body.rstrip(),
                title=self.title,
                environ=environ,
            )
            return json.dumps(data).encode("ascii")
        if html:
            page = self.html_template_obj.safe_substitute(
                status=_as_html(self.status), body=body
            )
        else:
            page = self.plain_template_obj.safe_substitute(
                status=self.status, body=body
            )
            # The last line ends where it ends, without a run of blank lines.
            if page.endswith("\n"):
                page = page.rstrip() + "\n"
        # "replace": a lone surrogate in a detail must not break the page.
        return page.encode("utf-8", "replace")

    def _render_problem(self) -> bytes:
        # RFC 9457 with "about:blank": title is the status phrase; detail is
        # only the text given for this occurrence, left out when there is
        # none (the explanation is the class's, and says nothing new).
        problem: dict[str, object] = {
            "type": "about:blank",
            "title": self.title,
            "status": int(self.code),
        }
        detail = _as_text(self.detail)
        if detail:
            problem["detail"] = detail
        return json.dumps(problem).encode("ascii")

    def _render_fragment(
        self,
        looked_up: dict[str, object],
        escape: Callable[[object], str],
        br: str,
        comment: str,
        html_comment: str,
    ) -> str:
        values = {name: escape(value) for name, value in looked_up.items()}
        values["br"] = br
        values["explanation"] = escape(self.explanation)
        values["detail"] = escape(self.detail)
        values["comment"] = comment
        values["html_comment"] = html_comment
        return self.body_template_obj.safe_substitute(values)


# Pyramid's name for the same class since 1.5.
WSGIHTTPException = HTTPException


class HTTPSuccessful(HTTPException):
    """Base of the *2xx* classes: the request succeeded."""


class HTTPRedirection(HTTPException):
    """Base of the *3xx* classes: the client must look elsewhere."""


class HTTPError(HTTPException):
    """Base of the *4xx* and *5xx* classes: the request failed."""


class HTTPClientError(HTTPError):
    """Base of the *4xx* classes: the client is at fault."""

    code = 400
    title = "Bad Request"


class HTTPServerError(HTTPError):
    """Base of the *5xx* classes: the server is at fault."""

    code = 500
    title = "Internal Server Error"


class _Redirect(HTTPRedirection):
    """Redirects: *location* is their first argument (default ``""``).

    The body says ``<explanation> <location>; ...``, so explanations of
    subclasses end where the location goes.

    :raises ValueError: if *location* is ``None`` or holds CR, LF or NUL.
    """

    body_template_obj = Template(
        "${explanation} ${location}; you should be redirected automatically.\n"
        "${detail}\n${html_comment}"
    )

    def __init__(
        self,
        location: str = "",
        detail: object = None,
        headers: HeadersArg | None = None,
        comment: object = None,
        body_template: str | None = None,
        **kw: Any,
    ) -> None:
        if location is None:
            raise ValueError("a redirect needs a location to redirect to")
        super().__init__(
            detail, headers, comment, body_template, location=location, **kw
        )


def _http_date(moment: datetime) -> str:
    # Naive datetimes are taken to be UTC, as WebOb does.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


class _WithRetryAfter(HTTPException):
    """Accepts ``retry_after``: seconds, a datetime or a ready string."""

    def __init__(
        self,
        detail: object = None,
        headers: HeadersArg | None = None,
        comment: object = None,
        body_template: str | None = None,
        *,
        retry_after: int | datetime | str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(detail, headers, comment, body_template, **kw)
        if retry_after is not None:
            if isinstance(retry_after, datetime):
                value = _http_date(retry_after)
            elif isinstance(retry_after, int) and not isinstance(retry_after, bool):
                if retry_after < 0:
                    raise ValueError("retry_after may not be negative")
                value = str(retry_after)
            elif isinstance(retry_after, str):
                value = retry_after
            else:
                raise TypeError("retry_after must be an int, a datetime or a str")
            _refuse_unsafe("Retry-After", value)
            self.headers["Retry-After"] = value


# -- 2xx ----------------------------------------------------------------------


class HTTPOk(HTTPSuccessful):
    """*200* `OK`."""

    code = 200
    title = "OK"
    explanation = "The request has succeeded."


class HTTPCreated(HTTPSuccessful):
    """*201* `Created`."""

    code = 201
    title = "Created"
    explanation = "The request has succeeded and created a new resource."


class HTTPAccepted(HTTPSuccessful):
    """*202* `Accepted`."""

    code = 202
    title = "Accepted"
    explanation = "The request was accepted; processing has not finished yet."


class HTTPNonAuthoritativeInformation(HTTPSuccessful):
    """*203* `Non-Authoritative Information`."""

    code = 203
    title = "Non-Authoritative Information"
    explanation = "The request has succeeded; a proxy changed the answer."


class HTTPNoContent(HTTPSuccessful):
    """*204* `No Content`."""

    code = 204
    title = "No Content"
    explanation = "The request has succeeded and there is nothing to send."
    empty_body = True


class HTTPResetContent(HTTPSuccessful):
    """*205* `Reset Content`."""

    code = 205
    title = "Reset Content"
    explanation = "The request has succeeded; please reset the document view."
    empty_body = True
    # RFC 9110 15.3.6: a 205 has no content; saying so spares a HEAD answer
    # from going out chunked.
    _bodyless_headers = (_NO_LENGTH,)


class HTTPPartialContent(HTTPSuccessful):
    """*206* `Partial Content`."""

    code = 206
    title = "Partial Content"
    explanation = "Only the requested part of the resource is sent."


class HTTPMultiStatus(HTTPSuccessful):
    """*207* `Multi-Status`."""

    code = 207
    title = "Multi-Status"
    explanation = "The outcomes of several operations are reported."


class HTTPAlreadyReported(HTTPSuccessful):
    """*208* `Already Reported`."""

    code = 208
    title = "Already Reported"
    explanation = "The members of this binding were listed earlier."


class HTTPIMUsed(HTTPSuccessful):
    """*226* `IM Used`."""

    code = 226
    title = "IM Used"
    explanation = "Instance manipulations were applied to the resource."


# -- 3xx ----------------------------------------------------------------------


class HTTPMultipleChoices(_Redirect):
    """*300* `Multiple Choices`."""

    code = 300
    title = "Multiple Choices"
    explanation = "Several representations exist; one of them is at"


class HTTPMovedPermanently(_Redirect):
    """*301* `Moved Permanently`."""

    code = 301
    title = "Moved Permanently"
    explanation = "The resource has moved for good to"


class HTTPFound(_Redirect):
    """*302* `Found`."""

    code = 302
    title = "Found"
    explanation = "The resource is to be found at"


class HTTPSeeOther(_Redirect):
    """*303* `See Other`."""

    code = 303
    title = "See Other"
    explanation = "The answer to the request can be fetched from"


class HTTPNotModified(HTTPRedirection):
    """*304* `Not Modified`."""

    code = 304
    title = "Not Modified"
    explanation = "The resource has not changed since the client's copy."
    empty_body = True


class HTTPUseProxy(_Redirect):
    """*305* `Use Proxy`."""

    code = 305
    title = "Use Proxy"
    explanation = "The resource has to be reached through the proxy at"


class HTTPTemporaryRedirect(_Redirect):
    """*307* `Temporary Redirect`."""

    code = 307
    title = "Temporary Redirect"
    explanation = "The resource is for the time being at"


class HTTPPermanentRedirect(_Redirect):
    """*308* `Permanent Redirect`."""

    code = 308
    title = "Permanent Redirect"
    explanation = "The resource has moved for good, same method, to"


# -- 4xx ----------------------------------------------------------------------


class HTTPBadRequest(HTTPClientError):
    """*400* `Bad Request`."""

    code = 400
    title = "Bad Request"
    explanation = "The request is malformed or otherwise invalid."


class HTTPUnauthorized(HTTPClientError):
    """*401* `Unauthorized`; ``www_authenticate`` sets that header."""

    code = 401
    title = "Unauthorized"
    explanation = "Valid credentials are needed to access this resource."

    def __init__(
        self,
        detail: object = None,
        headers: HeadersArg | None = None,
        comment: object = None,
        body_template: str | None = None,
        *,
        www_authenticate: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(detail, headers, comment, body_template, **kw)
        if www_authenticate is not None:
            # A challenge is sent as given (WebOb's property would also take
            # a (scheme, params) tuple and serialize it).
            if not str.isprintable(www_authenticate):
                _refuse_unsafe("WWW-Authenticate", www_authenticate)
            self._headerlist.append(("WWW-Authenticate", www_authenticate))


class HTTPPaymentRequired(HTTPClientError):
    """*402* `Payment Required`."""

    code = 402
    title = "Payment Required"
    explanation = "Payment is needed to access this resource."


class HTTPForbidden(HTTPClientError):
    """*403* `Forbidden`; ``result`` keeps why (e.g. a policy's denial)."""

    code = 403
    title = "Forbidden"
    explanation = "Access to this resource is denied."

    def __init__(
        self,
        detail: object = None,
        headers: HeadersArg | None = None,
        comment: object = None,
        body_template: str | None = None,
        result: object = None,
        **kw: Any,
    ) -> None:
        super().__init__(detail, headers, comment, body_template, **kw)
        self.result = result


class HTTPNotFound(HTTPClientError):
    """*404* `Not Found`."""

    code = 404
    title = "Not Found"
    explanation = "The requested resource could not be found."


class HTTPMethodNotAllowed(HTTPClientError):
    """*405* `Method Not Allowed`; ``allow`` lists the methods that are."""

    code = 405
    title = "Method Not Allowed"
    explanation = "The request method is not supported by this resource."
    body_template_obj = Template(
        "The method ${REQUEST_METHOD} is not allowed for this resource. ${br}${br}\n"
        "${detail}\n${html_comment}"
    )

    def __init__(
        self,
        detail: object = None,
        headers: HeadersArg | None = None,
        comment: object = None,
        body_template: str | None = None,
        *,
        allow: Iterable[str] | None = None,
        **kw: Any,
    ) -> None:
        if allow is not None:
            kw["allow"] = allow if isinstance(allow, str) else ", ".join(allow)
        super().__init__(detail, headers, comment, body_template, **kw)


class HTTPNotAcceptable(HTTPClientError):
    """*406* `Not Acceptable`."""

    code = 406
    title = "Not Acceptable"
    explanation = "No representation matches what the request accepts."


class HTTPProxyAuthenticationRequired(HTTPClientError):
    """*407* `Proxy Authentication Required`."""

    code = 407
    title = "Proxy Authentication Required"
    explanation = "The client has to authenticate with the proxy first."


class HTTPRequestTimeout(HTTPClientError):
    """*408* `Request Timeout`."""

    code = 408
    title = "Request Timeout"
    explanation = "The server gave up waiting for the request."


class HTTPConflict(HTTPClientError):
    """*409* `Conflict`."""

    code = 409
    title = "Conflict"
    explanation = "The request conflicts with the current state of the resource."


class HTTPGone(HTTPClientError):
    """*410* `Gone`."""

    code = 410
    title = "Gone"
    explanation = "The resource is gone for good and left no forwarding address."


class HTTPLengthRequired(HTTPClientError):
    """*411* `Length Required`."""

    code = 411
    title = "Length Required"
    explanation = "The request has to state its Content-Length."


class HTTPPreconditionFailed(HTTPClientError):
    """*412* `Precondition Failed`."""

    code = 412
    title = "Precondition Failed"
    explanation = "A condition in the request headers does not hold."


class HTTPContentTooLarge(HTTPClientError):
    """*413* `Content Too Large` (also ``HTTPRequestEntityTooLarge``)."""

    code = 413
    title = "Content Too Large"
    explanation = "The request body is larger than the server will accept."


class HTTPURITooLong(HTTPClientError):
    """*414* `URI Too Long` (also ``HTTPRequestURITooLong``)."""

    code = 414
    title = "URI Too Long"
    explanation = "The request URI is longer than the server will read."


class HTTPUnsupportedMediaType(HTTPClientError):
    """*415* `Unsupported Media Type`."""

    code = 415
    title = "Unsupported Media Type"
    explanation = "The request body is in a format this resource does not take."


class HTTPRangeNotSatisfiable(HTTPClientError):
    """*416* `Range Not Satisfiable` (also ``HTTPRequestRangeNotSatisfiable``)."""

    code = 416
    title = "Range Not Satisfiable"
    explanation = "The requested range lies outside the resource."


class HTTPExpectationFailed(HTTPClientError):
    """*417* `Expectation Failed`."""

    code = 417
    title = "Expectation Failed"
    explanation = "The server cannot meet the request's Expect header."


class HTTPImATeapot(HTTPClientError):
    """*418* `I'm a teapot` (RFC 2324; unused by RFC 9110)."""

    code = 418
    title = "I'm a teapot"
    explanation = "This server is a teapot; it will not brew coffee."


class HTTPMisdirectedRequest(HTTPClientError):
    """*421* `Misdirected Request`."""

    code = 421
    title = "Misdirected Request"
    explanation = "This server cannot answer for the requested URI."


class HTTPUnprocessableContent(HTTPClientError):
    """*422* `Unprocessable Content` (also ``HTTPUnprocessableEntity``)."""

    code = 422
    title = "Unprocessable Content"
    explanation = "The request is well-formed but its content is not valid."


class HTTPLocked(HTTPClientError):
    """*423* `Locked`."""

    code = 423
    title = "Locked"
    explanation = "The resource is locked."


class HTTPFailedDependency(HTTPClientError):
    """*424* `Failed Dependency`."""

    code = 424
    title = "Failed Dependency"
    explanation = "An operation this request depends on has failed."


class HTTPTooEarly(HTTPClientError):
    """*425* `Too Early`."""

    code = 425
    title = "Too Early"
    explanation = "The server will not process a request that may be replayed."


class HTTPUpgradeRequired(HTTPClientError):
    """*426* `Upgrade Required`."""

    code = 426
    title = "Upgrade Required"
    explanation = "The client has to switch to another protocol."


class HTTPPreconditionRequired(HTTPClientError):
    """*428* `Precondition Required`."""

    code = 428
    title = "Precondition Required"
    explanation = "The request has to be conditional."


class HTTPTooManyRequests(_WithRetryAfter, HTTPClientError):
    """*429* `Too Many Requests`; ``retry_after`` sets Retry-After."""

    code = 429
    title = "Too Many Requests"
    explanation = "The client has sent too many requests in too short a time."


class HTTPRequestHeaderFieldsTooLarge(HTTPClientError):
    """*431* `Request Header Fields Too Large`."""

    code = 431
    title = "Request Header Fields Too Large"
    explanation = "The request headers are larger than the server will accept."


class HTTPUnavailableForLegalReasons(HTTPClientError):
    """*451* `Unavailable For Legal Reasons`."""

    code = 451
    title = "Unavailable For Legal Reasons"
    explanation = "Access to this resource is denied on legal grounds."


# -- 5xx ----------------------------------------------------------------------


class HTTPInternalServerError(HTTPServerError):
    """*500* `Internal Server Error`."""

    code = 500
    title = "Internal Server Error"
    explanation = "The server met an unexpected condition."


class HTTPNotImplemented(HTTPServerError):
    """*501* `Not Implemented`."""

    code = 501
    title = "Not Implemented"
    explanation = "The server does not support what the request needs."


class HTTPBadGateway(HTTPServerError):
    """*502* `Bad Gateway`."""

    code = 502
    title = "Bad Gateway"
    explanation = "The upstream server sent an invalid answer."


class HTTPServiceUnavailable(_WithRetryAfter, HTTPServerError):
    """*503* `Service Unavailable`; ``retry_after`` sets Retry-After."""

    code = 503
    title = "Service Unavailable"
    explanation = "The server cannot handle requests right now; try again later."


class HTTPGatewayTimeout(HTTPServerError):
    """*504* `Gateway Timeout`."""

    code = 504
    title = "Gateway Timeout"
    explanation = "The upstream server did not answer in time."


class HTTPVersionNotSupported(HTTPServerError):
    """*505* `HTTP Version Not Supported`."""

    code = 505
    title = "HTTP Version Not Supported"
    explanation = "The server does not support the request's HTTP version."


class HTTPVariantAlsoNegotiates(HTTPServerError):
    """*506* `Variant Also Negotiates`."""

    code = 506
    title = "Variant Also Negotiates"
    explanation = "The server's content negotiation is misconfigured."


class HTTPInsufficientStorage(HTTPServerError):
    """*507* `Insufficient Storage`."""

    code = 507
    title = "Insufficient Storage"
    explanation = "The server has no room to store what the request needs."


class HTTPLoopDetected(HTTPServerError):
    """*508* `Loop Detected`."""

    code = 508
    title = "Loop Detected"
    explanation = "The server found an infinite loop while processing."


class HTTPNotExtended(HTTPServerError):
    """*510* `Not Extended` (obsoleted, still registered)."""

    code = 510
    title = "Not Extended"
    explanation = "The request lacks an extension the server requires."


class HTTPNetworkAuthenticationRequired(HTTPServerError):
    """*511* `Network Authentication Required`."""

    code = 511
    title = "Network Authentication Required"
    explanation = "The client has to authenticate to gain network access."


# Pyramid's names for the classes RFC 9110 renamed (the same classes).
HTTPRequestEntityTooLarge = HTTPContentTooLarge
HTTPRequestURITooLong = HTTPURITooLong
HTTPRequestRangeNotSatisfiable = HTTPRangeNotSatisfiable
HTTPUnprocessableEntity = HTTPUnprocessableContent


status_map: dict[int, type[HTTPException]] = {
    cls.code: cls
    for cls in (
        HTTPOk,
        HTTPCreated,
        HTTPAccepted,
        HTTPNonAuthoritativeInformation,
        HTTPNoContent,
        HTTPResetContent,
        HTTPPartialContent,
        HTTPMultiStatus,
        HTTPAlreadyReported,
        HTTPIMUsed,
        HTTPMultipleChoices,
        HTTPMovedPermanently,
        HTTPFound,
        HTTPSeeOther,
        HTTPNotModified,
        HTTPUseProxy,
        HTTPTemporaryRedirect,
        HTTPPermanentRedirect,
        HTTPBadRequest,
        HTTPUnauthorized,
        HTTPPaymentRequired,
        HTTPForbidden,
        HTTPNotFound,
        HTTPMethodNotAllowed,
        HTTPNotAcceptable,
        HTTPProxyAuthenticationRequired,
        HTTPRequestTimeout,
        HTTPConflict,
        HTTPGone,
        HTTPLengthRequired,
        HTTPPreconditionFailed,
        HTTPContentTooLarge,
        HTTPURITooLong,
        HTTPUnsupportedMediaType,
        HTTPRangeNotSatisfiable,
        HTTPExpectationFailed,
        HTTPImATeapot,
        HTTPMisdirectedRequest,
        HTTPUnprocessableContent,
        HTTPLocked,
        HTTPFailedDependency,
        HTTPTooEarly,
        HTTPUpgradeRequired,
        HTTPPreconditionRequired,
        HTTPTooManyRequests,
        HTTPRequestHeaderFieldsTooLarge,
        HTTPUnavailableForLegalReasons,
        HTTPInternalServerError,
        HTTPNotImplemented,
        HTTPBadGateway,
        HTTPServiceUnavailable,
        HTTPGatewayTimeout,
        HTTPVersionNotSupported,
        HTTPVariantAlsoNegotiates,
        HTTPInsufficientStorage,
        HTTPLoopDetected,
        HTTPNotExtended,
        HTTPNetworkAuthenticationRequired,
    )
}
"""Every concrete class by its status code; base classes are not in it."""

_CATEGORY_BASES: dict[int, type[HTTPException]] = {
    2: HTTPSuccessful,
    3: HTTPRedirection,
    4: HTTPClientError,
    5: HTTPServerError,
}


def exception_response(status_code: int, **kw: Any) -> HTTPException:
    """Return the HTTP exception for *status_code*, built with *kw*.

    A code from 200 to 599 without a class of its own gets an instance of
    its category's base class (:class:`HTTPClientError` for 499, say) that
    carries the exact code, titled with :class:`http.HTTPStatus`'s phrase
    or else ``"Unknown Status"``.

    :param status_code: an ``int`` (``bool`` is not taken).
    :param kw: arguments for the exception's constructor.
    :raises LookupError: if *status_code* is not such an ``int``.

    >>> exception_response(404, detail="No such page.")
    <HTTPNotFound at 0x... 404 Not Found>
    >>> exception_response(499).status
    '499 Unknown Status'
    """
    if isinstance(status_code, int) and not isinstance(status_code, bool):
        cls = status_map.get(status_code)
        if cls is not None:
            return cls(**kw)
        if 200 <= status_code <= 599:
            code = int(status_code)
            try:
                title = HTTPStatus(code).phrase
            except ValueError:
                title = "Unknown Status"
            exc = _CATEGORY_BASES[code // 100](**kw)
            exc.code = code
            exc.title = title
            exc._status = f"{code} {title}"
            return exc
    raise LookupError(f"no HTTP exception for status code {status_code!r}")
