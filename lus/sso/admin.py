from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.audit.admin import AuditedAdminMixin
from lus.sso import saml
from lus.sso.models import IdentityProvider, SubjectBinding
from lus.sso.services import oidc_discover, saml_metadata_refresh


class IdentityProviderForm(forms.ModelForm):
    """The OIDC client secret is write-only: never sent back to the browser; left blank, the
    stored secret stays. (The SAML SP private key is a file on the server, never in the admin.)"""

    oidc_client_secret = forms.CharField(
        label=gettext_lazy("client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Write-only: leave empty to keep the stored secret."),
    )

    class Meta:
        model = IdentityProvider
        fields = ["oidc_client_secret"]  # the admin adds its fieldsets

    def clean_oidc_client_secret(self) -> str:
        secret = self.cleaned_data.get("oidc_client_secret", "")
        if not secret and self.instance.pk:
            return self.instance.oidc_client_secret
        return secret


@admin.register(IdentityProvider)
class IdentityProviderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Platform admins only: a municipality's login is set up with its IT department, and
    HR of one municipality must never touch another's (or its own) identity provider."""

    form = IdentityProviderForm
    list_display = ["municipality", "protocol", "enabled", "allow_password_login"]
    list_filter = ["protocol", "enabled"]
    list_select_related = ["municipality"]
    readonly_fields = ["lus_addresses"]
    actions = ["fetch_saml_metadata", "discover_oidc_endpoints"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "municipality",
                    "protocol",
                    "display_name",
                    "enabled",
                    "allow_password_login",
                    "auto_create_users",
                    "lus_addresses",
                ]
            },
        ),
        (
            gettext_lazy("Matching people"),
            {
                "fields": [
                    "match_on",
                    "uid_attribute",
                    "email_attribute",
                    "name_attribute",
                    "tenant_attribute",
                    "tenant_value",
                ]
            },
        ),
        (
            gettext_lazy("SAML 2.0"),
            {"fields": ["saml_entity_id", "saml_metadata_url", "saml_metadata_xml"]},
        ),
        (
            gettext_lazy("OpenID Connect"),
            {
                "fields": [
                    "oidc_issuer",
                    "oidc_client_id",
                    "oidc_client_secret",
                    "oidc_scopes",
                    "bind_subject",
                    "oidc_authorization_endpoint",
                    "oidc_token_endpoint",
                    "oidc_jwks_uri",
                    "oidc_userinfo_endpoint",
                    "oidc_end_session_endpoint",
                ]
            },
        ),
    ]

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id):
        raise Http404  # another municipality's object: same answer as a missing one

    def _platform(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._platform(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._platform(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._platform(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._platform(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._platform(request)

    @admin.display(description=gettext_lazy("Addresses to give the identity provider"))
    def lus_addresses(self, obj: IdentityProvider | None) -> str:
        if obj is None or obj.pk is None:
            return _("Shown after saving.")
        slug = obj.municipality.slug
        if obj.protocol == IdentityProvider.Protocol.OIDC:
            from django.urls import reverse

            url = saml.base_url() + reverse("sso:oidc_callback", kwargs={"slug": slug})
            return format_html("{}: <code>{}</code>", _("Redirect URI"), url)
        urls = saml.sp_urls(slug)
        return format_html(
            "{}: <code>{}</code><br>{}: <code>{}</code><br>{}: <code>{}</code>",
            _("SP metadata and entity ID"),
            urls["entity_id"],
            _("Assertion consumer service (POST)"),
            urls["acs"],
            _("Single logout (redirect)"),
            urls["sls"],
        )

    def _each(self, request, queryset, protocol, func, done: str) -> None:
        for provider in queryset.select_related("municipality"):
            if provider.protocol != protocol:
                continue
            try:
                func(provider=provider)
            except ValidationError as exc:
                for errors in exc.message_dict.values():
                    for error in errors:
                        self.message_user(request, f"{provider}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{provider}: {done}", messages.SUCCESS)
                self._audit(request, provider, "admin_change", done)

    @admin.action(description=gettext_lazy("Fetch the IdP metadata from its URL"))
    def fetch_saml_metadata(self, request, queryset):
        self._each(request, queryset, "saml", saml_metadata_refresh, _("metadata fetched"))

    @admin.action(description=gettext_lazy("Fetch the OIDC endpoints from the discovery document"))
    def discover_oidc_endpoints(self, request, queryset):
        self._each(request, queryset, "oidc", oidc_discover, _("endpoints fetched"))


@admin.register(SubjectBinding)
class SubjectBindingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Platform admins only: which IdP account (OIDC ``sub``) a person logs in with. Deleting
    a row lets the person's next login record a new one; adding one lets a person log in
    whose IdP does not mark e-mail addresses as verified."""

    list_display = ["person", "provider", "subject", "created_at"]
    list_select_related = ["person", "provider__municipality"]
    search_fields = ["person__username", "person__email", "subject"]
    raw_id_fields = ["person"]
    fields = ["municipality", "provider", "person", "subject"]

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id):
        raise Http404  # another municipality's object: same answer as a missing one

    def _platform(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._platform(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._platform(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._platform(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # delete and add again: a changed binding is a new decision

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._platform(request)
