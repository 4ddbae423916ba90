"""examples/transactions.py: a SQLite transaction per request, security headers.

Functional tests run requests through the App with WebTest and then read
the database directly; unit tests call the middleware with a
``DummyRequest`` and a fake ``call_next``. Every test has a database of its
own in ``tmp_path``.
"""

from __future__ import annotations

import inspect
import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import webob
from harness import errors, example
from webtest import TestApp

from httpx_views import Request, Response
from httpx_views.testing import DummyRequest

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

Row = tuple[Any, ...]


@pytest.fixture
def module() -> ModuleType:
    return example("transactions")


@pytest.fixture
def database(module: ModuleType, tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite3"
    module.create_schema(path)
    return path


@pytest.fixture
def client(module: ModuleType, database: Path) -> TestApp:
    return TestApp(module.make_app(database), lint=True)


def rows(database: Path) -> tuple[list[Row], list[Row]]:
    """What is committed: the notes, and the audit log, each in insertion order."""
    with closing(sqlite3.connect(database)) as db:
        notes = db.execute("SELECT id, title, body FROM notes ORDER BY id").fetchall()
        audit = db.execute(
            "SELECT note_id, action FROM audit_log ORDER BY id"
        ).fetchall()
    return notes, audit


def create(client: TestApp, title: str, body: str = "text", status: int = 201) -> Any:
    return client.post_json("/notes", {"title": title, "body": body}, status=status)


# -- through the App ----------------------------------------------------------------


def test_transactions_created_note_commits_note_and_audit_row(
    client: TestApp, database: Path
) -> None:
    response = create(client, "milk", "2 litres")
    note_id = response.json["id"]
    assert response.location == f"http://localhost/notes/{note_id}"
    assert rows(database) == ([(note_id, "milk", "2 litres")], [(note_id, "create")])
    assert client.get(f"/notes/{note_id}").json == {
        "id": note_id,
        "title": "milk",
        "body": "2 litres",
    }
    assert client.get("/notes").json == [{"id": note_id, "title": "milk"}]


@pytest.mark.parametrize(("title", "status"), [("reject", 422), ("raise", 500)])
def test_transactions_failed_create_leaves_no_row(
    client: TestApp, database: Path, title: str, status: int
) -> None:
    kept = create(client, "kept").json["id"]
    create(client, title, status=status)
    assert rows(database) == ([(kept, "kept", "text")], [(kept, "create")])


@pytest.mark.parametrize(
    "fields",
    [{"title": "no body"}, {"title": 1, "body": "x"}, ["title", "body"]],
)
def test_transactions_invalid_note_is_422(
    client: TestApp, database: Path, fields: Any
) -> None:
    client.post_json("/notes", fields, status=422)
    assert rows(database) == ([], [])


def test_transactions_redirect_after_post_commits(
    client: TestApp, database: Path
) -> None:
    note_id = create(client, "old").json["id"]
    response = client.post(f"/notes/{note_id}/delete", status=303)
    assert response.location == "http://localhost/notes"
    assert rows(database) == ([], [(note_id, "create"), (note_id, "delete")])
    client.post(f"/notes/{note_id}/delete", status=404)  # rolled back: no audit row
    assert rows(database) == ([], [(note_id, "create"), (note_id, "delete")])


def test_transactions_missing_note_is_404(client: TestApp) -> None:
    client.get("/notes/42", status=404)


@pytest.mark.parametrize(
    ("method", "path", "fields", "status"),
    [
        ("POST", "/notes", {"title": "t", "body": "b"}, 201),
        ("GET", "/notes", None, 200),
        ("POST", "/notes/1/delete", None, 303),
        ("GET", "/notes/42", None, 404),  # a view's HTTPNotFound
        ("GET", "/nowhere", None, 404),  # the framework's own
        ("DELETE", "/notes", None, 405),
        ("POST", "/notes", {"title": "reject", "body": "b"}, 422),
        ("POST", "/notes", {"title": "raise", "body": "b"}, 500),
    ],
)
def test_transactions_security_headers_on_every_answer(
    client: TestApp, method: str, path: str, fields: Any, status: int
) -> None:
    create(client, "to delete")  # note 1
    if fields is None:
        response = client.request(path, method=method, status=status)
    else:
        response = client.post_json(path, fields, status=status)
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == (
        SECURITY_HEADERS
    )


def test_transactions_unhandled_error_is_logged_then_next_request_served(
    client: TestApp, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    create(client, "raise", status=500)
    [record] = errors(caplog)
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)
    note_id = create(client, "after").json["id"]
    assert client.get("/notes").json == [{"id": note_id, "title": "after"}]
    assert rows(database)[1] == [(note_id, "create")]


def test_transactions_locked_database_is_a_logged_500_with_headers(
    module: ModuleType, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestApp(module.make_app(database, timeout=0.05), lint=True)
    with closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        response = create(client, "waits", status=500)
        other.execute("ROLLBACK")
    [record] = errors(caplog)
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], sqlite3.OperationalError)
    # security_headers is outside Transactions: it sees the 500 too.
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == (
        SECURITY_HEADERS
    )
    assert rows(database) == ([], [])


def test_transactions_concurrent_requests_commit_exactly_the_successes(
    module: ModuleType, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = module.make_app(database)
    outcomes = {"ok": 201, "reject": 422, "raise": 500}
    kinds = random.Random(2024).choices(list(outcomes), k=40)
    assert set(kinds) == set(outcomes)  # the seed gives every kind
    start = threading.Barrier(8)

    def post(number: int) -> tuple[int, Any]:
        if number < 8:
            start.wait(timeout=10)  # the first eight begin together
        client = TestApp(app, lint=True)  # one per request: a TestApp keeps cookies
        kind = kinds[number]
        title = f"note {number}" if kind == "ok" else kind
        response = client.post_json(
            "/notes", {"title": title, "body": f"request {number}"}, status="*"
        )
        return response.status_int, response.json["id"] if kind == "ok" else None

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, range(len(kinds))))

    statuses = [status for status, _ in answers]
    assert statuses == [outcomes[kind] for kind in kinds], caplog.text
    succeeded = [number for number, kind in enumerate(kinds) if kind == "ok"]
    assert 0 < len(succeeded) < len(kinds)
    assert len(errors(caplog)) == kinds.count("raise")
    notes, audit = rows(database)
    assert sorted(notes) == sorted(
        (answers[number][1], f"note {number}", f"request {number}")
        for number in succeeded
    )
    # One audit row per committed note, none for a note rolled back.
    assert sorted(audit) == sorted((note_id, "create") for note_id, _, _ in notes)


def test_transactions_middleware_is_under_30_lines(module: ModuleType) -> None:
    source = inspect.getsource(module.Transactions) + inspect.getsource(
        module.security_headers
    )
    code = [
        line
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(code) < 30, "\n".join(code)


# -- the middleware alone -------------------------------------------------------------


def respond_with(status: int) -> Any:
    """A fake ``call_next``: insert a note through ``request.db``, answer *status*."""

    def call_next(request: Request) -> webob.Response:
        request.db.execute("INSERT INTO notes (title, body) VALUES ('t', 'b')")
        response = Response()
        response.status_code = status
        return response

    return call_next


def must_not_run(request: Request) -> webob.Response:
    pytest.fail("call_next was called")


@pytest.mark.parametrize(
    ("status", "committed"),
    [
        (200, True),
        (201, True),
        (204, True),
        (303, True),
        (304, True),
        (399, True),
        (400, False),
        (404, False),
        (422, False),
        (500, False),
        (503, False),
    ],
)
def test_transactions_commits_below_400_rolls_back_from_400(
    module: ModuleType, database: Path, status: int, committed: bool
) -> None:
    transactions = module.Transactions(database)
    response = transactions(DummyRequest("/notes", "POST"), respond_with(status))
    assert response.status_code == status
    assert len(rows(database)[0]) == (1 if committed else 0)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_transactions_closes_the_connection_after_the_request(
    module: ModuleType, database: Path, method: str
) -> None:
    request = DummyRequest("/notes", method)
    module.Transactions(database)(request, lambda request: Response())
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        request.db.execute("SELECT 1")


def test_transactions_call_next_raising_commits_nothing(
    module: ModuleType, database: Path
) -> None:
    request = DummyRequest("/notes", "POST")

    def fail(request: Request) -> webob.Response:
        request.db.execute("INSERT INTO notes (title, body) VALUES ('t', 'b')")
        raise RuntimeError("not a well-behaved call_next")

    with pytest.raises(RuntimeError):
        module.Transactions(database)(request, fail)
    assert rows(database) == ([], [])
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        request.db.execute("SELECT 1")


def test_transactions_writer_waits_for_the_write_lock_reader_does_not(
    module: ModuleType, database: Path
) -> None:
    transactions = module.Transactions(database, timeout=0.05)
    with closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        reader = transactions(DummyRequest("/notes"), lambda request: Response())
        assert reader.status_code == 200
        # The writer gives up at BEGIN, before the view runs: no half write.
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            transactions(DummyRequest("/notes", "POST"), must_not_run)
        other.execute("ROLLBACK")
    transactions(DummyRequest("/notes", "POST"), respond_with(201))
    assert len(rows(database)[0]) == 1


@pytest.mark.parametrize("status", [200, 404, 500])
def test_security_headers_added_whatever_the_status(
    module: ModuleType, status: int
) -> None:
    def call_next(request: Request) -> webob.Response:
        response = Response()
        response.status_code = status
        return response

    response = module.security_headers(DummyRequest("/"), call_next)
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == (
        SECURITY_HEADERS
    )
