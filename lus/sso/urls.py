from django.urls import path

from lus.sso import views

app_name = "sso"
urlpatterns = [
    path("login/<slug:slug>/", views.MunicipalityLoginView.as_view(), name="login"),
    path("sso/<slug:slug>/saml/metadata/", views.saml_metadata, name="saml_metadata"),
    path("sso/<slug:slug>/saml/login/", views.saml_login, name="saml_login"),
    path("sso/<slug:slug>/saml/acs/", views.saml_acs, name="saml_acs"),
    path("sso/<slug:slug>/saml/sls/", views.saml_sls, name="saml_sls"),
    path("sso/<slug:slug>/oidc/login/", views.oidc_login, name="oidc_login"),
    path("sso/<slug:slug>/oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
