# ruff: noqa: S311 (synthetic test data, not cryptography)
"""Synthetic national-scale data for the benchmark (``manage.py generate_load_data``).

What it makes, per municipality (inside ``tenant_scope`` of that municipality):

- people in a hierarchy 3-4 levels deep (director -> area directors -> chiefs -> leaders),
  org units per area and department, one or two HR people; municipality sizes follow a
  Zipf-like curve (the largest has ~10 % of all leaders, like Copenhagen);
- one published question framework: the five fixture frameworks (``fixtures/*.json``) are
  imported through ``frameworks.services.framework_import`` once per framework type; every
  further municipality of that type gets a row-for-row clone of that imported version, so
  every framework type is present nationwide;
- per leader and year one conversation, its preparations and answers, section notes,
  minutes, a development plan with items, activities and values, approvals, follow-ups,
  evaluations of last year's points, and for filed conversations a ``FiledRecord`` (+ a
  delivery attempt) pointing at ONE shared dummy PDF in the archive storage (rendering
  125,000 real PDFs would take hours; the bench measures PDF rendering separately);
- a LUS round per year and print/filing settings.

Rows are written with PostgreSQL ``COPY`` (ids reserved from the tables' sequences, foreign
keys consistent by construction; with a superuser connection FK triggers are skipped for the
load with ``session_replication_role = replica``). Other databases get ``bulk_create`` in
batches (slow; fine for ``--small``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone

from lus.accounts.models import OrgUnit, User
from lus.conversations.models import Answer, Conversation, Minutes, Preparation, SectionNote
from lus.documents.models import (
    DeliveryAttempt,
    DocumentSettings,
    FiledRecord,
    archive_storage,
)
from lus.frameworks.models import (
    Framework,
    FrameworkVersion,
    PlanField,
    Question,
    QuestionOption,
    Section,
)
from lus.plans.models import (
    FollowUp,
    Plan,
    PlanActivity,
    PlanApproval,
    PlanItem,
    PlanItemEvaluation,
    PlanValue,
)
from lus.rounds.models import LusRound
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped

FIXTURE_SLUGS = ["haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"]
BENCH_PASSWORD = "bench-LUS-2026"
DUMMY_PDF_NAME = "filed/bench/dummy-lus.pdf"
SLUG_PREFIX = "bench-"
S = Conversation.Status

SENTENCES = [
    "Vi har fået styr på overleveringen mellem vagtholdene.",
    "Jeg vil gerne blive bedre til at uddelegere og give tydelig retning.",
    "Trivslen i teamet er steget efter vi ændrede mødestrukturen.",
    "Budgettet er presset, men vi har prioriteret kerneopgaven.",
    "Samarbejdet med de andre afdelinger kan styrkes.",
    "Jeg ønsker et forløb i strategisk ledelse næste år.",
    "Medarbejderne efterspørger mere sparring i hverdagen.",
    "Rekruttering af sygeplejersker fylder meget i min kalender.",
    "Vi har implementeret det nye fagsystem uden store forsinkelser.",
    "Jeg vil gerne afprøve walk'n'talk med mine teamledere.",
    "Sygefraværet er faldet fra 6,1 til 4,3 procent.",
    "Borgerne oplever kortere ventetid på sagsbehandlingen.",
]
ITEM_TITLES = [
    "Tydelig delegering",
    "Strategisk ledelse",
    "Faglig sparring i teamet",
    "Styrket tværfagligt samarbejde",
    "Kompetenceudvikling for medarbejderne",
    "Bedre balance mellem drift og udvikling",
]
FIRST = ["Anne", "Mette", "Lars", "Søren", "Hanne", "Jens", "Pia", "Mads", "Ida", "Ole", "Ulla"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen"]


@dataclass
class Options:
    municipalities: int = 98
    leaders: int = 25_000
    years: int = 5
    seed: int = 2026
    #: Generate only municipalities i with i % parts == part (parallel processes).
    part: int = 0
    parts: int = 1
    progress: Callable[[str], None] = print


@dataclass
class Template:
    """One imported framework version, as plain rows to clone."""

    slug: str
    municipality_settings: dict
    framework: dict
    version: dict
    sections: list[dict]
    questions: list[dict]
    options: list[dict]
    plan_fields: list[dict]


@dataclass
class VersionInfo:
    """The structure of one municipality's version, as the generator needs it."""

    version_id: int
    both_prepare: bool
    plan_kind: str
    plan_continues: bool
    minutes: str
    sections: list[int] = field(default_factory=list)  # non-plan section ids
    questions: list[dict] = field(default_factory=list)  # answerable questions
    options: dict[int, list[int]] = field(default_factory=dict)
    fields: dict[str, list[dict]] = field(default_factory=dict)  # per -> plan fields


# --- writing rows ---------------------------------------------------------------------------
class Writer:
    """Buffers rows (dicts of attnames) per model and writes them with COPY (PostgreSQL) or
    bulk_create (other databases). Ids are handed out by :meth:`ids` up front so rows can
    reference each other before anything is written."""

    BLOCK = 20_000

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.rows: dict[type[models.Model], list[dict]] = defaultdict(list)
        self._next: dict[type[models.Model], list[int]] = {}
        self._end: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self._meta: dict[type[models.Model], tuple] = {}
        self.now = timezone.now()

    # ids
    def _reserve(self, model, n: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.pg:
                # n values of the table's own sequence: unique even with parallel generators
                # (and the ORM) drawing from it at the same time.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                return [r[0] for r in cursor.fetchall()]
            start = self._end.get(model)
            if start is None:
                cursor.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608 (table name)
                start = (cursor.fetchone()[0] or 0) + 1
            self._end[model] = start + n
            return list(range(start, start + n))

    def id(self, model) -> int:
        ids = self._next.get(model)
        if not ids:
            ids = self._next[model] = self._reserve(model, self.BLOCK)
            ids.reverse()
        return ids.pop()

    def forget_reservations(self) -> None:
        self._next.clear()
        self._end.clear()

    def add(self, model, **row) -> int:
        if "id" not in row:
            row["id"] = self.id(model)
        self.rows[model].append(row)
        return row["id"]

    # flushing
    def _model_meta(self, model):
        meta = self._meta.get(model)
        if meta is None:
            fields = [f for f in model._meta.concrete_fields]
            defaults = []
            for f in fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    defaults.append(self.now)
                elif f.has_default():
                    d = f.get_default()
                    defaults.append(json.dumps(d) if isinstance(f, models.JSONField) else d)
                elif f.null or f.primary_key:
                    defaults.append(None)
                else:
                    defaults.append("")
            index = {f.attname: i for i, f in enumerate(fields)}
            jsons = {f.attname for f in fields if isinstance(f, models.JSONField)}
            meta = self._meta[model] = (fields, defaults, index, jsons)
        return meta

    def flush(self) -> None:
        for model in list(self.rows):
            rows = self.rows.pop(model)
            if not rows:
                continue
            self.counts[model._meta.label] += len(rows)
            if self.pg:
                self._copy(model, rows)
            else:
                self._bulk(model, rows)

    def _copy(self, model, rows: list[dict]) -> None:
        fields, defaults, index, jsons = self._model_meta(model)
        columns = ", ".join(f'"{f.column}"' for f in fields)
        sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for r in rows:
                out = list(defaults)
                for k, v in r.items():
                    out[index[k]] = json.dumps(v) if k in jsons else v
                copy.write_row(out)

    def _bulk(self, model, rows: list[dict]) -> None:
        objs = []
        for r in rows:
            obj = model()
            for k, v in r.items():
                setattr(obj, k, v)
            objs.append(obj)
        model._base_manager.bulk_create(objs, batch_size=2000)


# --- frameworks -----------------------------------------------------------------------------
def _rows(qs) -> list[dict]:
    return [{f.attname: getattr(o, f.attname) for f in o._meta.concrete_fields} for o in qs]


def import_template(slug: str, municipality: Municipality) -> Template:
    """Import ``fixtures/<slug>.json`` into ``municipality`` through the import service."""
    from lus.frameworks.services import framework_import

    path = Path(settings.BASE_DIR) / "fixtures" / f"{slug}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["municipality"] = {"slug": municipality.slug, "name": municipality.name}
    version = framework_import(data=data, publish=True)
    municipality.refresh_from_db()
    with tenant_scope(municipality):
        sections = list(Section.objects.filter(version=version).order_by("order", "pk"))
        questions = list(Question.objects.filter(section__version=version).order_by("pk"))
        options = list(
            QuestionOption.objects.filter(question__section__version=version).order_by("pk")
        )
        plan_fields = list(PlanField.objects.filter(version=version).order_by("order", "pk"))
        return Template(
            slug=slug,
            municipality_settings={
                "conversation_duration_minutes": municipality.conversation_duration_minutes,
                "senior_conversation_age": municipality.senior_conversation_age,
            },
            framework=_rows([version.framework])[0],
            version=_rows([version])[0],
            sections=_rows(sections),
            questions=_rows(questions),
            options=_rows(options),
            plan_fields=_rows(plan_fields),
        )


def clone_template(w: Writer, t: Template, m: Municipality) -> int:
    """Copy the template's rows into municipality ``m`` (new ids); returns the version id."""
    mid = m.pk
    fw = {**t.framework, "id": w.id(Framework), "municipality_id": mid}
    w.add(Framework, **fw)
    vid = w.add(
        FrameworkVersion,
        **{
            **t.version,
            "id": w.id(FrameworkVersion),
            "municipality_id": mid,
            "framework_id": fw["id"],
            "published_by_id": None,
            "based_on_id": None,
        },
    )
    sections = {}
    for s in t.sections:
        sections[s["id"]] = w.add(
            Section, **{**s, "id": w.id(Section), "municipality_id": mid, "version_id": vid}
        )
    questions = {}
    for q in t.questions:
        questions[q["id"]] = w.add(
            Question,
            **{
                **q,
                "id": w.id(Question),
                "municipality_id": mid,
                "section_id": sections[q["section_id"]],
            },
        )
    for o in t.options:
        w.add(
            QuestionOption,
            **{
                **o,
                "id": w.id(QuestionOption),
                "municipality_id": mid,
                "question_id": questions[o["question_id"]],
            },
        )
    for f in t.plan_fields:
        w.add(PlanField, **{**f, "id": w.id(PlanField), "municipality_id": mid, "version_id": vid})
    return vid


def version_info(w: Writer, t: Template, version_id: int) -> VersionInfo:
    """The structure of the municipality's version, from the rows just buffered (clone) or
    the database (the imported original)."""
    buffered = [r for r in w.rows.get(Section, []) if r["version_id"] == version_id]
    if buffered:
        sections = buffered
        sids = {s["id"] for s in sections}
        questions = [q for q in w.rows[Question] if q["section_id"] in sids]
        qids = {q["id"] for q in questions}
        options = [o for o in w.rows[QuestionOption] if o["question_id"] in qids]
        fields = [f for f in w.rows[PlanField] if f["version_id"] == version_id]
    else:
        sections = _rows(Section.objects.filter(version_id=version_id).order_by("order", "pk"))
        questions = _rows(Question.objects.filter(section__version_id=version_id))
        options = _rows(QuestionOption.objects.filter(question__section__version_id=version_id))
        fields = _rows(PlanField.objects.filter(version_id=version_id).order_by("order", "pk"))
    v = t.version
    info = VersionInfo(
        version_id=version_id,
        both_prepare=v["both_prepare"],
        plan_kind=v["plan_kind"],
        plan_continues=v["plan_continues"],
        minutes=v["minutes"],
        sections=[s["id"] for s in sections if s["kind"] != Section.Kind.PLAN],
    )
    for o in options:
        info.options.setdefault(o["question_id"], []).append(o["id"])
    plan_sections = {s["id"] for s in sections if s["kind"] == Section.Kind.PLAN}
    info.questions = [
        q
        for q in questions
        if q["type"] != Question.Type.INFO
        and q["section_id"] not in plan_sections
        and q["customisation_id"] is None
    ]
    for f in fields:
        info.fields.setdefault(f["per"], []).append(f)
    return info


# --- people ---------------------------------------------------------------------------------
def municipality_sizes(n_municipalities: int, n_leaders: int) -> list[int]:
    """Leaders per municipality: a Zipf-like curve over each block of 98 (so 10x the
    municipalities is ten copies of the national curve), summing to ``n_leaders``."""
    block = 98
    weights = [1 / ((i % block) + 1) ** 0.7 for i in range(n_municipalities)]
    total = sum(weights)
    sizes = [max(3, int(n_leaders * w / total)) for w in weights]
    i = 0
    while sum(sizes) < n_leaders:
        sizes[i % n_municipalities] += 1
        i += 1
    return sizes


#: The most leaders one leader's leader has. Municipalities are deeper where they are larger,
#: not wider: ten times the leaders is another level, not leaders' leaders with 150 leaders.
MAX_SPAN = 16


def hierarchy(n_leaders: int, depth: int) -> list[int | None]:
    """Parent index for each person; index 0 is the director (no parent). Breadth first with
    the smallest even span that fits everyone in ``depth`` levels (the director included),
    and more levels where the span would pass ``MAX_SPAN``; everyone but the director is a
    leader with a LUS."""
    while True:
        below = depth - 1
        span = 2
        while sum(span**k for k in range(1, below + 1)) < n_leaders:
            span += 1
        if span <= MAX_SPAN:
            break
        depth += 1
    parents: list[int | None] = [None]
    level = [0]
    remaining = n_leaders
    for lvl in range(1, below + 1):
        want = min(remaining, span**lvl)
        nxt = []
        for k in range(want):
            parents.append(level[k % len(level)])
            nxt.append(len(parents) - 1)
        remaining -= want
        level = nxt
        if remaining <= 0:
            break
    return parents


# --- the generator --------------------------------------------------------------------------
class Generator:
    def __init__(self, opts: Options) -> None:
        self.o = opts
        self.rng = random.Random(opts.seed)
        self.today = timezone.localdate()
        self.year = self.today.year
        self.years = list(range(self.year - opts.years + 1, self.year + 1))
        self.password = make_password(BENCH_PASSWORD)
        self.templates: dict[str, Template] = {}
        self.dummy: dict = {}
        self.w = Writer()

    def log(self, msg: str) -> None:
        self.o.progress(msg)

    # helpers
    def dt(self, year: int, day_of_year: int, hour: int = 10) -> datetime.datetime:
        d = datetime.date(year, 1, 1) + datetime.timedelta(days=day_of_year)
        d = min(d, self.today) if year == self.year else d
        return timezone.make_aware(datetime.datetime(d.year, d.month, d.day, hour))

    def text(self, n: int = 2) -> str:
        return " ".join(self.rng.sample(SENTENCES, n))

    def _dummy_pdf(self) -> dict:
        from weasyprint import HTML

        storage = archive_storage()
        if not storage.exists(DUMMY_PDF_NAME):
            content = HTML(string="<p>LUS (benchmark-data)</p>").write_pdf()
            storage.save(DUMMY_PDF_NAME, ContentFile(content))
        with storage.open(DUMMY_PDF_NAME) as fh:
            content = fh.read()
        return {
            "name": DUMMY_PDF_NAME,
            "sha": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        }

    def run(self) -> dict:
        started = time.perf_counter()
        o = self.o
        sizes = municipality_sizes(o.municipalities, o.leaders)
        part = f" (part {o.part + 1} of {o.parts})" if o.parts > 1 else ""
        self.log(
            f"Generating {o.municipalities} municipalities, {sum(sizes)} leaders, "
            f"{o.years} years ({self.years[0]}-{self.years[-1]}) on {connection.vendor}{part}"
        )
        self.dummy = self._dummy_pdf()
        replica = self._replica_role(True)
        try:
            for i, size in enumerate(sizes):
                if i % o.parts != o.part:
                    continue
                self.rng.seed(o.seed * 100_003 + i)
                self._municipality(i, size)
                if (i + 1) % max(1, o.municipalities // 20) < o.parts or i + 1 == len(sizes):
                    total = sum(self.w.counts.values())
                    secs = time.perf_counter() - started
                    self.log(
                        f"  {i + 1}/{len(sizes)} municipalities, {total:,} rows, "
                        f"{secs:.0f} s ({total / max(secs, 0.001):,.0f} rows/s)"
                    )
        finally:
            if replica:
                self._replica_role(False)
        if connection.vendor == "postgresql" and o.parts == 1:
            self.log("ANALYZE ...")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.log(f"Done in {seconds:.1f} s: {sum(self.w.counts.values()):,} rows")
        return {"seconds": seconds, "counts": dict(self.w.counts), "sizes": sizes}

    def _replica_role(self, on: bool) -> bool:
        """Skip FK triggers during the load (consistent by construction); superuser only."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute(f"SET session_replication_role = {'replica' if on else 'DEFAULT'}")
        return True

    def _municipality(self, i: int, n_leaders: int) -> None:
        slug_type = FIXTURE_SLUGS[i % len(FIXTURE_SLUGS)]
        name = f"Benchmark Kommune {i + 1:04d}"
        slug = f"{SLUG_PREFIX}{i + 1:04d}"
        template = self.templates.get(slug_type)
        if not self.w.pg:
            self.w.forget_reservations()  # the ORM may insert below (the framework import)
        with transaction.atomic():
            m = Municipality.objects.create(name=name, slug=slug)
            if template is None:
                template = self.templates[slug_type] = import_template(slug_type, m)
                with tenant_scope(m):
                    vid = FrameworkVersion.objects.get(framework__municipality=m).pk
            else:
                for k, v in template.municipality_settings.items():
                    setattr(m, k, v)
                m.save()
                vid = clone_template(self.w, template, m)
            with tenant_scope(m):
                info = version_info(self.w, template, vid)
                self._people_and_conversations(m, info, n_leaders, depth=4 if i % 3 else 3)
                self.w.flush()

    def _people_and_conversations(self, m, info: VersionInfo, n_leaders: int, depth: int):
        w, rng, mid = self.w, self.rng, m.pk
        parents = hierarchy(n_leaders, depth)
        ids = [w.id(User) for _ in parents]
        # org units: one per leader's leader below the director (areas, departments, ...)
        unit_of: list[int | None] = [None] * len(parents)
        level = [0] * len(parents)
        top_unit = w.add(OrgUnit, municipality_id=mid, name="Direktionen", parent_id=None)
        unit_of[0] = top_unit
        has_children = set(parents[1:])
        for k in range(1, len(parents)):
            p = parents[k]
            level[k] = level[p] + 1
            if k in has_children:
                unit_of[k] = w.add(
                    OrgUnit,
                    municipality_id=mid,
                    name=f"{('Område', 'Afdeling')[min(level[k], 2) - 1]} {k}",
                    parent_id=unit_of[p],
                )
            else:
                unit_of[k] = unit_of[p]
        slug = m.slug
        self.names = {}
        for k, p in enumerate(parents):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            self.names[ids[k]] = f"{first} {last}"
            age = rng.randint(30, 66)
            w.add(
                User,
                id=ids[k],
                municipality_id=mid,
                username=f"{slug}-u{k}",
                password=self.password,
                name=f"{first} {last}",
                email=f"{slug}-u{k}@bench.lus.invalid",
                first_name="",
                last_name="",
                job_title="Direktør" if k == 0 else ("Chef" if k in has_children else "Leder"),
                org_unit_id=unit_of[k],
                birth_date=datetime.date(self.year - age, rng.randint(1, 12), rng.randint(1, 28)),
                manager_id=ids[p] if p is not None else None,
                is_hr=False,
                is_staff=False,
                is_active=True,
                is_superuser=False,
                date_joined=self.w.now,
            )
        hr_ids = []
        for h in range(1 if n_leaders < 500 else 2):
            hr_ids.append(
                w.add(
                    User,
                    municipality_id=mid,
                    username=f"{slug}-hr{h}",
                    password=self.password,
                    name=f"HR-konsulent {h + 1}",
                    email=f"{slug}-hr{h}@bench.lus.invalid",
                    job_title="HR-konsulent",
                    org_unit_id=top_unit,
                    is_hr=True,
                    is_staff=True,
                    is_active=True,
                    is_superuser=False,
                    date_joined=self.w.now,
                )
            )
        w.add(
            DocumentSettings,
            municipality_id=mid,
            include_preparation=True,
            kle_number="81.03.00",
            action_facet="G01",
        )
        for y in self.years:
            w.add(
                LusRound,
                municipality_id=mid,
                year=y,
                deadline=datetime.date(y, 12, 15)
                if y < self.year
                else self.today + datetime.timedelta(days=30),
                version_id=info.version_id,
                started_at=self.dt(y, 20),
                started_by_id=hr_ids[0],
                created_at=self.dt(y, 15),
            )
        self._conversations(m, info, ids, parents, hr_ids[0])

    # --- conversations --------------------------------------------------------------------
    CURRENT = [
        (S.CREATED, 10),
        (S.INVITED, 15),
        (S.PREPARING, 25),
        (S.SHARED, 15),
        (S.HELD, 15),
        (S.PLAN_AGREED, 10),
        (S.FILED, 10),
    ]
    PAST = [(S.FILED, 85), (S.PLAN_AGREED, 8), (S.HELD, 7)]

    def _status(self, year: int) -> str:
        table = self.CURRENT if year == self.year else self.PAST
        r = self.rng.randrange(100)
        for status, pct in table:
            if r < pct:
                return status
            r -= pct
        return table[-1][0]

    def _conversations(self, m, info: VersionInfo, ids, parents, hr_id) -> None:
        w = self.w
        order = Conversation.ORDER
        prev_items: dict[int, list[int]] = {}  # leader id -> last year's item ids
        for y in self.years:
            this_items: dict[int, list[int]] = {}
            for k in range(1, len(parents)):
                leader, leaders_leader = ids[k], ids[parents[k]]
                status = self._status(y)
                idx = order.index(status)
                day = self.rng.randint(30, 300)
                at = lambda offset, y=y, day=day: self.dt(y, day + offset)  # noqa: E731
                cid = w.add(
                    Conversation,
                    municipality_id=m.pk,
                    leader_id=leader,
                    leaders_leader_id=leaders_leader,
                    year=y,
                    version_id=info.version_id,
                    status=status,
                    created_at=at(-20),
                    updated_at=at(30),
                    invited_at=at(-14) if idx >= 1 else None,
                    shared_at=at(-2) if idx >= 3 else None,
                    held_at=at(0) if idx >= 4 else None,
                    plan_agreed_at=at(7) if idx >= 5 else None,
                    filed_at=at(8) if idx >= 6 else None,
                    scheduled_at=at(0) if idx >= 1 else None,
                    duration_minutes=m.conversation_duration_minutes,
                    location="Mødelokale 2" if idx >= 1 else "",
                    minutes_by="leader" if info.minutes != "none" and idx >= 1 else "",
                    ics_uid=f"{uuid.uuid4()}@lus" if idx >= 1 else "",
                    ics_sequence=0,
                )
                if idx >= 2:
                    self._preparation(m, info, cid, "leader", idx, at)
                    if info.both_prepare:
                        self._preparation(m, info, cid, "leaders_leader", idx, at)
                    for item_id in prev_items.get(leader, []):
                        w.add(
                            PlanItemEvaluation,
                            municipality_id=m.pk,
                            item_id=item_id,
                            conversation_id=cid,
                            text=self.text(1),
                            status=self.rng.choice(["in_progress", "done", "not_started"]),
                            revision=1,
                            updated_at=at(-3),
                        )
                if idx >= 4:
                    this_items[leader] = self._held(
                        m, info, cid, y, leader, leaders_leader, status, idx, at, hr_id
                    )
            prev_items = this_items

    def _preparation(self, m, info, cid, role, idx, at) -> None:
        w, rng = self.w, self.rng
        roles = ("leader", "both") if role == "leader" else ("leaders_leader", "both")
        pid = w.add(
            Preparation,
            municipality_id=m.pk,
            conversation_id=cid,
            role=role,
            revision=3,
            saved_at=at(-3),
            shared_at=at(-2) if idx >= 3 else None,
        )
        for q in info.questions:
            if q["answered_by"] not in roles:
                continue
            if idx == 2 and rng.random() < 0.4:
                continue  # still preparing: some questions not answered yet
            row = {"municipality_id": m.pk, "preparation_id": pid, "question_id": q["id"]}
            t = q["type"]
            if t == Question.Type.SCALE:
                row["scale_value"] = rng.randint(q["scale_min"], q["scale_max"])
            elif t == Question.Type.CHOICE and info.options.get(q["id"]):
                row["option_id"] = rng.choice(info.options[q["id"]])
            elif t == Question.Type.KEYWORDS and info.options.get(q["id"]):
                opts = info.options[q["id"]]
                row["keywords"] = rng.sample(opts, min(q["pick"] or 1, len(opts)))
            else:
                row["text"] = self.text(2)
            row["updated_at"] = at(-3)
            w.add(Answer, **row)

    def _held(self, m, info, cid, y, leader, leaders_leader, status, idx, at, hr_id) -> list[int]:
        w, rng, mid = self.w, self.rng, m.pk
        for sid in info.sections:
            w.add(
                SectionNote,
                municipality_id=mid,
                conversation_id=cid,
                section_id=sid,
                text=self.text(2),
                revision=2,
                updated_at=at(0),
                updated_by_id=leaders_leader,
            )
        if info.minutes != "none":
            w.add(
                Minutes,
                municipality_id=mid,
                conversation_id=cid,
                text=self.text(3),
                revision=1,
                updated_at=at(1),
                updated_by_id=leader,
            )
        agreed = idx >= 5
        pid = w.add(
            Plan,
            municipality_id=mid,
            leader_id=leader,
            conversation_id=cid,
            version_id=info.version_id,
            continues=info.plan_continues,
            created_at=at(0),
            updated_at=at(6),
            approved_by_leader_at=at(6) if agreed else None,
            approved_by_leaders_leader_at=at(7) if agreed else None,
            approved_by_leader_id=leader if agreed else None,
            approved_by_leaders_leader_id=leaders_leader if agreed else None,
            agreed_at=at(7) if agreed else None,
        )
        val = {"municipality_id": mid, "plan_id": pid, "revision": 1, "updated_at": at(1)}
        follow_up_value = None
        for f in info.fields.get("plan", []):
            value = self._value(f, y)
            vid = w.add(PlanValue, field_id=f["id"], value=value, updated_by_id=leader, **val)
            if f["is_follow_up_date"] and f["kind"] == PlanField.Kind.DATE:
                follow_up_value = (vid, value)
        for sid in info.sections:
            for f in info.fields.get("section", []):
                w.add(
                    PlanValue,
                    field_id=f["id"],
                    section_id=sid,
                    value=self._value(f, y),
                    updated_by_id=leader,
                    **val,
                )
        items = []
        if (
            info.fields.get("item")
            or info.fields.get("activity")
            or info.plan_kind
            in (
                "items",
                "actions",
            )
        ):
            for n in range(rng.randint(1, 3)):
                item = w.add(
                    PlanItem,
                    municipality_id=mid,
                    plan_id=pid,
                    order=n,
                    title=rng.choice(ITEM_TITLES),
                    year=y,
                    status="open",
                    revision=1,
                    updated_at=at(1),
                )
                items.append(item)
                for f in info.fields.get("item", []):
                    value = self._value(f, y)
                    vid = w.add(
                        PlanValue,
                        field_id=f["id"],
                        item_id=item,
                        value=value,
                        updated_by_id=leader,
                        **val,
                    )
                    if (
                        f["is_follow_up_date"]
                        and f["kind"] == PlanField.Kind.DATE
                        and follow_up_value is None
                    ):
                        follow_up_value = (vid, value)
                if info.fields.get("activity"):
                    for a in range(rng.randint(1, 2)):
                        act = w.add(
                            PlanActivity,
                            municipality_id=mid,
                            item_id=item,
                            order=a,
                            text=rng.choice(SENTENCES)[:60],
                            revision=1,
                        )
                        for f in info.fields["activity"]:
                            w.add(
                                PlanValue,
                                field_id=f["id"],
                                item_id=item,
                                activity_id=act,
                                value=self._value(f, y),
                                updated_by_id=leader,
                                **val,
                            )
        if agreed:
            for role, who, off in (("leader", leader, 6), ("leaders_leader", leaders_leader, 7)):
                w.add(
                    PlanApproval,
                    municipality_id=mid,
                    plan_id=pid,
                    role=role,
                    approved_by_id=who,
                    approved_at=at(off),
                    cleared_at=None,
                    cleared_reason="",
                )
            if follow_up_value is not None:
                w.add(
                    FollowUp,
                    municipality_id=mid,
                    plan_id=pid,
                    date=datetime.date.fromisoformat(follow_up_value[1]),
                    title="Opfølgning på udviklingsplanen",
                    source_id=follow_up_value[0],
                    created_at=at(7),
                )
        if status == S.FILED:
            filed_at = at(8)
            rid = w.add(
                FiledRecord,
                municipality_id=mid,
                conversation_id=cid,
                leader_id=leader,
                leader_name=self.names[leader],
                leaders_leader_id=leaders_leader,
                year=y,
                sequence=1,
                file=self.dummy["name"],
                filename=f"LUS-{y}-{leader}.pdf",
                sha256=self.dummy["sha"],
                size=self.dummy["size"],
                filed_at=filed_at,
                filed_by_id=leaders_leader,
                filed_by_name=self.names[leaders_leader],
                destination="archive",
                destination_address="",
                journal_reference="",
                framework_version_id=info.version_id,
                framework_version_label="Benchmark, version 1",
                kle_number="81.03.00",
                action_facet="G01",
                deletion_years=5,
                deletion_basis="after_leaving",
                deletion_date=None,
                approved_by_leader_at=at(6),
                approved_by_leaders_leader_at=at(7),
            )
            w.add(
                DeliveryAttempt,
                municipality_id=mid,
                record_id=rid,
                attempted_at=filed_at,
                attempted_by_id=leaders_leader,
                destination="archive",
                ok=True,
                error="",
                sha256=self.dummy["sha"],
            )
        return items

    def _value(self, f: dict, year: int) -> str:
        kind = f["kind"]
        if kind == PlanField.Kind.DATE:
            return datetime.date(year, 1, 1).replace(month=self.rng.randint(1, 12)).isoformat()
        if kind == PlanField.Kind.HORIZON:
            return self.rng.choice(["short", "long"])
        if kind == PlanField.Kind.RESPONSIBLE:
            return self.rng.choice(["Lederen", "Lederens leder", "HR"])
        if kind == PlanField.Kind.TEXT:
            return self.rng.choice(SENTENCES)[:80]
        return self.text(2)


def existing_bench_data() -> int:
    with unscoped("bench: count generated municipalities"):
        return Municipality.objects.filter(slug__startswith=SLUG_PREFIX).count()


def generate(opts: Options) -> dict:
    return Generator(opts).run()
