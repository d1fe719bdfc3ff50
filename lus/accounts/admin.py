import hashlib

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.accounts.forms import PeopleImportForm
from lus.accounts.models import OrgUnit, User
from lus.accounts.services import PeopleImportError, csv_decode, people_import
from lus.tenants.admin import TenantAdminMixin
from lus.tenants.models import Municipality


@admin.register(OrgUnit)
class OrgUnitAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(TenantAdminMixin, DjangoUserAdmin):
    list_display = ["name", "username", "email", "job_title", "org_unit", "manager", "is_hr"]
    list_filter = ["is_hr", "is_active", "org_unit"]
    search_fields = ["name", "username", "email", "job_title"]
    ordering = ["name"]
    autocomplete_fields = ["manager", "org_unit"]
    list_select_related = ["org_unit", "manager"]
    change_list_template = "admin/accounts/user/change_list.html"
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            gettext_lazy("Person"),
            {"fields": ["name", "email", "job_title", "org_unit", "manager", "birth_date"]},
        ),
        (gettext_lazy("Roles"), {"fields": ["is_active", "is_hr", "is_staff", "date_left"]}),
    ]
    superuser_fieldsets = [
        (gettext_lazy("Platform"), {"fields": ["municipality", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "email", "password1", "password2"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        sets = list(self.add_fieldsets if obj is None else self.fieldsets)
        if request.user.is_superuser:
            sets += self.superuser_fieldsets
        return sets

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="accounts_user_import",
            ),
            *super().get_urls(),
        ]

    IMPORT_SESSION_KEY = "people_import_pending"

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → the changes are shown (dry run) → "Apply" writes them in one transaction."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        municipality = request.user.municipality
        errors, result = [], None
        form = PeopleImportForm(request.POST or None, request.FILES or None)
        pending = request.session.get(self.IMPORT_SESSION_KEY) or {}
        if request.method == "POST" and "apply" in request.POST:
            if municipality is None or request.POST["apply"] != pending.get("digest"):
                messages.error(request, _("The checked file is gone. Upload it again."))
                return redirect("admin:accounts_user_import")
            try:
                result = people_import(
                    municipality=municipality,
                    data=pending["text"],
                    deactivate_missing=pending["deactivate_missing"],
                    actor=request.user,
                )
            except PeopleImportError as exc:  # the municipality changed since the check
                errors = exc.errors
                form = PeopleImportForm()
            else:
                del request.session[self.IMPORT_SESSION_KEY]
                messages.success(
                    request,
                    _("%(created)s created, %(updated)s updated, %(deactivated)s deactivated.")
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "deactivated": result.deactivated,
                    },
                )
                return redirect("admin:accounts_user_changelist")
        elif request.method == "POST" and form.is_valid():
            if municipality is None:
                form.add_error(None, _("Platform admins import from the command line."))
            else:
                raw = form.cleaned_data["file"].read()
                try:
                    text = csv_decode(raw)
                    result = people_import(
                        municipality=municipality,
                        data=text,
                        dry_run=True,
                        deactivate_missing=form.cleaned_data["deactivate_missing"],
                        actor=request.user,
                    )
                except PeopleImportError as exc:
                    errors = exc.errors
                else:
                    request.session[self.IMPORT_SESSION_KEY] = {
                        "digest": hashlib.sha256(text.encode()).hexdigest(),
                        "text": text,
                        "deactivate_missing": form.cleaned_data["deactivate_missing"],
                    }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import people from CSV"),
            "form": form,
            "errors": errors,
            "result": result,
            "digest": (request.session.get(self.IMPORT_SESSION_KEY) or {}).get("digest"),
        }
        status = 400 if (request.method == "POST" and (errors or form.errors)) else 200
        return TemplateResponse(request, "admin/accounts/user/import.html", context, status=status)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
