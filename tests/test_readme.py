"""The README's Python snippets run as written."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from webtest import TestApp

README = Path(__file__).parent.parent / "README.rst"


def python_blocks(text: str) -> list[str]:
    """Return the ``.. code-block:: python`` bodies of *text*, in order."""
    blocks = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() != ".. code-block:: python":
            continue
        body = []
        for following in lines[index + 1 :]:
            if following and not following.startswith(" "):
                break
            body.append(following)
        blocks.append(textwrap.dedent("\n".join(body)).strip() + "\n")
    return blocks


def run_blocks_until(heading: str) -> dict[str, Any]:
    """Run, in one namespace, the snippets that come before *heading*."""
    text = README.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "readme"}
    for block in python_blocks(text[: text.index(f"\n{heading}\n")]):
        exec(compile(block, str(README), "exec"), namespace)
    return namespace


def test_readme_framework_snippets_run_and_serve() -> None:
    namespace = run_blocks_until("Testing your views")
    client = TestApp(namespace["app"])  # the security section's App
    res = client.post("/notes", "hi", status=401)
    assert res.headers["WWW-Authenticate"] == 'Bearer realm="notes"'
    res = client.post("/notes", "hi", headers={"X-Token": "alice-token"})
    assert res.json == {"saved": "hi"}


def test_readme_pitch_example_raises_unauthorized() -> None:
    text = README.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(python_blocks(text)[0], namespace)
    client = TestApp(namespace["app"])
    assert client.get("/hello").text == "Hello, World!"
    assert client.get("/secret", status=401).headers["WWW-Authenticate"]


def test_readme_response_example_sets_what_it_says() -> None:
    namespace = run_blocks_until(
        "Error handling: Not Found, Forbidden and exception views"
    )
    res = TestApp(namespace["app"]).get("/report.csv")
    assert res.content_type == "text/csv"
    assert res.headers["Cache-Control"] == "max-age=300"
    assert res.headers["Set-Cookie"].startswith("seen=1; Max-Age=3600; Path=/;")
    assert "HttpOnly" in res.headers["Set-Cookie"]
    assert res.text == "day,visits\n2026-11-27,42\n"


def test_readme_middleware_snippets_do_what_they_say() -> None:
    namespace = run_blocks_until("Testing your views")
    client = TestApp(namespace["app"], lint=True)
    login = client.post("/login", status=303)
    assert login.headers.getall("Set-Cookie") == ["session=abc123; Path=/"]
    assert login.headers["X-Frame-Options"] == "DENY"
    missing = client.get("/nowhere", status=404)
    assert missing.headers["X-Content-Type-Options"] == "nosniff"
    preflight = client.options(
        "/notes",
        headers={
            "Origin": "https://notes.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Token",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == (
        "https://notes.example.com"
    )
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    refused = client.get(
        "/nowhere", headers={"Origin": "https://evil.example"}, status=404
    )
    assert not any(name.startswith("Access-Control-") for name in refused.headers)


def template_blocks(text: str) -> dict[str, str]:
    """The ``.. code-block:: html+jinja`` bodies of *text*, by the file named
    in their first line, a Jinja comment: ``{# templates/notes.html #}``."""
    text = text.replace(".. code-block:: html+jinja", ".. code-block:: python")
    files = {}
    for block in python_blocks(text):
        first, _, rest = block.partition("\n")
        if first.startswith("{# ") and first.endswith(" #}"):
            files[first[3:-3]] = rest
    return files


def test_readme_html_snippets_do_what_they_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = README.read_text(encoding="utf-8")
    section = section[section.index("\nHTML applications\n") :]
    section = section[: section.index("\nDeploying\n")]
    templates = template_blocks(section)
    assert sorted(templates) == ["templates/404.html", "templates/notes.html"]
    for name, source in templates.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("h1 { color: red }\n")
    monkeypatch.chdir(tmp_path)  # the snippets name templates/ and static/
    namespace: dict[str, Any] = {"__name__": "readme"}
    for block in python_blocks(section):
        exec(compile(block, str(README), "exec"), namespace)

    client = TestApp(namespace["app"], lint=True)
    home = client.get("/")
    assert home.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "<li>Buy milk</li>" in home.text
    assert '<link rel="stylesheet" href="http://localhost/static/style.css">' in (
        home.text
    )
    form = home.forms[0]
    form["text"] = "<b>Call Ann</b>"
    shown = form.submit(status=303).follow()
    assert "<li>&lt;b&gt;Call Ann&lt;/b&gt;</li>" in shown.text
    refused = client.post("/", {"text": " "}, status=422)
    assert "<p>Write something.</p>" in refused.text
    missing = client.get("/nowhere", status=404)
    assert "<code>/nowhere</code>" in missing.text
    # WhiteNoise, inside the App, answers /static/ before add_static does.
    css = client.get("/static/style.css")
    assert css.text == "h1 { color: red }\n"
    assert css.headers["Access-Control-Allow-Origin"] == "*"  # WhiteNoise's own
