"""CORS middleware: preflights answered, headers on every answer, bad config.

Every request goes through WebTest with ``lint=True`` on a real App. Tests
named after a behaviour that other frameworks got wrong cite the issue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from webtest import TestApp

from httpx_views import App, ConfigurationError, Request, Response
from httpx_views.cors import CORS

A = "https://a.example"
B = "https://b.example"

CONFIGS: dict[str, Callable[[], CORS]] = {
    "list": lambda: CORS([A, "http://localhost:8080"]),
    "credentials": lambda: CORS(
        [A], credentials=True, expose=["ETag", "X-Total"], max_age=600
    ),
    "wildcard": lambda: CORS("*", expose=["ETag"]),
    "callable": lambda: CORS(lambda origin: origin.endswith(".a.example")),
}


class Calls:
    """How many times the views ran."""

    count = 0


def make_client(cors: CORS, **app_options: Any) -> tuple[TestApp, Calls]:
    app = App(**app_options)
    app.add_middleware(cors)
    calls = Calls()

    def counted(result: Any) -> Callable[[Request], Any]:
        def view(request: Request) -> Any:
            calls.count += 1
            return result

        return view

    app.add_route("/items", counted({"items": []}), methods=["GET", "POST"])
    app.add_route("/read", counted("read"), methods=["GET"])
    app.add_route("/patch", counted("patched"), methods=["PATCH"])
    app.add_route("/any", counted("any method"))
    return TestApp(app, lint=True), calls


def cors_headers(response: Any) -> dict[str, str]:
    """The Access-Control-* and Vary headers of *response*."""
    return {
        name: value
        for name, value in response.headerlist
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


def preflight(
    client: TestApp,
    path: str,
    method: str,
    origin: str = A,
    headers: str | None = None,
    status: int | str = "*",
) -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=sent, status=status)


VARY = {"Vary": "Origin"}
PREFLIGHT = {"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS, POST"}
CREDENTIALED = {"Access-Control-Allow-Credentials": "true"}
EXPOSED = {"Access-Control-Expose-Headers": "ETag, X-Total"}
STAR = {"Access-Control-Allow-Origin": "*"}
X = "https://x.a.example"


def allowed(origin: str) -> dict[str, str]:
    return {"Vary": "Origin", "Access-Control-Allow-Origin": origin}


@pytest.mark.parametrize(
    ("config", "origin", "kind", "expected"),
    [
        ("list", A, "actual", allowed(A)),
        ("list", "http://localhost:8080", "actual", allowed("http://localhost:8080")),
        ("list", "http://localhost:8081", "actual", VARY),
        ("list", B, "actual", VARY),
        ("list", None, "actual", VARY),
        ("list", A, "preflight", {**allowed(A), **PREFLIGHT}),
        ("list", B, "preflight", VARY),
        ("credentials", A, "actual", {**allowed(A), **CREDENTIALED, **EXPOSED}),
        ("credentials", B, "actual", VARY),
        ("credentials", None, "actual", VARY),
        (
            "credentials",
            A,
            "preflight",
            {
                **allowed(A),
                **PREFLIGHT,
                **CREDENTIALED,
                "Access-Control-Max-Age": "600",
            },
        ),
        ("credentials", B, "preflight", VARY),
        ("wildcard", B, "actual", {**STAR, "Access-Control-Expose-Headers": "ETag"}),
        ("wildcard", None, "actual", {**STAR, "Access-Control-Expose-Headers": "ETag"}),
        ("wildcard", "null", "preflight", {**STAR, **PREFLIGHT}),
        ("callable", X, "actual", allowed(X)),
        ("callable", f"{X}.evil", "actual", VARY),
        ("callable", X, "preflight", {**allowed(X), **PREFLIGHT}),
        ("callable", f"{X}.evil", "preflight", VARY),
    ],
)
def test_cors_headers_table(
    config: str, origin: str | None, kind: str, expected: dict[str, str]
) -> None:
    client, calls = make_client(CONFIGS[config]())
    if kind == "preflight":
        assert origin is not None
        status = 204 if "Access-Control-Allow-Origin" in expected else 200
        response = preflight(client, "/items", "POST", origin, status=status)
        assert ("Allow", "GET, HEAD, OPTIONS, POST") in response.headerlist
        assert response.body == b""
        assert calls.count == 0
    else:
        headers = {} if origin is None else {"Origin": origin}
        response = client.get("/items", headers=headers, status=200)
        assert response.json == {"items": []}
        assert calls.count == 1
    assert cors_headers(response) == expected


# -- preflights ---------------------------------------------------------------------


def test_preflight_on_route_with_listed_methods() -> None:
    client, _ = make_client(CORS([A]))
    response = preflight(client, "/items", "POST", status=204)
    assert response.status == "204 No Content"
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert (
        response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST"
    )
    assert "Content-Type" not in response.headers


def test_preflight_on_route_serving_every_method_allows_the_requested_one() -> None:
    # Falcon #2325: no Allow list to copy when the route serves every method.
    client, calls = make_client(CORS([A]))
    response = preflight(client, "/any", "PROPFIND", status=204)
    assert response.headers["Access-Control-Allow-Methods"] == "PROPFIND"
    assert "Allow" not in response.headers
    assert calls.count == 0


def test_preflight_on_route_serving_every_method_with_methods_restriction() -> None:
    client, _ = make_client(CORS([A], methods=["put", "DELETE"]))
    response = preflight(client, "/any", "PUT", status=204)
    assert response.headers["Access-Control-Allow-Methods"] == "DELETE, PUT"
    refused = preflight(client, "/any", "PATCH", status=200)
    assert cors_headers(refused) == {"Vary": "Origin"}
    assert "Allow" not in refused.headers


def test_preflight_for_missing_route_is_the_apps_404() -> None:
    # micronaut #7367: a preflight must not make a missing path look served.
    client, calls = make_client(CORS([A]))
    response = preflight(client, "/missing", "POST", status=404)
    assert calls.count == 0
    assert response.headers["Access-Control-Allow-Origin"] == A
    assert "Access-Control-Allow-Methods" not in response.headers


def test_preflight_with_refused_method_is_200_with_allow() -> None:
    client, calls = make_client(CORS([A]))
    response = preflight(client, "/items", "DELETE", status=200)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert cors_headers(response) == {"Vary": "Origin"}
    assert calls.count == 0


def test_preflight_methods_option_narrows_the_route() -> None:
    client, _ = make_client(CORS([A], methods=["GET"]))
    refused = preflight(client, "/items", "POST", status=200)
    assert cors_headers(refused) == {"Vary": "Origin"}
    allowed = preflight(client, "/items", "GET", status=204)
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert allowed.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    head = preflight(client, "/items", "HEAD", status=204)
    assert head.headers["Access-Control-Allow-Methods"] == "GET, HEAD"


def test_preflight_head_is_implied_by_get() -> None:
    client, _ = make_client(CORS([A]))
    response = preflight(client, "/read", "HEAD", status=204)
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_preflight_requested_method_compared_as_the_router_does() -> None:
    # expressjs/cors #261 asked for "patch" to pass; browsers send it as
    # written and the router would answer that request 405, so it is refused.
    client, _ = make_client(CORS([A]))
    assert cors_headers(preflight(client, "/patch", "patch", status=200)) == {
        "Vary": "Origin"
    }
    allowed = preflight(client, "/patch", "PATCH", status=204)
    assert allowed.headers["Access-Control-Allow-Methods"] == "OPTIONS, PATCH"


@pytest.mark.parametrize(
    ("requested", "echoed"),
    [
        ("X-Token", "x-token"),
        ("x-token,content-type", "x-token, content-type"),
        (" X-TOKEN ,, Accept ", "x-token, accept"),
    ],
)
def test_preflight_request_headers_compared_case_insensitively(
    requested: str, echoed: str
) -> None:
    # Starlette #411, flask-cors #187, hapi #2866: browsers lower-case them.
    client, _ = make_client(CORS([A], headers=["X-Token"]))
    response = preflight(client, "/items", "POST", headers=requested, status=204)
    assert response.headers["Access-Control-Allow-Headers"] == echoed


def test_preflight_safelisted_headers_always_allowed() -> None:
    # Starlette #857: Content-Type: application/json is listed by browsers.
    client, _ = make_client(CORS([A]))
    response = preflight(
        client,
        "/items",
        "POST",
        headers="content-type, accept, accept-language, content-language",
        status=204,
    )
    assert response.headers["Access-Control-Allow-Headers"] == (
        "content-type, accept, accept-language, content-language"
    )


@pytest.mark.parametrize("requested", ["x-other", "x-token, x-other", "x token"])
def test_preflight_refused_headers(requested: str) -> None:
    client, calls = make_client(CORS([A], headers=["X-Token"]))
    response = preflight(client, "/items", "POST", headers=requested, status=200)
    assert cors_headers(response) == {"Vary": "Origin"}
    assert calls.count == 0


def test_preflight_any_header_echoes_the_requested_ones() -> None:
    client, _ = make_client(CORS([A], headers="*"))
    response = preflight(client, "/items", "POST", headers="X-A, x-b", status=204)
    assert response.headers["Access-Control-Allow-Headers"] == "x-a, x-b"
    refused = preflight(client, "/items", "POST", headers="x a", status=200)
    assert cors_headers(refused) == {"Vary": "Origin"}


def test_preflight_any_header_with_credentials_echoes_never_star() -> None:
    # fruitcake/php-cors #35: with credentials a browser reads '*' as a name.
    client, _ = make_client(CORS([A], headers=["*"], credentials=True))
    response = preflight(client, "/items", "POST", headers="authorization", status=204)
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_preflight_without_requested_headers_has_no_allow_headers() -> None:
    client, _ = make_client(CORS([A], headers="*"))
    response = preflight(client, "/items", "POST", status=204)
    assert "Access-Control-Allow-Headers" not in response.headers


def test_refused_preflight_is_200_not_400() -> None:
    # Starlette #798, pygeoapi #1740: a 400 makes the browser report "not ok
    # status" instead of the CORS reason; no Access-Control-* header is sent.
    client, _ = make_client(CORS([A]))
    for origin, method in [(B, "POST"), (A, "PUT")]:
        response = preflight(client, "/items", method, origin, status=200)
        assert response.status == "200 OK"
        assert cors_headers(response) == {"Vary": "Origin"}


def test_preflight_never_reaches_the_view() -> None:
    # ringo/stick #37: the preflight ran the route.
    client, calls = make_client(CORS([A], headers=["X-Token"]))
    preflight(client, "/items", "POST", status=204)
    preflight(client, "/items", "POST", B, status=200)
    preflight(client, "/items", "PUT", status=200)
    preflight(client, "/any", "POST", status=204)
    preflight(client, "/any", "POST", headers="x-other", status=200)
    assert calls.count == 0


class DenyAll:
    def __init__(self) -> None:
        self.asked = 0

    def identity(self, request: Request) -> None:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        self.asked += 1
        return False


def test_preflight_skips_the_permission_check() -> None:
    # falcon-auth #39: browsers send no credentials with a preflight, so a
    # preflight checked for permission is refused with a 401 or 403.
    policy = DenyAll()
    app = App(security_policy=policy)
    app.add_middleware(CORS([A], headers=["Authorization"]))
    app.add_route("/secret", lambda request: "secret", permission="read")
    client = TestApp(app, lint=True)
    allowed = preflight(client, "/secret", "GET", headers="authorization", status=204)
    assert allowed.headers["Access-Control-Allow-Origin"] == A
    assert policy.asked == 0
    denied = client.get("/secret", headers={"Origin": A}, status=403)
    assert denied.headers["Access-Control-Allow-Origin"] == A
    assert policy.asked == 1


def test_options_without_request_method_is_not_a_preflight() -> None:
    client, calls = make_client(CORS([A]))
    response = client.options("/items", headers={"Origin": A}, status=200)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert cors_headers(response) == {
        "Vary": "Origin",
        "Access-Control-Allow-Origin": A,
    }
    client.options("/any", headers={"Origin": A}, status=200)
    assert calls.count == 1


def test_preflight_on_path_that_is_not_utf8_is_the_apps_400() -> None:
    client, _ = make_client(CORS([A]))
    response = preflight(client, "/%FF", "POST", status=400)
    assert response.headers["Access-Control-Allow-Origin"] == A


# -- origins --------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example.evil.com",
        "https://a.example:8443",
        "http://a.example",
        "https://A.example",
        "https://xa.example",
        f"{A}, {B}",
    ],
)
def test_origin_compared_exactly_not_as_a_prefix(origin: str) -> None:
    # Starlette #800 and sanic-cors CVE-2026-37737: a prefix match let
    # https://a.example.evil.com through.
    client, _ = make_client(CORS([A]))
    response = client.get("/items", headers={"Origin": origin})
    assert cors_headers(response) == {"Vary": "Origin"}


def test_configured_origin_lower_cased() -> None:
    client, _ = make_client(CORS(["HTTPS://A.Example"]))
    response = client.get("/items", headers={"Origin": A})
    assert response.headers["Access-Control-Allow-Origin"] == A


def test_null_origin_only_when_listed() -> None:
    # rack-cors #134: sandboxed iframes and data: pages all send "null".
    client, _ = make_client(CORS([A]))
    response = client.get("/items", headers={"Origin": "null"})
    assert cors_headers(response) == {"Vary": "Origin"}
    listed, _ = make_client(CORS([A, "null"]))
    response = listed.get("/items", headers={"Origin": "null"})
    assert response.headers["Access-Control-Allow-Origin"] == "null"


def test_ipv6_origin() -> None:
    client, _ = make_client(CORS(["http://[::1]:8080"]))
    response = client.get("/items", headers={"Origin": "http://[::1]:8080"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://[::1]:8080"


def test_single_origin_string() -> None:
    client, _ = make_client(CORS(A))
    response = client.get("/items", headers={"Origin": A})
    assert response.headers["Access-Control-Allow-Origin"] == A


def test_star_in_a_list_is_the_wildcard() -> None:
    client, _ = make_client(CORS(["*"]))
    response = client.get("/items", headers={"Origin": B})
    assert cors_headers(response) == {"Access-Control-Allow-Origin": "*"}


# -- headers on every answer ------------------------------------------------------


def test_vary_origin_on_answers_without_origin_or_refused() -> None:
    # Starlette #3516 (and PR #1111): without Vary a cache gives an allowed
    # origin the answer made for a request without Origin.
    client, _ = make_client(CORS([A]))
    assert client.get("/items").headers["Vary"] == "Origin"
    assert client.get("/items", headers={"Origin": B}).headers["Vary"] == "Origin"
    assert client.get("/items", headers={"Origin": A}).headers["Vary"] == "Origin"


def make_vary_client(vary: str) -> TestApp:
    app = App()
    app.add_middleware(CORS([A]))

    @app.route("/page")
    def page(request: Request) -> str:
        request.response.headers["Vary"] = vary
        return "page"

    return TestApp(app, lint=True)


@pytest.mark.parametrize(
    ("vary", "merged"),
    [
        ("Accept-Language", "Accept-Language, Origin"),
        ("Accept, Accept-Encoding", "Accept, Accept-Encoding, Origin"),
        ("origin", "origin"),
        ("Accept, ORIGIN", "Accept, ORIGIN"),
        ("Accept,Origin", "Accept,Origin"),
        ("*", "*"),
        ("", "Origin"),
    ],
)
def test_vary_merges_with_the_existing_one(vary: str, merged: str) -> None:
    # tower-http #397, hono #2932, Effect #7692: Vary was overwritten, or
    # Origin repeated, or '*' narrowed.
    client = make_vary_client(vary)
    for headers in [{}, {"Origin": A}, {"Origin": B}]:
        response = client.get("/page", headers=headers)
        assert response.headers.getall("Vary") == [merged]


@pytest.mark.parametrize(
    ("fields", "merged"),
    [
        (["Accept", "Accept-Language"], ["Accept, Origin", "Accept-Language"]),
        (["Accept", "Origin"], ["Accept", "Origin"]),
        (["Accept", "*"], ["Accept", "*"]),
    ],
)
def test_vary_in_several_header_fields(fields: list[str], merged: list[str]) -> None:
    app = App()
    app.add_middleware(CORS([A]))

    @app.route("/page")
    def page(request: Request) -> str:
        for field in fields:
            request.response.headers.add("Vary", field)
        return "page"

    response = TestApp(app, lint=True).get("/page", headers={"Origin": A})
    assert response.headers.getall("Vary") == merged


def test_vary_merges_with_the_frameworks_vary_accept_on_error_pages() -> None:
    client, _ = make_client(CORS([A]))
    response = client.get("/missing", headers={"Origin": A}, status=404)
    assert response.headers.getall("Vary") == ["Accept, Origin"]
    response = client.delete("/items", headers={"Origin": B}, status=405)
    assert response.headers.getall("Vary") == ["Accept, Origin"]
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_headers_on_404() -> None:
    client, _ = make_client(CONFIGS["credentials"]())
    response = client.get("/missing", headers={"Origin": A}, status=404)
    assert cors_headers(response) == {
        "Vary": "Accept, Origin",
        "Access-Control-Allow-Origin": A,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "ETag, X-Total",
    }


def test_cors_headers_on_unhandled_500(caplog: pytest.LogCaptureFixture) -> None:
    # Starlette #1116 and #1175, django-cors-headers #512: the 500 an
    # unhandled exception becomes had no CORS headers, so pages saw a CORS
    # error instead of the server error.
    app = App()
    app.add_middleware(CORS([A], credentials=True))

    @app.route("/boom")
    def boom(request: Request) -> None:
        raise RuntimeError("broken")

    client = TestApp(app, lint=True)
    response = client.get("/boom", headers={"Origin": A}, status=500)
    assert response.headers["Access-Control-Allow-Origin"] == A
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers.getall("Vary") == ["Accept, Origin"]
    assert "RuntimeError" in caplog.text


def make_own_headers_client(cors: CORS) -> TestApp:
    app = App()
    app.add_middleware(cors)

    @app.route("/own")
    def own(request: Request) -> str:
        request.response.headers["Access-Control-Allow-Origin"] = "*"
        request.response.headers["access-control-allow-credentials"] = "true"
        request.response.headers["Access-Control-Max-Age"] = "99"
        return "own"

    return TestApp(app, lint=True)


def test_view_setting_its_own_cors_headers_is_overridden() -> None:
    client = make_own_headers_client(CORS([A]))
    allowed = client.get("/own", headers={"Origin": A})
    assert cors_headers(allowed) == {"Vary": "Origin", "Access-Control-Allow-Origin": A}
    refused = client.get("/own", headers={"Origin": B})
    assert cors_headers(refused) == {"Vary": "Origin"}
    wildcard = make_own_headers_client(CORS("*")).get("/own", headers={"Origin": B})
    assert cors_headers(wildcard) == {"Access-Control-Allow-Origin": "*"}


def test_cors_headers_on_answers_of_inner_middleware() -> None:
    app = App()
    app.add_middleware(CORS([A]))

    @app.middleware
    def teapot(request: Request, call_next: Any) -> Response:
        return Response("short", status=418, content_type="text/plain")

    app.add_route("/items", lambda request: "items")
    response = TestApp(app, lint=True).get("/items", headers={"Origin": A}, status=418)
    assert response.headers["Access-Control-Allow-Origin"] == A


def test_head_request_gets_cors_headers() -> None:
    client, _ = make_client(CORS([A]))
    response = client.head("/read", headers={"Origin": A})
    assert cors_headers(response) == {
        "Vary": "Origin",
        "Access-Control-Allow-Origin": A,
    }


# -- configuration ------------------------------------------------------------------


NO_PATH = f"which an Origin header never has: write '{A}'"


@pytest.mark.parametrize(
    ("origins", "options", "message"),
    [
        ([f"{A}/"], {}, f"has a path (a trailing '/' is one), {NO_PATH}"),
        ([f"{A}/app/"], {}, f"has a path (a trailing '/' is one), {NO_PATH}"),
        (["a.example"], {}, "is not scheme://host[:port], such as 'https://example"),
        ([f"{A}/app?next=http://b"], {}, f"write '{A}'"),
        (["https://"], {}, "is not scheme://host[:port]"),
        (["https://a b"], {}, "is not scheme://host[:port]"),
        ([f"{A}:x"], {}, "is not scheme://host[:port]"),
        ([f"{A}:443"], {}, f"default port, which browsers leave out: write '{A}'"),
        (["http://a.example:80"], {}, "write 'http://a.example'"),
        ([A, None], {}, "origin None is not"),
        ([], {}, "CORS: empty list of origins; list some, or pass '*' or a callable"),
        (["*", A], {}, "CORS: '*' allows every origin: pass it alone"),
        ("*", {"credentials": True}, "list the origins, or pass a callable"),
        (["*"], {"credentials": True}, "list the origins, or pass a callable"),
        ([A], {"max_age": -1}, "max_age must be a number of seconds >= 0"),
        ([A], {"max_age": 1.5}, "max_age must be a number of seconds >= 0"),
        ([A], {"max_age": True}, "max_age must be a number of seconds >= 0"),
        ([A], {"headers": ["X Token"]}, "header 'X Token' is not an HTTP token"),
        ([A], {"headers": [""]}, "header '' is not an HTTP token"),
        ([A], {"expose": ["ETag:"]}, "header 'ETag:' is not an HTTP token"),
        ([A], {"methods": ["GET", "PO ST"]}, "method 'PO ST' is not an HTTP token"),
        ([A], {"methods": []}, "allows nothing"),
        ([A], {"methods": ["*"]}, "methods=None allows whatever the route serves"),
        ([A], {"expose": "*", "credentials": True}, "when credentials=True; list"),
    ],
)
def test_configuration_errors(
    origins: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        CORS(origins, **options)
    assert str(info.value).startswith("CORS: ")
    assert message in str(info.value)


def test_wildcard_with_credentials_is_refused() -> None:
    # Starlette #95 and #1113, flask-cors #202: '*' with credentials either
    # sent both headers (browsers refuse) or echoed every origin (any site
    # reads the user's data).
    with pytest.raises(ConfigurationError) as info:
        CORS("*", credentials=True)
    assert str(info.value) == (
        "CORS: origins='*' with credentials=True would let every site read "
        "answers meant for the user; list the origins, or pass a callable that "
        "decides"
    )


def test_origin_with_trailing_slash_is_refused() -> None:
    # keycloak #25522, discourse #10996: "https://a.example/" never matched.
    with pytest.raises(ConfigurationError) as info:
        CORS(["https://a.example/"])
    assert "write 'https://a.example'" in str(info.value)


def test_expose_star_without_credentials_is_sent() -> None:
    client, _ = make_client(CORS([A], expose="*"))
    response = client.get("/items", headers={"Origin": A})
    assert response.headers["Access-Control-Expose-Headers"] == "*"


def test_max_age_zero_is_sent() -> None:
    client, _ = make_client(CORS([A], max_age=0))
    response = preflight(client, "/items", "POST", status=204)
    assert response.headers["Access-Control-Max-Age"] == "0"


def test_one_string_is_one_name() -> None:
    client, _ = make_client(CORS([A], headers="X-Token", expose="ETag"))
    response = preflight(client, "/items", "POST", headers="x-token", status=204)
    assert response.headers["Access-Control-Allow-Headers"] == "x-token"
    response = client.get("/items", headers={"Origin": A})
    assert response.headers["Access-Control-Expose-Headers"] == "ETag"
