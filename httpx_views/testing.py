"""Fake requests for unit-testing views.

:func:`DummyRequest` builds a real :class:`~httpx_views.Request` -- not a
look-alike -- so a view under test sees exactly the API it sees when served.
Calling the view with it is the intended unit test; an HTTP exception the
view raises is caught with ``pytest.raises``, one it returns is a value.
Here, with these views:

>>> from httpx_views import App, HTTPUnauthorized
>>> app = App()
>>> @app.route("/secret")
... def secret(request):
...     raise HTTPUnauthorized(www_authenticate='Basic realm="app"')
>>> @app.route("/users/{id:int}")
... def user(request):
...     return {"id": request.matchdict["id"]}

the tests are:

>>> import pytest
>>> from httpx_views.testing import DummyRequest
>>> def test_secret_needs_credentials():
...     with pytest.raises(HTTPUnauthorized):
...         secret(DummyRequest("/secret"))
>>> def test_user_is_found():
...     assert user(DummyRequest(matchdict={"id": 42})) == {"id": 42}
>>> test_secret_needs_credentials(); test_user_is_found()

To run a fake request through a whole App -- routing, security policy,
exception views -- use WebOb's own ``request.get_response(app)``; it returns
the final :class:`webob.Response`:

>>> DummyRequest("/secret").get_response(app).status_code
401

For functional tests, WebTest's ``TestApp(app)`` works unchanged and checks
the App against the WSGI specification as well.
"""

from __future__ import annotations

import difflib
import inspect
import json as _json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .request import Request

if TYPE_CHECKING:
    from .app import App

__all__ = ["DummyRequest"]

# The methods whose params= go in the query string; the others get them as a
# form body. These four carry no body by convention (RFC 9110 gives a body
# of GET, HEAD, DELETE or OPTIONS no meaning), so a form would be wrong.
_QUERY_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})

_UNSET: Any = object()

_Params = Mapping[str, Any] | Iterable[tuple[str, Any]]


# Named like a class: it stands in for one, as in other frameworks' testing.
def DummyRequest(
    path: str = "/",
    method: str = "GET",
    *,
    matchdict: Mapping[str, Any] | None = None,
    params: _Params | None = None,
    json: Any = None,
    body: bytes | None = None,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    identity: Any = _UNSET,
    app: App | None = None,
    **environ_overrides: Any,
) -> Request:
    """Return a real :class:`~httpx_views.Request` built for a test.

    >>> request = DummyRequest(
    ...     "/users/42", "POST", matchdict={"id": 42}, json={"name": "Ann"}
    ... )
    >>> request.method, request.path, request.content_type, request.json_body
    ('POST', '/users/42', 'application/json', {'name': 'Ann'})
    >>> DummyRequest("/search", params={"q": "tea"}).GET["q"]
    'tea'
    >>> DummyRequest(identiy=None)
    Traceback (most recent call last):
      ...
    TypeError: DummyRequest() got an unexpected keyword argument 'identiy';
    did you mean 'identity'?

    :param path: the URL path, percent-encoded, with an optional query
        string (``"/search?q=caf%C3%A9"``); a full URL sets the scheme and
        host too. Without one, the host is ``localhost``.
    :param method: the HTTP method (upper-cased).
    :param matchdict: what routing would have captured, as the view expects
        it (converted: ``{"id": 42}`` for ``{id:int}``).
    :param params: form or query values, a mapping or pairs; a list value
        repeats its key. They go in the query string for ``GET``, ``HEAD``,
        ``DELETE`` and ``OPTIONS`` (after any query in *path*), otherwise in
        an ``application/x-www-form-urlencoded`` body.
    :param json: a value to send as a JSON body (``application/json``);
        ``None`` sends none (for a JSON ``null``, pass ``body=b"null"``).
    :param body: the raw request body, as bytes.
    :param headers: request headers; a ``Content-Type`` here wins over the
        one *json* or *params* set.
    :param identity: what ``request.identity`` returns, without asking any
        security policy (``None`` is anonymous). Not given, the identity is
        the one the *app*'s policy gives, else ``None``.
    :param app: the App, for ``request.route_url`` and ``route_path``.
    :param environ_overrides: WSGI environ keys to set last, such as
        ``REMOTE_ADDR="10.0.0.1"`` or ``**{"wsgi.url_scheme": "https"}``:
        upper case, or with a dot in them.
    :raises TypeError: for more than one body (*json*, *body*, or *params*
        of a method that sends them as a form), and for any other keyword,
        such as a misspelt ``identiy=``.
    """
    for name in environ_overrides:
        if not _is_environ_key(name):
            raise TypeError(_unexpected_keyword(name))
    method = method.upper()
    query = form = None
    if params is not None:
        encoded = urlencode(_pairs(params), doseq=True)
        if method in _QUERY_METHODS:
            query = encoded
        else:
            form = encoded
    bodies = [
        name
        for name, given in (("json", json), ("body", body), ("params", form))
        if given is not None
    ]
    if len(bodies) > 1:
        given = ", ".join(f"{name}=" for name in bodies)
        raise TypeError(f"DummyRequest() takes one request body, got {given}")
    if query:
        path += ("&" if "?" in path else "?") + query

    request = Request.blank(path)
    environ = request.environ
    environ["REQUEST_METHOD"] = method
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    if json is not None:
        request.body = _json.dumps(json).encode("utf-8")
        environ["CONTENT_TYPE"] = "application/json"
    elif body is not None:
        request.body = body
    elif form is not None:
        request.body = form.encode("utf-8")
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    if headers is not None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            request.headers[name] = value
    environ.update(environ_overrides)

    # A fresh dict: the class-level default is shared by every request.
    request.matchdict = dict(matchdict) if matchdict is not None else {}
    request.app = app
    if identity is not _UNSET:
        request.identity = identity
    return request


def _is_environ_key(name: str) -> bool:
    """Whether *name* looks like a WSGI environ key, not a misspelt keyword.

    CGI variables are upper case (``REMOTE_ADDR``, ``HTTP_X_TOKEN``); the
    keys that servers and middleware add have a dot (``wsgi.url_scheme``,
    ``beaker.session``).
    """
    return name.isupper() or "." in name


def _unexpected_keyword(name: str) -> str:
    """The message of Python's own TypeError, with a suggestion if any."""
    message = f"DummyRequest() got an unexpected keyword argument {name!r}"
    keywords = [
        parameter.name
        for parameter in inspect.signature(DummyRequest).parameters.values()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    close = difflib.get_close_matches(name, keywords, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return (
        f"{message} (a WSGI environ key is upper case, like REMOTE_ADDR, "
        "or has a dot, like wsgi.url_scheme)"
    )


def _pairs(params: _Params) -> list[tuple[str, Any]]:
    """*params* as a list of pairs, a mapping's items in order."""
    if isinstance(params, Mapping):
        return list(params.items())
    return list(params)
