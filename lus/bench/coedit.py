# ruff: noqa: S603 (subprocesses of fixed commands: manage.py, gunicorn)
"""The co-editing figures of ``make bench`` (docs/performance.md, "Co-editing"):

- propagation: a save by one person through app server A → the other person's event stream on
  app server B (two ASGI nodes, one PostgreSQL database: the fan-out of production), p50/p95;
- saves/s per plan: both people saving one field as fast as they can, through both nodes;
- conflicts per 1,000 concurrent saves, before and after the merge: the same two scripted
  clients with the old protocol (revision only: every crossing save is a conflict) and with the
  new one (revision + base text: crossing saves are merged; only edits of the same words ask).

    python -m lus.bench.coedit [--saves 1000] [--propagation 200] [--out docs/performance.md]

A throwaway database (``lus_bench_coedit``) is created and dropped. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from lus.bench.runner import BASE, PY, app_env, gunicorn_nodes, log, pg_admin, pg_url

DB = "lus_bench_coedit"
MARK_START = "<!-- coedit:start -->"
MARK_END = "<!-- coedit:end -->"


def seed() -> None:
    """Run inside Django (``--seed``): a held conversation of two people who can log in.

    Norddjurs from the demo (its plan has fixed prompts), not the test factories: the bench
    runs on what is installed, never on the test tree."""
    import django

    django.setup()
    from lus.conversations import services as conversation_services
    from lus.conversations.models import Conversation
    from lus.frameworks.models import PlanField
    from lus.orchestration.demo import demo_load
    from lus.plans import services
    from lus.tenants.scoping import tenant_scope

    (municipality,) = demo_load(only=["norddjurs"])
    with tenant_scope(municipality):
        c = Conversation.objects.filter(leader__username="norddjurs-leder2").latest("year")
        if c.status != Conversation.Status.HELD:
            conversation_services.conversation_hold(conversation=c)
        services.plan_get_or_create(conversation=c)
        field = PlanField.objects.filter(version=c.version, per="plan", kind="longtext").first()
        if field is None:
            raise SystemExit("Norddjurs' plan has no free-text field to co-edit")
        password = "bench-" + secrets.token_hex(6)
        for user in (c.leader, c.leaders_leader):
            user.set_password(password)
            user.save(update_fields=["password"])
    print(
        json.dumps(
            {
                "conversation": c.pk,
                "key": f"p{field.pk}",
                "leader": c.leader.username,
                "leaders_leader": c.leaders_leader.username,
                "password": password,
            }
        )
    )


class Person:
    """One logged-in browser on one node (cookies sent by hand: they are Secure)."""

    def __init__(self, port: int, username: str, password: str):
        import requests

        self.url = f"http://127.0.0.1:{port}"
        # Cookies are Secure (behind the simulated TLS proxy): kept and sent by hand.
        self.session = requests.Session()
        self.jar: dict = {}
        self.headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{port}/"}
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        r = self.post(
            "/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        if r.status_code != 302:
            raise RuntimeError(f"login failed: {r.status_code}")

    def get(self, path, **kw):
        r = self.session.get(
            self.url + path,
            headers=self.headers,
            cookies=dict(self.jar),
            allow_redirects=False,
            timeout=30,
            **kw,
        )
        self.jar.update(r.cookies.get_dict())
        return r

    def post(self, path, data):
        headers = {**self.headers, "X-CSRFToken": self.jar.get("csrftoken", "")}
        r = self.session.post(
            self.url + path,
            data=data,
            headers=headers,
            cookies=dict(self.jar),
            allow_redirects=False,
            timeout=30,
        )
        self.jar.update(r.cookies.get_dict())
        return r


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered)) - 1))]


def propagation(writer: Person, reader: Person, conversation: int, key: str, n: int) -> dict:
    seen: dict[str, float] = {}
    opened = threading.Event()
    stream = reader.session.get(
        reader.url + f"/lus/{conversation}/plan/haendelser/",
        headers={**reader.headers, "Accept": "text/event-stream"},
        cookies=dict(reader.jar),
        stream=True,
        timeout=60,
    )

    def listen():
        opened.set()
        with contextlib.suppress(Exception):
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    data = json.loads(line[6:])
                    if "value" in data:
                        seen[data["value"]] = time.monotonic()

    threading.Thread(target=listen, daemon=True).start()
    opened.wait(10)
    time.sleep(0.3)
    state = writer.get(f"/lus/{conversation}/plan/tilstand/").json()["cells"][key]
    text, revision = state[0], state[1]
    delays = []
    for i in range(n):
        value = f"{text} p{i}"
        sent = time.monotonic()
        r = writer.post(
            f"/lus/{conversation}/plan/gem/",
            {"key": key, "revision": revision, "base": text, "value": value},
        ).json()
        text, revision = r["value"], r["revision"]
        while value not in seen and time.monotonic() - sent < 5:
            time.sleep(0.002)
        if value in seen:
            delays.append(seen[value] - sent)
        time.sleep(0.02)
    stream.close()
    return {
        "n": n,
        "arrived": len(delays),
        "p50_ms": statistics.median(delays) * 1000,
        "p95_ms": percentile(delays, 0.95) * 1000,
    }


def race(people: list[Person], conversation: int, key: str, saves: int, with_base: bool) -> dict:
    """Two scripted clients, each typing a word at a random place of one field and saving at
    once, as fast as they can. Returns saves/s and conflicts per 1,000 saves."""
    start = people[0].get(f"/lus/{conversation}/plan/tilstand/").json()["cells"][key]
    # Start from a short text (the propagation run leaves a long one).
    reset = (
        people[0]
        .post(
            f"/lus/{conversation}/plan/gem/",
            {"key": key, "revision": start[1], "value": "Mål for året"},
        )
        .json()
    )
    start = [reset["value"], reset["revision"]]
    counts = {"saved": 0, "conflict": 0, "other": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(len(people))

    def client(n: int, person: Person):
        rng = random.Random(n)  # noqa: S311 (a reproducible workload, not a secret)
        text, revision = start[0], start[1]
        barrier.wait()
        for i in range(saves // len(people)):
            words = text.split(" ")
            at = rng.randint(0, len(words))
            words = [*words[:at], f"c{n}w{i}", *words[at:]]
            # Like someone writing: the text stays a paragraph (older own words are edited away).
            own = [j for j, w in enumerate(words) if w.startswith(f"c{n}w")]
            if len(words) > 60 and len(own) > 1:
                del words[own[0]]
            mine = " ".join(words).strip()
            data = {"key": key, "revision": revision, "value": mine}
            if with_base:
                data["base"] = text
            r = person.post(f"/lus/{conversation}/plan/gem/", data)
            body = r.json()
            with lock:
                if r.status_code == 200:
                    counts["saved"] += 1
                elif body.get("status") == "conflict":
                    counts["conflict"] += 1
                else:
                    counts["other"] += 1
            if r.status_code == 200:
                text, revision = body["value"], body["revision"]
            elif body.get("status") == "conflict":
                # What the old page did after "Keep mine": my text on the new revision.
                text, revision = (body["mine"] if with_base else mine), body["revision"]

    threads = [threading.Thread(target=client, args=(n, p)) for n, p in enumerate(people)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - began
    total = sum(counts.values())
    return {
        **counts,
        "total": total,
        "per_1000": 1000 * counts["conflict"] / total if total else 0,
        "saves_per_s": total / took,
    }


def run(saves: int, n_propagation: int) -> dict:
    with contextlib.suppress(Exception):
        pg_admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{DB}"')
    try:
        env = app_env(DB)
        env["DJANGO_SETTINGS_MODULE"] = "lus.settings"
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE, env=env, check=True
        )
        out = subprocess.run(
            [PY, "-m", "lus.bench.coedit", "--seed"],
            cwd=BASE,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        s = json.loads(out.strip().splitlines()[-1])
        with gunicorn_nodes(env, 2, asgi=True) as (port_a, port_b):
            leader = Person(port_a, s["leader"], s["password"])
            leaders_leader = Person(port_b, s["leaders_leader"], s["password"])
            leaders_leader.get(f"/lus/{s['conversation']}/plan/")
            log("co-editing: propagation A -> B")
            prop = propagation(leader, leaders_leader, s["conversation"], s["key"], n_propagation)
            log("co-editing: two clients racing, old protocol (revision only)")
            before = race([leader, leaders_leader], s["conversation"], s["key"], saves, False)
            log("co-editing: two clients racing, merging protocol (revision + base)")
            after = race([leader, leaders_leader], s["conversation"], s["key"], saves, True)
        return {"propagation": prop, "before": before, "after": after, "db": pg_url(DB)}
    finally:
        with contextlib.suppress(Exception):
            pg_admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def markdown(r: dict) -> str:
    p, b, a = r["propagation"], r["before"], r["after"]
    return "\n".join(
        [
            MARK_START,
            "## Co-editing (two live clients, two ASGI nodes, one PostgreSQL)",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `python -m lus.bench.coedit`: the "
            "leader saves through node A, the leader's leader follows the event stream on node B "
            "(fan-out by LISTEN/NOTIFY). Saves race: both save one field as fast as they can, "
            "each inserting a word at a random place of the text it last saw.",
            "",
            "| Figure | Value |",
            "|---|---|",
            f"| Propagation save → other's stream, p50 | {p['p50_ms']:.0f} ms |",
            f"| Propagation save → other's stream, p95 | {p['p95_ms']:.0f} ms "
            f"({p['arrived']}/{p['n']} arrived) |",
            f"| Saves/s per plan (2 clients, merging) | {a['saves_per_s']:.0f} |",
            f"| Conflicts per 1,000 concurrent saves, old protocol | {b['per_1000']:.0f} "
            f"({b['conflict']} of {b['total']}) |",
            f"| Conflicts per 1,000 concurrent saves, merging | {a['per_1000']:.0f} "
            f"({a['conflict']} of {a['total']}) |",
            "",
            "The browser waits 0.4 s after the last keystroke before saving, so what the other "
            "person sees lags typing by that pause plus the propagation above.",
            MARK_END,
        ]
    )


def write(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_START in old and MARK_END in old:
        before, rest = old.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        new = before + text + after
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--saves", type=int, default=1000)
    ap.add_argument("--propagation", type=int, default=200)
    ap.add_argument("--out", default=str(BASE / "docs" / "performance.md"))
    args = ap.parse_args(argv)
    if args.seed:
        seed()
        return 0
    result = run(args.saves, args.propagation)
    write(Path(args.out), markdown(result))
    print(json.dumps(result, indent=1))
    log(f"wrote the co-editing figures to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
