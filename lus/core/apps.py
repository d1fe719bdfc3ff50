from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lus.core"
    verbose_name = _("LUS")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from lus.core.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="lus.core.session_clock")
