"""The manual's page on the command lists what ``--help`` lists.

``docs/reference/cli.rst`` is written by hand; these tests read the help
of each command, as a user runs it, so that an option added, renamed or
given a new default cannot be left out of the page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = Path(__file__).parent.parent / "docs" / "reference" / "cli.rst"
# An option line of argparse's help: "  --port PORT  the TCP port (default: ...".
OPTION_LINE = re.compile(r"^  (?P<option>--[a-z][a-z-]*)(?: (?P<metavar>[A-Z]+))?")
DEFAULT = re.compile(r"\(default: (?P<value>[^;,)\s]+)")


def help_text(command: str) -> str:
    finished = subprocess.run(
        [sys.executable, "-m", "httpx_views", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        # Wide enough that argparse keeps each option's help on its lines.
        env={**os.environ, "COLUMNS": "200"},
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def options(help: str) -> dict[str, tuple[str | None, str]]:
    """``--option`` -> (its metavar, its help text), from argparse's help."""
    found = {}
    for line in help.splitlines():
        match = OPTION_LINE.match(line)
        if match and match["option"] != "--help":
            found[match["option"]] = (match["metavar"], line[match.end() :].strip())
    return found


def page_entry(option: str) -> str:
    """The page's definition of *option*: its term and indented text."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(f"``{option}")]
    assert starts, f"{option} is not defined on {PAGE.name}"
    entry = [lines[starts[0]]]
    for line in lines[starts[0] + 1 :]:
        if line and not line.startswith(" "):
            break
        entry.append(line)
    return "\n".join(entry)


@pytest.mark.parametrize("command", ["serve", "routes"])
def test_the_page_has_a_section_for_each_command(command: str) -> None:
    assert f"``httpx-views {command}``" in PAGE.read_text(encoding="utf-8")


def test_serve_lists_the_options_it_has() -> None:
    # If argparse's format changed, the tests below would check nothing.
    assert set(options(help_text("serve"))) >= {"--host", "--port", "--debug"}


@pytest.mark.parametrize("command", ["serve", "routes"])
def test_every_option_is_on_the_page_with_its_metavar(command: str) -> None:
    for option, (metavar, _) in options(help_text(command)).items():
        term = f"``{option} {metavar}``" if metavar else f"``{option}``"
        assert page_entry(option).startswith(term), f"write {term} on the page"


@pytest.mark.parametrize("command", ["serve", "routes"])
def test_every_default_is_on_the_page(command: str) -> None:
    for option, (_, text) in options(help_text(command)).items():
        default = DEFAULT.search(text)
        if default is not None:
            expected = f"Default: ``{default['value']}``"
            assert expected in page_entry(option), f"{option}: say {expected}"
