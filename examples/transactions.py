"""A notes API where each request is one SQLite transaction.

Two pieces of middleware do what used to take 91 lines of WSGI middleware:

- ``Transactions`` opens a connection per request, puts it on
  ``request.db``, and commits when the answer is a success or rolls back
  when it is an error -- a view that fails half-way leaves nothing behind;
- ``security_headers`` adds the headers browsers want to every response,
  errors included.

Creating a note writes two rows, the note and an audit-log entry, so a
partial write would show. A title of ``"raise"`` or ``"reject"`` makes the
view fail after both writes (a ``ValueError``, a 422)::

    httpx-views serve examples/transactions.py
    curl -i --json '{"title": "milk", "body": "2 litres"}' localhost:8880/notes
    curl -i --json '{"title": "raise", "body": "lost"}' localhost:8880/notes
    curl -i localhost:8880/notes

The database is ``$NOTES_DATABASE``, by default ``httpx_views_notes.sqlite3``
in the temporary directory; ``make_app(path)`` builds an App on another.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any, NoReturn

import webob

from httpx_views import (
    App,
    HTTPNotFound,
    HTTPSeeOther,
    HTTPUnprocessableContent,
    Request,
)
from httpx_views.middleware import CallNext

Database = str | os.PathLike[str]

SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL,
    action TEXT NOT NULL
);
"""


# -- the middleware -----------------------------------------------------------------


class Transactions:
    """Run each request in one SQLite transaction, open on ``request.db``::

        app.add_middleware(Transactions("notes.sqlite3"))

    It commits a success or a redirect and rolls back an error, a 500 too.
    """

    def __init__(self, database_path: Database, *, timeout: float = 10.0) -> None:
        self.path = database_path
        self.timeout = timeout  # seconds a writer waits for another to finish

    def __call__(self, request: Request, call_next: CallNext) -> webob.Response:
        # A connection per request, not a pool: opening one costs a fraction
        # of a millisecond (SQLite reads the schema again), and in exchange
        # nothing -- an unfinished transaction, a connection shared by two
        # threads -- can pass from one request to the next. Pool if it shows.
        # isolation_level=None: the transaction is ours to begin and end.
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            # A request that may write takes the write lock at BEGIN, where it
            # waits its turn; upgrading a read lock later could not wait, and
            # SQLite would answer "database is locked" at once.
            safe = request.method in ("GET", "HEAD", "OPTIONS")
            db.execute("BEGIN" if safe else "BEGIN IMMEDIATE")
            request.db = db
            response = call_next(request)
            # Decided by what the client is told, so that the database agrees
            # with it. A redirect is not a failure: a POST that raises
            # HTTPSeeOther (post/redirect/get) did its work and commits, though
            # request.exception is set. A COMMIT that fails raises: a 500.
            db.execute("COMMIT" if response.status_code < 400 else "ROLLBACK")
            return response
        finally:
            db.close()  # rolls back whatever was not committed


def security_headers(request: Request, call_next: CallNext) -> webob.Response:
    """Forbid sniffing, framing, referrers and active content, on every answer."""
    response = call_next(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    # A JSON API loads nothing and is framed by no one.
    policy = "default-src 'none'; frame-ancestors 'none'"
    response.headers["Content-Security-Policy"] = policy
    return response


# -- the views ----------------------------------------------------------------------


def create_note(request: Request) -> dict[str, int] | HTTPUnprocessableContent:
    """``POST /notes`` with ``{"title": ..., "body": ...}``: 201 and the id."""
    fields = request.json_body
    if not isinstance(fields, dict) or not all(
        isinstance(fields.get(name), str) for name in ("title", "body")
    ):
        raise HTTPUnprocessableContent(detail="Send a JSON object with title, body.")
    db: sqlite3.Connection = request.db
    note_id = db.execute(
        "INSERT INTO notes (title, body) VALUES (?, ?)",
        (fields["title"], fields["body"]),
    ).lastrowid
    assert note_id is not None
    db.execute(
        "INSERT INTO audit_log (note_id, action) VALUES (?, 'create')", (note_id,)
    )
    # Failures on request, after both writes, to show they are undone.
    if fields["title"] == "raise":
        raise ValueError("the view failed after writing")
    if fields["title"] == "reject":
        return HTTPUnprocessableContent(detail="This note is refused.")
    request.response.status_code = 201
    request.response.location = request.route_url("note", id=note_id)
    return {"id": note_id}


def list_notes(request: Request) -> list[dict[str, Any]]:
    """``GET /notes``: every note's id and title."""
    db: sqlite3.Connection = request.db
    rows = db.execute("SELECT id, title FROM notes ORDER BY id")
    return [{"id": note_id, "title": title} for note_id, title in rows]


def get_note(request: Request) -> dict[str, Any]:
    """``GET /notes/{id}``: the note, or 404."""
    db: sqlite3.Connection = request.db
    note_id = request.matchdict["id"]
    row = db.execute(
        "SELECT title, body FROM notes WHERE id = ?", (note_id,)
    ).fetchone()
    if row is None:
        raise HTTPNotFound(detail=f"No note {note_id}.")
    return {"id": note_id, "title": row[0], "body": row[1]}


def delete_note(request: Request) -> NoReturn:
    """``POST /notes/{id}/delete``, from an HTML form: 303 to the list."""
    db: sqlite3.Connection = request.db
    note_id = request.matchdict["id"]
    if db.execute("DELETE FROM notes WHERE id = ?", (note_id,)).rowcount == 0:
        raise HTTPNotFound(detail=f"No note {note_id}.")
    db.execute(
        "INSERT INTO audit_log (note_id, action) VALUES (?, 'delete')", (note_id,)
    )
    raise HTTPSeeOther(location=request.route_url("notes"))  # and commits


# -- the App ------------------------------------------------------------------------


def create_schema(database_path: Database) -> None:
    """Create the tables, if missing, in the database at *database_path*."""
    with closing(sqlite3.connect(database_path)) as db:
        # Readers then never wait for the writer, nor the writer for them.
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)


def make_app(database_path: Database, *, timeout: float = 10.0) -> App:
    """The notes App on the database at *database_path*, its schema created.

    :param timeout: the seconds a request waits for another's write lock.
    """
    create_schema(database_path)
    app = App()
    # First registered is outermost: the headers go on every answer, even a
    # 500 that a failed COMMIT became.
    app.add_middleware(security_headers)
    app.add_middleware(Transactions(database_path, timeout=timeout))
    app.add_route("/notes", create_note, methods=["POST"])
    app.add_route("/notes", list_notes, methods=["GET"], name="notes")
    app.add_route("/notes/{id:int}", get_note, methods=["GET"], name="note")
    app.add_route("/notes/{id:int}/delete", delete_note, methods=["POST"])
    return app


DEFAULT_DATABASE = Path(tempfile.gettempdir()) / "httpx_views_notes.sqlite3"
app = make_app(os.environ.get("NOTES_DATABASE", DEFAULT_DATABASE))
