from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrchestrationConfig(AppConfig):
    """The top of the ladder: what works across several domain apps (the start page, "Download
    my data", retention, the demo data, the periodic jobs). Nothing below imports it."""

    name = "lus.orchestration"
    verbose_name = _("LUS")
