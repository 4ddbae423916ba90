"""The debug 500 and 404: what they show, what they mask, what they escape.

Mirrors ``httpx_views/_debug_pages.py``, whose exceptions are served here
directly as WSGI applications; how ``App(debug=True)`` answers with them is
in ``test_app_errors.py``, and that their pages pass the W3C checker in
``test_html_pages.py``.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from string import Template
from typing import Any

import pytest
from harness import environ_for, serve

from httpx_views import HTTPInternalServerError, HTTPNotFound, _rendering
from httpx_views._debug_pages import _MASKED, _DebugNotFound, _DebugServerError
from httpx_views._rendering import _HTML_PAGE
from httpx_views.routing import Router

HTML = "text/html"
JSON = "application/json"
PROBLEM = "application/problem+json"
TEXT = "text/plain"
FORMATS = [HTML, JSON, PROBLEM, TEXT]
SCRIPT = "<script>alert(1)</script>"
SECRETS = {
    "Authorization": "Bearer s3cr3t-token",
    "Cookie": "session=s3cr3t-cookie",
    "Proxy-Authorization": "Basic s3cr3t-proxy",
}


class _Page(HTMLParser):
    """A debug page: its elements, the text of each ``pre``, and its rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.pres: list[str] = []
        self.rows: list[list[str]] = []
        self.h2: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "pre":
            self.pres.append("")
            self._in = "pre"
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.rows[-1].append("")
            self._in = "cell"
        elif tag == "h2":
            self.h2.append("")
            self._in = "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "th", "td", "h2"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "pre":
            self.pres[-1] += data
        elif self._in == "cell":
            self.rows[-1][-1] += data
        elif self._in == "h2":
            self.h2[-1] += data


def parsed(body: bytes) -> _Page:
    page = _Page()
    page.feed(body.decode("utf-8"))
    page.close()
    return page


def fail(message: str) -> None:
    raise RuntimeError(message)


def caught(raiser: Any, *args: Any) -> BaseException:
    """The exception *raiser* raises, with its traceback."""
    try:
        raiser(*args)
    except Exception as exc:
        return exc
    raise AssertionError("nothing raised")  # pragma: no cover


def request_environ(accept: str | None = None, **headers: str) -> dict[str, Any]:
    environ = environ_for(
        "/orders/<b>",
        "POST",
        query="q=<i>&page=2",
        headers={"Accept": accept, "X-Trace": "trace-7", **SECRETS, **headers},
        content_type="application/x-www-form-urlencoded",
        body=b"a=1",
    )
    return environ


def sent(exc: Any, accept: str, **headers: str) -> bytes:
    served = serve(exc, request_environ(accept, **headers))
    assert served.status == exc.code
    return served.body


# A line of carets Python may print under a frame's source line: 3.13 marks
# calls 3.11 and 3.12 leave unmarked, and 3.10 marks none.
_CARETS = re.compile(r"\n *[~^]+(?=\n|</pre>|$)")


def without_carets(text: str) -> str:
    """*text* without the caret lines, which depend on the Python version."""
    return _CARETS.sub("", text)


def whole_page(status: str, body: str) -> bytes:
    return Template(_HTML_PAGE).safe_substitute(status=status, body=body).encode()


# -- the debug 500 -----------------------------------------------------------------


def _inner() -> None:
    raise KeyError("inner <k>")


def _outer() -> None:
    try:
        _inner()
    except KeyError as exc:
        raise RuntimeError("outer <failed>") from exc


def _frame(function: Any, offset: int, source: str) -> str:
    """A frame's <pre>: *function*'s line *offset* lines below its def."""
    line = function.__code__.co_firstlineno + offset
    where = html.escape(f'File "{__file__}", line {line}, in {function.__name__}')
    return f"<pre>{where}\n  {html.escape(source)}</pre>\n"


def test_500_page_is_the_exception_its_chain_and_the_request() -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/app",
        "PATH_INFO": "/orders/<b>",
        "QUERY_STRING": "q=<i>",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "3",
        "HTTP_X_TRACE": "<t>",
        "HTTP_COOKIE": "s=1",
        "wsgi.url_scheme": "http",
    }
    error = _DebugServerError(caught(_outer), environ)
    explanation = html.escape(HTTPInternalServerError.explanation)
    body = (
        f"<p>{explanation}</p>\n"
        "<h2>RuntimeError</h2>\n"
        "<pre>outer &lt;failed&gt;</pre>\n"
        "<h2>Traceback (most recent call last)</h2>\n"
        + _frame(_outer, 2, "_inner()")
        + _frame(_inner, 1, 'raise KeyError("inner <k>")')
        + "<pre><strong>KeyError: &#x27;inner &lt;k&gt;&#x27;</strong></pre>\n"
        "<p>The above exception was the direct cause of the following exception:"
        "</p>\n"
        + _frame(caught, 3, "raiser(*args)")
        + _frame(_outer, 4, 'raise RuntimeError("outer <failed>") from exc')
        + "<pre><strong>RuntimeError: outer &lt;failed&gt;</strong></pre>\n"
        "<h2>Request</h2>\n"
        '<table class="fields">\n'
        '<tr><th scope="row">Method</th><td>POST</td></tr>\n'
        '<tr><th scope="row">Path</th><td>/app/orders/&lt;b&gt;</td></tr>\n'
        '<tr><th scope="row">Query string</th><td>q=&lt;i&gt;</td></tr>\n'
        "</table>\n"
        "<h2>Headers</h2>\n"
        '<table class="fields">\n'
        '<tr><th scope="row">Content-Length</th><td>3</td></tr>\n'
        '<tr><th scope="row">Content-Type</th><td>text/plain</td></tr>\n'
        '<tr><th scope="row">Cookie</th><td>[masked]</td></tr>\n'
        '<tr><th scope="row">X-Trace</th><td>&lt;t&gt;</td></tr>\n'
        "</table>\n"
    )
    served = serve(error, environ_for("/", headers={"Accept": HTML}))
    page = without_carets(served.body.decode())
    assert page == whole_page("500 Internal Server Error", body).decode()


def test_500_of_a_request_without_its_usual_keys_shows_them_empty() -> None:
    page = parsed(sent(_DebugServerError(caught(fail, "x"), {}), HTML))
    assert page.rows[:3] == [["Method", ""], ["Path", ""], ["Query string", ""]]
    text = sent(_DebugServerError(caught(fail, "x"), {}), TEXT)
    assert text.endswith(b"RuntimeError: x\n\nRequest:\n")


def test_500_page_names_a_type_of_main_as_python_does() -> None:
    scripted = type("Scripted", (Exception,), {"__module__": "__main__"})
    page = parsed(sent(_DebugServerError(scripted("x"), {}), HTML))
    assert page.h2[0] == "Scripted"


def test_500_page_shows_every_line_python_prints_for_the_exception() -> None:
    # A SyntaxError prints the line it is about and a caret under it.
    error = _DebugServerError(caught(compile, "x = (1,\n", "<typed>", "exec"), {})
    summary = parsed(sent(error, HTML)).pres[-1]
    assert summary.startswith('  File "<typed>", line 1\n    x = (1,\n')
    assert summary.endswith("^\nSyntaxError: '(' was never closed")


@pytest.mark.parametrize(
    "make",
    [
        lambda: _DebugServerError(caught(fail, "x"), {}),
        lambda: _DebugNotFound("/nope", []),
    ],
    ids=["500", "404"],
)
def test_debug_pages_give_a_json_formatter_the_request(make: Any) -> None:
    error = make()
    error.json_formatter = lambda **kw: {"path": kw["environ"]["PATH_INFO"]}
    served = serve(error, environ_for("/asked", headers={"Accept": JSON}))
    assert json.loads(served.body) == {"path": "/asked"}


def test_500_page_shows_type_message_and_each_frame_with_its_source() -> None:
    error = _DebugServerError(caught(fail, "it broke"), request_environ())
    page = parsed(sent(error, HTML))
    assert page.h2[:2] == ["RuntimeError", "Traceback (most recent call last)"]
    assert page.pres[0] == "it broke"
    # One pre per frame: where, then the line of source, as Python prints it.
    this_file = __file__
    frames = [without_carets(frame) for frame in page.pres[1:-1]]
    assert frames[0] == (
        f'File "{this_file}", line {caught.__code__.co_firstlineno + 3}, '
        "in caught\n  raiser(*args)"
    )
    assert frames[1].startswith(
        f'File "{this_file}", line {fail.__code__.co_firstlineno + 1}, in fail\n'
        "  raise RuntimeError(message)"
    )
    assert page.pres[-1] == "RuntimeError: it broke"


def test_500_page_of_an_exception_without_message_shows_its_type_only() -> None:
    error = _DebugServerError(KeyError(), {})
    page = parsed(sent(error, HTML))
    assert page.h2[0] == "KeyError"
    assert page.pres == ["KeyError"]  # no message, no frames: never raised


class _Unprintable(Exception):
    def __str__(self) -> str:
        raise ValueError("no str for you")


def test_500_page_names_a_type_of_its_module_and_survives_str_failing() -> None:
    error = _DebugServerError(caught(lambda: fail_with(_Unprintable())), {})
    page = parsed(sent(error, HTML))
    assert page.h2[0] == f"{__name__}._Unprintable"
    assert page.pres[0] == "<_Unprintable: str() failed>"


def fail_with(exc: BaseException) -> None:
    raise exc


def _chained() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        raise RuntimeError("while looking up") from exc


def _during() -> None:
    try:
        {}["missing"]
    except KeyError:
        raise RuntimeError("while handling")  # noqa: B904 (the point)


@pytest.mark.parametrize(
    ("raiser", "link"),
    [
        (_chained, "The above exception was the direct cause"),
        (_during, "During handling of the above exception"),
    ],
    ids=["cause", "context"],
)
def test_500_page_shows_every_exception_of_a_chain_oldest_first(
    raiser: Any, link: str
) -> None:
    body = sent(_DebugServerError(caught(raiser), {}), HTML)
    text = body.decode()
    first = text.index("<strong>KeyError: &#x27;missing&#x27;</strong>")
    between = text.index(link)
    last = text.index("<strong>RuntimeError: while")
    assert first < between < last


def test_500_page_of_a_chain_cut_with_from_none_shows_one_exception() -> None:
    def cut() -> None:
        try:
            {}["missing"]
        except KeyError:
            raise RuntimeError("clean") from None

    page = parsed(sent(_DebugServerError(caught(cut), {}), HTML))
    assert [pre for pre in page.pres if "Error:" in pre] == ["RuntimeError: clean"]


def test_500_page_shows_the_request_with_credentials_masked() -> None:
    error = _DebugServerError(caught(fail, "x"), request_environ(HTML))
    page = parsed(sent(error, HTML))
    rows = {row[0]: row[1] for row in page.rows}
    assert rows["Method"] == "POST"
    assert rows["Path"] == "/orders/<b>"
    assert rows["Query string"] == "q=<i>&page=2"
    assert rows["X-Trace"] == "trace-7"
    assert rows["Content-Type"] == "application/x-www-form-urlencoded"
    assert rows["Content-Length"] == "3"
    for name in SECRETS:
        assert rows[name] == _MASKED
    assert page.h2[-2:] == ["Request", "Headers"]


@pytest.mark.parametrize("accept", FORMATS)
def test_500_never_shows_a_credential_in_any_format(accept: str) -> None:
    error = _DebugServerError(caught(fail, "x"), request_environ(accept))
    body = sent(error, accept)
    assert b"trace-7" in body  # the other headers are there
    assert b"s3cr3t" not in body
    assert body.count(_MASKED.encode()) == len(SECRETS)


def test_500_text_has_the_traceback_as_python_prints_it_then_the_request() -> None:
    import traceback

    exc = caught(fail, "it broke")
    error = _DebugServerError(exc, request_environ(TEXT))
    text = sent(error, TEXT).decode()
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    assert trace in text
    request = text[text.index(trace) + len(trace) :]
    assert request.startswith("\nRequest: POST /orders/<b>?q=<i>&page=2\n")
    assert "\nAuthorization: [masked]\n" in request
    assert "\nX-Trace: trace-7\n" in request


def test_500_json_and_problem_carry_the_same_detail() -> None:
    error = _DebugServerError(caught(fail, "it broke"), request_environ())
    message = json.loads(sent(error, JSON))["message"]
    detail = json.loads(sent(error, PROBLEM))["detail"]
    assert "RuntimeError: it broke" in detail
    assert "Request: POST /orders/<b>" in detail
    assert message.endswith(detail.rstrip())


def test_500_of_a_request_without_headers_says_so() -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "CONTENT_LENGTH": ""}
    page = parsed(sent(_DebugServerError(caught(fail, "x"), environ), HTML))
    assert page.h2[-1] == "Headers"
    assert "Content-Length" not in [row[0] for row in page.rows]
    assert sent(_DebugServerError(caught(fail, "x"), environ), HTML).endswith(
        b"<h2>Headers</h2>\n<p>None.</p>\n\n</body>\n</html>\n"
    )


def test_500_shows_utf8_as_text_and_other_bytes_as_sent() -> None:
    environ = request_environ()
    environ["PATH_INFO"] = "/caf\u00c3\u00a9"  # UTF-8 bytes, as WSGI gives them
    environ["HTTP_X_RAW"] = "\u00ff\u00fe"  # not UTF-8: as sent
    page = parsed(sent(_DebugServerError(caught(fail, "x"), environ), HTML))
    rows = {row[0]: row[1] for row in page.rows}
    assert rows["Path"] == "/café"
    assert rows["X-Raw"] == "\u00ff\u00fe"


@pytest.mark.parametrize("where", ["message", "path", "query", "header"])
def test_500_page_escapes_what_the_client_and_the_exception_say(where: str) -> None:
    environ = request_environ(HTML)
    message = SCRIPT if where == "message" else "x"
    if where == "path":
        environ["PATH_INFO"] = "/" + SCRIPT
    elif where == "query":
        environ["QUERY_STRING"] = SCRIPT
    elif where == "header":
        environ["HTTP_X_TRACE"] = SCRIPT
    body = sent(_DebugServerError(caught(fail, message), environ), HTML)
    assert b"<script>" not in body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("accept", [HTML, TEXT])
def test_500_page_survives_a_lone_surrogate_in_the_message(accept: str) -> None:
    # (json.loads of a request body can make one; UTF-8 cannot encode it.)
    body = sent(_DebugServerError(caught(fail, "half \ud800 a pair"), {}), accept)
    assert b"half ? a pair" in body


@pytest.mark.parametrize("accept", FORMATS)
def test_500_pages_are_never_cached(accept: str) -> None:
    _rendering._pages.clear()
    error = _DebugServerError(caught(fail, "x"), request_environ(accept))
    first = sent(error, accept)
    assert sent(error, accept) == first
    assert _rendering._pages == {}


# -- the debug 404 -----------------------------------------------------------------


def routes(*added: tuple[str, list[str] | None, str | None]) -> Router:
    router = Router()
    for pattern, methods, name in added:
        router.add(pattern, lambda request: "x", methods=methods, name=name)
    return router


def test_404_page_lists_each_pattern_once_with_methods_and_names() -> None:
    router = routes(
        ("/notes", ["GET"], "notes"),
        ("/notes", ["POST"], "notes.add"),
        ("/notes/{id:int}", ["GET"], None),
        ("/any", None, "any"),
    )
    page = parsed(sent(_DebugNotFound("/nope", router.routes), HTML))
    assert page.rows == [
        ["Pattern", "Methods", "Name"],
        ["/notes", "GET, HEAD, POST", "notes, notes.add"],
        ["/notes/{id:int}", "GET, HEAD", ""],
        ["/any", "any method", "any"],
    ]
    assert b"No route matches <code>/nope</code>." in sent(
        _DebugNotFound("/nope", router.routes), HTML
    )


def test_404_text_and_json_list_the_patterns_in_a_line() -> None:
    router = routes(("/notes", ["GET"], "notes"), ("/any", None, None))
    expected = (
        "No route matches '/nope'. Routes: /notes (GET, HEAD), /any (any method)."
    )
    assert (
        sent(_DebugNotFound("/nope", router.routes), TEXT)
        .decode()
        .endswith(f"\n{expected}\n")
    )
    assert json.loads(sent(_DebugNotFound("/nope", router.routes), PROBLEM)) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": expected,
    }


def test_404_page_is_the_path_and_a_table_of_the_routes() -> None:
    router = routes(("/a", ["GET"], "a"), ("/b/<c>", None, None))
    explanation = html.escape(HTTPNotFound.explanation)
    body = (
        f"<p>{explanation}</p>\n"
        "<p>No route matches <code>/nope/&lt;x&gt;</code>.</p>\n"
        "<h2>Routes</h2>\n"
        "<table>\n"
        '<thead><tr><th scope="col">Pattern</th><th scope="col">Methods</th>'
        '<th scope="col">Name</th></tr></thead>\n'
        "<tbody>\n"
        "<tr><td><code>/a</code></td><td>GET, HEAD</td><td>a</td></tr>\n"
        "<tr><td><code>/b/&lt;c&gt;</code></td><td>any method</td><td></td></tr>\n"
        "</tbody>\n"
        "</table>\n"
    )
    served = serve(
        _DebugNotFound("/nope/<x>", router.routes),
        environ_for("/", headers={"Accept": HTML}),
    )
    assert served.body == whole_page("404 Not Found", body)


def test_404_of_an_app_without_routes_says_so() -> None:
    error = _DebugNotFound("/nope", [])
    explanation = html.escape(HTTPNotFound.explanation)
    body = (
        f"<p>{explanation}</p>\n"
        "<p>No route matches <code>/nope</code>.</p>\n"
        "<h2>Routes</h2>\n"
        "<p>The App has no routes.</p>\n"
    )
    assert sent(error, HTML) == whole_page("404 Not Found", body)
    assert error.detail == "No route matches '/nope'. Routes: none."


def test_404_page_escapes_path_patterns_and_names() -> None:
    router = routes(("/a<b>", None, "<i>name</i>"))
    body = sent(_DebugNotFound("/" + SCRIPT, router.routes), HTML)
    assert b"<script>" not in body
    assert b"<i>" not in body
    assert b"<b>" not in body
    assert b"&lt;script&gt;" in body
    assert b"<code>/a&lt;b&gt;</code>" in body
    assert b"&lt;i&gt;name&lt;/i&gt;" in body


@pytest.mark.parametrize("accept", FORMATS)
def test_404_pages_are_never_cached(accept: str) -> None:
    _rendering._pages.clear()
    error = _DebugNotFound("/nope", routes(("/a", None, None)).routes)
    assert sent(error, accept) == sent(error, accept)
    assert _rendering._pages == {}
