# ruff: noqa: S603 (subprocesses of fixed commands: manage.py, gunicorn, wrk)
"""``make bench``: generate (or reuse) the data, serve it with gunicorn, load it with wrk, write
docs/performance.md.

    python -m lus.bench.runner                 # national data (1x) and 10x, full report
    python -m lus.bench.runner --quick --out /tmp/perf.md   # tiny data, seconds (make test)

Runs outside Django: every step that needs the app is a subprocess with its own environment
(DATABASE_URL of the bench database, production-like settings: DEBUG=False, behind a
TLS-terminating proxy simulated by the X-Forwarded-Proto header). PostgreSQL only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent.parent
PY = sys.executable
WORK = BASE / ".bench"
LUA = Path(__file__).resolve().parent / "load.lua"
#: Bump when the generated data changes shape (the cached databases are then rebuilt).
GENERATOR_VERSION = 2  # 2: the span of control is at most 16 (generator.MAX_SPAN)


@dataclass
class Scale:
    name: str
    db: str
    municipalities: int
    leaders: int
    years: int
    parts: int = 1


FULL = [
    Scale("1x", "lus_bench", 98, 25_000, 5),
    Scale("10x", "lus_bench_10x", 980, 250_000, 5, parts=2),
]
# The HR overview's target is about one municipality's size. The national 10x above is ten
# copies of the national curve, so its largest municipality is no larger than at 1x: `--size`
# measures one municipality of 2,500 leaders (the largest at 1x) against one of 25,000.
SIZE = [
    Scale("1x", "lus_bench_size_1x", 1, 2_500, 5),
    Scale("10x", "lus_bench_size_10x", 1, 25_000, 5),
]
# The smoke test runs both scales too (tiny: its "10x" is twice the 1x), so the side-by-side
# servers and the 10x columns are exercised by make test.
QUICK = [
    Scale("1x", "lus_bench_quick", 3, 60, 2),
    Scale("10x", "lus_bench_quick_10x", 6, 120, 2),
]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- PostgreSQL -------------------------------------------------------------------------------
def pg_url(db: str) -> str:
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    return f"{base.rstrip('/')}/{db}"


def pg_admin(sql: str, params=(), fetch=False):
    import psycopg

    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if fetch else None


def migrations_hash() -> str:
    names = sorted(str(p.relative_to(BASE)) for p in BASE.glob("lus/*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def marker_for(scale: Scale) -> dict:
    return {
        "generator": GENERATOR_VERSION,
        "municipalities": scale.municipalities,
        "leaders": scale.leaders,
        "years": scale.years,
        "migrations": migrations_hash(),
    }


def read_marker(db: str) -> dict | None:
    rows = pg_admin(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (db,),
        fetch=True,
    )
    if not rows:
        return None
    try:
        return json.loads(rows[0][0] or "null")
    except ValueError:
        return None


def app_env(db: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=pg_url(db),
        DEBUG="False",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        ARCHIVE_ROOT=str(WORK / "archive"),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
        DJANGO_SETTINGS_MODULE="lus.bench.settings",
        PYTHONWARNINGS="ignore",
    )
    return env


def manage(db: str, *args: str, capture=False) -> str:
    cmd = [PY, str(BASE / "manage.py"), *args]
    if capture:
        return subprocess.run(
            cmd, env=app_env(db), cwd=BASE, check=True, capture_output=True, text=True
        ).stdout
    subprocess.run(cmd, env=app_env(db), cwd=BASE, check=True)
    return ""


def ensure_data(scale: Scale) -> dict:
    """The scale's database with generated data: reused when its marker matches."""
    want = marker_for(scale)
    have = read_marker(scale.db)
    same_data = (
        have
        and have.get("seconds")
        and all(have.get(k) == v for k, v in want.items() if k != "migrations")
    )
    if same_data and have.get("migrations") != want["migrations"]:
        # New migrations (indexes, columns) are applied to the generated data as production
        # would apply them, instead of regenerating (20 minutes at 10x).
        log(f"{scale.name}: migrating database {scale.db} to the current schema")
        try:
            manage(scale.db, "migrate", "--noinput", "-v0")
        except subprocess.CalledProcessError:
            # Migrated by another checkout (a migration renamed since, say): generate anew.
            log(f"{scale.name}: {scale.db} cannot be migrated; generating it again")
            same_data = False
        else:
            import psycopg

            with psycopg.connect(pg_url(scale.db), autocommit=True) as conn:
                conn.execute("ANALYZE")
            have = {**have, "migrations": want["migrations"], "migrated": True}
            pg_admin(f"COMMENT ON DATABASE \"{scale.db}\" IS '{json.dumps(have)}'")
    if same_data:
        log(f"{scale.name}: reusing database {scale.db} (generated in {have['seconds']:.0f} s)")
        return have
    log(f"{scale.name}: creating database {scale.db}")
    pg_admin(f'DROP DATABASE IF EXISTS "{scale.db}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{scale.db}"')
    manage(scale.db, "migrate", "--noinput", "-v0")
    args = [
        "generate_load_data",
        f"--municipalities={scale.municipalities}",
        f"--leaders={scale.leaders}",
        f"--years={scale.years}",
    ]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [PY, str(BASE / "manage.py"), *args, f"--part={p}/{scale.parts}"],
            env=app_env(scale.db),
            cwd=BASE,
        )
        for p in range(1, scale.parts + 1)
    ]
    if any(p.wait() for p in procs):
        raise SystemExit("generate_load_data failed")
    import psycopg

    with psycopg.connect(pg_url(scale.db), autocommit=True) as conn:
        conn.execute("ANALYZE")
    seconds = time.perf_counter() - started
    log(f"{scale.name}: generated in {seconds:.1f} s ({scale.parts} process(es))")
    marker = {**want, "seconds": seconds, "parts": scale.parts}
    pg_admin(f"COMMENT ON DATABASE \"{scale.db}\" IS '{json.dumps(marker)}'")
    return marker


# --- gunicorn ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn_nodes(env: dict, count: int, *, asgi: bool = False):
    """``count`` app servers of one worker each on free ports, as N nodes behind a load
    balancer (``asgi``: uvicorn workers, as production serves the event stream); yields the
    ports once each answers ``/healthz`` and stops them after."""
    import requests

    app = ["lus.asgi:application", "--worker-class=uvicorn_worker.UvicornWorker"]
    procs: list[subprocess.Popen] = []
    ports: list[int] = []
    try:
        for _ in range(count):
            ports.append(free_port())
            procs.append(
                subprocess.Popen(
                    [
                        str(Path(PY).parent / "gunicorn"),
                        *(app if asgi else ["lus.wsgi:application"]),
                        "--workers=1",
                        f"--bind=127.0.0.1:{ports[-1]}",
                        "--log-level=warning",
                        "--timeout=60",
                    ],
                    cwd=BASE,
                    env=env,
                )
            )
        deadline = time.monotonic() + 30
        for port, proc in zip(ports, procs, strict=True):
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"node on {port} exited with {proc.returncode}")
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"node on {port} did not start")
                time.sleep(0.1)
        yield ports
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def gunicorn(db: str, workers: int):
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "lus.bench.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--timeout=120",
        ],
        env=app_env(db),
        cwd=BASE,
    )
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        yield proc, port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def worker_rss_mb(master_pid: int) -> list[float]:
    out = []
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


# --- wrk --------------------------------------------------------------------------------------
def write_targets(path: Path, targets: list[dict], minimum: int) -> None:
    lines = [
        "\t".join([t["method"], t["path"], t["session"], t["csrf"], str(t["revision"]), t["body"]])
        for t in targets
    ]
    gets = [line for line, t in zip(lines, targets, strict=True) if t["method"] == "GET"]
    while gets and len(lines) < minimum:  # GETs may repeat; POST targets never do
        lines.extend(gets[: minimum - len(lines)])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wrk(port: int, targets: Path, conns: int, seconds: float, revisions: Path) -> dict:
    cmd = [
        "wrk",
        f"-t{conns}",
        f"-c{conns}",
        f"-d{max(1, round(seconds))}s",
        "--timeout=30s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        str(targets),
        str(conns),
        str(revisions),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise SystemExit(f"wrk gave no result:\n{out}")
    r = json.loads(match.group(1))
    secs = r["duration_us"] / 1e6
    errors = r["bad"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return {
        "requests": r["requests"],
        "rps": r["requests"] / secs if secs else 0.0,
        "p50_ms": r["p50"] / 1000,
        "p95_ms": r["p95"] / 1000,
        "p99_ms": r["p99"] / 1000,
        "errors": errors,
        "non_200": r["bad"],
        "stale_first_posts": r["stale"],
    }


# --- the scales -------------------------------------------------------------------------------
def prepare_scale(scale: Scale, args, *, pdf_runs: int) -> dict:
    """Data, targets (with sessions), queries per request and query plans of one scale."""
    marker = ensure_data(scale)
    WORK.mkdir(exist_ok=True)
    prep = WORK / f"targets-{scale.db}.json"
    log(f"{scale.name}: picking targets, counting queries per request")
    manage(
        scale.db,
        "bench_prepare",
        f"--out={prep}",
        f"--targets={args.targets}",
        f"--pdf-runs={pdf_runs}",
    )
    data = json.loads(prep.read_text())
    endpoints = [e for e in data["endpoints"] if e["targets"]]
    revisions = WORK / f"{scale.db}-revisions.tsv"
    # The revisions bench_prepare's own requests left (the test client saved too).
    revisions.write_text(
        "".join(
            f"{t['path']}|{t['session']}\t{t['revision']}\n"
            for e in endpoints
            for t in e["targets"]
            if t["method"] == "POST"
        )
    )
    files = {}
    for e in endpoints:
        files[e["key"]] = WORK / f"{scale.db}-{e['key']}.tsv"
        write_targets(files[e["key"]], e["targets"], args.conns * 4)
    return {
        "scale": scale.name,
        "marker": marker,
        "pages": {},
        "pdf": data.get("pdf"),
        "endpoints": endpoints,
        "files": files,
        "revisions": revisions,
        "floor_runs": [],
        "queries": {e["key"]: e["queries"] for e in endpoints},
        "statuses": {e["key"]: e["statuses"] for e in endpoints},
        "sql": {
            e["key"]: {
                "slowest_ms": e.get("slowest_sql_ms", 0.0),
                "seq_scans": e.get("seq_scans", []),
            }
            for e in endpoints
        },
        "profile": {e["key"]: e.get("profile", {}) for e in endpoints},
        "cpu": {e["key"]: e.get("cpu", {}) for e in endpoints},
        "labels": {e["key"]: (e["label"], e["role"], e["method"]) for e in endpoints},
    }


def measure(result: dict, key: str, port: int, args) -> None:
    if args.warmup:  # warm caches and connections
        wrk(port, result["files"][key], args.conns, args.warmup, result["revisions"])
    r = wrk(port, result["files"][key], args.conns, args.seconds, result["revisions"])
    log(
        f"{result['scale']} {key:18} p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
        f"{r['rps']:7.1f} req/s  errors {r['errors']}"
    )
    if key == "floor":
        result["floor_runs"].append(r)
    else:
        result["pages"][key] = r


def run_scales(scales: list[Scale], args) -> list[dict]:
    """Every scale's server runs at the same time and each page is measured at every scale
    back to back (the order alternating from page to page), so that the 10x ÷ 1x ratios
    compare runs seconds apart rather than minutes apart on a machine whose speed drifts."""
    results = [
        prepare_scale(scale, args, pdf_runs=(2 if args.quick else 10) if i == 0 else 0)
        for i, scale in enumerate(scales)
    ]
    keys = [e["key"] for e in results[0]["endpoints"] if e["key"] != "floor"]
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(gunicorn(s.db, args.workers)) for s in scales]
        order = list(range(len(scales)))
        for key in ["floor", *keys, "floor"]:
            for i in order:
                if key in results[i]["files"]:
                    measure(results[i], key, servers[i][1], args)
            order.reverse()
        for r in results:
            floors = r["floor_runs"]
            r["pages"]["floor"] = {
                k: statistics.mean(f[k] for f in floors)
                for k in ("p50_ms", "p95_ms", "p99_ms", "rps")
            } | {
                "errors": sum(f["errors"] for f in floors),
                "requests": sum(f["requests"] for f in floors),
            }
        # 50 concurrent users on the national data (the other servers idle).
        one, port = results[0], servers[0][1]
        every = [
            t for e in one["endpoints"] if not e["key"].startswith("ref_") for t in e["targets"]
        ]
        every.sort(
            key=lambda t: hashlib.sha256(t["path"].encode() + t["session"].encode()).hexdigest()
        )
        mixed_file = WORK / f"{one['scale']}-mixed.tsv"
        write_targets(mixed_file, every, args.mixed_conns * 2)
        log(f"{one['scale']}: {args.mixed_conns} concurrent users, {args.mixed_seconds} s")
        one["mixed"] = wrk(port, mixed_file, args.mixed_conns, args.mixed_seconds, one["revisions"])
        one["mixed"]["conns"] = args.mixed_conns
        one["mixed"]["seconds"] = args.mixed_seconds
        log(f"{one['scale']} mixed: {one['mixed']}")
        for r, (proc, _port) in zip(results, servers, strict=True):
            r["rss_mb"] = worker_rss_mb(proc.pid)
            log(f"{r['scale']}: worker RSS {r['rss_mb']}")
    for r in results:
        for k in ("endpoints", "files", "revisions"):
            r.pop(k)
    return results


# --- the report -------------------------------------------------------------------------------
def machine() -> dict:
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) / 1024 / 1024
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    pg = pg_admin("SHOW server_version", fetch=True)[0][0]
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "load": os.getloadavg(),
    }


def _num(value: float | None) -> str:
    """A ratio, or "-" when a side had no completed request (an overloaded machine)."""
    return "-" if value is None else f"{value:.2f}"


def _ok(flag: bool | None) -> str:
    return "-" if flag is None else ("met" if flag else "**not met**")


def report(results: list[dict], args, started: float) -> str:
    one = results[0]
    ten = next((r for r in results if r["scale"] == "10x"), None)
    floor = one["pages"]["floor"]
    m = machine()
    lines = [
        "## Results",
        "",
        "Written by `make bench` (`python -m lus.bench.runner"
        + (" --quick" if args.quick else "")
        + (" --size" if getattr(args, "size", False) else "")
        + f"`) on {datetime.date.today().isoformat()}; the part between the bench markers "
        "is replaced on every run.",
        "",
        f"**Machine:** {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}; load average at the end "
        f"{m['load'][0]:.2f}. The machine is shared and noisy: compare the ratios to the floor "
        "(measured in the same run), not absolute numbers.",
        "",
        f"**Server:** gunicorn, {args.workers} sync workers, `DEBUG=False`, production settings "
        "behind a (simulated) TLS proxy (`X-Forwarded-Proto: https`), sessions in PostgreSQL, "
        "persistent DB connections (`CONN_MAX_AGE=60`) with prepared statements, "
        "all on 127.0.0.1 with PostgreSQL. "
        "One server per data scale, side by side; every page is measured at 1x and at 10x "
        "back to back (alternating which goes first), so the 10x ÷ 1x ratio compares runs "
        "seconds apart.",
        "",
        f"**Load:** wrk + `lus/bench/load.lua`, {args.conns} connections (one per thread), "
        f"{args.seconds:g} s per page after {args.warmup:g} s warm-up, each connection rotating "
        "over its own logged-in users (real sessions of leaders, leaders' leaders and HR, "
        "CSRF cookie + header). POSTs carry the revision the server last answered "
        "(optimistic concurrency), so they are real saves, not conflicts. An error is any "
        "answer other than 200 (redirects included) or a socket error; a 409 on the very first "
        "POST of a target in a run is not (the previous run was cut off with that target's "
        "last save in flight, so its new revision was never read).",
        "",
    ]
    for r in results:
        mk = r["marker"]
        lines.append(
            f"**Data {r['scale']}:** {mk['municipalities']} municipalities, {mk['leaders']:,} "
            f"leaders, {mk['years']} years; generated by `manage.py generate_load_data` in "
            f"{mk['seconds']:.0f} s ({mk.get('parts', 1)} process(es))."
        )
    lines += [
        "",
        "### Key pages",
        "",
        "Queries = SQL queries per request, measured with the test client and "
        "`CaptureQueriesContext` on the same data (warm: second request of a user).",
        "",
        "| Page | Role | Queries | Median ms | p95 ms | req/s | Errors | Median ÷ floor "
        "| p95 ÷ floor | 10x median ms | 10x ÷ 1x | 10x ÷ 1x, floor-normalised | 10x queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = {"queries": [], "median": [], "p95": [], "10x": []}
    for key, (label, role, method) in one["labels"].items():
        p = one["pages"][key]
        q = max(one["queries"].get(key) or [0])
        rm = p["p50_ms"] / floor["p50_ms"] if floor["p50_ms"] else 0
        r95 = p["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else 0
        t = ten["pages"].get(key) if ten else None
        t_ratio = t["p50_ms"] / p["p50_ms"] if t and p["p50_ms"] else None
        tq = max(ten["queries"].get(key) or [0]) if ten else None
        t_norm = None
        if t and ten["pages"]["floor"]["p50_ms"] and rm:
            t_norm = (t["p50_ms"] / ten["pages"]["floor"]["p50_ms"]) / rm
        if key != "floor" and not key.startswith("ref_"):
            # ±1: the sampled people differ between the scales (one with an earlier plan
            # reads it); tests/bench/test_query_budgets.py holds the type constant.
            verdicts["queries"].append((label, q <= 12 and (tq is None or abs(tq - q) <= 1), q, tq))
            verdicts["median"].append((label, rm <= 3, rm))
            verdicts["p95"].append((label, r95 <= 5, r95))
            if t_ratio is not None:
                verdicts["10x"].append((label, t_ratio <= 1.2, t_ratio, t_norm))
        lines.append(
            f"| {label} | {role} ({method}) | {q} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} "
            f"| {p['rps']:.0f} | {p['errors']} | {rm:.2f} | {r95:.2f} "
            f"| {t['p50_ms']:.1f} | {_num(t_ratio)} | {_num(t_norm)} | {tq} |"
            if t
            else f"| {label} | {role} ({method}) | {q} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} "
            f"| {p['rps']:.0f} | {p['errors']} | {rm:.2f} | {r95:.2f} | - | - | - | - |"
        )
    lines += [
        "",
        "The *Reference* rows are not pages. Raw WSGI (no Django) and the bare Django view (no "
        "middleware, no database; `lus/bench/wsgi.py`, the same gunicorn workers) are what the "
        "floor is measured against; the floor plus ten primary-key queries (a key page may make "
        "up to twelve) and the floor plus the page layout (`base.html`) with no content split a "
        "page's cost into parts, in the same run.",
    ]
    if one.get("sql"):
        lines += [
            "",
            "### Where the time goes, and query plans",
            "",
            "*Profile*: ten requests per page under cProfile with the test client on the 1x "
            "data, as shares of their time: SQL built by Django's ORM (`SQLCompiler.as_sql`), "
            "SQL run (the database round trip included), templates rendered (a query a "
            "template triggers counts in both); the rest is Python in middleware, views and "
            "the ORM turning rows into objects. *Plans*: every SELECT of the measured requests "
            "run again with `EXPLAIN ANALYZE`: the slowest one's execution time, and any "
            "sequential scan of a table that read more than 10,000 rows (an O(n) plan shows "
            "here whatever the latency).",
            "",
            "| Page | SQL built | SQL run | Templates | Rest | Slowest SQL, 1x (ms) "
            "| Slowest SQL, 10x (ms) | Sequential scans > 10,000 rows |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for key, (label, _role, _method) in one["labels"].items():
            a = one["sql"].get(key, {})
            b = ten["sql"].get(key, {}) if ten and ten.get("sql") else {}
            scans = sorted(set(a.get("seq_scans", [])) | set(b.get("seq_scans", [])))
            prof = one.get("profile", {}).get(key) or {}
            cells = [prof.get(k) for k in ("sql_build", "sql_run", "templates")]
            rest = max(0.0, 1 - sum(c or 0 for c in cells)) if prof else None
            lines.append(
                f"| {label} | "
                + " | ".join("-" if c is None else f"{c:.0%}" for c in [*cells, rest])
                + f" | {a.get('slowest_ms', 0):.2f} | "
                + (f"{b['slowest_ms']:.2f}" if b else "-")
                + f" | {', '.join(scans) or 'none'} |"
            )
    cpu = one.get("cpu") or {}
    floor_cpu = (cpu.get("floor") or {}).get("total_ms")
    if floor_cpu:
        lines += [
            "",
            "### CPU per request",
            "",
            "CPU time per request through the WSGI application gunicorn serves "
            "(`lus.bench.wsgi`, middleware and all; not gunicorn's HTTP parsing), measured in "
            "`bench_prepare` over 60 requests per page on the 1x data: the app process "
            "(`time.process_time`) and its PostgreSQL backend (`/proc/<pid>/schedstat`). On a "
            "machine shared with other work, CPU time moves far less than latency, so these "
            "ratios are the steadier reading of the same targets.",
            "",
            "| Page | App CPU ms | Database CPU ms | Total CPU ms | ÷ floor |",
            "|---|---:|---:|---:|---:|",
        ]
        for key, (label, _role, _method) in one["labels"].items():
            c = cpu.get(key) or {}
            if not c:
                continue
            lines.append(
                f"| {label} | {c['app_ms']:.2f} | {c['db_ms']:.2f} | {c['total_ms']:.2f} "
                f"| {c['total_ms'] / floor_cpu:.2f} |"
            )
    floors = one.get("floor_runs", [])
    if len(floors) == 2:
        lines += [
            "",
            f"The floor was measured before and after the pages: median "
            f"{floors[0]['p50_ms']:.1f} / {floors[1]['p50_ms']:.1f} ms, p95 "
            f"{floors[0]['p95_ms']:.1f} / {floors[1]['p95_ms']:.1f} ms, "
            f"{floors[0]['rps']:.0f} / {floors[1]['rps']:.0f} req/s (the table uses the mean).",
        ]
    mixed = one.get("mixed")
    if mixed:
        lines += [
            "",
            "### Concurrent users",
            "",
            f"{mixed['conns']} concurrent connections for {mixed['seconds']:g} s, every key page "
            f"and every role mixed: {mixed['requests']:,} requests, {mixed['rps']:.0f} req/s, "
            f"median {mixed['p50_ms']:.1f} ms, p95 {mixed['p95_ms']:.1f} ms, p99 "
            f"{mixed['p99_ms']:.1f} ms, **{mixed['errors']} errors**.",
        ]
    pdf = one.get("pdf")
    rss = one.get("rss_mb") or []
    lines += ["", "### PDF and memory", ""]
    if pdf:
        lines.append(
            f"- Full LUS PDF (conversation {pdf['conversation']} of {pdf['framework']}: the "
            f"framework with most questions, preparation answers, notes and plan included, "
            f"{pdf['full_bytes']:,} bytes, {pdf.get('pages', '?')} pages): median of {pdf['n']} "
            f"renders **{pdf['full_median'] * 1000:.0f} ms**; one-line WeasyPrint document "
            f"(plain `HTML(string='<p>LUS</p>')`, same PDF/A variant) **"
            f"{pdf['one_line_median'] * 1000:.0f} ms**; through the app's own pipeline "
            f"(`render_pdf`: embedded fonts, stylesheet, PDF/A) a one-line document takes "
            f"**{pdf['pipeline_one_line_median'] * 1000:.0f} ms**. Ratio full ÷ one-line: "
            f"{pdf['full_median'] / pdf['one_line_median']:.1f}x (plain), "
            f"{pdf['full_median'] / pdf['pipeline_one_line_median']:.1f}x (pipeline)."
        )
    for r in results:
        if r.get("rss_mb"):
            lines.append(
                f"- gunicorn worker RSS after the {r['scale']} run: "
                + ", ".join(f"{x:.0f} MB" for x in r["rss_mb"])
            )
    lines += ["", "### Targets", ""]
    bare = one["pages"].get("ref_bare")
    if bare and bare["p50_ms"]:
        floor_x = floor["p50_ms"] / bare["p50_ms"]
        lines.append(
            f"- Floor median ≤ 2x the bare Django view's median: {_ok(floor_x <= 2)} "
            f"({floor['p50_ms']:.1f} ms ÷ {bare['p50_ms']:.1f} ms = {floor_x:.2f}x)"
        )
    bare_cpu = (cpu.get("ref_bare") or {}).get("total_ms")
    if floor_cpu and bare_cpu:
        x = floor_cpu / bare_cpu
        lines.append(
            f"- Floor CPU ≤ 2x the bare Django view's CPU: {_ok(x <= 2)} ({floor_cpu:.2f} ms ÷ "
            f"{bare_cpu:.2f} ms = {x:.1f}x; the floor reads the session and its user from "
            "PostgreSQL, the bare view touches no database)"
        )
    if floor_cpu:
        over = [
            f"{one['labels'][k][0]} ({c['total_ms'] / floor_cpu:.1f}x)"
            for k, c in cpu.items()
            if c
            and k != "floor"
            and not k.startswith("ref_")
            and k != "blank_form"
            and c["total_ms"] > 3 * floor_cpu
        ]
        lines.append(
            f"- Key page CPU ≤ 3x the floor's CPU: {_ok(not over)}"
            + (f" — over: {', '.join(over)}" if over else "")
        )
    if pdf:
        pdf_x = pdf["full_median"] / pdf["pipeline_one_line_median"]
        lines.append(
            f"- Full LUS PDF ≤ 5x a one-line document through the same pipeline: {_ok(pdf_x <= 5)}"
            f" ({pdf_x:.1f}x)"
        )
    bad_q = [
        f"{lb} ({q}{'' if tq in (None, q) else f' → {tq} at 10x'})"
        for lb, ok, q, tq in verdicts["queries"]
        if not ok
    ]
    lines.append(
        "- Queries per key page ≤ 12 and constant in data size (10x within ±1 of 1x: the "
        "people sampled differ; per framework type the count is asserted equal in "
        f"`tests/bench/test_query_budgets.py`): {_ok(not bad_q)}"
        + (f" — over: {', '.join(bad_q)}" if bad_q else "")
    )
    bad_m = [f"{lb} ({x:.1f}x; {_cause(one, lb)})" for lb, ok, x in verdicts["median"] if not ok]
    lines.append(
        f"- Median ≤ 3x the floor's median: {_ok(not bad_m)}"
        + (f" — over: {', '.join(bad_m)}" if bad_m else "")
    )
    bad_p = [f"{lb} ({x:.1f}x)" for lb, ok, x in verdicts["p95"] if not ok]
    lines.append(
        f"- p95 ≤ 5x the floor's p95: {_ok(not bad_p)}"
        + (f" — over: {', '.join(bad_p)}" if bad_p else "")
    )
    if verdicts["10x"]:
        bad_t = [
            f"{lb} ({x:.2f}x; floor-normalised {n:.2f}x)"
            for lb, ok, x, n in verdicts["10x"]
            if not ok
        ]
        lines.append(
            f"- 10x data within 1.2x of the 1x median: {_ok(not bad_t)}"
            + (f" — over: {', '.join(bad_t)}" if bad_t else "")
        )
    if one.get("sql"):
        scans = [
            lb
            for r in results
            for key, (lb, _r, _m) in one["labels"].items()
            if r.get("sql", {}).get(key, {}).get("seq_scans")
        ]
        lines.append(
            "- No sequential scan of a table over 10,000 rows in a key page's request (at 1x "
            f"and 10x): {_ok(not scans)}"
            + (f" — in: {', '.join(sorted(set(scans)))}" if scans else "")
        )
    if mixed:
        lines.append(
            f"- {mixed['conns']} concurrent users for {mixed['seconds']:g} s, 0 errors: "
            f"{_ok(mixed['errors'] == 0)}"
        )
    if pdf:
        lines.append(
            f"- PDF of a full LUS within 5x the one-line document: "
            f"{_ok(pdf['full_median'] <= 5 * pdf['one_line_median'])} against the plain "
            f"document, {_ok(pdf['full_median'] <= 5 * pdf['pipeline_one_line_median'])} "
            "against the pipeline's"
        )
    if rss:
        lines.append(f"- Worker RSS ≤ 200 MB: {_ok(max(rss) <= 200)} (max {max(rss):.0f} MB)")
    lines += ["", f"Bench wall time: {time.perf_counter() - started:.0f} s.", ""]
    return "\n".join(lines)


#: The profile's shares, as the report names them in a miss's cause.
SHARES = {
    "sql_build": "SQL built by the ORM",
    "sql_run": "SQL run",
    "templates": "templates",
    "rest": "Python in views, middleware and the ORM's rows",
}


def _cause(one: dict, label: str) -> str:
    """A miss's measured cause: the page's largest share of time in the profile."""
    key = next((k for k, (lb, _r, _m) in one["labels"].items() if lb == label), None)
    prof = one.get("profile", {}).get(key) or {}
    if not prof:
        return "not profiled"
    shares = {k: prof.get(k) or 0 for k in ("sql_build", "sql_run", "templates")}
    shares["rest"] = max(0.0, 1 - sum(shares.values()))
    top = max(shares, key=lambda k: shares[k])
    return f"largest share: {SHARES[top]} {shares[top]:.0%}"


def people_import_bench(db: str, quick: bool) -> dict:
    """The people import's check and apply at 2,500 / 10,000 / 50,000 rows
    (``lus.bench.people_import``; tiny in ``--quick`` so ``make test`` stays fast). Runs in the
    bench database, rolled back."""
    rows = ["100"] if quick else ["2500", "10000", "50000"]
    log(f"people import check and apply: {', '.join(rows)} rows")
    out = subprocess.run(
        [
            PY,
            "-m",
            "lus.bench.people_import",
            "--json",
            "--cases",
            "new,reimport,apply,apply-reimport",
            "--rows",
            *rows,
        ],
        env=app_env(db),
        cwd=BASE,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out[out.index("{") :])


def people_import_report(figures: dict) -> str:
    lines = [
        "### People import (check step)",
        "",
        "`python -m lus.bench.people_import`: the dry run HR waits for after uploading a CSV "
        "(hierarchy with fan-out 8), into an empty municipality (*new*) and one where everyone "
        "exists (*re-import*). Target: 50,000 rows in under 30 s.",
        "",
        "| Rows | File | New: wall | New: CPU | Re-import: wall | Re-import: CPU |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for rows, f in figures.items():
        new, again = f.get("new", {}), f.get("reimport", {})
        lines.append(
            f"| {int(rows):,} | {f['bytes'] / 2**20:.1f} MiB | {new.get('wall', '-')} s "
            f"| {new.get('cpu', '-')} s | {again.get('wall', '-')} s | {again.get('cpu', '-')} s |"
        )
    big = figures.get("50000") or figures.get(50000)
    if big:
        lines += ["", f"- 50,000 rows checked in under 30 s: {_ok(big['new']['wall'] < 30)}"]
    lines += [
        "",
        "### People import (apply step)",
        "",
        "The same files applied (written, in batches, one transaction; rolled back here) into an "
        "empty municipality (*apply*: everyone created) and one where everyone exists under "
        "other details (*apply, re-import*: everyone updated). The apply re-checks the file "
        "first, so these include a check. Long files are applied by the task worker.",
        "",
        "| Rows | Apply: wall | Apply: CPU | Apply, re-import: wall | Apply, re-import: CPU |",
        "|---:|---:|---:|---:|---:|",
    ]
    for rows, f in figures.items():
        new, again = f.get("apply", {}), f.get("apply-reimport", {})
        lines.append(
            f"| {int(rows):,} | {new.get('wall', '-')} s | {new.get('cpu', '-')} s "
            f"| {again.get('wall', '-')} s | {again.get('cpu', '-')} s |"
        )
    return "\n".join([*lines, ""])


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_report(path: Path, generated: str) -> None:
    """Replace the generated part of the report, keeping hand-written text around it."""
    block = f"{START}\n{generated}\n{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        head, rest = old.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="tiny data, short runs (make test)")
    ap.add_argument("--out", default=str(BASE / "docs" / "performance.md"))
    ap.add_argument("--json", default=None, help="also write the raw results here")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--mixed-conns", type=int, default=50)
    ap.add_argument("--mixed-seconds", type=float, default=60)
    ap.add_argument("--targets", type=int, default=64)
    ap.add_argument("--scales", default="1x,10x")
    ap.add_argument(
        "--size",
        action="store_true",
        help="1x and 10x are one municipality of 2,500 and of 25,000 leaders (the HR overview's "
        "target); writes docs/performance-size.md unless --out is given",
    )
    ap.add_argument("--no-coedit", action="store_true", help="skip the co-editing figures")
    ap.add_argument(
        "--no-people-import", action="store_true", help="skip the people import's check"
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.workers, args.conns, args.seconds, args.warmup = 2, 2, 1, 0
        args.mixed_conns, args.mixed_seconds, args.targets = 4, 1, 8
    chosen = QUICK if args.quick else SIZE if args.size else FULL
    scales = [s for s in chosen if args.quick or s.name in args.scales.split(",")]
    if args.size and args.out == str(BASE / "docs" / "performance.md"):
        args.out = str(BASE / "docs" / "performance-size.md")
    started = time.perf_counter()
    WORK.mkdir(exist_ok=True)
    # One bench at a time on this machine, whichever checkout runs it: the databases are shared.
    with open(Path(tempfile.gettempdir()) / "lus-bench.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = run_scales(scales, args)
        imports = None if args.no_people_import else people_import_bench(scales[0].db, args.quick)
    text = report(results, args, started)
    if imports is not None:
        text += "\n" + people_import_report(imports)
    write_report(Path(args.out), text)
    if not (args.quick or args.no_coedit):
        # Two live clients on two ASGI nodes (lus/bench/coedit.py); appended to the report.
        from lus.bench import coedit

        coedit.main(["--out", args.out])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
