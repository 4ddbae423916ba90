"""The security policy an :class:`~httpx_views.App` consults.

A policy is any object with two methods; there is nothing to subclass:

>>> from httpx_views import App
>>> TOKENS = {"t0k3n": {"name": "ann", "permissions": {"edit"}}}
>>> class TokenPolicy:
...     def identity(self, request):
...         return TOKENS.get(request.headers.get("X-Token", ""))
...     def permits(self, request, permission):
...         user = request.identity
...         return user is not None and permission in user["permissions"]
>>> app = App(security_policy=TokenPolicy())
>>> @app.route("/notes", methods=["POST"], permission="edit")
... def add_note(request):
...     return f"Saved, {request.identity['name']}."
>>> from webtest import TestApp
>>> client = TestApp(app)
>>> client.post("/notes", headers={"X-Token": "t0k3n"}).text
'Saved, ann.'
>>> client.post("/notes", status=403).status
'403 Forbidden'

``identity`` is called at most once per request, lazily, the first time
``request.identity`` is read. ``permits`` is called before a view whose route
names a ``permission``; only a true answer lets the request through. Anything
else -- a false answer, or an exception raised by either method -- keeps the
view from running: the App fails closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .request import Request

__all__ = ["SecurityPolicy"]


@runtime_checkable
class SecurityPolicy(Protocol):
    """What an App needs of a security policy."""

    def identity(self, request: Request) -> Any:
        """Return who made *request*, or ``None`` for nobody."""

    def permits(self, request: Request, permission: str) -> bool:
        """Return true when *request* may use a view that needs *permission*."""
