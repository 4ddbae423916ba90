"""A JSON API that another site's pages may call, cookies included (CORS).

The single-page app at ``https://notes.example.com`` calls this API on
another origin. The :class:`~httpx_views.cors.CORS` middleware lets its
pages read the answers, send their cookies and a JSON body, and read the
``X-Total-Count`` header; a page from any other site is refused by the
browser. The browser asks first (a preflight) before the ``POST``::

    $ httpx-views serve examples/cors.py
    $ curl -i -X OPTIONS http://127.0.0.1:8880/notes \\
        -H 'Origin: https://notes.example.com' \\
        -H 'Access-Control-Request-Method: POST' \\
        -H 'Access-Control-Request-Headers: content-type'
    HTTP/1.1 204 No Content
    Allow: GET, HEAD, OPTIONS, POST
    Vary: Origin
    Access-Control-Allow-Origin: https://notes.example.com
    Access-Control-Allow-Methods: GET, HEAD, OPTIONS, POST
    Access-Control-Allow-Headers: content-type
    Access-Control-Allow-Credentials: true
    Access-Control-Max-Age: 600
"""

from typing import Any

from httpx_views import App, HTTPBadRequest, Request
from httpx_views.cors import CORS

app = App()
app.add_middleware(
    CORS(
        ["https://notes.example.com"],
        expose=["X-Total-Count"],
        credentials=True,
        max_age=600,
    )
)

NOTES: list[dict[str, Any]] = [{"id": 1, "text": "buy milk"}]


@app.route("/notes", methods=["GET"])
def list_notes(request: Request) -> list[dict[str, Any]]:
    """Every note; the count in a header that the page may read."""
    request.response.headers["X-Total-Count"] = str(len(NOTES))
    return NOTES


@app.route("/notes", methods=["POST"])
def add_note(request: Request) -> dict[str, Any]:
    """Add the note sent as ``{"text": "..."}``; answer 201 with it."""
    try:
        text = request.json_body["text"]
    except (ValueError, KeyError, TypeError):
        raise HTTPBadRequest(detail='Send {"text": "..."} as JSON.') from None
    if not isinstance(text, str):
        raise HTTPBadRequest(detail="The text must be a string.")
    note = {"id": len(NOTES) + 1, "text": text}
    NOTES.append(note)
    request.response.status_code = 201
    return note
