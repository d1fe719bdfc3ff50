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
from lus.accounts.services import PeopleImportError, people_import
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

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        municipality = request.user.municipality
        errors = []
        form = PeopleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            if municipality is None:
                form.add_error(None, _("Platform admins import from the command line."))
            else:
                try:
                    result = people_import(
                        municipality=municipality,
                        data=form.cleaned_data["file"].read(),
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except PeopleImportError as exc:
                    errors = exc.errors
                else:
                    text = _("%(created)s created, %(updated)s updated.") % {
                        "created": result.created,
                        "updated": result.updated,
                    }
                    if form.cleaned_data["dry_run"]:
                        messages.info(request, _("Check passed: ") + text)
                    else:
                        messages.success(request, text)
                        return redirect("admin:accounts_user_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import people from CSV"),
            "form": form,
            "errors": errors,
        }
        status = 400 if (request.method == "POST" and (errors or form.errors)) else 200
        return TemplateResponse(request, "admin/accounts/user/import.html", context, status=status)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
