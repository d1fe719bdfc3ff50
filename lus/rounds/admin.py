"""HR's admin for LUS rounds: create a round (year, deadline, units) and start it."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.audit.admin import AuditedAdminMixin
from lus.frameworks.models import FrameworkVersion
from lus.tenants.admin import TenantAdminMixin
from lus.tenants.scoping import tenant_scope

from .models import LusRound
from .services import round_start

#: At most this many names are listed in the admin message.
MAX_NAMES = 20


class LusRoundForm(forms.ModelForm):
    """The admin adds Meta (model, fields) through ``modelform_factory`` at request time, when
    the tenant scope is active (a Meta here would query org units at import)."""

    #: Set by the admin: HR's municipality (new rounds are forced into it).
    municipality_id = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.municipality_id is None and self.municipality_id:
            self.instance.municipality_id = self.municipality_id

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality") or self.instance.municipality_id
        year = data.get("year")
        if municipality and year:
            others = LusRound.objects.filter(municipality=municipality, year=year)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("year", _("The municipality already has a LUS round this year."))
        return data


@admin.register(LusRound)
class LusRoundAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    form = LusRoundForm
    list_display = ["__str__", "year", "deadline", "version", "started_at", "status_link"]
    list_filter = ["year"]
    filter_horizontal = ["org_units"]
    readonly_fields = ["started_at", "started_by", "created_at"]
    fields = [
        "year",
        "deadline",
        "version",
        "org_units",
        "invite_reminder_days",
        "preparation_reminder_days",
        "started_at",
        "started_by",
    ]
    actions = ["start_rounds"]
    change_form_template = "admin/rounds/lusround/change_form.html"

    # "Save and start the round": one step from the form to HR's to-do list.
    def response_add(self, request: HttpRequest, obj: LusRound, post_url_continue=None):
        if "_saveandstart" in request.POST:
            return self._start_and_show(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: LusRound):
        if "_saveandstart" in request.POST:
            return self._start_and_show(request, obj)
        return super().response_change(request, obj)

    def _start_and_show(self, request: HttpRequest, obj: LusRound):
        if self._start(request, obj):
            return redirect("rounds:todo", pk=obj.pk)
        return redirect("admin:rounds_lusround_change", obj.pk)

    @admin.display(description=gettext_lazy("Status overview"))
    def status_link(self, obj: LusRound) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("rounds:overview", args=[obj.pk]), _("Show status")
        )

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser:
            form = type(form.__name__, (form,), {"municipality_id": request.user.municipality_id})
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = FrameworkVersion.objects.filter(
                status=FrameworkVersion.Status.PUBLISHED
            ).select_related("framework")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=gettext_lazy("Start the selected rounds (create conversations)"))
    def start_rounds(self, request: HttpRequest, queryset) -> None:
        for lus_round in queryset:
            self._start(request, lus_round)

    def _start(self, request: HttpRequest, lus_round: LusRound) -> bool:
        try:
            with tenant_scope(lus_round.municipality_id):
                result = round_start(lus_round=lus_round, actor=request.user)
        except ValidationError as exc:
            self.message_user(
                request, f"{lus_round}: {' '.join(exc.messages)}", level=messages.ERROR
            )
            return False
        self.message_user(request, result.summary(), level=messages.SUCCESS)
        if result.without_manager:
            names = ", ".join(p.name or p.username for p in result.without_manager[:MAX_NAMES])
            more = len(result.without_manager) - MAX_NAMES
            if more > 0:
                names += " " + _("and %(n)d more") % {"n": more}
            self.message_user(
                request,
                _("No LUS for people without a leader's leader: %(names)s.") % {"names": names},
                level=messages.WARNING,
            )
        if result.other_leaders_leader:
            self.message_user(
                request,
                _(
                    "%(n)d leaders already have this year's LUS with someone other than "
                    "their current leader's leader."
                )
                % {"n": len(result.other_leaders_leader)},
                level=messages.WARNING,
            )
        return True
