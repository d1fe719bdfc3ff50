from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "lus.rounds"
    verbose_name = _("LUS rounds")
