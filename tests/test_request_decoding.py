"""Client input that cannot be decoded is a 400, raised by the Request itself.

WebOb decodes the query string, path, text and JSON bodies strictly (raising
UnicodeDecodeError) but forms with ``errors="replace"``; our Request raises
:class:`HTTPBadRequest` for all of them and otherwise gives WebOb's values.
"""

from __future__ import annotations

import io
import logging
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import webob
from hypothesis import given, settings
from hypothesis import strategies as st
from webtest import TestApp

from httpx_views import App, HTTPBadRequest, Request
from httpx_views.request import _UTF8Lines

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=b"

BOUNDED = settings(max_examples=100, deadline=None, derandomize=True, database=None)


def post(body: bytes, content_type: str = FORM, cls: type[Any] = Request) -> Any:
    return cls.blank("/", method="POST", body=body, content_type=content_type)


def multipart(*parts: tuple[bytes, bytes]) -> bytes:
    """A multipart/form-data body (boundary ``b``) of (disposition, value)."""
    head = b"--b\r\nContent-Disposition: form-data; "
    body = b"".join(
        head + disp + b"\r\n\r\n" + value + b"\r\n" for disp, value in parts
    )
    return body + b"--b--\r\n"


def bad_request(read: Any) -> HTTPBadRequest:
    with pytest.raises(HTTPBadRequest) as info:
        read()
    return info.value


# -- the query string -----------------------------------------------------------


@pytest.mark.parametrize("query", ["q=%FF", "%FF=1", "q=%C3", "q=\xff", "q=%ED%A0%80"])
def test_get_not_utf8_is_bad_request(query: str) -> None:
    request = Request({"QUERY_STRING": query, "REQUEST_METHOD": "GET"})
    assert bad_request(lambda: request.GET).detail == (
        "The query string is not valid UTF-8."
    )
    bad_request(lambda: request.params)
    # WebOb itself raises UnicodeDecodeError: a 500 without the App's help.
    with pytest.raises(UnicodeDecodeError):
        webob.Request({"QUERY_STRING": query}).GET  # noqa: B018


def test_get_of_valid_query_is_webobs() -> None:
    request = Request.blank("/?q=caf%C3%A9&q=%EF%BF%BD&x")
    assert request.GET.getall("q") == ["café", "\ufffd"]
    assert request.GET["x"] == ""


# -- forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"q=%FF", FORM),
        (b"q=%FE", FORM),
        (b"%FF=1", FORM),
        (b"q=\xff", FORM),
        (b"q=%C3", FORM),
        (b"q=%FF", FORM + "; charset=utf-8"),
        (b"a=1", FORM + "; charset=latin-1"),
        (multipart((b'name="q"', b"\xff")), MULTIPART),
        (multipart((b'name="\xff"', b"v")), MULTIPART),
        (multipart((b'name="f"; filename="\xff.txt"', b"data")), MULTIPART),
    ],
)
def test_post_not_utf8_is_bad_request(body: bytes, content_type: str) -> None:
    request = post(body, content_type)
    assert bad_request(lambda: request.POST).detail == "The form data is not UTF-8."
    bad_request(lambda: request.params)
    bad_request(lambda: request.POST)  # every time, not only the first


def test_post_fe_and_ff_no_longer_collide() -> None:
    # WebOb makes both U+FFFD: two different inputs, one value.
    fe = post(b"q=%FE", cls=webob.Request).POST["q"]
    ff = post(b"q=%FF", cls=webob.Request).POST["q"]
    assert fe == ff == "\ufffd"
    bad_request(lambda: post(b"q=%FE").POST)
    bad_request(lambda: post(b"q=%FF").POST)


def test_post_replacement_character_sent_by_client_is_kept() -> None:
    # Parsed again strictly, blank values are kept too, as WebOb keeps them.
    assert list(post(b"q=%EF%BF%BD&r=\xef\xbf\xbd&blank=&bare").POST.items()) == [
        ("q", "\ufffd"),
        ("r", "\ufffd"),
        ("blank", ""),
        ("bare", ""),
    ]
    body = multipart(
        (b'name="\xef\xbf\xbd"', b"\xef\xbf\xbd"),
        (b'name="f"; filename="\xef\xbf\xbd.txt"', b"\xff"),
    )
    form = post(body, MULTIPART).POST
    assert form["\ufffd"] == "\ufffd"
    assert form["f"].filename == "\ufffd.txt"
    assert form["f"].value == b"\xff"


def test_post_file_contents_are_bytes_never_decoded() -> None:
    body = multipart((b'name="f"; filename="a.bin"', b"\xff\xfe\x00"))
    field = post(body, MULTIPART).POST["f"]
    assert field.filename == "a.bin"
    assert field.value == b"\xff\xfe\x00"


@pytest.mark.parametrize("before", [65535, 65534, 65533, 1000, 10])
# "—" is E2 80 94: cut after its 0x80; U+FFFD is EF BF BD: cut before its 0xBF.
@pytest.mark.parametrize("char", ["é", "€", "😀", "—", "\ufffd"])
def test_post_multipart_character_across_64_kib_is_whole(
    before: int, char: str
) -> None:
    # cgi reads a field 64 KiB at a time and decodes each piece on its own;
    # WebOb turns a character cut in two into two U+FFFD.
    value = "a" * before + char * 3 + "z"
    body = multipart((b'name="q"', value.encode()))
    assert post(body, MULTIPART).POST["q"] == value
    if before == 65535:
        assert post(body, MULTIPART, cls=webob.Request).POST["q"] != value


@pytest.mark.parametrize(
    ("data", "size", "line"),
    [
        (b"abc\ndef", 2, b"ab"),  # a cut between ASCII characters stays
        (b"abc\ndef", -1, b"abc\n"),
        ("a—z".encode(), 2, "a—".encode()),  # cut after the lead byte E2
        ("a—z".encode(), 3, "a—".encode()),  # cut after E2 80
        ("a\ufffdz".encode(), 2, "a\ufffd".encode()),  # EF, then BF BD
        ("😀z".encode(), 1, "😀".encode()),  # three continuation bytes
        ("é".encode(), 1, "é".encode()),  # the body ends with the character
        # Not UTF-8: a character is at most four bytes, and 0xC0 is no
        # continuation byte; the cut never moves into what follows.
        (b"\xf0" + b"\x80" * 4, 1, b"\xf0\x80\x80\x80"),
        (b"\xc3\xc0\x80", 1, b"\xc3"),
    ],
)
def test_utf8_lines_cut_a_line_between_characters(
    data: bytes, size: int, line: bytes
) -> None:
    """readline(size) gives *size* bytes and the rest of the last character."""
    body = _UTF8Lines(data)
    assert body.readline(size) == line
    assert line + body.read() == data  # nothing skipped or read twice


def test_post_multipart_bad_byte_in_long_field_is_bad_request() -> None:
    # Over 1,000 bytes, cgi keeps a field in a temporary file.
    body = multipart((b'name="q"', b"a" * 70000 + b"\xff" + b"b" * 10))
    bad_request(lambda: post(body, MULTIPART).POST)


def test_post_malformed_multipart_is_bad_request() -> None:
    request = post(b"--x\r\n", "multipart/form-data")
    assert bad_request(lambda: request.POST).detail == (
        "The form data cannot be decoded."
    )


def test_post_checked_once_and_keeps_the_views_changes() -> None:
    request = post(b"a=%EF%BF%BD")
    form = request.POST
    form["b"] = "2"
    assert request.POST is form
    assert request.params["b"] == "2"


@pytest.mark.parametrize(
    ("method", "body", "content_type"),
    [
        ("POST", b"{}", "application/json"),
        ("PUT", b"a=1", "text/plain"),
        ("GET", b"", None),
    ],
)
def test_post_of_non_form_is_webobs(
    method: str, body: bytes, content_type: str | None
) -> None:
    """No form: WebOb's empty POST, to which nothing can be added."""
    request = Request.blank("/", method=method, body=body)
    if content_type is not None:
        request.content_type = content_type
    assert not request.POST
    assert dict(request.params) == {}
    with pytest.raises(KeyError):
        request.POST["x"] = "1"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"q=1", FORM),
        (b"q=%EF%BF%BD", FORM),  # U+FFFD: parsed again, strictly
        (multipart((b'name="q"', b"1")), MULTIPART),
        (multipart((b'name="q"', "\ufffd".encode())), MULTIPART),
    ],
)
def test_post_never_holds_the_query_string(body: bytes, content_type: str) -> None:
    """The query string's fields are in GET (and params), never in POST."""
    request = Request.blank(
        "/?x=1", method="POST", body=body, content_type=content_type
    )
    assert list(request.POST) == ["q"]
    assert request.GET["x"] == "1"
    assert sorted(request.params) == ["q", "x"]


@pytest.mark.parametrize("value", [b"v", "\ufffd".encode()])
def test_post_multipart_part_without_a_name_is_webobs(value: bytes) -> None:
    """A file part with no name is kept under the name None, as WebOb keeps it."""
    body = multipart((b'filename="a.txt"', b"data"), (b'name="q"', value))

    def fields(form: Any) -> list[tuple[Any, ...]]:
        return [
            (name, field) if isinstance(field, str) else (name, field.filename)
            for name, field in form.items()
        ]

    ours = post(body, MULTIPART).POST
    assert fields(ours) == fields(post(body, MULTIPART, webob.Request).POST)
    assert fields(ours) == [(None, "a.txt"), ("q", value.decode())]


def test_post_of_seekable_body_without_content_length_is_webobs() -> None:
    """A chunked body (no CONTENT_LENGTH) that is already seekable.

    WebOb parses the form as if the length were 0, which a multipart body
    does not need; parsed again strictly (U+FFFD), the form is the same.
    """
    body = multipart((b'name="q"', "\ufffd é".encode()))

    def request(cls: type[Any]) -> Any:
        return cls(
            {
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": MULTIPART,
                "wsgi.input": io.BytesIO(body),
                "wsgi.input_terminated": True,
                "webob.is_body_seekable": True,
            }
        )

    ours = list(request(Request).POST.items())
    assert ours == list(request(webob.Request).POST.items())
    assert ours == [("q", "\ufffd é")]


# -- text and JSON bodies -------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"\xff"),
        ("text/plain; charset=utf-8", b"caf\xc3"),
        ("text/plain; charset=no-such-charset", b"abc"),
        ("text/plain; charset=base64", b"abc"),
        ("text/plain; charset=utf-16", b"abc"),
    ],
)
def test_text_not_in_charset_is_bad_request(content_type: str, body: bytes) -> None:
    request = post(body, content_type)
    assert bad_request(lambda: request.text).detail == (
        "The request body cannot be decoded in its charset."
    )


def test_text_in_its_charset_is_webobs() -> None:
    assert post(b"caf\xe9", "text/plain; charset=latin-1").text == "café"
    assert post("café".encode(), "text/plain").text == "café"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'"\xff"', "The request body cannot be decoded in its charset."),
        (
            b"",
            "The request body is not valid JSON: Expecting value (line 1, column 1).",
        ),
        (
            b'{"a": 1,\n "b" 2}',
            "The request body is not valid JSON: Expecting ':' delimiter "
            "(line 2, column 6).",
        ),
        (b"[" * 100_000, "The request body is JSON nested too deeply."),
        (b"1" * 5000, "The request body is JSON with a number too long."),
    ],
)
def test_json_body_undecodable_is_bad_request(body: bytes, detail: str) -> None:
    request = post(body, "application/json")
    assert bad_request(lambda: request.json_body).detail == detail
    assert bad_request(lambda: request.json).detail == detail


def test_json_detail_never_holds_the_clients_text() -> None:
    request = post(b'{"<script>": \xff}', "application/json; charset=latin-1")
    detail = bad_request(lambda: request.json_body).detail
    assert detail is not None
    assert "script" not in detail
    assert detail.isascii()


# -- the path -------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["path_info", "path", "path_url", "url"])
def test_path_not_utf8_is_bad_request(attribute: str) -> None:
    request = Request.blank("/")
    request.environ["PATH_INFO"] = "/caf\xe9"  # the byte 0xE9, as WSGI gives it
    assert bad_request(lambda: getattr(request, attribute)).detail == (
        "The request path is not UTF-8."
    )


def test_path_info_reads_and_sets_as_webobs() -> None:
    request = Request.blank("/caf%C3%A9")
    assert request.path_info == "/café"
    request.path_info = "/ø"
    assert request.environ["PATH_INFO"] == "/ø".encode().decode("latin-1")
    assert request.path == "/%C3%B8"


# -- cookies --------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        'bad="\xff"; ok=1',
        'bad="\\377"; ok=1',
        'ok=1; bad="caf\xc3"',
        'bad="\xff"; ok="1"',
    ],
)
def test_cookie_not_utf8_is_dropped(header: str) -> None:
    request = Request({"HTTP_COOKIE": header})
    assert dict(request.cookies) == {"ok": "1"}
    assert request.cookies.get("bad") is None
    assert "bad" not in request.cookies
    # WebOb fails on every cookie because of the one.
    with pytest.raises(UnicodeDecodeError):
        webob.Request({"HTTP_COOKIE": header}).cookies.get("ok")


def test_cookie_duplicate_name_keeps_the_decodable_one() -> None:
    request = Request({"HTTP_COOKIE": 'a=1; a="\\377"'})
    assert request.cookies["a"] == "1"


def test_cookies_read_and_set_as_webobs() -> None:
    header = 'a=1; b="caf\\303\\251"; c="x y"; $d=4; e=caf\xc3\xa9'
    ours = Request({"HTTP_COOKIE": header})
    assert dict(ours.cookies) == dict(webob.Request({"HTTP_COOKIE": header}).cookies)
    assert ours.cookies["b"] == "café"
    ours.cookies["z"] = "9"
    assert ours.cookies["z"] == "9"
    ours.cookies = {"only": "this"}
    assert dict(ours.cookies) == {"only": "this"}


def test_cookie_mutation_keeps_dropping_undecodable_ones() -> None:
    request = Request({"HTTP_COOKIE": 'bad="\\377"; ok=1'})
    cookies = request.cookies
    cookies["new"] = "2"  # changes the header: parsed again
    assert dict(cookies) == {"ok": "1", "new": "2"}


def test_headers_are_latin1_text_and_never_fail() -> None:
    request = Request({"HTTP_X_NAME": "caf\xc3\xa9\xff"})
    assert request.headers["X-Name"] == "caf\xc3\xa9\xff"


# -- the same values as WebOb, for any valid input --------------------------------

_TEXT = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from("\ufffd&=+%; é€😀"))
)
_PAIRS = st.lists(st.tuples(_TEXT, _TEXT), max_size=6)


def _raw(text: str) -> str:
    """Quote ASCII only: the UTF-8 of other characters is sent as it is."""
    return "".join(quote(char, safe="") if char.isascii() else char for char in text)


_QUOTE = st.sampled_from([quote, quote_plus, _raw])


def _query(pairs: list[tuple[str, str]], quote_: Any, blank: bool) -> bytes:
    """A query string or urlencoded body; *blank*: ``name`` for ``name=``."""
    return "&".join(
        quote_(name) if blank and not value else f"{quote_(name)}={quote_(value)}"
        for name, value in pairs
    ).encode("utf-8")


@BOUNDED
@given(pairs=_PAIRS, quote_=_QUOTE, blank=st.booleans())
def test_get_of_valid_query_matches_webob(
    pairs: list[tuple[str, str]], quote_: Any, blank: bool
) -> None:
    # As a server gives it: the bytes, as latin-1 text.
    environ = {"QUERY_STRING": _query(pairs, quote_, blank).decode("latin-1")}
    ours, webobs = Request(dict(environ)), webob.Request(dict(environ))
    assert list(ours.GET.items()) == list(webobs.GET.items())
    assert list(ours.params.items()) == list(webobs.params.items())


@BOUNDED
@given(pairs=_PAIRS, quote_=_QUOTE, blank=st.booleans())
def test_post_of_valid_urlencoded_body_matches_webob(
    pairs: list[tuple[str, str]], quote_: Any, blank: bool
) -> None:
    body = _query(pairs, quote_, blank)
    ours = post(body, FORM + "; charset=UTF-8")
    webobs = post(body, FORM + "; charset=UTF-8", webob.Request)
    assert list(ours.POST.items()) == list(webobs.POST.items())
    assert list(ours.params.items()) == list(webobs.params.items())


_FIELD_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters='"\r\n\\'),
        st.sampled_from("\ufffdé€😀"),
    )
)


@BOUNDED
@given(fields=st.lists(st.tuples(_FIELD_TEXT, _FIELD_TEXT), max_size=4))
def test_post_of_valid_multipart_body_matches_webob(
    fields: list[tuple[str, str]],
) -> None:
    body = multipart(
        *[(f'name="{name}"'.encode(), value.encode()) for name, value in fields]
    )
    ours = post(body, MULTIPART).POST
    assert list(ours.items()) == list(post(body, MULTIPART, webob.Request).POST.items())


def _undecodable(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_BYTES = st.binary(max_size=12).filter(_undecodable)


@BOUNDED
@given(
    good=_TEXT, bad=_BYTES, in_name=st.booleans(), quote_=_QUOTE, escape=st.booleans()
)
def test_invalid_query_and_form_are_bad_request_where_webob_replaces(
    good: str, bad: bytes, in_name: bool, quote_: Any, escape: bool
) -> None:
    if escape:
        bad = quote(bad).encode()
    else:  # sent as is; without the bytes that would change the pairs
        bad = bad.translate(None, b"%&=+;")
        if not _undecodable(bad):
            bad = b"\xff" + bad
    data = quote_(good).encode() + b"=1&" + (bad + b"=1" if in_name else b"q=" + bad)
    query = data.decode("latin-1")  # as a server gives it
    bad_request(lambda: Request({"QUERY_STRING": query}).GET)
    with pytest.raises(UnicodeDecodeError):
        webob.Request({"QUERY_STRING": query}).GET  # noqa: B018

    bad_request(lambda: post(data).POST)
    replaced = post(data, cls=webob.Request).POST
    assert any("\ufffd" in name + value for name, value in replaced.items())


@BOUNDED
@given(good=_FIELD_TEXT, bad=_BYTES, where=st.sampled_from(["name", "value", "file"]))
def test_invalid_multipart_is_bad_request_where_webob_replaces(
    good: str, bad: bytes, where: str
) -> None:
    bad = bad.replace(b'"', b"").replace(b"\r", b"").replace(b"\n", b"")
    if not _undecodable(bad):
        bad = b"\xff" + bad
    if where == "name":
        part = (b'name="' + bad + b'"', b"v")
    elif where == "value":
        part = (b'name="q"', bad)
    else:
        part = (b'name="f"; filename="' + bad + b'"', b"data")
    body = multipart((b'name="g"', good.encode()), part)
    bad_request(lambda: post(body, MULTIPART).POST)
    replaced = post(body, MULTIPART, webob.Request).POST
    texts = [
        name + (value if isinstance(value, str) else value.filename)
        for name, value in replaced.items()
    ]
    assert any("\ufffd" in text for text in texts)


# -- end to end, through the App --------------------------------------------------


@pytest.fixture
def client() -> TestApp:
    app = App()
    app.add_route("/search", lambda request: request.GET.get("q", ""))
    app.add_route("/params", lambda request: dict(request.params))
    app.add_route("/form", lambda request: dict(request.POST), methods=["POST"])
    app.add_route("/json", lambda request: request.json_body, methods=["POST"])
    app.add_route("/text", lambda request: request.text, methods=["POST"])
    app.add_route("/cookies", lambda request: dict(request.cookies))
    return TestApp(app)


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type", "detail"),
    [
        ("GET", "/search?q=%FF", b"", None, "query string"),
        ("GET", "/params?%FE=1", b"", None, "query string"),
        ("POST", "/form", b"q=%FF", FORM, "form data"),
        ("POST", "/form", multipart((b'name="q"', b"\xfe")), MULTIPART, "form data"),
        ("POST", "/json", b"{", "application/json", "not valid JSON"),
        ("POST", "/json", b'"\xff"', "application/json", "in its charset"),
        ("POST", "/text", b"\xff", "text/plain", "in its charset"),
    ],
)
def test_undecodable_input_is_400_through_the_app(
    client: TestApp,
    caplog: pytest.LogCaptureFixture,
    method: str,
    url: str,
    body: bytes,
    content_type: str | None,
    detail: str,
) -> None:
    with caplog.at_level(logging.INFO, logger="httpx_views"):
        res = client.request(
            url,
            method=method,
            body=body,
            content_type=content_type,
            headers={"Accept": "text/plain"},
            expect_errors=True,
        )
    assert res.status_int == 400
    assert detail in res.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_valid_input_reads_through_the_app(client: TestApp) -> None:
    assert client.get("/search?q=caf%C3%A9").text == "café"
    assert client.post("/form", {"q": "\ufffd é"}).json == {"q": "\ufffd é"}
    assert client.post(
        "/json", b'{"a": "\xc3\xa9"}', content_type="application/json"
    ).json == {"a": "é"}


def test_undecodable_cookie_is_absent_through_the_app(client: TestApp) -> None:
    res = client.get("/cookies", headers={"Cookie": 'bad="\\377"; ok=1'})
    assert res.json == {"ok": "1"}


def test_bad_request_view_reading_the_bad_path_still_answers_400() -> None:
    app = App()
    app.add_route("/{name}", lambda request: "x")

    @app.exception_view(HTTPBadRequest)
    def bad(request: Request) -> str:
        return f"bad request for {request.url}"

    res = TestApp(app).get("/%FF", status=400)
    assert "path is not UTF-8" in res.text


@pytest.mark.parametrize("last", ["é", "€", "😀"])
def test_post_unterminated_multipart_ending_in_a_character_keeps_it(
    last: str,
) -> None:
    # U+FFFD, sent by the client, makes the form be parsed again strictly;
    # the body then ends (no closing boundary) right after a character
    # of several bytes: the last line is whole, nothing follows it.
    value = "\ufffd" + last
    body = b'--b\r\nContent-Disposition: form-data; name="q"\r\n\r\n'
    body += value.encode()
    assert post(body, MULTIPART).POST["q"] == value
