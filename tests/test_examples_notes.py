"""The notes example: templates, a stylesheet, post/redirect/get, a JSON API.

Unit tests call its views with a ``DummyRequest``; functional tests go
through the App with WebTest; the browser tests (marker ``browser``) serve
it and use it in Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from browser import DESKTOP, PHONE, NewPage, horizontal_overflow, is_blank, served
from harness import example
from webtest import TestApp

from httpx_views import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from httpx_views.testing import DummyRequest

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The example, with notes of this test's own."""
    module = example("notes")
    monkeypatch.setattr(module, "NOTES", {1: "Buy milk"})
    return module


@pytest.fixture
def client(notes: ModuleType) -> TestApp:
    return TestApp(notes.app)


# -- unit tests: the views called directly ----------------------------------------


def test_home_returns_the_notes_for_its_template(notes: ModuleType) -> None:
    values = notes.home(DummyRequest("/"))
    assert values == {"notes": [(1, "Buy milk")], "error": None, "text": ""}


def test_adding_redirects_to_the_new_note(notes: ModuleType) -> None:
    request = DummyRequest("/notes", "POST", params={"text": "  Call Ann "})
    request.app = notes.app
    with pytest.raises(HTTPSeeOther) as raised:
        notes.add_from_form(request)
    assert raised.value.location == "http://localhost/notes/2"
    assert notes.NOTES[2] == "Call Ann"


@pytest.mark.parametrize(
    ("id", "found"), [(1, True), (2, False)], ids=["known", "unknown"]
)
def test_show_finds_the_note_or_raises_not_found(
    notes: ModuleType, id: int, found: bool
) -> None:
    request = DummyRequest(f"/notes/{id}", matchdict={"id": id})
    if found:
        assert notes.show(request) == {"id": 1, "text": "Buy milk"}
    else:
        with pytest.raises(HTTPNotFound):
            notes.show(request)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Write something first."),
        ("   ", "Write something first."),
        ("x" * 501, "A note has at most 500 characters."),
        ("x" * 500, None),
    ],
)
def test_problem_says_what_is_wrong_with_a_note(
    notes: ModuleType, text: str, error: str | None
) -> None:
    assert notes.problem(text) == error


# -- functional tests: through the App ----------------------------------------


def test_the_home_page_is_a_template_with_the_stylesheet(client: TestApp) -> None:
    page = client.get("/")
    assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert page.text.startswith("<!DOCTYPE html>")
    assert '<link rel="stylesheet" href="http://localhost/static/style.css">' in (
        page.text
    )
    assert '<a href="/notes/1">Buy milk</a>' in page.text
    css = client.get("/static/style.css")
    assert css.headers["Content-Type"].startswith("text/css")
    assert "rgb(31, 75, 153)" in css.text


def test_post_redirect_get(client: TestApp, notes: ModuleType) -> None:
    page = client.get("/")
    form = page.forms[0]
    form["text"] = "<b>Call Ann</b>"
    posted = form.submit(status=303)
    assert posted.location == "http://localhost/notes/2"
    shown = posted.follow()
    assert "<title>Note 2</title>" in shown.text
    assert '<p class="note">&lt;b&gt;Call Ann&lt;/b&gt;</p>' in shown.text
    assert notes.NOTES == {1: "Buy milk", 2: "<b>Call Ann</b>"}


def test_a_refused_note_shows_the_form_again_with_why(
    client: TestApp, notes: ModuleType
) -> None:
    page = client.post("/notes", {"text": " "}, status=422)
    assert '<p class="error" id="error">Write something first.</p>' in page.text
    assert page.forms[0]["text"].value == " "
    assert notes.NOTES == {1: "Buy milk"}


@pytest.mark.parametrize(
    ("method", "path", "status", "title"),
    [
        ("GET", "/nowhere", 404, "Not found"),
        ("GET", "/notes/99", 404, "Not found"),
        ("POST", "/notes/1/delete", 403, "Forbidden"),
    ],
)
def test_not_found_and_forbidden_are_templates(
    client: TestApp, notes: ModuleType, method: str, path: str, status: int, title: str
) -> None:
    page = client.request(path, method=method, status=status)
    assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert f"<title>{title}</title>" in page.text
    assert notes.NOTES == {1: "Buy milk"}


def test_the_not_found_page_escapes_the_path(client: TestApp) -> None:
    page = client.get("/a&b'c", status=404)
    assert "<code>/a&amp;b&#39;c</code>" in page.text


def test_the_api_lists_adds_and_shows_notes_as_json(client: TestApp) -> None:
    assert client.get("/api/notes").json == [{"id": 1, "text": "Buy milk"}]
    created = client.post_json("/api/notes", {"text": "Call Ann"}, status=201)
    assert created.json == {"id": 2, "text": "Call Ann"}
    assert created.location == "http://localhost/notes/2"
    assert client.get("/api/notes/2").json == {"id": 2, "text": "Call Ann"}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"text": ""}, "Write something first."),
        ({"text": 5}, "The text is a string."),
        ({"note": "x"}, 'Send {"text": "..."} as JSON.'),
        ([], 'Send {"text": "..."} as JSON.'),
    ],
)
def test_the_api_refuses_a_bad_note_as_problem_json(
    client: TestApp, notes: ModuleType, body: Any, detail: str
) -> None:
    headers = {"Accept": "application/problem+json"}
    answer = client.post_json("/api/notes", body, headers=headers, status=400)
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert (answer.json["status"], answer.json["detail"]) == (400, detail)
    assert notes.NOTES == {1: "Buy milk"}


@pytest.mark.parametrize(
    ("path", "status"), [("/api/notes/99", 404), ("/api/nothing", 404)]
)
def test_api_errors_are_json_for_a_json_client(
    client: TestApp, path: str, status: int
) -> None:
    answer = client.get(path, headers={"Accept": "application/json"}, status=status)
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json["code"] == f"{status} Not Found"


def test_a_bad_request_raised_by_the_api_is_an_http_exception(
    notes: ModuleType,
) -> None:
    request = DummyRequest("/api/notes", "POST", json={"text": ""})
    with pytest.raises(HTTPBadRequest):
        notes.api_add(request)


# -- in a browser: the example served, used in Chromium -----------------------


@pytest.fixture(scope="module")
def served_notes() -> Iterator[str]:
    with served("examples/notes/app.py:app") as url:
        yield url


@pytest.mark.browser
def test_browser_form_posts_is_redirected_and_shows_the_new_note(
    new_page: NewPage, served_notes: str
) -> None:
    page = new_page(DESKTOP)
    page.goto(served_notes + "/")
    page.fill("textarea[name=text]", "Water the <plants>")
    with page.expect_navigation() as navigation:
        page.click("button[type=submit]")
    shown = navigation.value
    assert shown is not None
    redirect = shown.request.redirected_from
    assert redirect is not None
    posted = redirect.response()
    assert posted is not None
    assert (redirect.method, posted.status) == ("POST", 303)
    assert (shown.request.method, shown.status) == ("GET", 200)
    assert page.url.startswith(served_notes + "/notes/")
    assert page.title() == page.url.replace(served_notes + "/notes/", "Note ")
    assert page.inner_text("p.note") == "Water the <plants>"
    # Reloading the page shows it again: it does not post the form again.
    reloaded = page.reload()
    assert reloaded is not None
    assert reloaded.request.method == "GET"


@pytest.mark.browser
def test_browser_a_refused_note_shows_why_beside_the_form(
    new_page: NewPage, served_notes: str
) -> None:
    page = new_page(PHONE)
    page.goto(served_notes + "/")
    page.fill("textarea[name=text]", "   ")  # passes "required", not the app
    with page.expect_navigation() as navigation:
        page.click("button[type=submit]")
    assert navigation.value is not None
    assert navigation.value.status == 422
    assert page.inner_text("#error") == "Write something first."
    assert horizontal_overflow(page) == 0


@pytest.mark.browser
@pytest.mark.parametrize(
    ("selector", "color"),
    [("h1", "rgb(31, 75, 153)"), ("body", "rgb(34, 34, 34)")],
)
def test_browser_applies_the_stylesheet_from_add_static(
    new_page: NewPage, served_notes: str, selector: str, color: str
) -> None:
    page = new_page(DESKTOP)
    page.goto(served_notes + "/")
    computed = page.eval_on_selector(
        selector, "element => getComputedStyle(element).color"
    )
    assert computed == color


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "status", "title"),
    [("/nowhere", 404, "Not found"), ("/notes/1", 200, "Note 1")],
)
def test_browser_pages_render_and_fit_a_phone(
    new_page: NewPage,
    decoder: Page,
    served_notes: str,
    path: str,
    status: int,
    title: str,
) -> None:
    page = new_page(PHONE)
    response = page.goto(served_notes + path)
    assert response is not None
    assert response.status == status
    assert page.title() == title
    assert not is_blank(page, decoder)
    assert horizontal_overflow(page) == 0
