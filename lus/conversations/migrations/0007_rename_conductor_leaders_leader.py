"""One name for the leader's leader in code: ``conductor`` becomes ``leaders_leader`` (the value
roles already store). Column renames only; no row changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0006_conversation_models_home"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="conversation",
            name="conversation_conductor_not_leader",
        ),
        migrations.RenameField(
            model_name="conversation",
            old_name="conductor",
            new_name="leaders_leader",
        ),
        migrations.AddConstraint(
            model_name="conversation",
            constraint=models.CheckConstraint(
                condition=models.Q(("leader", models.F("leaders_leader")), _negated=True),
                name="conversation_leaders_leader_not_leader",
                violation_error_message="A leader cannot hold their own LUS.",
            ),
        ),
    ]
