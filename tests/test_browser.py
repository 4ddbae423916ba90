"""The App's pages and answers in a real browser: Chromium, driven by Playwright.

The apps are in ``tests/browser_apps.py``, each served by ``httpx-views
serve`` in a process of its own; Chromium and the helpers are in
``tests/browser.py``. Deselect these tests with ``-m "not browser"``.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest
from browser import (
    DESKTOP,
    MISSING_CHROMIUM,
    PHONE,
    NewPage,
    fetch,
    find_chromium,
    horizontal_overflow,
    ink,
    is_blank,
    open_page,
    served,
    words_cut,
)
from browser_apps import FAILURE, LONG_PATTERN, ORIGIN_VARIABLE
from harness import TIMEOUT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

APPS = "tests/browser_apps.py"

# -- the helpers themselves -----------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(chromium: Browser) -> Iterator[Page]:
    """A desktop page, shared by the tests that set its content."""
    page = open_page(chromium, DESKTOP)
    yield page
    page.context.close()


def test_find_chromium_fails_saying_how_to_install_it() -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        find_chromium(["/nonexistent/chromium", "no-such-chromium"])
    assert str(failed.value) == MISSING_CHROMIUM
    assert "apt-get install -y chromium" in MISSING_CHROMIUM
    assert "-m 'not browser'" in MISSING_CHROMIUM


@pytest.mark.parametrize(
    ("html", "blank"),
    [
        pytest.param("", True, id="empty"),
        pytest.param('<body style="background: #036">', True, id="one-colour"),
        pytest.param("<p>Not Found</p>", False, id="text"),
        pytest.param('<p style="color: #fefefe">.</p>', False, id="faint-dot"),
    ],
)
def test_is_blank_tells_a_blank_page(
    scratch: Page, decoder: Page, html: str, blank: bool
) -> None:
    scratch.set_content(html)
    assert is_blank(scratch, decoder) is blank


def test_ink_counts_the_pixels_off_the_background(scratch: Page, decoder: Page) -> None:
    # A 10 x 20 box, on the page's white.
    scratch.set_content(
        '<div style="position: absolute; left: 5px; top: 5px; width: 10px; '
        'height: 20px; background: #000"></div>'
    )
    assert ink(scratch, decoder) == 200


@pytest.mark.parametrize(("width", "overflow"), [(1280, 0), (2000, 720)])
def test_horizontal_overflow_measures_a_page_wider_than_the_window(
    scratch: Page, width: int, overflow: int
) -> None:
    scratch.set_content(f'<body style="margin: 0"><div style="width: {width}px">wide')
    assert horizontal_overflow(scratch) == overflow


@pytest.mark.parametrize(
    ("style", "cut"),
    [
        pytest.param("", [], id="wide"),
        pytest.param(
            "width: 3em; overflow-wrap: anywhere", ["Accept-Encoding"], id="cut"
        ),
        pytest.param("width: 3em", [], id="at-the-hyphen"),
    ],
)
def test_words_cut_finds_a_label_broken_inside_a_word(
    scratch: Page, style: str, cut: list[str]
) -> None:
    scratch.set_content(
        f'<table><tr><th style="{style}">Accept-Encoding</th><td>gzip</td></tr>'
    )
    assert words_cut(scratch, "th") == cut


@pytest.mark.parametrize(
    ("head", "fits"),
    [
        # Laid out about 980 px wide (as pages written for desktops), shrunk.
        pytest.param("", False, id="no-viewport"),
        pytest.param(
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            True,
            id="device-width",
        ),
    ],
)
def test_phone_lays_out_pages_as_their_viewport_meta_tag_says(
    new_page: NewPage, head: str, fits: bool
) -> None:
    page = new_page(PHONE)
    page.set_content(f"<!DOCTYPE html><head>{head}</head><p>Hello")
    assert (page.evaluate("window.innerWidth") == PHONE.width) is fits


# -- error pages --------------------------------------------------------------------


@pytest.fixture(scope="module")
def error_servers() -> Iterator[dict[str, str]]:
    """The base URL of each error app, by its name in browser_apps.py."""
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(served(f"{APPS}:{name}"))
            for name in ("errors", "debug_errors")
        }


#: Sent with every request of an error page test: the debug 500 shows the
#: first, which no screen is wide enough for, and masks the second.
LONG_HEADER = "header-" + "h" * 300
SECRET = "Bearer secret-token-0123456789"
HEADERS = {"X-Long": LONG_HEADER, "Authorization": SECRET}
LONG_QUERY = "query-" + "q" * 300

ERROR_PAGES = [
    pytest.param("errors", "/nowhere", 404, "404 Not Found", id="404"),
    pytest.param("errors", "/unauthorized", 401, "401 Unauthorized", id="401"),
    pytest.param("errors", "/forbidden", 403, "403 Forbidden", id="403-raised"),
    pytest.param("errors", "/private", 403, "403 Forbidden", id="403-permission"),
    pytest.param("errors", "/submit", 405, "405 Method Not Allowed", id="405"),
    pytest.param("errors", "/boom", 500, "500 Internal Server Error", id="500"),
    pytest.param(
        "debug_errors",
        f"/boom?q={LONG_QUERY}",
        500,
        "500 Internal Server Error",
        id="debug-500",
    ),
    pytest.param("debug_errors", "/" + "n" * 300, 404, "404 Not Found", id="debug-404"),
    pytest.param(
        "debug_errors", "/private", 403, "403 Forbidden", id="debug-403-permission"
    ),
    pytest.param(
        "debug_errors", "/submit", 405, "405 Method Not Allowed", id="debug-405"
    ),
]


@pytest.fixture(scope="module", params=[PHONE, DESKTOP], ids=["375px", "1280px"])
def error_tab(request: pytest.FixtureRequest, chromium: Browser) -> Iterator[Page]:
    """A page the size of a phone's or a desktop's screen, shared.

    Each test loads its error page in it: a page of its own for each would
    double the time these tests take, and no state outlives a ``goto()``.
    """
    page = open_page(chromium, request.param)
    page.set_extra_http_headers(HEADERS)
    yield page
    page.context.close()


@pytest.mark.parametrize(("app", "path", "status", "title"), ERROR_PAGES)
def test_error_page_renders_and_fits_the_screen(
    error_tab: Page,
    decoder: Page,
    error_servers: dict[str, str],
    app: str,
    path: str,
    status: int,
    title: str,
) -> None:
    page = error_tab
    response = page.goto(error_servers[app] + path)
    assert response is not None
    assert response.status == status
    assert response.header_value("Content-Type") == "text/html; charset=UTF-8"
    assert page.title() == title
    assert not is_blank(page, decoder)
    assert horizontal_overflow(page) == 0
    # On a phone, the page's <meta name="viewport"> applies: without one, the
    # page is laid out 980 px wide, then shrunk to fit.
    viewport = page.viewport_size
    assert viewport is not None
    assert page.evaluate("window.innerWidth") == viewport["width"]


def test_debug_500_page_shows_the_failure_and_the_request(
    new_page: NewPage, error_servers: dict[str, str]
) -> None:
    page = new_page(DESKTOP)
    page.set_extra_http_headers(HEADERS)
    page.goto(error_servers["debug_errors"] + f"/boom?q={LONG_QUERY}")
    text = page.inner_text("body")
    assert f"RuntimeError: {FAILURE}" in text
    assert "browser_apps.py" in text  # the frame of the view,
    assert "raise RuntimeError(FAILURE)" in text  # and its source line
    assert LONG_QUERY in text
    assert LONG_HEADER in text
    assert "secret-token" not in page.content()


def test_debug_404_page_lists_the_routes(
    new_page: NewPage, error_servers: dict[str, str]
) -> None:
    page = new_page(DESKTOP)
    page.goto(error_servers["debug_errors"] + "/nowhere")
    text = page.inner_text("body")
    for pattern in ("/unauthorized", "/forbidden", "/private", "/boom", LONG_PATTERN):
        assert pattern in text
    # One row per route: its pattern, its methods and its name.
    submit = page.locator("tr", has_text="/submit")
    assert submit.count() == 1
    assert "POST" in submit.inner_text()
    assert "submit" in submit.inner_text().replace("/submit", "")


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"/boom?q={LONG_QUERY}", id="debug-500"),
        pytest.param("/nowhere", id="debug-404"),
    ],
)
def test_debug_page_tables_keep_their_labels_whole_on_a_phone(
    new_page: NewPage, error_servers: dict[str, str], path: str
) -> None:
    page = new_page(PHONE)
    page.set_extra_http_headers(HEADERS)
    page.goto(error_servers["debug_errors"] + path)
    assert page.locator("th").count() >= 3
    # The long values wrap in their cells, not the labels beside them.
    assert words_cut(page, "th") == []


# -- CORS: a page on one port calls an API on another -------------------------------


@pytest.fixture(scope="module")
def pages_url() -> Iterator[str]:
    """The origin of the pages that call the API: ``http://127.0.0.1:<port>``."""
    with served(f"{APPS}:pages") as url:
        yield url


@pytest.fixture(scope="module")
def allowing_api(pages_url: str) -> Iterator[str]:
    """The API, letting the pages of *pages_url* call it."""
    with served(f"{APPS}:api", {ORIGIN_VARIABLE: pages_url}) as url:
        yield url


@pytest.fixture(scope="module")
def refusing_api(pages_url: str) -> Iterator[str]:
    """The API, letting another origin call it: the same server by name."""
    other = pages_url.replace("127.0.0.1", "localhost")
    with served(f"{APPS}:api", {ORIGIN_VARIABLE: other}) as url:
        yield url


SIMPLE = pytest.param("GET", {}, id="simple-GET")
# A PUT with a JSON body: the browser asks the server first (a preflight).
PREFLIGHTED = pytest.param(
    "PUT",
    {"headers": {"Content-Type": "application/json"}, "body": '{"text": "call mom"}'},
    id="preflighted-PUT",
)


def server_log(api_url: str, path: str) -> list[list[Any]]:
    """What the API was asked for *path*: ``[method, path, origin, status]``."""
    with urllib.request.urlopen(api_url + "/log", timeout=TIMEOUT) as response:
        log: list[list[Any]] = json.load(response)
    return [entry for entry in log if entry[1] == path]


@pytest.mark.parametrize(("method", "init"), [SIMPLE, PREFLIGHTED])
def test_cors_page_of_the_allowed_origin_reads_the_json(
    new_page: NewPage,
    pages_url: str,
    allowing_api: str,
    method: str,
    init: dict[str, Any],
) -> None:
    page = new_page(DESKTOP)
    page.goto(pages_url + "/")
    key = uuid.uuid4().hex  # this test's own, to find in the log
    path = f"/notes/{key}"

    answer = fetch(page, allowing_api + path, method, **init)

    text = "call mom" if method == "PUT" else "buy milk"
    assert answer == {"status": 200, "json": {"key": key, "text": text}}
    asked = [[method, path, pages_url, 200]]
    if method == "PUT":
        asked.insert(0, ["OPTIONS", path, pages_url, 204])
    assert server_log(allowing_api, path) == asked


@pytest.mark.parametrize(("method", "init"), [SIMPLE, PREFLIGHTED])
def test_cors_page_of_another_origin_is_blocked_by_the_browser(
    new_page: NewPage,
    pages_url: str,
    refusing_api: str,
    method: str,
    init: dict[str, Any],
) -> None:
    page = new_page(DESKTOP)
    page.goto(pages_url + "/")
    path = f"/notes/{uuid.uuid4().hex}"  # this test's own, to find in the log

    answer = fetch(page, refusing_api + path, method, **init)

    assert answer == {"error": "TypeError"}
    if method == "GET":
        # The server answered; the browser kept the answer from the page.
        assert server_log(refusing_api, path) == [["GET", path, pages_url, 200]]
    else:
        # The server answered the preflight without allowing the origin, and
        # the browser never sent the PUT.
        assert server_log(refusing_api, path) == [["OPTIONS", path, pages_url, 200]]


def test_the_browser_reaches_no_host_but_127_0_0_1(
    new_page: NewPage, pages_url: str, allowing_api: str
) -> None:
    page = new_page(DESKTOP)
    page.goto(pages_url + "/")
    # "no-cors": an answer from another origin is fetched, if the browser
    # may send the request at all, and is opaque (status 0) to the page.
    assert fetch(page, allowing_api + "/log", mode="no-cors") == {"status": 0}
    # localhost is 127.0.0.1 too, by name: the browser may not look it up.
    by_name = allowing_api.replace("127.0.0.1", "localhost")
    assert fetch(page, by_name + "/log", mode="no-cors") == {"error": "TypeError"}
