# ruff: noqa: S311 (synthetic test data, not cryptography)
"""What the load test requests: per key page a list of targets (user session + URL + body),
picked from the generated data; SQL queries per request measured with the test client; PDF
render times. Used by ``manage.py bench_prepare`` (run inside the bench database)."""

from __future__ import annotations

import random
import secrets
import statistics
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lus.accounts.models import User
from lus.accounts.sessions import SessionStore
from lus.bench.generator import SLUG_PREFIX
from lus.conversations.models import Conversation, Preparation
from lus.core.middleware import SessionTimeoutMiddleware
from lus.frameworks.models import FrameworkVersion, Question
from lus.plans.models import PlanValue
from lus.rounds.models import LusRound
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped

BACKEND = "lus.accounts.backends.TenantAwareModelBackend"
S = Conversation.Status


@dataclass
class Target:
    method: str
    path: str
    session: str
    csrf: str
    body: str = ""  # "{rev}" is replaced by the last revision the server answered
    revision: int = 0


@dataclass
class Endpoint:
    key: str
    label: str
    role: str
    method: str = "GET"
    targets: list[Target] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    #: EXPLAIN ANALYZE of the measured requests' SELECTs: the slowest one's execution time and
    #: every sequential scan of a table with more than SEQ_SCAN_ROWS rows.
    slowest_sql_ms: float = 0.0
    seq_scans: list[str] = field(default_factory=list)
    #: Where a request's time goes (cProfile over a few requests, shares of the total):
    #: building SQL in the ORM, running it (round trip included), rendering templates.
    profile: dict = field(default_factory=dict)
    #: CPU time per request in milliseconds, through the WSGI application gunicorn serves:
    #: the app process and its PostgreSQL backend (``cpu_cost``).
    cpu: dict = field(default_factory=dict)


SEQ_SCAN_ROWS = 10_000


KEY_PAGES = [
    ("floor", "Floor: trivial authenticated view", "leader"),
    # What the floor is measured against: the same server with no Django, and Django with no
    # middleware and no database (lus/bench/wsgi.py).
    ("ref_raw", "Reference: raw WSGI, no Django", "anyone"),
    ("ref_bare", "Reference: bare Django view, no middleware, no database", "anyone"),
    # References, not key pages: what a page's parts cost on top of the floor.
    ("ref_queries", "Reference: floor + 10 primary-key queries", "leader"),
    ("ref_layout", "Reference: floor + page layout, no content", "leader"),
    ("leader_start", "Leader start page", "leader"),
    ("prepare_get", "Preparation form (GET)", "leader"),
    ("prepare_autosave", "Preparation autosave (POST)", "leader"),
    ("my_leaders", "Mine ledere (leader's leader overview)", "leader's leader"),
    ("conversation", "Conversation view", "leader's leader"),
    ("plan_save", "Plan co-edit save (POST)", "leader"),
    ("hr_overview", "HR status overview, largest municipality", "HR"),
    ("admin_framework", "Admin framework version change page", "HR"),
    ("blank_form", "Blank form skema.pdf of a published version (cached)", "leader"),
]

#: Distinct blank forms in the bench: each is rendered once (about a second) while the targets
#: are built, so the load test measures what every later request gets, the cached form.
BLANK_FORMS = 8


def _session(user: User) -> tuple[str, str]:
    """A logged-in session for ``user`` (as a login would make) and a CSRF secret."""
    store = SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SessionTimeoutMiddleware.LOGIN_KEY] = now
    store[SessionTimeoutMiddleware.SEEN_KEY] = now
    store.create()
    return store.session_key, secrets.token_hex(16)  # 32 characters: an unmasked secret


def _pick(rng: random.Random, items: list, n: int) -> list:
    return items if len(items) <= n else rng.sample(items, n)


class Picker:
    def __init__(self, n: int, seed: int = 9) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.year = timezone.localdate().year
        self.sessions: dict[int, tuple[str, str]] = {}
        with unscoped("bench: list generated municipalities"):
            self.municipalities = list(
                Municipality.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk")
            )

    def session(self, user: User) -> tuple[str, str]:
        if user.pk not in self.sessions:
            self.sessions[user.pk] = _session(user)
        return self.sessions[user.pk]

    def target(self, user: User, method: str, path: str, body: str = "", rev: int = 0):
        sid, csrf = self.session(user)
        return Target(method, path, sid, csrf, body, rev)

    def _per_municipality(self, fn) -> list:
        """Call ``fn(m, k)`` in the scope of municipalities (round robin) until n targets."""
        out: list = []
        ms = list(self.municipalities)
        self.rng.shuffle(ms)
        per = max(1, -(-self.n // len(ms)))
        for m in ms:
            with tenant_scope(m):
                out.extend(fn(m, per))
            if len(out) >= self.n:
                break
        return out[: self.n]

    def conversations(self, m, k: int, statuses) -> list[Conversation]:
        ids = list(
            Conversation.objects.filter(year=self.year, status__in=statuses)
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
        ids = _pick(self.rng, ids, k)
        return list(
            Conversation.objects.filter(pk__in=ids).select_related(
                "leader", "leaders_leader", "version"
            )
        )

    # --- the key pages --------------------------------------------------------------------
    def floor(self):
        def fn(m, k):
            return [
                self.target(c.leader, "GET", "/bench/floor")
                for c in self.conversations(m, k, S.values)
            ]

        return self._per_municipality(fn)

    def ref_raw(self):
        return [Target(t.method, "/bench/raw", t.session, t.csrf) for t in self.floor()]

    def ref_bare(self):
        return [Target(t.method, "/bench/bare", t.session, t.csrf) for t in self.floor()]

    def ref_queries(self):
        return [Target(t.method, "/bench/floor-queries", t.session, t.csrf) for t in self.floor()]

    def ref_layout(self):
        return [Target(t.method, "/bench/floor-layout", t.session, t.csrf) for t in self.floor()]

    def leader_start(self):
        def fn(m, k):
            return [
                self.target(c.leader, "GET", reverse("home"))
                for c in self.conversations(m, k, S.values)
            ]

        return self._per_municipality(fn)

    def prepare_get(self):
        def fn(m, k):
            return [
                self.target(c.leader, "GET", reverse("conversations:prepare", args=[c.pk]))
                for c in self.conversations(m, k, [S.INVITED, S.PREPARING, S.SHARED])
            ]

        return self._per_municipality(fn)

    def prepare_autosave(self):
        def fn(m, k):
            out = []
            for c in self.conversations(m, k, [S.PREPARING, S.SHARED]):
                q = (
                    Question.objects.filter(
                        section__version=c.version,
                        type=Question.Type.TEXT,
                        answered_by__in=["leader", "both"],
                        customisation=None,
                    )
                    .order_by("section__order", "order")
                    .first()
                )
                prep = Preparation.objects.filter(conversation=c, role="leader").first()
                if q is None or prep is None:
                    continue
                body = urlencode(
                    {"revision": "REV", "fields": q.pk, f"q-{q.pk}": "Autosaved under load."}
                ).replace("REV", "{rev}")
                path = reverse("conversations:prepare", args=[c.pk])
                out.append(self.target(c.leader, "POST", path, body, prep.revision))
            return out

        return self._per_municipality(fn)

    def my_leaders(self):
        def fn(m, k):
            seen, out = set(), []
            for c in self.conversations(m, 4 * k, S.values):
                if c.leaders_leader_id not in seen and len(out) < k:
                    seen.add(c.leaders_leader_id)
                    out.append(
                        self.target(c.leaders_leader, "GET", reverse("conversations:my_leaders"))
                    )
            return out

        return self._per_municipality(fn)

    def conversation(self):
        def fn(m, k):
            return [
                self.target(c.leaders_leader, "GET", reverse("plans:conduct", args=[c.pk]))
                for c in self.conversations(m, k, [S.HELD])
            ]

        return self._per_municipality(fn)

    def plan_save(self):
        def fn(m, k):
            out = []
            for c in self.conversations(m, k, [S.HELD]):
                v = (
                    PlanValue.objects.filter(plan__conversation=c)
                    .select_related("field")
                    .order_by("pk")
                    .first()
                )
                if v is None:
                    continue
                if v.activity_id:
                    key = f"a{v.activity_id}-f{v.field_id}"
                elif v.item_id:
                    key = f"i{v.item_id}-f{v.field_id}"
                elif v.section_id:
                    key = f"s{v.section_id}-f{v.field_id}"
                else:
                    key = f"p{v.field_id}"
                value = "2027-03-01" if v.field.kind == "date" else "Gemt under belastning."
                if v.field.kind == "horizon":
                    value = "long"
                body = urlencode({"key": key, "revision": "REV", "value": value}).replace(
                    "REV", "{rev}"
                )
                path = reverse("plans:save", args=[c.pk])
                out.append(self.target(c.leader, "POST", path, body, v.revision))
            return out

        return self._per_municipality(fn)

    def hr_overview(self):
        m = self.municipalities[0]  # municipality_sizes() puts the largest first
        with tenant_scope(m):
            hr = list(User.objects.filter(is_hr=True).order_by("pk"))
            lus_round = LusRound.objects.get(year=self.year)
            path = reverse("rounds:overview", args=[lus_round.pk])
            return [self.target(h, "GET", path) for h in hr]

    def admin_framework(self):
        def fn(m, k):
            version = FrameworkVersion.objects.order_by("-number").first()
            path = reverse("admin:frameworks_frameworkversion_change", args=[version.pk])
            return [self.target(h, "GET", path) for h in User.objects.filter(is_hr=True)[:k]]

        return self._per_municipality(fn)

    def blank_form(self):
        def fn(m, k):
            return [
                self.target(c.leader, "GET", reverse("documents:blank_form", args=[c.pk]))
                for c in self.conversations(m, k, S.values)
            ]

        forms = self._per_municipality(fn)[:BLANK_FORMS]
        for t in forms:  # the first request renders and fills the shared cache
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = t.session
            send(client, t)
        return [forms[i % len(forms)] for i in range(self.n)] if forms else []


def send(client: Client, t: Target):
    """One request of a target as the load tool sends it (a POST carries the revision the
    server last answered, and the answer's revision is kept for the next one)."""
    if t.method == "GET":
        return client.get(t.path, secure=True)
    r = client.post(
        t.path,
        t.body.replace("{rev}", str(t.revision)),
        content_type="application/x-www-form-urlencoded",
        secure=True,
        headers={"X-LUS-Autosave": "1"},
    )
    if r.headers.get("Content-Type", "").startswith("application/json"):
        t.revision = r.json().get("revision", t.revision) or t.revision
    return r


def measure_queries(ep: Endpoint, samples: int = 3) -> None:
    """SQL queries per request with the test client on the same data (warm: after one
    request, as in a running server)."""
    for t in ep.targets[:samples]:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = t.session
        send(client, t)
        with CaptureQueriesContext(connection) as ctx:
            r = send(client, t)
        # gunicorn serves the two references without middleware (lus/bench/wsgi.py): no
        # query there, whatever the test client's full stack reads.
        served_bare = t.path in ("/bench/raw", "/bench/bare")
        ep.queries.append(0 if served_bare else len(ctx.captured_queries))
        ep.statuses.append(r.status_code)
        explain(ep, ctx.captured_queries)


#: (file suffix, function names) whose cumulative time makes each share of the profile.
PROFILE_PARTS = {
    "sql_build": ("django/db/models/sql/compiler.py", {"as_sql"}),
    "sql_run": ("django/db/backends/utils.py", {"_execute", "_executemany"}),
    "templates": ("django/template/backends/django.py", {"render"}),
}


def profile(ep: Endpoint, requests: int = 10) -> None:
    """Shares of a request's time (under cProfile, which slows everything alike): SQL built by
    the ORM, SQL run (round trip included), templates rendered (including any query a
    template triggers). What the bench report gives as a page's measured cost."""
    import cProfile
    import pstats

    clients: dict[str, Client] = {}

    def one(t: Target) -> None:
        client = clients.get(t.session)
        if client is None:
            client = clients[t.session] = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = t.session
        send(client, t)

    targets = ep.targets[:requests]
    for t in targets:
        one(t)  # warm: clients, caches, connections
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(requests):
        one(targets[i % len(targets)])
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    shares = {}
    for part, (suffix, names) in PROFILE_PARTS.items():
        seconds = sum(
            cumulative
            for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
            if filename.endswith(suffix) and name in names
        )
        shares[part] = min(1.0, seconds / elapsed) if elapsed else 0.0
    ep.profile = shares


def _backend_cpu_ns() -> int:
    """On-CPU time of this connection's PostgreSQL backend process so far (same machine:
    /proc/<pid>/schedstat, nanoseconds); 0 where it cannot be read."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _environ(t: Target) -> dict:
    """The WSGI environ of a target's request as wrk sends it (behind the TLS proxy)."""
    import io
    import sys

    path, _sep, query = t.path.partition("?")
    body = t.body.replace("{rev}", str(t.revision)).encode()
    return {
        "REQUEST_METHOD": t.method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={t.session}; "
        f"{settings.CSRF_COOKIE_NAME}={t.csrf}",
        "HTTP_X_CSRFTOKEN": t.csrf,
        "HTTP_X_LUS_AUTOSAVE": "1",
        "HTTP_REFERER": "https://127.0.0.1/",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def cpu_cost(ep: Endpoint, requests: int = 60) -> None:
    """CPU milliseconds per request through ``lus.bench.wsgi.application`` (what gunicorn
    serves, middleware and all, minus gunicorn's HTTP parsing), split into the app process and
    its PostgreSQL backend. CPU time, unlike latency, hardly moves when other work shares the
    machine, so the ratios between pages stay comparable from run to run. A POST target
    carries the revision its previous answer gave (a real save every time)."""
    import json as _json

    from lus.bench.wsgi import application

    targets = ep.targets[: max(1, min(len(ep.targets), 16))]
    status: list[str] = []

    def one(t: Target) -> None:
        body = application(_environ(t), lambda s, _h, _e=None: status.append(s))
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if t.method == "POST" and content.startswith(b"{"):
            t.revision = _json.loads(content).get("revision", t.revision) or t.revision

    for t in targets:  # warm: caches, compiled templates, the connection
        one(t)
    # The same backend throughout (CONN_MAX_AGE would reconnect in the middle of the run).
    close_at, connection.close_at = connection.close_at, None
    try:
        db0, app0 = _backend_cpu_ns(), time.process_time()
        for i in range(requests):
            one(targets[i % len(targets)])
        app = (time.process_time() - app0) * 1000 / requests
        db = max(0, _backend_cpu_ns() - db0) / 1e6 / requests
    finally:
        connection.close_at = close_at
    ep.cpu = {"app_ms": app, "db_ms": db, "total_ms": app + db, "status": status[-1]}


def explain(ep: Endpoint, queries: list[dict]) -> None:
    """EXPLAIN ANALYZE every SELECT of a request (PostgreSQL): an O(n) plan shows up as a
    sequential scan of a big table or a slow query at 10x, whatever the page's latency."""
    if connection.vendor != "postgresql":
        return
    for q in queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cur.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else plan
        ep.slowest_sql_ms = max(ep.slowest_sql_ms, float(plan["Execution Time"]))
        todo = [plan["Plan"]]
        while todo:
            node = todo.pop()
            todo.extend(node.get("Plans", []))
            if node.get("Node Type") != "Seq Scan":
                continue
            scanned = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
            scanned *= node.get("Actual Loops", 1)
            if scanned > SEQ_SCAN_ROWS:
                found = f"{node.get('Relation Name')} ({scanned:,} rows)"
                if found not in ep.seq_scans:
                    ep.seq_scans.append(found)


def _pages(content: bytes) -> int | str:
    try:
        import io

        import pikepdf

        with pikepdf.open(io.BytesIO(content)) as pdf:
            return len(pdf.pages)
    except ImportError:
        return "?"


def pdf_times(n: int) -> dict:
    """Median render time of a full LUS (a filed conversation of the framework with the most
    questions, preparation answers included) beside a one-line WeasyPrint document."""
    from weasyprint import HTML

    from lus.documents.pdf import pdf_variant, render_pdf
    from lus.documents.services import lus_pdf_render

    with unscoped("bench: find the biggest framework"):
        best = (
            Question.objects.filter(section__version__municipality__slug__startswith=SLUG_PREFIX)
            .values("section__version__municipality")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        m = Municipality.objects.get(pk=best["section__version__municipality"])
    with tenant_scope(m):
        c = (
            Conversation.objects.filter(status=S.FILED)
            .annotate(n=Count("preparations__answers"))
            .order_by("-n", "-year")
            .first()
        )
        full, size = [], 0
        for _ in range(n):
            t0 = time.perf_counter()
            content = lus_pdf_render(conversation=c)
            full.append(time.perf_counter() - t0)
            size = len(content)
        pages = _pages(content)
    one, pipeline = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        render_pdf("bench/one_line.html", {})
        pipeline.append(time.perf_counter() - t0)
    for _ in range(n):
        t0 = time.perf_counter()
        # Tagged like the app's documents (the accessible PDF/A variant needs a language).
        HTML(string='<html lang="da"><title>LUS</title><p>LUS</p></html>').write_pdf(
            pdf_variant=pdf_variant(), pdf_tags=True
        )
        one.append(time.perf_counter() - t0)
    return {
        "n": n,
        "full_median": statistics.median(full),
        "one_line_median": statistics.median(one),
        "full_bytes": size,
        "pages": pages,
        "pipeline_one_line_median": statistics.median(pipeline),
        "conversation": c.pk,
        "framework": m.name,
    }


def build(n: int) -> list[Endpoint]:
    picker = Picker(n)
    endpoints = []
    for key, label, role in KEY_PAGES:
        ep = Endpoint(key, label, role)
        ep.targets = getattr(picker, key)()
        ep.method = ep.targets[0].method if ep.targets else "GET"
        endpoints.append(ep)
    return endpoints


def as_dict(ep: Endpoint) -> dict:
    return asdict(ep)
