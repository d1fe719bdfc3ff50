from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "lus.rounds"
    verbose_name = _("LUS rounds")

    def ready(self):
        from lus.frameworks.impact import register_publish_impact
        from lus.rounds.framework_impact import round_impact

        register_publish_impact(round_impact)

        # HR's status counts follow the apps below, in their transactions.
        from lus.accounts.signals import people_changed
        from lus.conversations.signals import conversation_status_changed
        from lus.rounds import counts

        conversation_status_changed.connect(counts.on_status_changed, dispatch_uid="rounds.counts")
        people_changed.connect(counts.on_people_changed, dispatch_uid="rounds.counts")
