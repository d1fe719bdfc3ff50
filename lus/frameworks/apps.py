from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "lus.frameworks"
    verbose_name = _("Question frameworks")
