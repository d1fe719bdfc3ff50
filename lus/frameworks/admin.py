"""HR's admin for question frameworks, scoped to the HR user's municipality.

Every ModelAdmin starts with TenantAdminMixin. Published versions (and their sections,
questions, options and plan fields) are shown read-only: HR changes a framework by creating a
new draft ("Opret ny kladde"), editing it and publishing it.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.audit.admin import AuditedAdminMixin
from lus.frameworks.admin_studio import StudioAdminMixin
from lus.frameworks.models import (
    Framework,
    FrameworkVersion,
    PlanField,
    Question,
    QuestionOption,
    ReferenceLink,
    Section,
    TeamCustomisation,
)
from lus.frameworks.services import (
    framework_export,
    framework_import,
    framework_publish,
    framework_version_create_draft,
)
from lus.tenants.admin import TenantAdminMixin


def published_structure_html(version: FrameworkVersion) -> str:
    """The structure of a published version as HTML for its admin page, cached per process
    (the version is immutable; the key has its publication time and the language)."""
    from django.core.cache import caches
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from lus.frameworks.selectors import structure_cache_key, version_structure

    key = f"{structure_cache_key(version)}:admin-html:{get_language()}"
    cache = caches["local"]
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "admin/frameworks/frameworkversion/_published_structure.html",
            version_structure(version),
        )
        cache.set(key, html, 60 * 60 * 24)
    return mark_safe(html)  # rendered by our own autoescaping template


def _version_of(obj) -> FrameworkVersion | None:
    if obj is None:
        return None
    if isinstance(obj, FrameworkVersion):
        return obj
    if isinstance(obj, Framework):
        return None
    return obj.owning_version()


def _autocomplete_for(request: HttpRequest, model_name: str) -> bool:
    """Is this the admin's autocomplete for a field of ``model_name``?"""
    return (
        request.path == reverse("admin:autocomplete")
        and request.GET.get("app_label") == "frameworks"
        and request.GET.get("model_name") == model_name
    )


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class NormalisedTextField(forms.CharField):
    """Browsers send textarea text with CRLF line endings. Compared with the stored LF text,
    an untouched field would count as changed (and be rewritten and logged as a change);
    normalising first keeps both the data and the log true."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


#: For every framework ModelAdmin and inline: text areas keep LF line endings.
TEXT_OVERRIDES = {
    models.TextField: {"form_class": NormalisedTextField, "widget": AdminTextareaWidget},
}


class FrozenWhenPublishedMixin:
    """Objects of a published version are view-only (for the page and its inlines)."""

    def _published(self, obj) -> bool:
        version = _version_of(obj)
        return bool(version and version.is_published)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._published(obj)


class FrozenInlineMixin:
    """Inlines of a published parent: no add, change or delete."""

    def _published(self, obj) -> bool:
        version = _version_of(obj)
        return bool(version and version.is_published)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._published(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._published(obj)


class TenantInlineFormSet(BaseInlineFormSet):
    """New inline rows take the municipality of their parent."""

    def save_new(self, form, commit=True):
        form.instance.municipality_id = self.instance.municipality_id
        return super().save_new(form, commit=commit)


class SectionInlineFormSet(TenantInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            section = form.instance
            if section.pk:
                try:
                    section.check_deletable()
                except ValidationError as exc:
                    raise ValidationError(exc.messages) from exc


class OptionInlineFormSet(TenantInlineFormSet):
    def clean(self):
        super().clean()
        question = self.instance
        kept = [
            f
            for f in self.forms
            if f.has_changed() or f.instance.pk
            if f not in self.deleted_forms and f.cleaned_data.get("label")
        ]
        try:
            question.question_type.check_options(question, len(kept))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class TenantInline(admin.TabularInline):
    formset = TenantInlineFormSet
    extra = 0
    formfield_overrides = TEXT_OVERRIDES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A table row has column headings but no <label>s: name each control itself.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and getattr(db_field, "verbose_name", None):
            field.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return field

    def _is_own_hr(self, request):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.is_hr)

    def has_view_permission(self, request, obj=None):
        return self._is_own_hr(request)

    def has_add_permission(self, request, obj=None):
        return self._is_own_hr(request)

    def has_change_permission(self, request, obj=None):
        return self._is_own_hr(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_own_hr(request)


class SectionInline(FrozenInlineMixin, TenantInline):
    model = Section
    formset = SectionInlineFormSet
    fields = ["order", "title", "kind", "valid_from_year", "valid_to_year", "question_count"]
    readonly_fields = ["question_count"]
    show_change_link = True
    ordering = ["order", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_questions=Count("questions", filter=Q(questions__customisation__isnull=True))
            )
        )

    @admin.display(description=gettext_lazy("questions"))
    def question_count(self, obj):
        return getattr(obj, "n_questions", "") if obj.pk else ""


class PlanFieldInline(FrozenInlineMixin, TenantInline):
    model = PlanField
    fields = ["order", "label", "help_text", "per", "kind", "is_follow_up_date"]
    ordering = ["order", "pk"]


class QuestionInline(FrozenInlineMixin, TenantInline):
    model = Question
    # The scale bounds and pick are here too: the model's validation reports on them.
    fields = [
        "order",
        "group",
        "text",
        "type",
        "mandatory",
        "answered_by",
        "scale_min",
        "scale_max",
        "pick",
    ]
    show_change_link = True
    ordering = ["order", "pk"]
    formfield_overrides = {
        # A compact row per question; the full form is one click away.
        Question._meta.get_field("text").__class__: {
            "form_class": NormalisedTextField,
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }
    }

    def get_queryset(self, request):
        return super().get_queryset(request).filter(customisation__isnull=True)


class QuestionOptionInline(FrozenInlineMixin, TenantInline):
    model = QuestionOption
    formset = OptionInlineFormSet
    fields = ["order", "label", "description", "url"]
    ordering = ["order", "pk"]
    formfield_overrides = {
        QuestionOption._meta.get_field("description").__class__: {
            "form_class": NormalisedTextField,
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50}),
        }
    }


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("JSON file"),
        help_text=gettext_lazy("A framework in the format described in docs/framework-format.md."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish at once"),
        required=False,
        help_text=gettext_lazy("Otherwise the import becomes a draft you can check first."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is too large (at most 2 MB)."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ValidationError(_("The file is not UTF-8 text.")) from exc
        except RecursionError as exc:  # e.g. [[[[…]]]] 100,000 deep: Python's parser gives up
            raise ValidationError(
                _("The file is nested too deeply to be a framework (see docs/framework-format.md).")
            ) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The file is not valid JSON (line %(line)d, column %(col)d): %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from exc


@admin.register(Framework)
class FrameworkAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "current_version", "version_count"]
    search_fields = ["name"]
    actions = ["export_json"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_versions=Count("versions"))

    @admin.display(description=gettext_lazy("versions"), ordering="n_versions")
    def version_count(self, obj):
        return obj.n_versions

    @admin.display(description=gettext_lazy("current version"))
    def current_version(self, obj):
        version = (
            obj.versions.filter(status=FrameworkVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        if version is None:
            return "-"
        url = reverse("admin:frameworks_frameworkversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, version.number)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.versions.filter(status=FrameworkVersion.Status.PUBLISHED):
            return False  # conversations pin its versions
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass the published guard
        return actions

    @admin.action(description=gettext_lazy("Export JSON (current published version)"))
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one framework."), messages.ERROR)
            return None
        framework = queryset.get()
        version = (
            framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        if version is None:
            self.message_user(request, _("The framework has no published version."), messages.ERROR)
            return None
        data = framework_export(version=version)
        return _json_download(data, f"{version.municipality.slug}-v{version.number}.json")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="frameworks_framework_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        municipality = request.user.municipality
        errors: list[str] = []
        is_post = request.method == "POST"
        form = (
            FrameworkImportForm(request.POST, request.FILES) if is_post else FrameworkImportForm()
        )
        if request.method == "POST" and form.is_valid():
            if municipality is None:
                form.add_error(None, _("Platform admins import from the command line."))
            else:
                try:
                    version = framework_import(
                        data=form.cleaned_data["file"],
                        publish=form.cleaned_data["publish"],
                        by=request.user,
                        municipality=municipality,
                    )
                except ValidationError as exc:
                    errors = exc.messages
                else:
                    self.log_addition(request, version, [{"added": {}}])
                    messages.success(
                        request,
                        _("Version %(number)d of “%(name)s” was imported.")
                        % {"number": version.number, "name": version.framework.name},
                    )
                    return redirect("admin:frameworks_frameworkversion_change", version.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a framework from JSON"),
            "form": form,
            "errors": errors,
        }
        status = 400 if (request.method == "POST" and (errors or form.errors)) else 200
        return TemplateResponse(
            request, "admin/frameworks/framework/import.html", context, status=status
        )


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(
    StudioAdminMixin,
    FrozenWhenPublishedMixin,
    AuditedAdminMixin,
    TenantAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["__str__", "framework", "number", "status", "published_at", "studio_link"]
    formfield_overrides = TEXT_OVERRIDES
    list_filter = ["status", "framework"]
    search_fields = ["framework__name", "number"]
    list_select_related = ["framework"]
    readonly_fields = ["number", "status", "published_at", "published_by", "based_on"]
    autocomplete_fields = ["framework"]
    inlines = [SectionInline, PlanFieldInline]
    actions = ["publish", "create_draft", "export_json"]
    fieldsets = [
        (None, {"fields": ["framework", "number", "status", "published_at", "published_by"]}),
        (gettext_lazy("Preparation"), {"fields": ["preparation_guidance"]}),
        (
            gettext_lazy("Process settings"),
            {
                "fields": [
                    "both_prepare",
                    "rewording_allowed",
                    "walk_and_talk_allowed",
                    "minutes",
                    "evaluation_cycle_years",
                ]
            },
        ),
        (
            gettext_lazy("Development plan"),
            {"fields": ["plan_title", "plan_kind", "plan_continues"]},
        ),
    ]

    @admin.display(description=gettext_lazy("studio"))
    def studio_link(self, obj):
        url = reverse("admin:frameworks_studio", args=[obj.pk])
        label = _("Open in the studio") if obj.is_published else _("Edit in the studio")
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> ({})</span></a>', url, label, obj
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("framework")  # a version never moves to another framework
        return fields

    def get_search_results(self, request, queryset, search_term):
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _autocomplete_for(request, "section"):
            qs = qs.filter(status=FrameworkVersion.Status.DRAFT)  # only drafts take sections
        return qs, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "framework" and not request.user.is_superuser:
            kwargs["queryset"] = Framework.objects.filter(
                municipality_id=request.user.municipality_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            # A new version of a framework: the next number, as a draft.
            from django.db.models import Max

            obj.municipality_id = obj.framework.municipality_id
            last = obj.framework.versions.aggregate(n=Max("number"))["n"] or 0
            obj.number = last + 1
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            base_clean = form.clean

            def clean(self_form):
                data = base_clean(self_form)
                framework = data.get("framework")
                if framework and framework.versions.filter(status="draft").exists():
                    raise ValidationError(
                        _("The framework already has a draft. Edit that draft instead.")
                    )
                return data

            form.clean = clean
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {})}
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and obj.is_published
            and request.method == "GET"
            and self.has_view_permission(request, obj)
        ):
            return self.published_view(request, obj)
        if obj is not None:
            extra_context["preview_url"] = reverse("frameworks:preview", args=[obj.pk])
            extra_context["is_published"] = obj.is_published
        return super().change_view(request, object_id, form_url, extra_context)

    #: The version's own fields on the read-only page of a published version.
    PUBLISHED_FIELDS = [
        "framework",
        "number",
        "status",
        "published_at",
        "published_by",
        "based_on",
        "both_prepare",
        "rewording_allowed",
        "walk_and_talk_allowed",
        "minutes",
        "evaluation_cycle_years",
        "plan_title",
        "plan_kind",
        "plan_continues",
        "preparation_guidance",
    ]

    def published_view(self, request, obj: FrameworkVersion) -> TemplateResponse:
        """A published version never changes: instead of the admin form with every field
        disabled, one readable page with the whole structure (sections, questions, options,
        plan layout), rendered once per version and language and then cached."""
        from django.contrib.admin.utils import display_for_field

        empty = self.get_empty_value_display()
        rows = []
        for name in self.PUBLISHED_FIELDS:
            field = FrameworkVersion._meta.get_field(name)
            value = getattr(obj, name)
            if isinstance(value, bool):  # words, not the admin's icons with English alt text
                rows.append((field.verbose_name, _("yes") if value else _("no")))
                continue
            rows.append((field.verbose_name, display_for_field(value, field, empty)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("View %s") % self.opts.verbose_name,
            "subtitle": str(obj),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "original": obj,
            "has_view_permission": True,
            "rows": rows,
            "structure_html": published_structure_html(obj),
            "preview_url": reverse("frameworks:preview", args=[obj.pk]),
            "changelist_url": reverse("admin:frameworks_frameworkversion_changelist"),
            "history_url": reverse("admin:frameworks_frameworkversion_history", args=[obj.pk]),
        }
        return TemplateResponse(
            request, "admin/frameworks/frameworkversion/published.html", context
        )

    @admin.action(description=gettext_lazy("Publish"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                framework_publish(version=version, by=request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("%(version)s was not published: %(errors)s")
                    % {"version": version, "errors": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                self.log_change(request, version, _("Published"))
                self.message_user(request, _("%(version)s is published.") % {"version": version})

    @admin.action(description=gettext_lazy("Create new draft"))
    def create_draft(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return None
        try:
            draft = framework_version_create_draft(version=queryset.get(), by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.log_addition(request, draft, [{"added": {}}])
        self.message_user(request, _("The draft %(version)s was created.") % {"version": draft})
        return redirect("admin:frameworks_frameworkversion_change", draft.pk)

    @admin.action(description=gettext_lazy("Export JSON"))
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return None
        version = queryset.select_related("municipality", "framework").get()
        data = framework_export(version=version)
        return _json_download(
            data,
            f"{version.municipality.slug}-{slugify(version.framework.name)}-v{version.number}.json",
        )


@admin.register(Section)
class SectionAdmin(FrozenWhenPublishedMixin, AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    list_display = ["title", "version", "kind", "order"]
    formfield_overrides = TEXT_OVERRIDES
    list_filter = ["kind", "version__status", "version__framework"]
    search_fields = ["title", "intro"]
    list_select_related = ["version__framework"]
    autocomplete_fields = ["version"]
    fields = ["version", "order", "title", "kind", "intro", "valid_from_year", "valid_to_year"]
    inlines = [QuestionInline]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletion is checked per section
        return actions

    def get_search_results(self, request, queryset, search_term):
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _autocomplete_for(request, "question"):
            qs = qs.filter(version__status=FrameworkVersion.Status.DRAFT)
        return qs, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        return ["version"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        obj.municipality_id = obj.version.municipality_id
        super().save_model(request, obj, form, change)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_delete_permission(request, obj):
            try:
                obj.check_deletable()
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return redirect("admin:frameworks_section_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)


@admin.register(Question)
class QuestionAdmin(
    FrozenWhenPublishedMixin, AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin
):
    # Both versions' questions share the list: the version column tells them apart.
    list_display = [
        "short_text",
        "version",
        "section",
        "type",
        "mandatory",
        "answered_by",
        "order",
    ]
    formfield_overrides = TEXT_OVERRIDES
    list_filter = ["type", "mandatory", "answered_by", "section__version__status"]
    search_fields = ["text", "help_text", "group", "section__title"]
    list_select_related = ["section__version__framework"]
    autocomplete_fields = ["section"]
    inlines = [QuestionOptionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "section",
                    "order",
                    "group",
                    "text",
                    "help_text",
                    "type",
                    "mandatory",
                    "answered_by",
                ]
            },
        ),
        (
            gettext_lazy("Scale"),
            {"fields": ["scale_min", "scale_max", "scale_min_label", "scale_max_label"]},
        ),
        (gettext_lazy("Keywords"), {"fields": ["pick"]}),
    ]

    @admin.display(description=gettext_lazy("question"), ordering="text")
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=gettext_lazy("version"), ordering="section__version__number")
    def version(self, obj):
        return obj.section.version

    def get_queryset(self, request):
        # Teams' own questions belong to their leader's leader, not to HR's framework.
        return super().get_queryset(request).filter(customisation__isnull=True)

    def get_readonly_fields(self, request, obj=None):
        return ["section"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        obj.municipality_id = obj.section.municipality_id
        super().save_model(request, obj, form, change)


@admin.register(TeamCustomisation)
class TeamCustomisationAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """Read-only overview for HR; leaders' leaders tailor their framework themselves."""

    list_display = ["owner", "version", "removed_count", "updated_at"]
    list_filter = ["version__framework"]
    search_fields = ["owner__name", "owner__username"]
    list_select_related = ["owner", "version__framework"]
    fields = ["owner", "version", "removed_questions", "created_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_removed=Count("removed_questions"))

    @admin.display(description=gettext_lazy("removed questions"))
    def removed_count(self, obj):
        return obj.n_removed

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(ReferenceLink)
class ReferenceLinkAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """Links for the documents information blocks name (editable whatever the version)."""

    list_display = ["label", "url"]
    search_fields = ["label"]
    fields = ["label", "url"]
    formfield_overrides = {
        ReferenceLink._meta.get_field("url").__class__: {"assume_scheme": "https"}
    }
