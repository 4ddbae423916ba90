"""Chromium for the browser tests, and the servers its pages come from.

A pytest plugin (``tests/conftest.py`` lists it in ``pytest_plugins``) that
test modules also import as ``browser``, as they import ``harness``::

    from browser import DESKTOP, NewPage, served

    @pytest.fixture(scope="module")
    def notes() -> Iterator[str]:
        with served("examples/notes/app.py:app") as url:
            yield url

    def test_notes_home(new_page: NewPage, notes: str) -> None:
        page = new_page(DESKTOP)
        assert page.goto(notes + "/").status == 200

One Chromium (Debian's, not Playwright's download) is launched for the
whole session; ``new_page`` gives each test pages in contexts of their
own, so that nothing a test does (cookies, cache, the preflight cache) is
seen by another. The browser cannot reach any host but 127.0.0.1: every
other name and address fails to resolve.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import pytest
from harness import TIMEOUT, read_port, spawn

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Where Chromium is looked for, in this order: on the PATH, then Debian's.
CHROMIUM = ("chromium", "/usr/bin/chromium")
MISSING_CHROMIUM = (
    "the browser tests (marker 'browser') need Chromium, found neither on "
    "the PATH nor at /usr/bin/chromium: install it (Debian, Ubuntu: "
    "'apt-get install -y chromium'), or leave these tests out with "
    "-m 'not browser'"
)
# Playwright adds --headless, and a fresh profile directory of its own
# (it refuses --user-data-dir with launch()).
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root, where the sandbox cannot start
    "--disable-gpu",
    # Without these Chromium calls Google's hosts, which this machine refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # No name or address resolves but 127.0.0.1, so no request can leave
    # the loopback interface, whatever a page asks for (test_browser.py
    # checks it).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
#: Playwright's bound on every wait (navigation, evaluation, screenshot), in ms.
WAIT_MS = 10_000


class Screen(NamedTuple):
    """The size of a browser window, and whether it is a phone's."""

    width: int
    height: int
    #: A phone honours the page's ``<meta name="viewport">``; a desktop
    #: browser ignores it.
    mobile: bool


PHONE = Screen(375, 667, mobile=True)
DESKTOP = Screen(1280, 800, mobile=False)

#: ``new_page(screen)``: a page in a context of its own (see :func:`new_page`).
NewPage = Callable[[Screen], "Page"]


def find_chromium(candidates: Sequence[str] = CHROMIUM) -> str:
    """The path of the first of *candidates* that is an executable.

    Fails the test (never skips it) when there is none: CI installs
    Chromium, and a browser test that did not run must not look passed.
    """
    for candidate in candidates:
        path = shutil.which(candidate)
        if path is not None:
            return path
    pytest.fail(MISSING_CHROMIUM, pytrace=False)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Chromium, launched once for the session, closed at its end."""
    executable = find_chromium()
    # Imported here: every pytest run loads this plugin, few use a browser.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Browser, screen: Screen) -> Page:
    """A page in a new context of *browser*; close it with ``page.context``.

    Opening a page starts a renderer process, some tenths of a second: tests
    that only load one page after another may share one (a module-scoped
    fixture), each ``goto()`` a new document.
    """
    context = browser.new_context(
        viewport={"width": screen.width, "height": screen.height},
        is_mobile=screen.mobile,
        has_touch=screen.mobile,
    )
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    return context.new_page()


@pytest.fixture
def new_page(chromium: Browser) -> Iterator[NewPage]:
    """``new_page(screen)`` opens a page of its own (:func:`open_page`).

    All are closed after the test.
    """
    pages: list[Page] = []

    def new(screen: Screen) -> Page:
        page = open_page(chromium, screen)
        pages.append(page)
        return page

    yield new
    for page in pages:
        page.context.close()


# -- what a page looks like ----------------------------------------------------------


@pytest.fixture(scope="session")
def decoder(chromium: Browser) -> Iterator[Page]:
    """A blank page, in a context of its own, that decodes screenshots."""
    context = chromium.new_context()
    context.set_default_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# Draws a PNG (a data: URL) on a canvas and counts the pixels whose colour
# is not the top-left one's: 0 exactly when the image is one colour.
_COUNT_INK = """async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    const pixels = new Uint32Array(data.buffer);
    let ink = 0;
    for (const pixel of pixels) if (pixel !== pixels[0]) ink++;
    return ink;
}"""


def ink(page: Page, decoder: Page) -> int:
    """How many pixels of *page*'s screenshot differ from its top-left one.

    The top-left pixel is the page's background, unless something is drawn
    there; either way, 0 means a screenshot of one colour: a blank page.

    :param decoder: the page that decodes the PNG (the ``decoder`` fixture):
        not *page* itself, whose scripts or Content-Security-Policy must not
        matter, nor a new page each time, which costs a renderer process.
    """
    png = page.screenshot(type="png")
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    count: int = decoder.evaluate(_COUNT_INK, url)
    return count


def is_blank(page: Page, decoder: Page) -> bool:
    """Whether *page*'s screenshot is one colour: nothing painted on it."""
    return ink(page, decoder) == 0


def horizontal_overflow(page: Page) -> int:
    """By how many CSS pixels the page is wider than the window (0: it fits)."""
    overflow: int = page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )
    return overflow


# The texts of the elements that take more lines than they have words
# (counting "Accept-Encoding" as two): a word of theirs is cut in two.
_WORDS_CUT = """(selector) => {
    const elements = [...document.querySelectorAll(selector)];
    return elements.filter(element => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const tops = [...range.getClientRects()].map(rect => Math.round(rect.top));
        const words = element.textContent.trim().split(/[\\s-]+/).length;
        return new Set(tops).size > words;
    }).map(element => element.textContent);
}"""


def words_cut(page: Page, selector: str) -> list[str]:
    """The texts of the elements matching *selector* that break inside a word.

    ``words_cut(page, "th")``: a table's labels should stay whole while
    its cells wrap a long value.
    """
    texts: list[str] = page.evaluate(_WORDS_CUT, selector)
    return texts


# The page's fetch(): the status and JSON its script could read, else the
# name of the error (a TypeError: the browser refused the request or hid
# its answer).
_FETCH = """async ([url, init]) => {
    try {
        const response = await fetch(url, init);
        const answer = { status: response.status };
        if (response.headers.get("Content-Type") === "application/json")
            answer.json = await response.json();
        return answer;
    } catch (error) {
        return { error: error.name };
    }
}"""


def fetch(page: Page, url: str, method: str = "GET", **init: Any) -> dict[str, Any]:
    """What ``fetch(url)`` in *page*'s script gives it.

    ::

        fetch(page, api + "/notes/1", "PUT", body='{"text": "x"}')
        # {"status": 200, "json": {...}}, or {"error": "TypeError"}

    :param init: the other members of ``fetch()``'s second argument.
    """
    answer: dict[str, Any] = page.evaluate(_FETCH, [url, {"method": method, **init}])
    return answer


# -- the servers ---------------------------------------------------------------------

#: What ``httpx-views serve`` prints once it listens.
SERVING = r"^Serving \S+ on http://127\.0\.0\.1:(\d+) "


@contextmanager
def served(target: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve *target* with ``httpx-views serve`` in a process; its base URL.

    ::

        with served("tests/browser_apps.py:errors") as url:
            page.goto(url + "/nowhere")  # url: "http://127.0.0.1:<port>"

    The server listens on a free port of 127.0.0.1, in a process group of
    its own, with *env* added to this process's environment; it is stopped
    (SIGTERM, then SIGKILL) when the block ends.

    :param target: ``path/to/file.py:attribute`` or ``module:attribute``.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        process = spawn(
            sys.executable,
            "-m",
            "httpx_views",
            "serve",
            target,
            "--port",
            "0",
            new_session=True,
        )
    readers: list[threading.Thread] = []
    try:
        port = read_port(process, SERVING)
        # The server logs every request (stdout) and error (stderr): read
        # both, so that a full pipe can never block it.
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            reader = threading.Thread(target=_discard, args=(stream,), daemon=True)
            reader.start()
            readers.append(reader)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
        for reader in readers:  # they end at the end of the output
            reader.join(TIMEOUT)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _discard(stream: IO[bytes]) -> None:
    while stream.read(65536):
        pass


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL if need be.

    SIGTERM first: ``serve`` then stops cleanly, and the coverage measured
    in the server is saved.
    """
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, stop_signal)
        except ProcessLookupError:  # ended between poll() and killpg()
            return
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            continue
