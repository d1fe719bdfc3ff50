import threading
import time

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _OneRequestAtATime(ThreadedWSGIServer):
    """The test server on in-memory SQLite: every request thread shares the test's one
    connection, and two pages polling at once would use it from two threads at the same time
    (sqlite3 connections are not made for that). Requests take turns; connections stay
    concurrent, so a page's keep-alive connection blocks nobody. It also counts the requests
    it is working on, so a test's end can wait for them."""

    _turn = threading.Lock()
    _counting = threading.Lock()
    in_flight = 0

    @classmethod
    def _count(cls, step: int) -> None:
        with cls._counting:
            cls.in_flight += step

    def get_app(self):
        app = super().get_app()
        one_at_a_time = bool(self.connections_override)

        def counted(environ, start_response):
            self._count(1)
            try:
                if not one_at_a_time:
                    return app(environ, start_response)
                with self._turn:
                    return app(environ, start_response)
            finally:
                self._count(-1)

        return counted

    @classmethod
    def wait_until_idle(cls, timeout: float = 30) -> None:
        """Until no request has been in progress for a few checks in a row."""
        deadline = time.monotonic() + timeout
        idle = 0
        while idle < 3 and time.monotonic() < deadline:
            idle = idle + 1 if cls.in_flight == 0 else 0
            time.sleep(0.02)


LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(autouse=True)
def _close_browsers_after_the_test(transactional_db, browser):
    """Pages a test opened in its own contexts (two people, a phone) are closed with the test,
    before its data is flushed: left open, they go on polling the session's one test server
    through the next tests' data loading."""
    yield
    for context in list(browser.contexts):
        context.close()
    # A save the closed pages left in flight would otherwise write between the flush's
    # deletes (on SQLite it shares the test's connection) and fail the flush on a foreign key.
    _OneRequestAtATime.wait_until_idle()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK"}


@pytest.fixture
def demo_data(transactional_db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def login(page, live_server):
    def _login(username: str, password: str = "demo"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        return page

    return _login
