"""The pages of ``App(debug=True)``: a 500 and a 404 worth reading.

The debug 500 shows the exception, its traceback frame by frame (file,
line, function and source line of each, every exception of a chain) and
the request: method, path, query string and headers, with the values of
the headers that carry credentials masked. The debug 404 of a path no route
matches lists the routes, each pattern once with its methods and names.

In HTML each is a page of its own, in the same HTML5 page as every other;
text and JSON carry the same in the detail. Everything shown is escaped.
Both hold request data, so their pages are never cached: they render their
own (``HTTPException._page_key`` caches no class that overrides
``_render``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ._rendering import _HTML, _as_html, _as_text
from ._views import _patterns, _route_rows
from .httpexceptions import HTTPException, HTTPInternalServerError, HTTPNotFound

if TYPE_CHECKING:
    from traceback import TracebackException

    from .routing import Route

#: What the value of a masked header shows instead.
_MASKED = "[masked]"
# Headers whose values are credentials, masked: a debug page is read over
# shoulders and pasted into bug reports.
_MASKED_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
# What Python prints between the exceptions of a chain.
_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def _page(exc: HTTPException, body: str) -> bytes:
    """The HTML page of *exc* around *body*, markup already escaped."""
    page = exc.html_template_obj.safe_substitute(status=_as_html(exc.status), body=body)
    # "replace": a lone surrogate in a message must not break the page.
    return page.encode("utf-8", "replace")


def _rows_table(rows: Iterable[tuple[str, str]]) -> str:
    """A table of *rows*, each a name and a value, escaped."""
    cells = "".join(
        f'<tr><th scope="row">{_as_html(name)}</th><td>{_as_html(value)}</td></tr>\n'
        for name, value in rows
    )
    return f'<table class="fields">\n{cells}</table>\n'  # see _rendering._STYLE


class _DebugPage(HTTPException):
    """A debug page: HTML of its own, the detail in every other media type.

    Overriding ``_render`` keeps it out of the page cache, which holds no
    class that does (it shows the request).
    """

    #: What the page shows below the explanation, escaped: each subclass's.
    _html_body: Callable[[], str]

    def _render(
        self, media_type: str, environ: dict[str, Any], looked_up: dict[str, object]
    ) -> bytes:
        if media_type != _HTML:
            return super()._render(media_type, environ, looked_up)
        explanation = f"<p>{_as_html(self.explanation)}</p>\n"
        return _page(self, explanation + self._html_body())


# -- the debug 500 ------------------------------------------------------------


class _Raised(NamedTuple):
    """One exception of a chain, as the debug 500 shows it."""

    #: What Python prints before it: how the one before led to it, or "".
    link: str
    #: Each frame as Python prints it: file, line, function, then source.
    frames: list[str]
    #: Its type and message, as Python prints them last.
    summary: str


def _chain(trace: TracebackException) -> list[_Raised]:
    """The exceptions of *trace*'s chain, oldest first, as Python prints them."""
    from textwrap import dedent

    raised: list[_Raised] = []
    current: TracebackException | None = trace
    while current is not None:
        if current.__cause__ is not None:
            link, older = _CAUSE, current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link, older = _CONTEXT, current.__context__
        else:
            link, older = "", None
        frames = [dedent(frame).rstrip() for frame in current.stack.format()]
        summary = "".join(current.format_exception_only()).rstrip()
        raised.append(_Raised(link, frames, summary))
        current = older
    raised.reverse()
    return raised


def _type_name(cls: type[BaseException]) -> str:
    """The name of *cls* as a traceback prints it."""
    if cls.__module__ in ("builtins", "__main__"):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return f"<{type(exc).__name__}: str() failed>"


def _wsgi_text(value: object) -> str:
    """An environ value as the client sent it: UTF-8 if it is, else as is."""
    text = _as_text(value)
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


class _Request(NamedTuple):
    """What the debug 500 shows of the request, credentials masked."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]

    @classmethod
    def of(cls, environ: Mapping[str, Any]) -> _Request:
        headers = []
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                name = key[5:]
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
                name = key
            else:
                continue
            name = name.replace("_", "-").title()
            shown = _MASKED if name.lower() in _MASKED_HEADERS else _wsgi_text(value)
            headers.append((name, shown))
        return cls(  # (a key left out is None, shown as "")
            _wsgi_text(environ.get("REQUEST_METHOD")),
            _wsgi_text(environ.get("SCRIPT_NAME"))
            + _wsgi_text(environ.get("PATH_INFO")),
            _wsgi_text(environ.get("QUERY_STRING")),
            sorted(headers),
        )

    def as_text(self) -> str:
        query = f"?{self.query}" if self.query else ""
        lines = [f"Request: {self.method} {self.path}{query}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return "\n".join(lines) + "\n"

    def as_html(self) -> str:
        shown = [
            ("Method", self.method),
            ("Path", self.path),
            ("Query string", self.query),
        ]
        headers = _rows_table(self.headers) if self.headers else "<p>None.</p>\n"
        return f"<h2>Request</h2>\n{_rows_table(shown)}<h2>Headers</h2>\n{headers}"


class _DebugServerError(_DebugPage, HTTPInternalServerError):
    """The 500 of ``App(debug=True)``: the exception, its traceback, the request.

    :param exc: what failed; its traceback is read here, and not kept.
    :param environ: the environ of the request that failed.
    """

    def __init__(self, exc: BaseException, environ: Mapping[str, Any]) -> None:
        import traceback  # only in debug mode: slow to import

        trace = traceback.TracebackException.from_exception(exc)
        self._type_name = _type_name(type(exc))
        self._message = _message(exc)
        self._chain = _chain(trace)
        self._request = _Request.of(environ)
        detail = "".join(trace.format()) + "\n" + self._request.as_text()
        super().__init__(detail=detail)

    def _html_body(self) -> str:
        parts = [f"<h2>{_as_html(self._type_name)}</h2>\n"]
        if self._message:
            parts.append(f"<pre>{_as_html(self._message)}</pre>\n")
        parts.append("<h2>Traceback (most recent call last)</h2>\n")
        for raised in self._chain:
            if raised.link:
                parts.append(f"<p>{_as_html(raised.link)}</p>\n")
            parts += [f"<pre>{_as_html(frame)}</pre>\n" for frame in raised.frames]
            parts.append(f"<pre><strong>{_as_html(raised.summary)}</strong></pre>\n")
        parts.append(self._request.as_html())
        return "".join(parts)


# -- the debug 404 ------------------------------------------------------------


class _DebugNotFound(_DebugPage, HTTPNotFound):
    """The 404 of ``App(debug=True)`` for a path no route matches: the routes.

    :param path: the request's path.
    :param routes: the App's routes.
    """

    def __init__(self, path: str, routes: Iterable[Route]) -> None:
        routes = tuple(routes)
        self._path = path
        self._rows = _route_rows(routes)
        super().__init__(
            detail=f"No route matches {path!r}. Routes: {_patterns(routes) or 'none'}."
        )

    def _html_body(self) -> str:
        parts = [
            f"<p>No route matches <code>{_as_html(self._path)}</code>.</p>\n",
            "<h2>Routes</h2>\n",
        ]
        if not self._rows:
            parts.append("<p>The App has no routes.</p>\n")
        else:
            parts.append(
                "<table>\n<thead><tr>"
                '<th scope="col">Pattern</th><th scope="col">Methods</th>'
                '<th scope="col">Name</th>'
                "</tr></thead>\n<tbody>\n"
            )
            parts += [
                f"<tr><td><code>{_as_html(row.pattern)}</code></td>"
                f"<td>{_as_html(row.methods)}</td><td>{_as_html(row.names)}</td></tr>\n"
                for row in self._rows
            ]
            parts.append("</tbody>\n</table>\n")
        return "".join(parts)
