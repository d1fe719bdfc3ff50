from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lus.core import views as core_views
from lus.orchestration import views as orchestration_views
from lus.sso import passwords as sso_passwords
from lus.sso import views as sso_views
from lus.tenants import views as tenant_views

admin.site.site_header = _("LUS administration")
admin.site.site_title = _("LUS administration")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", orchestration_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("kommune/<slug:slug>/tema.css", tenant_views.theme, name="municipality_theme"),
    path("kommune/<slug:slug>/logo.png", tenant_views.logo, name="municipality_logo"),
    # Username/password and the choice of municipality (SSO: lus.sso, docs/sso.md).
    path("login/", sso_views.LoginView.as_view(), name="login"),
    path("logout/", sso_views.logout, name="logout"),
    # A person sets their own password from a one-time link sent to them (lus.sso.passwords).
    path(
        "adgangskode/<uidb64>/<token>/",
        sso_passwords.PasswordSetView.as_view(),
        name="password_set",
    ),
    path("", include("lus.sso.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/log/", include("lus.audit.urls")),
    path("me/data/", include("lus.orchestration.urls")),
    path("lus/overdragelse/", include("lus.rounds.urls_handover")),
    path("", include("lus.inputs.urls")),
    path("lus/", include("lus.conversations.urls")),
    path("lus/", include("lus.plans.urls")),
    path("lus/", include("lus.plans.urls_history")),
    path("lus/", include("lus.statustalks.urls")),
    path("lus/", include("lus.sharing.urls")),
    path("frameworks/", include("lus.frameworks.urls")),
    path("dokumenter/", include("lus.documents.urls")),
    path("hr/", include("lus.rounds.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
