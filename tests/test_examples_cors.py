"""The CORS example: a JSON API for the pages of one other site."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from harness import example
from webtest import TestApp

from httpx_views.testing import DummyRequest

PAGES = "https://notes.example.com"
OTHER = "https://evil.example"


@pytest.fixture
def module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The example, with notes of this test's own."""
    cors = example("cors")
    monkeypatch.setattr(cors, "NOTES", [{"id": 1, "text": "buy milk"}])
    return cors


def cors_headers(response: Any) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headerlist
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


def preflight(client: TestApp, origin: str, method: str, status: int) -> Any:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type",
    }
    return client.options("/notes", headers=headers, status=status)


def test_cors_views(module: ModuleType) -> None:
    request = DummyRequest("/notes")
    assert module.list_notes(request) == [{"id": 1, "text": "buy milk"}]
    assert request.response.headers["X-Total-Count"] == "1"


def test_cors_preflight_allowed(module: ModuleType) -> None:
    response = preflight(TestApp(module.app, lint=True), PAGES, "POST", 204)
    assert cors_headers(response) == {
        "Vary": "Origin",
        "Access-Control-Allow-Origin": PAGES,
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS, POST",
        "Access-Control-Allow-Headers": "content-type",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Max-Age": "600",
    }


@pytest.mark.parametrize(
    ("origin", "method"), [(OTHER, "POST"), (PAGES, "DELETE"), (f"{PAGES}.evil", "GET")]
)
def test_cors_preflight_refused(module: ModuleType, origin: str, method: str) -> None:
    response = preflight(TestApp(module.app, lint=True), origin, method, 200)
    assert cors_headers(response) == {"Vary": "Origin"}
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_cors_actual_requests_allowed(module: ModuleType) -> None:
    client = TestApp(module.app, lint=True)
    origin = {"Origin": PAGES}
    created = client.post_json(
        "/notes", {"text": "call mom"}, headers=origin, status=201
    )
    assert created.json == {"id": 2, "text": "call mom"}
    listed = client.get("/notes", headers=origin)
    assert listed.json == [{"id": 1, "text": "buy milk"}, {"id": 2, "text": "call mom"}]
    assert listed.headers["X-Total-Count"] == "2"
    assert cors_headers(listed) == {
        "Vary": "Origin",
        "Access-Control-Allow-Origin": PAGES,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "X-Total-Count",
    }


def test_cors_actual_request_refused(module: ModuleType) -> None:
    response = TestApp(module.app, lint=True).get("/notes", headers={"Origin": OTHER})
    assert response.json == [{"id": 1, "text": "buy milk"}]  # the browser hides it
    assert cors_headers(response) == {"Vary": "Origin"}


@pytest.mark.parametrize("body", [b"not json", b"[]", b"{}", b'{"text": 5}'])
def test_cors_bad_note_is_400_that_the_page_can_read(
    module: ModuleType, body: bytes
) -> None:
    client = TestApp(module.app, lint=True)
    response = client.post(
        "/notes",
        body,
        headers={"Origin": PAGES, "Content-Type": "application/json"},
        status=400,
    )
    assert response.headers["Access-Control-Allow-Origin"] == PAGES
    assert module.NOTES == [{"id": 1, "text": "buy milk"}]
