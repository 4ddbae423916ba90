"""A custom Not Found view, answering both unknown paths and views' 404s."""

from httpx_views import App, HTTPNotFound, Request, Response

app = App()

BOOKS = {1: "Dune", 2: "Solaris"}


@app.route("/books/{id:int}", name="book")
def book(request: Request) -> str:
    title = BOOKS.get(request.matchdict["id"])
    if title is None:
        raise HTTPNotFound()  # answered by the view below, like a missing route
    return title


@app.notfound_view(append_slash=True)
def not_found(request: Request) -> Response:
    """A short text page; ``/books/`` redirects ``/books`` when routed."""
    response = Response(f"Nothing at {request.path}.", content_type="text/plain")
    response.status_code = 404
    return response


@app.notfound_view(path_prefix="/api")
def api_not_found(request: Request) -> Response:
    """Under ``/api``, clients get JSON instead."""
    response = Response(json_body={"error": "not found", "path": request.path})
    response.status_code = 404
    return response
