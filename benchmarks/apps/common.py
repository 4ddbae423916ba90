"""What every contestant app serves, and in which order it registers it.

Each module in this package exposes ``make_app(n_routes=0, *,
middleware=False)``, returning a PEP 3333 application, and ``app =
make_app()``. The routes, registered in this order so that a linear router
meets ``/last/{id}`` at the very end:

* ``GET /hello``: 200, ``text/plain``, the body :data:`HELLO`;
* ``GET /users/{id}``: 200, ``application/json``, ``{"id": id}`` with the
  id kept as the string it was in the path (nobody converts);
* ``GET /buy``: the view *raises* the framework's own 402 exception;
* ``GET /returned``: the view *returns* the 402 exception, where the
  framework allows that (else it raises, and the module says so);
* ``GET /secret``: the view raises the framework's 401 exception with the
  header ``WWW-Authenticate:`` :data:`CHALLENGE`;
* the realistic views, each touching the request or the response the way
  the framework's documentation teaches:

  * ``GET /headers``: 200, the content type :data:`CSV_TYPE`, the header
    ``X-Frame-Options:`` :data:`FRAME_OPTIONS`, the body :data:`CSV`;
  * ``GET /cookie``: 200 text :data:`WELCOME`, with the cookie ``session``
    set to :data:`SESSION`: ``Max-Age`` :data:`MAX_AGE`, ``Secure``,
    ``HttpOnly``, ``SameSite=Lax`` (``Path`` and ``Expires`` as the
    framework pleases);
  * ``POST /items`` with the JSON body :data:`ITEM_JSON`: 201, JSON
    ``{"sku": ..., "total_cents": price_cents * quantity}`` from the body;
  * ``GET /search?`` :data:`SEARCH_QUERY`: 200, JSON mapping each of
    :data:`SEARCH_PARAMS` to its value, a string (nobody converts);
  * ``GET /response``: the framework's own response object, made in one
    constructor call: status 404, ``text/plain`` in UTF-8, the body
    :data:`GONE` (where views cannot return one, the view sets those);
  * ``GET /cache``: 200 text :data:`CACHED`, ``Cache-Control: public,
    max-age=3600`` (through the framework's cache-control API where it has
    one) and ``ETag:`` :data:`ETAG` quoted;
  * ``GET /big``: 200, ``image/png``, the 1 MiB body :data:`BIG`, built once
    at import;

* ``n_routes`` filler routes ``/r{i}/{id}`` (see :func:`filler_prefixes`),
  served by the same view as ``/users/{id}``;
* ``GET /last/{id}``: the same view again, registered last;
* anything else: 404 through the framework's not-found machinery, answered
  by a custom not-found view with ``text/plain`` and the body
  :data:`NOT_FOUND`.

With ``middleware=True``, the same app runs every request through
:data:`NOOP_MIDDLEWARE` middlewares that do nothing but pass the request on
and the response back, each written the way the framework's documentation
teaches code that runs around every request (the module's docstring names
the API). Without it, no middleware is installed: the other scenarios
measure the app as it was.

The bodies of the 401 and 402 answers are whatever the framework renders by
default: producing them is part of the work being measured.

The route order and bodies agree with the shared yardstick's contract, so
``httpx_views_app`` can run there as an extra contestant too.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

HELLO = "Hello, World!"
#: How many no-op middlewares ``make_app(middleware=True)`` installs.
NOOP_MIDDLEWARE = 3
NOT_FOUND = "Not Found"
CHALLENGE = 'Basic realm="bench"'
#: The id every placeholder request carries.
USER_ID = "42"

CSV_TYPE = "text/csv; charset=utf-8"
CSV = "sku,name,quantity\nKB-2041,Ergonomic keyboard,2\n"
FRAME_OPTIONS = "DENY"

WELCOME = "Welcome back!"
SESSION = "d2f9a1c0e7b54c1e9a4f"
MAX_AGE = 3600

#: The body of ``POST /items``: 213 bytes of JSON, as a client sends it.
ITEM = {
    "sku": "KB-2041",
    "name": "Ergonomic keyboard",
    "price_cents": 8999,
    "quantity": 2,
    "tags": ["office", "usb-c", "wireless"],
    "description": (
        "Split layout, tented, with a cushioned palm rest and silent switches."
    ),
}
ITEM_JSON = json.dumps(ITEM).encode()
#: What ``POST /items`` answers.
CREATED = {"sku": "KB-2041", "total_cents": 17998}

#: What ``GET /search`` asks for, and answers.
SEARCH = {
    "q": "python web",
    "page": "2",
    "per_page": "20",
    "sort": "name",
    "order": "asc",
}
#: ``q=python+web&page=2&per_page=20&sort=name&order=asc``
SEARCH_QUERY = urlencode(SEARCH)
#: The parameters the view reads.
SEARCH_PARAMS = tuple(SEARCH)

GONE = "No such item."

CACHED = "Cached for an hour."
#: The entity tag, unquoted as views pass it (the header carries it quoted).
ETAG = "kb2041-v7"

BIG_TYPE = "image/png"
#: 1 MiB: a PNG signature, then filler; views send it as it is.
BIG = (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4096)[: 1 << 20]


def filler_prefixes(n_routes: int) -> list[str]:
    """Return the first path segments of the *n_routes* filler routes."""
    return [f"r{i}" for i in range(n_routes)]
