"""httpx_views: a small, fast WSGI microframework.

Views raise or return HTTP exceptions, and the exception is the response:

>>> from httpx_views import App, HTTPUnauthorized
>>> app = App()
>>> @app.route("/secret")
... def secret(request):
...     raise HTTPUnauthorized(www_authenticate='Basic realm="app"')
>>> from webtest import TestApp
>>> response = TestApp(app).get("/secret", status=401)
>>> response.status, response.headers["WWW-Authenticate"]
('401 Unauthorized', 'Basic realm="app"')
"""

from __future__ import annotations

from .app import App as App
from .app import View as View
from .httpexceptions import *  # noqa: F403 - every status class, listed in its __all__
from .httpexceptions import __all__ as _httpexceptions_all
from .request import Request as Request
from .response import Response as Response
from .routing import ConfigurationError as ConfigurationError
from .routing import Route as Route
from .security import SecurityPolicy as SecurityPolicy

__all__ = [
    "App",
    "ConfigurationError",
    "Request",
    "Response",
    "Route",
    "SecurityPolicy",
    "View",
    *_httpexceptions_all,
]
