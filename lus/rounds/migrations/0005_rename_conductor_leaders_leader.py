"""One name for the leader's leader in code: ``ConductorHandover`` becomes
``LeadersLeaderHandover`` and its ``*_conductor`` fields ``*_leaders_leader``. Renames only."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0004_reminder_history"),
        ("conversations", "0007_rename_conductor_leaders_leader"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="conductorhandover", name="handover_changes_conductor"),
        migrations.RemoveConstraint(model_name="conductorhandover", name="handover_not_to_proposer"),
        migrations.RenameModel(old_name="ConductorHandover", new_name="LeadersLeaderHandover"),
        migrations.RenameField(
            model_name="leadersleaderhandover", old_name="from_conductor", new_name="from_leaders_leader"
        ),
        migrations.RenameField(
            model_name="leadersleaderhandover", old_name="to_conductor", new_name="to_leaders_leader"
        ),
        migrations.AddConstraint(
            model_name="leadersleaderhandover",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_leaders_leader", models.F("to_leaders_leader")), _negated=True),
                name="handover_changes_leaders_leader",
            ),
        ),
        migrations.AddConstraint(
            model_name="leadersleaderhandover",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("handed_over_by", models.F("to_leaders_leader")), ("status", "pending"), _negated=True
                ),
                name="handover_not_to_proposer",
            ),
        ),
    ]
