from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lus.core import views as core_views
from lus.sso import views as sso_views

admin.site.site_header = _("LUS administration")
admin.site.site_title = _("LUS administration")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Username/password and the choice of municipality (SSO: lus.sso, docs/sso.md).
    path("login/", sso_views.LoginView.as_view(), name="login"),
    path("logout/", sso_views.logout, name="logout"),
    path("", include("lus.sso.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/log/", include("lus.audit.urls")),
    path("me/data/", include("lus.accounts.urls")),
    path("lus/", include("lus.conversations.urls")),
    path("lus/", include("lus.plans.urls")),
    path("frameworks/", include("lus.frameworks.urls")),
    path("dokumenter/", include("lus.documents.urls")),
    path("hr/", include("lus.rounds.urls")),
    path("admin/", admin.site.urls),
]

if settings.LUS_BENCH_FLOOR:  # make bench only: the floor endpoint (lus/bench/views.py)
    urlpatterns.append(path("bench/", include("lus.bench.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
