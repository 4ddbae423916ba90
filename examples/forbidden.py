"""A custom Forbidden view behind a small security policy.

Routes name the permission they need; the policy grants it or not. The
Forbidden view asks an anonymous visitor to authenticate (401 with a
challenge) and tells a known user who lacks the permission 403.
"""

from __future__ import annotations

import hmac

from httpx_views import App, HTTPForbidden, HTTPUnauthorized, Request

# user -> (token, permissions); a real application would look these up.
USERS = {
    "alice": ("alice-token", {"read", "write"}),
    "bob": ("bob-token", {"read"}),
}


class TokenPolicy:
    """Identify users by ``Authorization: Bearer <token>``."""

    def identity(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        for user, (user_token, _permissions) in USERS.items():
            # compare_digest: the time taken says nothing about the token.
            if hmac.compare_digest(token.encode(), user_token.encode()):
                return user
        return None

    def permits(self, request: Request, permission: str) -> bool:
        user = request.identity
        return user is not None and permission in USERS[user][1]


app = App(security_policy=TokenPolicy())


@app.route("/notes", methods=["GET"], permission="read")
def read_notes(request: Request) -> list[str]:
    return ["buy milk"]


@app.route("/notes", methods=["POST"], permission="write")
def write_note(request: Request) -> dict[str, str]:
    request.response.status_code = 201
    return {"saved": request.text}


@app.forbidden_view
def forbidden(request: Request) -> HTTPForbidden:
    if request.identity is None:
        raise HTTPUnauthorized(www_authenticate='Bearer realm="notes"')
    return HTTPForbidden(detail="You may not do that.")
