"""The examples, tested the two ways docs/howto/testing.rst recommends.

Unit tests call a view directly with a ``DummyRequest``; functional tests
run requests through the whole App with WebTest's ``TestApp``. Every file
in ``examples/`` is imported, so none can go stale unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import EXAMPLES, example
from webtest import TestApp

from httpx_views import (
    App,
    HTTPForbidden,
    HTTPNotFound,
    HTTPPaymentRequired,
    HTTPUnauthorized,
    Response,
)
from httpx_views.testing import DummyRequest

# The examples this module tests; a new example needs its tests here, or in
# a module of its own, tests/test_examples_<name>.py, named below.
TESTED = {"forbidden", "not_found", "payment_required", "unauthorized"}
TESTED_ELSEWHERE = {"cors", "notes", "transactions"}


def all_examples() -> list[str]:
    """Each ``examples/<name>.py``, and each ``examples/<name>/app.py``."""
    files = [path.stem for path in EXAMPLES.glob("*.py")]
    return sorted(files + [path.parent.name for path in EXAMPLES.glob("*/app.py")])


@pytest.mark.parametrize("name", all_examples())
def test_example_imports_and_has_an_app(name: str) -> None:
    module = example(name)
    assert isinstance(module.app, App)
    assert module.__doc__, f"examples/{name}.py needs a docstring saying what it shows"
    assert module.app.router.routes


def test_example_every_example_is_tested_here() -> None:
    assert set(all_examples()) == TESTED | TESTED_ELSEWHERE
    for name in TESTED_ELSEWHERE:
        assert (Path(__file__).parent / f"test_examples_{name}.py").is_file()


# -- payment_required ------------------------------------------------------------


def test_payment_required_buy_sets_402_and_returns_text() -> None:
    module = example("payment_required")
    request = DummyRequest("/buy")
    assert module.buy(request) == "Please swipe your credit card."
    assert request.response.status_code == 402


def test_payment_required_checkout_raises() -> None:
    module = example("payment_required")
    with pytest.raises(HTTPPaymentRequired) as info:
        module.checkout(DummyRequest("/checkout"))
    assert info.value.detail == "Please swipe your credit card."


def test_payment_required_functional() -> None:
    client = TestApp(example("payment_required").app)
    res = client.get("/buy", status=402)
    assert res.status == "402 Payment Required"
    assert res.text == "Please swipe your credit card."
    res = client.get("/checkout", status=402, headers={"Accept": "application/json"})
    assert res.json["code"] == "402 Payment Required"
    assert "Please swipe your credit card." in res.json["message"]
    client.post("/buy", status=405)


# -- unauthorized ----------------------------------------------------------------

CHALLENGE = 'Basic realm="examples"'


@pytest.mark.parametrize("view", ["raising", "by_code"])
def test_unauthorized_raising_views(view: str) -> None:
    with pytest.raises(HTTPUnauthorized) as info:
        getattr(example("unauthorized"), view)(DummyRequest())
    assert info.value.headers["WWW-Authenticate"] == CHALLENGE


def test_unauthorized_returning_view_returns_the_exception() -> None:
    result = example("unauthorized").returning(DummyRequest("/return"))
    assert isinstance(result, HTTPUnauthorized)
    assert result.headers["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize("path", ["/raise", "/return", "/by-code"])
def test_unauthorized_functional_all_three_are_the_same(path: str) -> None:
    res = TestApp(example("unauthorized").app).get(path, status=401)
    assert res.status == "401 Unauthorized"
    assert res.headers["WWW-Authenticate"] == CHALLENGE


# -- forbidden ---------------------------------------------------------------------


def test_forbidden_views_with_identity() -> None:
    module = example("forbidden")
    assert module.read_notes(DummyRequest("/notes", identity="bob")) == ["buy milk"]
    request = DummyRequest("/notes", "POST", body=b"call mom", identity="alice")
    assert module.write_note(request) == {"saved": "call mom"}
    assert request.response.status_code == 201


def test_forbidden_view_challenges_anonymous_and_refuses_known_users() -> None:
    module = example("forbidden")
    with pytest.raises(HTTPUnauthorized):
        module.forbidden(DummyRequest("/notes", identity=None))
    result = module.forbidden(DummyRequest("/notes", identity="bob"))
    assert isinstance(result, HTTPForbidden)
    assert result.detail == "You may not do that."


@pytest.mark.parametrize(
    ("authorization", "identity"),
    [
        ("Bearer alice-token", "alice"),
        ("bearer bob-token", "bob"),
        ("Bearer wrong", None),
        ("Bearer alice-tokeN", None),
        ("Bearer alice-tok\xe9n", None),  # not ASCII: compared as bytes, no error
        ("Basic alice-token", None),
        (None, None),
    ],
)
def test_forbidden_policy_identity(authorization: str | None, identity: str) -> None:
    module = example("forbidden")
    headers = {"Authorization": authorization} if authorization else {}
    request = DummyRequest("/notes", headers=headers, app=module.app)
    assert request.identity == identity


def test_forbidden_functional() -> None:
    client = TestApp(example("forbidden").app)
    res = client.get("/notes", status=401)
    assert res.headers["WWW-Authenticate"] == 'Bearer realm="notes"'
    bob = {"Authorization": "Bearer bob-token"}
    assert client.get("/notes", headers=bob).json == ["buy milk"]
    res = client.post("/notes", "hi", headers=bob, status=403)
    assert "You may not do that." in res.text
    alice = {"Authorization": "Bearer alice-token"}
    res = client.post("/notes", "hi", headers=alice, status=201)
    assert res.json == {"saved": "hi"}


# -- not_found ---------------------------------------------------------------------


def test_not_found_book_view() -> None:
    module = example("not_found")
    assert module.book(DummyRequest("/books/1", matchdict={"id": 1})) == "Dune"
    with pytest.raises(HTTPNotFound):
        module.book(DummyRequest("/books/9", matchdict={"id": 9}))


def test_not_found_views_answer_with_text_and_json() -> None:
    module = example("not_found")
    response = module.not_found(DummyRequest("/nope"))
    assert isinstance(response, Response)
    assert (response.status_code, response.text) == (404, "Nothing at /nope.")
    response = module.api_not_found(DummyRequest("/api/x"))
    assert response.json == {"error": "not found", "path": "/api/x"}


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/books/9", "text/plain", "Nothing at /books/9."),
        ("/shelves", "text/plain", "Nothing at /shelves."),
        ("/books/dune", "text/plain", "Nothing at /books/dune."),
        (
            "/api/books",
            "application/json",
            '{"error":"not found","path":"/api/books"}',
        ),
    ],
)
def test_not_found_functional(path: str, content_type: str, body: str) -> None:
    client = TestApp(example("not_found").app)
    assert client.get("/books/2").text == "Solaris"
    res = client.get(path, status=404)
    assert res.content_type == content_type
    assert res.text == body
