"""Notes: an HTML application with a JSON API beside it.

Pages are Jinja2 templates (``templates/``), the stylesheet is a static file
(``static/``), and the form follows post/redirect/get: a good ``POST``
answers ``303 See Other``, so reloading the page never posts twice. The Not
Found and Forbidden pages are templates too; under ``/api`` the same errors
are JSON for a JSON client. Run it, then open http://127.0.0.1:8880/::

    $ pip install 'httpx_views[jinja2]'
    $ httpx-views serve examples/notes/app.py
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from httpx_views import App, HTTPBadRequest, HTTPNotFound, HTTPSeeOther, Request

HERE = Path(__file__).parent


class Permissions:
    """Anyone may read and add notes; deleting is switched off in this demo."""

    granted = frozenset({"add"})

    def identity(self, request: Request) -> None:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        return permission in self.granted


app = App(templates=HERE / "templates", security_policy=Permissions())
app.add_static("/static", HERE / "static")

NOTES: dict[int, str] = {1: "Buy milk"}
_lock = threading.Lock()  # the server answers on several threads
MAX_LENGTH = 500


def add(text: str) -> int:
    with _lock:
        note_id = max(NOTES, default=0) + 1
        NOTES[note_id] = text
    return note_id


def find(request: Request) -> str:
    try:
        return NOTES[request.matchdict["id"]]
    except KeyError:
        raise HTTPNotFound() from None


def problem(text: str) -> str | None:
    """What is wrong with the text of a new note, if anything."""
    if not text.strip():
        return "Write something first."
    if len(text) > MAX_LENGTH:
        return f"A note has at most {MAX_LENGTH} characters."
    return None


# -- pages ---------------------------------------------------------------------


@app.route("/", methods=["GET"], name="home", renderer="index.html")
def home(request: Request) -> dict[str, Any]:
    return {"notes": sorted(NOTES.items()), "error": None, "text": ""}


@app.route("/notes", methods=["POST"], name="notes", permission="add")
def add_from_form(request: Request) -> Any:
    text = request.POST.get("text", "")
    error = problem(text)
    if error is not None:
        # The form again, with what was typed and why it was refused.
        request.response.status = 422
        values = {"notes": sorted(NOTES.items()), "error": error, "text": text}
        return request.render("index.html", values)
    raise HTTPSeeOther(location=request.route_url("note", id=add(text.strip())))


@app.route("/notes/{id:int}", methods=["GET"], name="note", renderer="note.html")
def show(request: Request) -> dict[str, Any]:
    return {"id": request.matchdict["id"], "text": find(request)}


@app.route(
    "/notes/{id:int}/delete", methods=["POST"], name="delete", permission="delete"
)
def delete(request: Request) -> Any:
    del NOTES[request.matchdict["id"]]  # never reached: see Permissions
    raise HTTPSeeOther(location=request.route_url("home"))


@app.notfound_view(renderer="404.html")
def not_found(request: Request) -> dict[str, Any]:
    return {"path": request.path}


@app.forbidden_view(renderer="403.html")
def forbidden(request: Request) -> dict[str, Any]:
    return {}


# -- the JSON API --------------------------------------------------------------


@app.route("/api/notes", methods=["GET"])
def api_list(request: Request) -> list[dict[str, Any]]:
    return [{"id": id, "text": text} for id, text in sorted(NOTES.items())]


@app.route("/api/notes", methods=["POST"], permission="add")
def api_add(request: Request) -> dict[str, Any]:
    try:
        text = request.json_body["text"]
    except (ValueError, KeyError, TypeError):
        raise HTTPBadRequest(detail='Send {"text": "..."} as JSON.') from None
    error = problem(text) if isinstance(text, str) else "The text is a string."
    if error is not None:
        raise HTTPBadRequest(detail=error)
    note_id = add(text.strip())
    request.response.status = 201
    request.response.location = request.route_url("note", id=note_id)
    return {"id": note_id, "text": NOTES[note_id]}


@app.route("/api/notes/{id:int}", methods=["GET"])
def api_show(request: Request) -> dict[str, Any]:
    return {"id": request.matchdict["id"], "text": find(request)}


@app.notfound_view(path_prefix="/api")
def api_not_found(request: Request) -> Any:
    # The HTTP exception itself: JSON when the client asks for JSON.
    return request.exception


@app.forbidden_view(path_prefix="/api")
def api_forbidden(request: Request) -> Any:
    return request.exception
