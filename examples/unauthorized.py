"""Three ways to answer 401 Unauthorized, all equivalent.

Pyramid's chapter on HTTP exceptions: an exception raised or returned by a
view is its response, and ``exception_response(401)`` builds the same
exception as ``HTTPUnauthorized()``.
"""

from httpx_views import App, HTTPUnauthorized, Request, exception_response

CHALLENGE = 'Basic realm="examples"'

app = App()


@app.route("/raise")
def raising(request: Request) -> None:
    raise HTTPUnauthorized(www_authenticate=CHALLENGE)


@app.route("/return")
def returning(request: Request) -> HTTPUnauthorized:
    return HTTPUnauthorized(www_authenticate=CHALLENGE)


@app.route("/by-code")
def by_code(request: Request) -> None:
    raise exception_response(401, www_authenticate=CHALLENGE)
