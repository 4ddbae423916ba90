"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from httpx_views import App


@pytest.fixture
def app() -> App:
    """A fresh App with no routes."""
    return App()
