"""Every Python example in the manual, the README and the docstrings runs.

The rules, for whoever writes a page (``docs/**/*.rst`` and ``README.rst``):

- A ``.. code-block:: python`` block runs, in the order of the page, in one
  namespace per page, in a fresh temporary directory that is also on
  ``sys.path``.
- A ``.. code-block:: pycon`` block is a doctest in that same namespace: what
  it shows after ``>>>`` must be what Python prints.
- A block of any language whose ``:caption:`` is a relative file name
  (``:caption: notes/app.py``, ``:caption: templates/404.html``) is a file:
  it is written there before the page's first block runs, so later blocks can
  import it or load it, and it is not run itself. If a page writes files named
  ``test_*.py``, pytest runs them afterwards and they must pass.
- A Python block that cannot run (a fragment of a larger example) is preceded
  by the comment ``.. not-run: <why>``; the reason is required.
- There are no bare ``::`` literal blocks, nor ``code``, ``sourcecode``,
  ``literalinclude`` or ``testcode`` directives, so no Python hides from this
  file.

In docstrings, examples are doctests (``>>>``), which doctest runs; any other
literal block there needs the same ``.. not-run:`` comment.
"""

from __future__ import annotations

import doctest
import gc
import importlib
import pkgutil
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import httpx_views

ROOT = Path(__file__).parent.parent
PAGES = sorted(
    [ROOT / "README.rst"]
    + [page for page in (ROOT / "docs").rglob("*.rst") if "_build" not in page.parts]
)
RUN_AS_CODE = {"python", "py", "python3"}
RUN_AS_DOCTEST = {"pycon"}
DIRECTIVE = re.compile(r"^(?P<indent> *)\.\. code-block:: *(?P<language>\S+) *$")
OPTION = re.compile(r"^ +:(?P<name>[\w-]+):(?: +(?P<value>.*))?$")
NOT_RUN = re.compile(r"^ *\.\. not-run:(?P<reason>.*)$")
FILE_NAME = re.compile(r"^(?!/)(?!.*\.\.)[\w./-]+\.\w+$")
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Block:
    """One ``.. code-block::`` of a page."""

    language: str
    line: int  # of the directive, counting from 1
    source: str
    options: dict[str, str] = field(default_factory=dict)
    not_run: str | None = None  # the reason, when marked

    @property
    def file_name(self) -> str | None:
        caption = self.options.get("caption", "")
        return caption if FILE_NAME.match(caption) else None


def code_blocks(text: str) -> list[Block]:
    """The ``.. code-block::`` directives of reStructuredText *text*, in order."""
    lines = text.splitlines()
    blocks = []
    for index, line in enumerate(lines):
        directive = DIRECTIVE.match(line)
        if directive is None:
            continue
        indent = len(directive["indent"])
        options = {}
        body_start = index + 1
        while body_start < len(lines) and (option := OPTION.match(lines[body_start])):
            options[option["name"]] = (option["value"] or "").strip()
            body_start += 1
        body = []
        for following in lines[body_start:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        previous = [text for text in lines[:index] if text.strip()]
        marker = NOT_RUN.match(previous[-1]) if previous else None
        blocks.append(
            Block(
                language=directive["language"],
                line=index + 1,
                source=textwrap.dedent("\n".join(body)).strip("\n") + "\n",
                options=options,
                not_run=marker["reason"].strip() if marker else None,
            )
        )
    return blocks


# Other ways to show code, which this file would not run.
UNCOLLECTED = re.compile(r"^ *\.\. (code|sourcecode|literalinclude|testcode)::")


def bare_literal_blocks(text: str) -> list[int]:
    """Line numbers of paragraphs ending in ``::`` (a literal of no language),
    and of code directives other than ``code-block``."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if (line.rstrip().endswith("::") and not line.lstrip().startswith(".."))
        or UNCOLLECTED.match(line)
    ]


def run_page(page: Path, directory: Path) -> list[Path]:
    """Write *page*'s files into *directory*, run its Python blocks there in
    order, and return the test files it wrote."""
    blocks = code_blocks(page.read_text(encoding="utf-8"))
    name = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
    written = []
    for block in blocks:
        if block.file_name is not None and block.not_run is None:
            target = directory / block.file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.source, encoding="utf-8")
            written.append(target)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    parser = doctest.DocTestParser()
    try:
        for block in blocks:
            if block.not_run is not None or block.file_name is not None:
                continue
            where = f"{name}:{block.line}"
            if block.language in RUN_AS_CODE:
                exec(compile(block.source, where, "exec"), namespace)
            elif block.language in RUN_AS_DOCTEST:
                test = parser.get_doctest(block.source, namespace, where, where, 0)
                output: list[str] = []
                result = runner.run(test, out=output.append, clear_globs=False)
                namespace.update(test.globs)  # DocTest ran on a copy
                test.globs.clear()
                assert result.failed == 0, "".join(output)
    finally:
        # A logged traceback outlives the page and holds its frames' globals:
        # empty them, so that what the page left open is freed (and reported)
        # now, while this page's test runs.
        namespace.clear()
    return [path for path in written if path.name.startswith("test_")]


@pytest.fixture
def page_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory on ``sys.path``; the modules a page imports
    from it are forgotten afterwards, so the next page's ``app.py`` is its own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    # What the page left open (a database connection, a file) is reported on
    # this page, not on whichever page the collector happens to run in next.
    gc.collect()
    for name in set(sys.modules) - before:
        module = sys.modules[name]
        places = [getattr(module, "__file__", None) or ""]
        places += list(getattr(module, "__path__", []))  # namespace packages
        if any(place.startswith(str(tmp_path)) for place in places):
            del sys.modules[name]


@pytest.mark.parametrize(
    "page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES]
)
def test_page_examples_run(page: Path, page_directory: Path) -> None:
    test_files = run_page(page, page_directory)
    if test_files:
        assert_tests_pass(test_files, page_directory)


def assert_tests_pass(test_files: list[Path], directory: Path) -> None:
    """Run the test files a page wrote with pytest, in *directory*."""
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *test_files],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert " passed" in finished.stdout


@pytest.mark.parametrize(
    "page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES]
)
def test_page_marks_every_block_it_does_not_run(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert bare_literal_blocks(text) == [], "give each literal block a language"
    for block in code_blocks(text):
        if block.not_run is not None:
            assert block.not_run, f"line {block.line}: say why it does not run"


LINK = re.compile(r"`[^`<]*<(?P<target>[^>]+)>`_|^\.\. image:: (?P<image>\S+)", re.M)


def test_readme_links_to_files_that_exist() -> None:
    """The README links into the manual by path (Sphinx checks the manual)."""
    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    targets = [found["target"] or found["image"] for found in LINK.finditer(text)]
    local = [target for target in targets if "://" not in target]
    assert "docs/index.rst" in local
    assert [target for target in local if not (ROOT / target).exists()] == []


def public_modules() -> list[str]:
    names = ["httpx_views"]
    for module in pkgutil.iter_modules(httpx_views.__path__):
        names.append(f"httpx_views.{module.name}")
    return names


@pytest.mark.parametrize("module_name", public_modules())
def test_docstring_examples_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    output: list[str] = []
    for test in doctest.DocTestFinder().find(module, module_name):
        runner.run(test, out=output.append)
        literal_lines = [
            line
            for line in (test.docstring or "").splitlines()
            if line.rstrip().endswith("::") or DIRECTIVE.match(line)
        ]
        for block in code_blocks(test.docstring or ""):
            assert block.not_run or block.source.startswith(">>>"), (
                f"{test.name}: an example that is not a doctest needs "
                "'.. not-run: <why>'"
            )
        bare = [line for line in literal_lines if not line.lstrip().startswith("..")]
        assert bare == [], f"{test.name}: write examples as doctests (>>>)"
    assert runner.failures == 0, "".join(output)


# The rules above, checked on pages made up to break them.


def test_a_failing_block_fails_its_page(tmp_path: Path, page_directory: Path) -> None:
    page = tmp_path / "page.rst"
    page.write_text(".. code-block:: python\n\n    assert 1 == 2\n")
    with pytest.raises(AssertionError):
        run_page(page, page_directory)


def test_a_wrong_doctest_output_fails_its_page(
    tmp_path: Path, page_directory: Path
) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        ".. code-block:: python\n\n    x = 1\n\n"
        ".. code-block:: pycon\n\n    >>> y = x + 1\n\n"
        ".. code-block:: pycon\n\n    >>> y\n    3\n"
    )
    with pytest.raises(AssertionError, match="Expected"):
        run_page(page, page_directory)


def test_files_are_written_before_blocks_run_and_marked_blocks_skipped(
    tmp_path: Path, page_directory: Path
) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        ".. code-block:: python\n\n    from shop import PRICE\n\n"
        ".. not-run: a fragment\n\n"
        ".. code-block:: python\n\n    raise SystemExit(1)\n\n"
        ".. code-block:: python\n   :caption: shop.py\n\n    PRICE = 3\n\n"
        ".. code-block:: python\n   :caption: test_shop.py\n\n"
        "    def test_price():\n        assert False\n"
    )
    tests = run_page(page, page_directory)
    assert [path.name for path in tests] == ["test_shop.py"]
    assert (page_directory / "shop.py").read_text() == "PRICE = 3\n"
    with pytest.raises(AssertionError, match="1 failed"):
        assert_tests_pass(tests, page_directory)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Run this::\n\n    x = 1\n", [1]),
        ("Text.\n\n.. code:: python\n\n    x = 1\n", [3]),
        ("  .. literalinclude:: app.py\n", [1]),
        (".. code-block:: python\n\n    x = 1\n", []),
        (".. note::\n\n   Not code.\n", []),
    ],
)
def test_code_the_collector_would_miss_is_found(text: str, lines: list[int]) -> None:
    assert bare_literal_blocks(text) == lines


def test_blocks_end_where_their_indentation_does() -> None:
    text = (
        "- item\n\n  .. code-block:: python\n     :caption: a.py\n\n"
        "     x = 1\n\n       y = 2\n\n  After.\n"
    )
    [block] = code_blocks(text)
    assert (block.language, block.line, block.options) == (
        "python",
        3,
        {"caption": "a.py"},
    )
    assert block.source == "x = 1\n\n  y = 2\n"


@pytest.mark.parametrize(
    ("caption", "file_name"),
    [
        ("app.py", "app.py"),
        ("templates/404.html", "templates/404.html"),
        ("The application", None),
        ("/etc/passwd.txt", None),
        ("../outside.py", None),
    ],
)
def test_only_relative_file_names_are_files(
    caption: str, file_name: str | None
) -> None:
    assert Block("python", 1, "", {"caption": caption}).file_name == file_name


@pytest.mark.parametrize(
    ("reference", "builds"),
    [(":class:`httpx_views.App`", True), (":class:`httpx_views.Ap`", False)],
)
def test_the_manual_fails_on_a_broken_reference(
    tmp_path: Path, reference: str, builds: bool
) -> None:
    """docs/conf.py makes an unresolved reference an error under ``-W``."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "index.rst").write_text(
        f"Title\n=====\n\nSee {reference}.\n\n.. py:class:: httpx_views.App\n"
    )
    confdir, html = ROOT / "docs", tmp_path / "html"
    finished = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-c", confdir, source, html],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (finished.returncode == 0) is builds, finished.stderr
    if not builds:
        assert "reference target not found: httpx_views.Ap" in finished.stderr


def test_benchmark_table_shows_each_median_and_our_ratios(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "docs" / "_ext"))
    from benchmark_table import simple_table, table_rows

    def cell(row: str, contestant: str, median: float | None) -> dict[str, Any]:
        return {"row": row, "contestant": contestant, "median_us": median}

    results = {
        "contestants": ["webob", "httpx_views", "falcon"],
        "rows": ["hello", "nope@0"],
        "cells": [
            cell("hello", "webob", 12.0),
            cell("hello", "httpx_views", 4.5),
            cell("hello", "falcon", 9.0),
            cell("nope@0", "webob", 1234.5),
            cell("nope@0", "httpx_views", None),
            cell("nope@0", "falcon", 3.0),
        ],
    }
    assert table_rows(results) == [
        ["scenario", "webob", "httpx_views", "falcon", "x falcon", "x webob"],
        ["hello", "12", "4.5", "9", "0.50", "0.38"],
        ["nope\\@0", "1,234", "failed", "3", "", ""],
    ]
    assert simple_table([["a", "bb"], ["ccc", "d"]]) == [
        "===  ==",
        "a    bb",
        "===  ==",
        "ccc  d ",
        "===  ==",
    ]
