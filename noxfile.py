"""The test matrix: the suite on every supported Python, and on the lowest WebOb.

``nox`` runs the matrix (the sessions tagged ``matrix``); ``nox -s tests-3.12``
runs one session, ``nox -s mutation`` the mutation testing, and arguments
after ``--`` go to pytest (``nox -s tests_lowest_webob -- -x tests/test_app.py``).
An interpreter this machine lacks is skipped with a printed line, not an
error, on CI too. Interpreters installed with pyenv are found without
``pyenv shell`` or ``pyenv local``. Nothing is downloaded but packages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# The lowest WebOb pyproject.toml allows, on the oldest Python; on 3.13 and
# later the floor is 1.8.9, the first WebOb without the stdlib cgi module.
LOWEST_WEBOB = "1.8.8"

nox.options.sessions = ["tests", "tests_lowest_webob"]
# nox makes a missing interpreter an error when CI is set; a machine without
# one of the Pythons still runs the others, and says which it skipped.
nox.options.error_on_missing_interpreters = False
# Never fetch an interpreter from the network: use what the machine has.
nox.options.download_python = "never"


def _pyenv_pythons() -> None:
    """Let pyenv's shims answer ``python3.X`` for every installed 3.X.

    pyenv's shims answer only for the active versions; PYENV_VERSION may
    name several, the first staying ``python`` and ``python3``.
    """
    if "PYENV_VERSION" in os.environ or shutil.which("pyenv") is None:
        return
    try:
        active = _output("pyenv", "version-name").strip().split(":")
        installed = _output("pyenv", "versions", "--bare").split()
    except (OSError, subprocess.CalledProcessError):
        return
    newest: dict[str, tuple[int, str]] = {}
    for name in installed:
        match = re.fullmatch(r"(3\.\d+)\.(\d+)", name)
        if match and match[1] in PYTHONS:
            patch = int(match[2])
            if match[1] not in newest or patch > newest[match[1]][0]:
                newest[match[1]] = (patch, name)
    extra = [name for _, name in newest.values() if name not in active]
    if extra:
        os.environ["PYENV_VERSION"] = ":".join([*active, *extra])


def _output(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


_pyenv_pythons()


def _pytest(session: nox.Session) -> None:
    session.run(
        "python",
        "-c",
        "import sys, importlib.metadata as m; "
        "print('Python', sys.version.split()[0], '| WebOb', m.version('webob'))",
    )
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python=PYTHONS, tags=["matrix"])
def tests(session: nox.Session) -> None:
    """The whole suite, with the newest dependencies."""
    session.install("-e", ".[test]")
    _pytest(session)


@nox.session(python=PYTHONS[0], tags=["matrix"])
def tests_lowest_webob(session: nox.Session) -> None:
    """The whole suite with the lowest WebOb allowed."""
    session.install("-e", ".[test]", f"webob=={LOWEST_WEBOB}")
    _pytest(session)


@nox.session(python=PYTHONS[-2])
def mutation(session: nox.Session) -> None:
    """Mutation testing, each module against its own tests (tests/mutation/).

    Not part of the matrix: the whole run takes about an hour on two cores.
    ``nox -s mutation -- routing.py`` runs one module; ``-- --report`` prints
    the table of the last run.
    """
    session.install("-e", ".[mutation]")
    session.run("python", "tests/mutation/run.py", *session.posargs)
