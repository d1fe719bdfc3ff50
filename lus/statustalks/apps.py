from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusTalksConfig(AppConfig):
    name = "lus.statustalks"
    verbose_name = _("Status talks")
