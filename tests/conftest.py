"""Fixtures and collection rules shared by the test modules."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from httpx_views import App

# tests/browser.py: Chromium and the servers for the browser tests (their
# fixtures are used by the modules that import its helpers).
pytest_plugins = ["browser"]

# Printable ASCII but "%" and "\": pytest writes any other character of a
# parameter into the test's id as a backslash escape, and an id holding a
# backslash cannot be selected by name on the command line, which is how
# mutation testing (tests/mutation/) runs each test it needs.
_ID_SAFE = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) not in "%\\")


def pytest_make_parametrize_id(
    config: pytest.Config, val: object, argname: str
) -> str | None:
    """Percent-encode text and bytes parameters that pytest would escape."""
    if isinstance(val, str) and val.strip(_ID_SAFE):
        return quote(val, safe=_ID_SAFE, errors="surrogatepass")
    if isinstance(val, bytes) and val.decode("latin-1").strip(_ID_SAFE):
        return "b" + quote(val, safe=_ID_SAFE)
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse test ids that cannot be selected by name."""
    unselectable = [item.nodeid for item in items if "\\" in item.nodeid]
    if unselectable:
        raise pytest.UsageError(
            f"{len(unselectable)} test ids hold a backslash and cannot be "
            f"selected by name (give the parameters plain ids): {unselectable[0]}"
        )


@pytest.fixture
def app() -> App:
    """A fresh App with no routes."""
    return App()
