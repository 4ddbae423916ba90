"""The SecurityPolicy protocol."""

from __future__ import annotations

from typing import Any

from httpx_views import Request, SecurityPolicy


class Complete:
    def identity(self, request: Request) -> Any:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        return False


class IdentityOnly:
    def identity(self, request: Request) -> Any:
        return None


def test_security_policy_is_any_object_with_both_methods() -> None:
    assert isinstance(Complete(), SecurityPolicy)
    assert not isinstance(IdentityOnly(), SecurityPolicy)
    assert not isinstance(object(), SecurityPolicy)
