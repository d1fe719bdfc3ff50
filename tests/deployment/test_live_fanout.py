"""Live co-editing across app servers: two ASGI nodes (gunicorn with uvicorn workers, as in
production) share one PostgreSQL database. A save through node A reaches a browser's event
stream on node B within a second — fan-out through PostgreSQL LISTEN/NOTIFY, not process memory.
Skips only without PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import re
import statistics
import threading
import time

import pytest
import requests

from lus.bench.runner import gunicorn_nodes
from tests.deployment.test_two_nodes import (  # noqa: F401 (fixtures)
    BASE,
    Node,
    _run,
    database,
    node_env,
)

pytestmark = pytest.mark.deployment


def login(node: Node, seed: dict) -> None:
    page = node.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = node.post(
        "/login/",
        data={
            "username": seed["username"],
            "password": seed["password"],
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302, response.text[:2000]


class Listener(threading.Thread):
    """Reads one event stream (as EventSource would) and notes when each value arrived."""

    def __init__(self, node: Node, path: str):
        super().__init__(daemon=True)
        self.seen: dict[str, float] = {}
        self.opened = threading.Event()
        self.response = requests.get(
            node.url + path,
            headers={"X-Forwarded-Proto": "https", "Accept": "text/event-stream"},
            cookies=dict(node.jar),
            stream=True,
            timeout=30,
        )

    def run(self):
        assert self.response.status_code == 200, self.response.status_code
        self.opened.set()
        with contextlib.suppress(Exception):
            for line in self.response.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    data = json.loads(line[6:])
                    if "value" in data:
                        self.seen[data["value"]] = time.monotonic()


def test_a_save_through_one_node_reaches_the_stream_on_the_other_within_a_second(node_env):  # noqa: F811
    _run(node_env, "manage.py", "migrate", "--noinput", "-v0")
    seed = json.loads(
        _run(
            {**node_env, "DJANGO_SETTINGS_MODULE": "lus.settings_test"},
            "-m",
            "tests.deployment.seed",
        )
        .strip()
        .splitlines()[-1]
    )
    held = seed["held"]
    with gunicorn_nodes(node_env, 2, asgi=True) as (port_a, port_b):
        jar: dict = {}
        a = Node(port_a, jar)
        login(a, seed)
        b = Node(port_b, dict(jar))
        cells = a.get(f"/lus/{held}/plan/tilstand/").json()["cells"]
        key = next(k for k, c in cells.items() if c[0] == "Den gode dialog i teamet")
        revision = cells[key][1]
        listener = Listener(b, f"/lus/{held}/plan/haendelser/")
        listener.start()
        assert listener.opened.wait(10)
        time.sleep(0.3)  # the stream is listening
        delays = []
        for i in range(20):
            value = f"Gemt gennem node A nr. {i}"
            sent = time.monotonic()
            saved = a.post(
                f"/lus/{held}/plan/gem/", data={"key": key, "revision": revision, "value": value}
            )
            assert saved.status_code == 200, saved.text
            revision = saved.json()["revision"]
            while value not in listener.seen and time.monotonic() - sent < 3:
                time.sleep(0.005)
            assert value in listener.seen, f"save {i} never reached node B's stream"
            delays.append(listener.seen[value] - sent)
        listener.response.close()
    delays.sort()
    p50 = statistics.median(delays)
    p95 = delays[int(len(delays) * 0.95) - 1]
    print(f"save on A -> event on B: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    assert p95 < 1.0, delays
