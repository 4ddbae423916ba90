"""The pytest plugin, as a user's project sees it (through pytester)."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

# Other installed plugins are left out of the inner runs only to keep them
# quick (Hypothesis' costs most of a second per session).
QUICK = ("-p", "no:hypothesispytest", "-p", "no:cov", "-p", "no:cacheprovider")

# A user's project: its App, an ``app`` fixture, and tests using our fixtures.
PROJECT_APP = """
from httpx_views import App, HTTPUnauthorized

app = App()

@app.route("/hello/{name}", name="hello")
def hello(request):
    return f"Hello, {request.matchdict['name']}!"

@app.route("/secret")
def secret(request):
    if request.identity is None:
        raise HTTPUnauthorized(www_authenticate='Basic realm="app"')
    return "psst"
"""

PROJECT_CONFTEST = """
import pytest
import myproject

@pytest.fixture
def app():
    return myproject.app
"""

PROJECT_TESTS = """
import pytest
from httpx_views import HTTPUnauthorized, Request
from myproject import hello, secret

def test_dummy_request_builds_real_requests(dummy_request):
    request = dummy_request("/hello/ann", matchdict={"name": "ann"})
    assert type(request) is Request
    assert hello(request) == "Hello, ann!"

def test_dummy_request_takes_identity(dummy_request):
    assert secret(dummy_request("/secret", identity="ann")) == "psst"
    with pytest.raises(HTTPUnauthorized):
        secret(dummy_request("/secret"))

def test_dummy_request_with_app_builds_urls(dummy_request, app):
    request = dummy_request("/", app=app)
    assert request.route_url("hello", name="bo") == "http://localhost/hello/bo"

def test_testapp_wraps_the_app_fixture(testapp):
    assert testapp.get("/hello/ann").text == "Hello, ann!"
    res = testapp.get("/secret", status=401)
    assert res.headers["WWW-Authenticate"] == 'Basic realm="app"'
"""


def test_plugin_is_registered_as_pytest11_entry_point() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "httpx_views"]
    assert [ep.value for ep in found] == ["httpx_views.pytest_plugin"]


def test_plugin_fixtures_work_in_a_project(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(PROJECT_CONFTEST)
    pytester.makepyfile(myproject=PROJECT_APP, test_views=PROJECT_TESTS)
    result = pytester.runpytest(*QUICK)
    result.assert_outcomes(passed=4)


def test_plugin_fixtures_come_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(PROJECT_CONFTEST)
    pytester.makepyfile(myproject=PROJECT_APP, test_views=PROJECT_TESTS)
    result = pytester.runpytest(*QUICK, "-p", "no:httpx_views")
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(["*fixture 'dummy_request' not found*"])


def test_plugin_testapp_needs_an_app_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(testapp):
            pass
        """
    )
    result = pytester.runpytest(*QUICK)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'app' not found*"])


def test_plugin_listed_by_fixtures_with_docs(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(*QUICK, "--fixtures")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*fixtures defined from httpx_views.pytest_plugin*",
            "dummy_request -- *",
            "*DummyRequest*",
            "testapp -- *",
            "*TestApp*",
        ]
    )
