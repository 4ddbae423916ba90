"""What every contestant app serves, and in which order it registers it.

Each module in this package exposes ``make_app(n_routes=0)``, returning a
PEP 3333 application, and ``app = make_app()``. The routes, registered in
this order so that a linear router meets ``/last/{id}`` at the very end:

* ``GET /hello``: 200, ``text/plain``, the body :data:`HELLO`;
* ``GET /users/{id}``: 200, ``application/json``, ``{"id": id}`` with the
  id kept as the string it was in the path (nobody converts);
* ``GET /buy``: the view *raises* the framework's own 402 exception;
* ``GET /returned``: the view *returns* the 402 exception, where the
  framework allows that (else it raises, and the module says so);
* ``GET /secret``: the view raises the framework's 401 exception with the
  header ``WWW-Authenticate:`` :data:`CHALLENGE`;
* ``n_routes`` filler routes ``/r{i}/{id}`` (see :func:`filler_prefixes`),
  served by the same view as ``/users/{id}``;
* ``GET /last/{id}``: the same view again, registered last;
* anything else: 404 through the framework's not-found machinery, answered
  by a custom not-found view with ``text/plain`` and the body
  :data:`NOT_FOUND`.

The bodies of the 401 and 402 answers are whatever the framework renders by
default: producing them is part of the work being measured.

The route order and bodies agree with the shared yardstick's contract, so
``httpx_views_app`` can run there as an extra contestant too.
"""

from __future__ import annotations

HELLO = "Hello, World!"
NOT_FOUND = "Not Found"
CHALLENGE = 'Basic realm="bench"'
#: The id every placeholder request carries.
USER_ID = "42"


def filler_prefixes(n_routes: int) -> list[str]:
    """Return the first path segments of the *n_routes* filler routes."""
    return [f"r{i}" for i in range(n_routes)]
