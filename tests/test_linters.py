"""The responses the framework makes pass an HTTP linter.

Every case runs one request through a real :class:`App`, in process (a WSGI
call capturing the status, headers and body), and feeds the answer to
`httplint <https://pypi.org/project/httplint/>`_'s ``HttpResponseLinter``
together with the request it answers. Any ``BAD`` or ``WARN`` note fails the
case, unless ``ALLOWED`` names it: an entry there is a note that the matrix
provokes itself (it raises bare classes to bare requests), never one the
framework causes.

Each case also checks the RFC 9110 / RFC 9457 rules that httplint leaves
out (``rule_faults``): the status is the one raised, HEAD gets GET's
headers, reason phrases are the registered ones, a 204 or 304 made without
a body has no Content-Length, a 205 says Content-Length: 0, and problem
documents have the right members.

The cases: each class of ``status_map`` (and of ``webob.exc.status_map``,
which views may raise too) raised from a view, under each ``Accept`` the App
negotiates, for GET and HEAD; the framework's own 404, 405, OPTIONS answer
and append-slash redirects; and the plain values a view returns.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

import pytest
import webob
import webob.exc
from harness import drain
from httplint import HttpRequestLinter, HttpResponseLinter
from httplint.note import levels

from httpx_views import App, Request
from httpx_views.httpexceptions import status_map

# The Accept headers the App negotiates, by the name used in test ids.
ACCEPTS: dict[str, str | None] = {
    "none": None,
    "html": "text/html",
    "json": "application/json",
    "problem": "application/problem+json",
    "text": "text/plain",
    "any": "*/*",
}

# Notes the matrix provokes itself, by (status code, or None for any; note
# class name), each with why it is not the framework's doing.
ALLOWED: dict[tuple[int | None, str], str] = {
    # How long a response may be cached is the application's call: the
    # framework sets no Cache-Control on any response, by design.
    (None, "FRESHNESS_HEURISTIC"): "freshness is the application's to declare",
    (201, "CREATED_WITHOUT_LOCATION"): "the matrix raises HTTPCreated bare",
    (201, "CREATED_SAFE_METHOD"): "the matrix answers GET and HEAD with 201",
    (206, "PARTIAL_NOT_REQUESTED"): "the matrix's requests have no Range",
    (206, "PARTIAL_WITHOUT_RANGE"): "a bare 206 has no Content-Range to give",
    (305, "STATUS_DEPRECATED"): "kept for Pyramid parity; the matrix raises it",
    (400, "STATUS_BAD_REQUEST"): "httplint's reminder of what 400 means",
    (406, "STATUS_406_WITHOUT_NEGOTIATION"): "the matrix sends 406 without Accept too",
    (412, "STATUS_412_WITHOUT_PRECONDITION"): "the matrix's requests have no If-*",
    (414, "STATUS_URI_TOO_LONG"): "the matrix raises 414 for a short URI",
    (416, "STATUS_416_WITHOUT_RANGE"): "the matrix's requests have no Range",
    (417, "STATUS_417_WITHOUT_EXPECT"): "the matrix's requests have no Expect",
    (418, "STATUS_IM_A_TEAPOT"): "httplint's joke note; the matrix raises 418",
    (505, "STATUS_VERSION_NOT_SUPPORTED"): "the matrix raises 505 to HTTP/1.1",
}

# The IANA registry's reason phrases (RFC 9110 section 15 and the RFCs the
# registry cites). 418 is "(Unused)" there, so it is not checked.
PHRASES = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non-Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi-Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    417: "Expectation Failed",
    421: "Misdirected Request",
    422: "Unprocessable Content",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Required",
}

# Bytes no text encoding takes for text: a PNG signature and header start.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"


# The redirects take their location first; raised without one, the App
# refuses to send them (a 500), so the matrix gives them one.
REDIRECTS = (300, 301, 302, 303, 305, 307, 308)


def make_app() -> App:
    app = App()

    @app.route("/raise/{code:int}")
    def raise_ours(request: Request) -> None:
        code = request.matchdict["code"]
        if code in REDIRECTS:
            raise status_map[code]("/elsewhere")
        raise status_map[code]()

    @app.route("/webob/{code:int}")
    def raise_webob(request: Request) -> None:
        code = request.matchdict["code"]
        if code in REDIRECTS:
            raise webob.exc.status_map[code](location="/elsewhere")
        raise webob.exc.status_map[code]()

    @app.route("/str")
    def plain_str(request: Request) -> str:
        return "Hello, World!"

    @app.route("/bytes")
    def plain_bytes(request: Request) -> bytes:
        return BINARY

    @app.route("/dict")
    def plain_dict(request: Request) -> dict[str, str]:
        return {"hello": "world"}

    @app.route("/status/{code:int}")
    def status_only(request: Request) -> None:
        # The documented way to answer with a bare status code.
        request.response.status_code = request.matchdict["code"]

    @app.route("/get-only", methods=["GET"])
    def get_only(request: Request) -> str:
        return "GET me"

    @app.route("/slash/folder/")
    def folder(request: Request) -> str:
        return "a folder"

    @app.notfound_view(append_slash=True, path_prefix="/slash")
    def slash_not_found(request: Request) -> Any:
        return request.exception

    return app


APP = make_app()


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    accept: str | None
    # "ours": a status_map class; "webob": a webob.exc class; "framework":
    # an answer the App makes itself; "plain": a view's plain return value.
    kind: str
    # The status code the case must be answered with.
    code: int


@dataclass(frozen=True)
class Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status[:3])

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        assert len(values) <= 1, f"{name} sent {len(values)} times"
        return values[0] if values else None


def cases() -> Iterator[Any]:
    for kind, prefix, codes in (
        ("ours", "/raise", sorted(status_map)),
        ("webob", "/webob", sorted(c for c in webob.exc.status_map if c >= 200)),
    ):
        for code in codes:
            for name, accept in ACCEPTS.items():
                for method in ("GET", "HEAD"):
                    case = Case(method, f"{prefix}/{code}", accept, kind, code)
                    yield pytest.param(case, id=f"{kind}-{code}-{method}-{name}")
    framework = [
        ("404", "GET", "/nowhere", 404),
        ("404", "HEAD", "/nowhere", 404),
        ("405", "POST", "/get-only", 405),
        ("405", "DELETE", "/get-only", 405),
        ("options", "OPTIONS", "/get-only", 200),
        ("append-slash", "GET", "/slash/folder", 301),
        ("append-slash", "HEAD", "/slash/folder", 301),
        ("append-slash", "POST", "/slash/folder", 308),
    ]
    for label, method, path, code in framework:
        for name, accept in ACCEPTS.items():
            case = Case(method, path, accept, "framework", code)
            yield pytest.param(case, id=f"framework-{label}-{method}-{name}")
    plain = [
        ("str", "/str", 200),
        ("bytes", "/bytes", 200),
        ("dict", "/dict", 200),
        ("response-204", "/status/204", 204),
        ("response-205", "/status/205", 205),
        ("response-304", "/status/304", 304),
    ]
    for label, path, code in plain:
        for method in ("GET", "HEAD"):
            case = Case(method, path, None, "plain", code)
            yield pytest.param(case, id=f"plain-{label}-{method}")


CASES = list(cases())


@functools.cache
def serve(method: str, path: str, accept: str | None) -> Answer:
    """Answer one request with APP, as a WSGI server would call it."""
    headers = {"User-Agent": "test_linters"}
    if accept is not None:
        headers["Accept"] = accept
    environ = webob.Request.blank(path, method=method, headers=headers).environ
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headerlist: Any, exc_info: Any = None) -> Any:
        started.append((status, list(headerlist)))
        return None

    body = drain(APP(environ, start_response))
    (status, headerlist), *restarts = started
    assert not restarts, f"start_response called again: {restarts}"
    return Answer(status, tuple(headerlist), body)


@functools.cache
def lint(case: Case) -> tuple[Any, ...]:
    """The notes httplint takes on the answer to *case*'s request."""
    answer = serve(case.method, case.path, case.accept)
    request = HttpRequestLinter()
    uri = f"http://localhost{case.path}".encode()
    request.process_request_topline(case.method.encode(), uri, b"1.1")
    request_headers = [(b"Host", b"localhost"), (b"User-Agent", b"test_linters")]
    if case.accept is not None:
        request_headers.append((b"Accept", case.accept.encode()))
    request.process_headers(request_headers)
    request.finish_content(True)

    response = HttpResponseLinter()
    response.request = request
    response.is_head_response = case.method == "HEAD"
    code, _, phrase = answer.status.partition(" ")
    response.process_response_topline(b"1.1", code.encode(), phrase.encode())
    # A WSGI server adds Date (RFC 9110 6.6.1 makes it the server's job).
    headers = [*answer.headers, ("Date", formatdate(usegmt=True))]
    response.process_headers(
        [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    )
    response.feed_content(answer.body)
    response.finish_content(True)
    return tuple(
        note for note in response.notes if note.level in (levels.BAD, levels.WARN)
    )


def allowed(code: int, note: Any) -> bool:
    name = type(note).__name__
    return (code, name) in ALLOWED or (None, name) in ALLOWED


def describe(note: Any) -> str:
    subnotes = "".join(f"; {sub.summary}" for sub in note.subnotes)
    return f"httplint {note.level.name} {type(note).__name__}: {note.summary}{subnotes}"


def rule_faults(case: Case, answer: Answer) -> list[str]:
    """What *answer* to *case* gets wrong that httplint does not check."""
    faults = []
    code = answer.code
    phrase = answer.status[4:]
    content_type = answer.header("Content-Type")
    content_length = answer.header("Content-Length")
    # Reason phrases: the registry's, for the framework's own classes and
    # answers (webob.exc keeps WebOb's own, pre-RFC 9110 phrases).
    if case.kind != "webob" and code in PHRASES and phrase != PHRASES[code]:
        faults.append(f"reason phrase {phrase!r}, registered: {PHRASES[code]!r}")
    # RFC 9110 8.6: no Content-Length in a 1xx or 204. A 304 may only repeat
    # the length of the 200 it stands for, which a body-less 304 cannot know.
    if (code < 200 or code in (204, 304)) and content_length is not None:
        faults.append(f"Content-Length: {content_length} in a {code}")
    # RFC 9110 15.3.6: a 205 says its content is empty; under WSGI only
    # Content-Length: 0 can say so (else a server chunks or closes).
    if code == 205 and content_length != "0":
        faults.append(f"a 205 with Content-Length: {content_length}, not 0")
    # Nothing to describe: the framework's own 204, 205 and 304 send no
    # Content-Type (docs/explanation/design.rst), so neither may any other it makes.
    if code in (204, 205, 304) and content_type is not None:
        faults.append(f"Content-Type: {content_type} in a bodyless {code}")
    # RFC 9110 15.5.6: a 405 lists the methods that are allowed. (A view's
    # bare 405 on a route serving every method cannot: the view passes allow=.)
    if case.kind == "framework" and code == 405 and answer.header("Allow") is None:
        faults.append("a 405 without Allow")
    if case.method == "HEAD":
        faults.extend(head_faults(case, answer))
    elif case.kind != "webob":
        faults.extend(body_faults(case, answer))
    return faults


def head_faults(case: Case, head: Answer) -> list[str]:
    """RFC 9110 9.3.2 and 8.6: HEAD's status and headers are GET's.

    A HEAD answer may leave out Content-Length, but one it sends is the
    length GET's content would have; Content-Type is the same as GET's.
    """
    get = serve("GET", case.path, case.accept)
    faults = []
    if head.body:
        faults.append(f"HEAD answered with {len(head.body)} bytes of body")
    if head.status != get.status:
        faults.append(f"HEAD {head.status!r}, GET {get.status!r}")
    if head.header("Content-Type") != get.header("Content-Type"):
        faults.append(
            f"HEAD Content-Type {head.header('Content-Type')!r}, "
            f"GET {get.header('Content-Type')!r}"
        )
    length = head.header("Content-Length")
    if (
        length is not None
        and get.code not in (204, 304)
        and length != str(len(get.body))
    ):
        faults.append(f"HEAD Content-Length: {length}, GET's body: {len(get.body)}")
    return faults


def body_faults(case: Case, answer: Answer) -> list[str]:
    """Faults of a negotiated page of the framework's own."""
    faults = []
    media_type = (answer.header("Content-Type") or "").split(";")[0]
    if media_type == "application/problem+json":
        # RFC 9457: status is the response's (3.1.2); with about:blank the
        # title is the status phrase (4.2.1); detail is specific to this
        # occurrence (3.1.4), and a bare exception has none.
        problem = json.loads(answer.body)
        if problem.get("status") != answer.code:
            faults.append(f"problem status {problem.get('status')!r}")
        if problem.get("type", "about:blank") == "about:blank" and problem.get(
            "title"
        ) != PHRASES.get(answer.code, answer.status[4:]):
            faults.append(f"problem title {problem.get('title')!r}")
        if case.kind == "ours" and "detail" in problem:
            faults.append(f"bare exception's problem detail {problem['detail']!r}")
    elif media_type == "application/json":
        message = json.loads(answer.body).get("message")
        if isinstance(message, str) and message.endswith("\n\n"):
            faults.append(f"JSON message ends in a blank line: {message!r}")
    elif media_type == "text/plain" and answer.body.endswith(b"\n\n"):
        faults.append(f"text ends in a blank line: {answer.body!r}")
    return faults


@pytest.mark.parametrize("case", CASES)
def test_response_lints_clean(case: Case) -> None:
    answer = serve(case.method, case.path, case.accept)
    assert answer.code == case.code, f"{answer.status}, not {case.code}: {answer}"
    faults = [describe(n) for n in lint(case) if not allowed(answer.code, n)]
    faults += rule_faults(case, answer)
    assert not faults, f"{answer.status} {list(answer.headers)}: " + " | ".join(faults)


def test_allow_list_entries_are_all_still_needed() -> None:
    """Each ALLOWED entry is provoked by some case, or it goes."""
    seen: set[tuple[int | None, str]] = set()
    for param in CASES:
        case = param.values[0]
        code = serve(case.method, case.path, case.accept).code
        for note in lint(case):
            name = type(note).__name__
            seen.update(key for key in ((code, name), (None, name)) if key in ALLOWED)
    assert set(ALLOWED) - seen == set()


def test_the_matrix_reaches_every_media_type() -> None:
    media_types = {
        (serve("GET", "/raise/404", accept).header("Content-Type") or "").split(";")[0]
        for accept in ACCEPTS.values()
    }
    assert media_types == {
        "text/html",
        "application/json",
        "application/problem+json",
        "text/plain",
    }
