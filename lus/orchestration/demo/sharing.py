"""Demo (called by ``lus.orchestration.demo.demo_load``): Randers lets its leaders share their
"øvebaner" with leader colleagues; ``randers-leder`` and ``randers-leder2`` each share one
point with the other.
Idempotent."""

from __future__ import annotations

from lus.accounts.models import User
from lus.plans.models import PlanItem
from lus.sharing.models import ItemShare
from lus.sharing.services import sharing_policy_set
from lus.tenants.scoping import tenant_scope

INTRO = (
    "Del dine øvebaner med dine lederkolleger, så I kan sparre og følge op på hinandens "
    "udvikling. Du vælger selv, hvilke udviklingspunkter og hvem, og kan altid stoppe delingen. "
    "Dine kolleger ser kun punktets titel og øvebanen, intet andet fra din LUS."
)


def demo_load_sharing(municipalities) -> None:
    for municipality in municipalities:
        if municipality.slug != "randers":
            continue
        with tenant_scope(municipality):
            sharing_policy_set(
                municipality=municipality,
                enabled=True,
                shared_fields="Handling / øvebane",
                intro=INTRO,
            )
            for leader_name, colleague_name in (
                ("randers-leder", "randers-leder2"),
                ("randers-leder2", "randers-leder"),
            ):
                leader = User.objects.filter(username=leader_name).first()
                colleague = User.objects.filter(username=colleague_name).first()
                if leader is None or colleague is None:
                    continue
                item = (
                    PlanItem.objects.filter(plan__leader=leader, plan__agreed_at__isnull=False)
                    .order_by("-plan__conversation__year", "order")
                    .first()
                )
                if item is not None:
                    ItemShare.objects.get_or_create(
                        item=item,
                        colleague=colleague,
                        defaults={"municipality": municipality, "shared_by": leader},
                    )
