import django.db.models.deletion
from django.db import migrations, models


def link_carried_points(apps, schema_editor):
    """Points carried over before the link existed are copies with the same title and year
    added, in the leader's next continuing plan: link each to its original."""
    Plan = apps.get_model("plans", "Plan")
    PlanItem = apps.get_model("plans", "PlanItem")
    previous_by_leader: dict[int, int] = {}
    plans = Plan.objects.filter(continues=True).order_by("leader_id", "conversation__year", "pk")
    for plan_id, leader_id, year in plans.values_list("pk", "leader_id", "conversation__year"):
        previous = previous_by_leader.get(leader_id)
        previous_by_leader[leader_id] = plan_id
        if previous is None:
            continue
        originals = {
            (title, added): pk
            for pk, title, added in PlanItem.objects.filter(plan_id=previous).values_list(
                "pk", "title", "year"
            )
        }
        carried = PlanItem.objects.filter(plan_id=plan_id, year__lt=year, continues__isnull=True)
        for item in carried:
            original = originals.get((item.title, item.year))
            if original is not None:
                PlanItem.objects.filter(pk=item.pk).update(continues_id=original)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_rename_conductor_leaders_leader"),
    ]

    operations = [
        migrations.AddField(
            model_name="planitem",
            name="continues",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="continued_by",
                to="plans.planitem",
                verbose_name="continues",
            ),
        ),
        migrations.RunPython(link_carried_points, migrations.RunPython.noop),
    ]
