"""Jinja2 templates: renderer= on routes and exception views, request.render."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest
import webob
from webtest import TestApp

from httpx_views import (
    App,
    ConfigurationError,
    HTTPForbidden,
    HTTPMethodNotAllowed,
    HTTPNotFound,
    HTTPSeeOther,
    HTTPUnauthorized,
)
from httpx_views.cli import _format_routes
from httpx_views.templates import Templates
from httpx_views.testing import DummyRequest

TEMPLATES = {
    "note.html": "<h1>{{ title }}</h1><p>{{ body }}</p>",
    "helpers.html": (
        "{{ request.path }}|{{ route_path('note', id=7) }}|"
        "{{ route_url('note', id=7) }}|{{ static_url('static', 'a b.css') }}"
    ),
    "error.html": "<p>{{ message }} ({{ request.exception.__class__.__name__ }})</p>",
    "plain.txt": "Hello {{ name }}",
    "feed.xml": "<t>{{ name }}</t>",
    "page.jinja": "<p>{{ name }}</p>",
    "icon.svg": "<svg>{{ name }}</svg>",
    "app.css": "p::before { content: '{{ name }}' }",
    "broken.html": "{% if %}",
    "fails.html": "{{ 1 // 0 }}",
}


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    for name, source in TEMPLATES.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    (tmp_path / "static").mkdir()
    return tmp_path


@pytest.fixture
def app(directory: Path) -> App:
    app = App(templates=directory)
    app.add_static("/static", directory / "static")

    @app.route("/notes/{id:int}", name="note", renderer="note.html")
    def note(request: Any) -> Any:
        if request.matchdict["id"] == 0:
            raise HTTPNotFound()
        if request.matchdict["id"] == 1:
            return HTTPSeeOther(location="/notes/2")
        if request.matchdict["id"] == 3:
            return "not a dict: sent as text"
        return {"title": "<script>alert(1)</script>", "body": "a & b"}

    @app.route("/helpers", renderer="helpers.html")
    def helpers(request: Any) -> Any:
        return {}

    return app


def test_a_dict_renders_the_template_as_escaped_html(app: App) -> None:
    response = TestApp(app).get("/notes/2")
    assert response.status_int == 200
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert response.text == (
        "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><p>a &amp; b</p>"
    )


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/notes/0", 404, "text/html; charset=UTF-8"),  # raised: the 404 page
        ("/notes/1", 303, "text/html; charset=UTF-8"),  # returned redirect
        ("/notes/3", 200, "text/plain; charset=UTF-8"),  # text stays text
    ],
)
def test_what_is_not_a_dict_passes_through(
    app: App, path: str, status: int, content_type: str
) -> None:
    response = TestApp(app).get(path, status=status, headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == content_type
    assert "<h1>&lt;" not in response.text


def test_head_gets_the_headers_and_no_body(app: App) -> None:
    get = TestApp(app).get("/notes/2")
    head = TestApp(app).head("/notes/2")
    assert head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_templates_see_the_request_and_its_url_helpers(app: App) -> None:
    response = TestApp(app).get("/helpers", extra_environ={"SCRIPT_NAME": "/app"})
    assert response.text == (
        "/app/helpers|/app/notes/7|http://localhost/app/notes/7|"
        "http://localhost/app/static/a%20b.css"
    )


@pytest.mark.parametrize(
    ("template", "content_type", "text"),
    [
        ("plain.txt", "text/plain; charset=UTF-8", "Hello <b>"),  # not escaped
        ("feed.xml", "application/xml; charset=UTF-8", "<t>&lt;b&gt;</t>"),
        ("note.html", "text/html; charset=UTF-8", "<h1>&lt;b&gt;</h1><p></p>"),
        # Sent as HTML or XML: escaped, whatever the extension.
        ("page.jinja", "text/html; charset=UTF-8", "<p>&lt;b&gt;</p>"),
        ("icon.svg", "image/svg+xml; charset=UTF-8", "<svg>&lt;b&gt;</svg>"),
        ("app.css", "text/css; charset=UTF-8", "p::before { content: '<b>' }"),
    ],
)
def test_the_extension_chooses_the_type_and_the_escaping(
    directory: Path, template: str, content_type: str, text: str
) -> None:
    app = App(templates=directory)

    @app.route("/", renderer=template)
    def view(request: Any) -> Any:
        return {"name": "<b>", "title": "<b>"}

    response = TestApp(app).get("/")
    assert (response.headers["Content-Type"], response.text) == (content_type, text)


def test_a_class_view_renders_its_dict(directory: Path) -> None:
    app = App(templates=directory)

    @app.route("/note", renderer="note.html")
    class Note:
        def get(self, request: Any) -> Any:
            return {"title": "class", "body": request.method}

        def post(self, request: Any) -> Any:
            return HTTPSeeOther(location="/note")

    client = TestApp(app)
    assert client.get("/note").text == "<h1>class</h1><p>GET</p>"
    assert client.post("/note", status=303).location == "http://localhost/note"


def test_an_environment_or_templates_object_is_used_as_given() -> None:
    environment = jinja2.Environment(
        loader=jinja2.DictLoader({"x.html": "{{ v }}"}), autoescape=False
    )
    for templates in (environment, Templates(environment)):
        app = App(templates=templates)

        @app.route("/", renderer="x.html")
        def view(request: Any) -> Any:
            return {"v": "<i>"}

        assert TestApp(app).get("/").text == "<i>"  # its autoescape=False
        assert app.templates is not None
        assert app.templates.environment is environment


def test_request_render_keeps_what_the_view_set_on_the_response(app: App) -> None:
    @app.route("/explicit")
    def explicit(request: Any) -> Any:
        request.response.set_cookie("seen", "1")
        return request.render("note.html", {"title": "T", "body": "B"})

    response = TestApp(app).get("/explicit")
    assert response.text == "<h1>T</h1><p>B</p>"
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert response.headers["Set-Cookie"].startswith("seen=1")


def test_request_render_without_templates_says_what_is_missing() -> None:
    with pytest.raises(RuntimeError, match=r"App\(templates="):
        DummyRequest(app=App()).render("note.html")
    with pytest.raises(RuntimeError, match=r"App\(templates="):
        DummyRequest().render("note.html")


def test_a_unit_test_calls_the_view_and_sees_its_dict(app: App) -> None:
    view = app.router.routes[-1].view  # /helpers, as registered: wrapped
    assert view.__name__ == "helpers"
    # The view itself, called with a DummyRequest, returns its values.
    assert view.__wrapped__(DummyRequest(app=app)) == {}


def test_route_listings_name_the_view_not_the_wrapper(app: App) -> None:
    listing = _format_routes(app)
    assert "app.<locals>.note" in listing
    assert "render_dict" not in listing


# -- exception views ------------------------------------------------------------


@pytest.fixture
def branded(directory: Path) -> App:
    class Policy:
        def identity(self, request: Any) -> Any:
            return None

        def permits(self, request: Any, permission: str) -> bool:
            return False

    app = App(templates=directory, security_policy=Policy())

    @app.notfound_view(renderer="error.html")
    def not_found(request: Any) -> Any:
        return {"message": "No such page"}

    @app.forbidden_view(renderer="error.html")
    def forbidden(request: Any) -> Any:
        return {"message": "Not for you"}

    @app.exception_view(HTTPUnauthorized, renderer="error.html")
    def unauthorized(request: Any) -> Any:
        return {"message": "Log in"}

    @app.exception_view(HTTPMethodNotAllowed, renderer="error.html")
    def not_allowed(request: Any) -> Any:
        return {"message": "Wrong method"}

    @app.exception_view(LookupError, renderer="error.html")
    def lookup(request: Any) -> Any:
        if request.path == "/teapot":
            request.response.status = 418
        return {"message": "Lookup failed"}

    @app.route("/admin", permission="admin")
    def admin(request: Any) -> Any:
        return "secret"

    @app.route("/login")
    def login(request: Any) -> Any:
        raise HTTPUnauthorized(www_authenticate='Basic realm="notes"')

    @app.route("/post-only", methods=["POST"])
    def post_only(request: Any) -> Any:
        return "posted"

    @app.route("/missing")
    @app.route("/teapot")
    def missing(request: Any) -> Any:
        raise KeyError("key")

    return app


@pytest.mark.parametrize(
    ("path", "status", "text", "header", "value"),
    [
        ("/nowhere", 404, "<p>No such page (HTTPNotFound)</p>", None, None),
        ("/admin", 403, "<p>Not for you (HTTPForbidden)</p>", None, None),
        (
            "/login",
            401,
            "<p>Log in (HTTPUnauthorized)</p>",
            "WWW-Authenticate",
            'Basic realm="notes"',
        ),
        (
            "/post-only",
            405,
            "<p>Wrong method (HTTPMethodNotAllowed)</p>",
            "Allow",
            "OPTIONS, POST",
        ),
        ("/missing", 500, "<p>Lookup failed (KeyError)</p>", None, None),
        ("/teapot", 418, "<p>Lookup failed (KeyError)</p>", None, None),
    ],
)
def test_a_rendered_exception_view_keeps_the_status_and_headers(
    branded: App,
    path: str,
    status: int,
    text: str,
    header: str | None,
    value: str | None,
) -> None:
    response = TestApp(branded).get(path, status=status)
    assert response.text == text
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert response.headers["Content-Length"] == str(len(text))
    if header is not None:
        assert response.headers[header] == value


def test_a_rendered_exception_view_may_answer_otherwise(directory: Path) -> None:
    app = App(templates=directory)

    @app.notfound_view(renderer="error.html")
    def not_found(request: Any) -> Any:
        return HTTPSeeOther(location="/")

    assert TestApp(app).get("/x", status=303).location == "http://localhost/"


def test_webobs_http_exceptions_are_rendered_with_their_status(
    directory: Path,
) -> None:
    import webob.exc

    app = App(templates=directory)

    @app.exception_view(webob.exc.HTTPGone, renderer="error.html")
    def gone(request: Any) -> Any:
        return {"message": "Gone"}

    @app.route("/old")
    def old(request: Any) -> Any:
        raise webob.exc.HTTPGone()

    response = TestApp(app).get("/old", status=410)
    assert response.text == "<p>Gone (HTTPGone)</p>"


def test_a_template_that_fails_is_a_logged_500_without_its_traceback(
    directory: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = App(templates=directory)

    @app.route("/", renderer="fails.html")
    def view(request: Any) -> Any:
        return {}

    response = TestApp(app).get("/", status=500)
    assert "ZeroDivisionError" not in response.text
    assert "ZeroDivisionError" in caplog.text


# -- configuration errors -------------------------------------------------------


def test_a_renderer_without_templates_says_what_to_do() -> None:
    app = App()
    with pytest.raises(ConfigurationError, match=r"App\(templates=.*httpx_views\["):

        @app.route("/", renderer="note.html")
        def view(request: Any) -> Any:
            return {}

    with pytest.raises(ConfigurationError, match="exception view for HTTPNotFound"):
        app.notfound_view(lambda request: {}, renderer="note.html")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("nope.html", r"route '/': no template 'nope.html' in .*"),
        ("broken.html", r"route '/': template 'broken.html' line 1: "),
    ],
)
def test_a_template_that_cannot_load_fails_at_registration(
    directory: Path, template: str, message: str
) -> None:
    app = App(templates=directory)
    with pytest.raises(ConfigurationError, match=message):
        app.add_route("/", lambda request: {}, renderer=template)
    assert not app.router.routes


def test_the_environments_own_loader_is_named_when_a_template_is_missing() -> None:
    environment = jinja2.Environment(loader=jinja2.DictLoader({}))
    app = App(templates=environment)
    with pytest.raises(ConfigurationError, match="the Environment's loader"):
        app.add_route("/", lambda request: {}, renderer="x.html")


@pytest.mark.parametrize("source", ["does/not/exist", 42])
def test_templates_must_be_a_directory_or_an_environment(
    tmp_path: Path, source: Any
) -> None:
    if isinstance(source, str):
        source = tmp_path / source
    with pytest.raises(ConfigurationError, match=r"directory or a jinja2\.Environment"):
        App(templates=source)
    file = tmp_path / "file.html"
    file.write_text("")
    with pytest.raises(ConfigurationError, match=r"directory or a jinja2\.Environment"):
        App(templates=str(file))


def test_without_jinja2_naming_templates_says_what_to_install(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 fails
    install = r"pip install 'httpx_views\[jinja2\]'"
    with pytest.raises(ConfigurationError, match=install):
        App(templates=directory)
    with pytest.raises(ConfigurationError, match=install):
        App().add_route("/", lambda request: {}, renderer="note.html")


def test_templates_render_with_and_without_a_request(directory: Path) -> None:
    templates = Templates(directory)
    assert templates.render("plain.txt", {"name": "x"}) == "Hello x"
    assert templates.render("plain.txt") == "Hello "
    response = templates.response(DummyRequest(), "plain.txt", {"name": "y"})
    assert isinstance(response, webob.Response)
    assert response.text == "Hello y"


def test_an_http_exception_raised_to_a_rendered_view_is_not_rendered_twice(
    directory: Path,
) -> None:
    app = App(templates=directory)

    @app.exception_view(HTTPForbidden, renderer="error.html")
    def forbidden(request: Any) -> Any:
        raise HTTPUnauthorized()

    @app.route("/")
    def view(request: Any) -> Any:
        raise HTTPForbidden()

    response = TestApp(app).get("/", status=401, headers={"Accept": "text/html"})
    assert "Forbidden" not in response.text


# -- found by mutation testing --------------------------------------------------


def test_an_htm_template_is_escaped_html(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text("<p>{{ name }}</p>", encoding="utf-8")
    app = App(templates=tmp_path)

    @app.route("/", renderer="page.htm")
    def view(request: Any) -> Any:
        return {"name": "<b>"}

    response = TestApp(app).get("/")
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert response.text == "<p>&lt;b&gt;</p>"


def test_a_template_of_no_known_type_is_sent_as_html(tmp_path: Path) -> None:
    (tmp_path / "page.jinja").write_text("<p>{{ name }}</p>", encoding="utf-8")
    app = App(templates=tmp_path)

    @app.route("/", renderer="page.jinja")
    def view(request: Any) -> Any:
        return {"name": "Ada"}

    response = TestApp(app).get("/")
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert response.text == "<p>Ada</p>"


def test_a_missing_template_names_the_directories_searched(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    both = jinja2.Environment(loader=jinja2.FileSystemLoader([first, second]))
    for templates, searched in ((first, [first]), (both, [first, second])):
        app = App(templates=templates)
        with pytest.raises(ConfigurationError) as raised:
            app.add_route("/", lambda request: {}, renderer="x.html")
        assert "no template 'x.html'" in str(raised.value)
        for directory in searched:
            assert str(directory) in str(raised.value)


def test_a_rendered_exception_view_returning_text_sends_one_content_type(
    directory: Path,
) -> None:
    app = App(templates=directory)

    @app.exception_view(HTTPUnauthorized, renderer="error.html")
    def unauthorized(request: Any) -> Any:
        return "Log in first"

    @app.route("/login")
    def login(request: Any) -> Any:
        raise HTTPUnauthorized(www_authenticate='Basic realm="notes"')

    response = TestApp(app).get("/login", status=401)
    assert response.text == "Log in first"
    assert response.headers.getall("Content-Type") == ["text/plain; charset=UTF-8"]
    assert response.headers.getall("Content-Length") == [str(len("Log in first"))]
    assert response.headers["WWW-Authenticate"] == 'Basic realm="notes"'


def test_a_template_made_from_a_string_is_escaped(directory: Path) -> None:
    environment = Templates(directory).environment
    assert environment.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
