"""pytest fixtures for testing httpx_views applications.

Installing httpx_views registers this plugin with pytest (through the
``pytest11`` entry point), so the fixtures are there in every test without
an import; ``pytest -p no:httpx_views`` turns it off.

``dummy_request``
    :func:`httpx_views.testing.DummyRequest` itself, as a factory:

    .. not-run: a test for pytest to collect; tests/test_pytest_plugin.py runs one

    .. code-block:: python

        def test_hello(dummy_request):
            assert hello(dummy_request("/hello")) == "Hello, World!"

``testapp``
    WebTest's ``TestApp`` around the project's own ``app`` fixture, which
    the project defines (in its ``conftest.py``, say) to return its App:

    .. not-run: tests for pytest to collect; tests/test_pytest_plugin.py runs them

    .. code-block:: python

        @pytest.fixture
        def app():
            return myproject.app

        def test_secret_needs_credentials(testapp):
            testapp.get("/secret", status=401)

    WebTest must be installed for this one (``pip install webtest``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .request import Request

__all__ = ["dummy_request", "testapp"]

# httpx_views and WebTest are imported in the fixtures, not here: pytest
# loads this module in every session of every project installed next to
# httpx_views, and those should not pay for (or break on) our imports.


@pytest.fixture
def dummy_request() -> Callable[..., Request]:
    """Return :func:`~httpx_views.testing.DummyRequest`, a request factory."""
    from .testing import DummyRequest

    return DummyRequest


@pytest.fixture
def testapp(app: Any) -> Any:
    """Return ``webtest.TestApp(app)`` for the project's ``app`` fixture."""
    try:
        from webtest import TestApp
    except ImportError:  # pragma: no cover - WebTest is a test dependency
        raise pytest.UsageError(
            "the testapp fixture needs WebTest: pip install webtest"
        ) from None
    return TestApp(app)
