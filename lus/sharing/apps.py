from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "lus.sharing"
    verbose_name = _("Sharing with colleagues")

    def ready(self) -> None:
        from . import rules  # noqa: F401
