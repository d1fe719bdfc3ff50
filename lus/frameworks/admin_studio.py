"""HR's framework studio inside the admin: one page per version with every section and question
editable in place (autosaved field by field), ordering, a live preview as the leader sees it,
and publishing as a deliberate step after reviewing what changes.

Mixed into FrameworkVersionAdmin, so the admin's permissions and the tenant mixin apply: a
foreign version is a 404, a published one is read-only.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lus.frameworks import studio
from lus.frameworks.diff import version_compared_with, version_diff
from lus.frameworks.impact import publish_impact
from lus.frameworks.models import FrameworkVersion, Question, Section
from lus.frameworks.question_types import REGISTRY
from lus.frameworks.selectors import effective_questions
from lus.frameworks.services import framework_publish, framework_version_create_draft

MAX_BODY = 200_000


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = default
    return min(max(year, 2000), 2100)


def default_preview_year(version: FrameworkVersion) -> int:
    """The first year of the newest organisation theme (what HR is most likely working on)."""
    years = [
        s.valid_from_year
        for s in version.sections.all()
        if s.kind == Section.Kind.ORGANISATION_THEME and s.valid_from_year
    ]
    return max(years) if years else timezone.localdate().year


class StudioAdminMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/studio/", wrap(self.studio_view), name="frameworks_studio"),
            path("<int:pk>/studio/api/", wrap(self.studio_api), name="frameworks_studio_api"),
            path(
                "<int:pk>/studio/preview/",
                wrap(self.studio_preview),
                name="frameworks_studio_preview",
            ),
            path("<int:pk>/review/", wrap(self.review_view), name="frameworks_review"),
            *super().get_urls(),
        ]

    # --- helpers ------------------------------------------------------------------------------
    def _version(self, request: HttpRequest, pk: int) -> FrameworkVersion:
        version = self.get_object(request, str(pk))
        if version is None or not self.has_view_permission(request, version):
            raise Http404
        return version

    def _editor_context(self, request, version: FrameworkVersion) -> dict:
        sections = list(
            version.sections.order_by("order", "pk").prefetch_related("questions__options")
        )
        for s in sections:
            s.own_questions = [q for q in s.questions.all() if q.customisation_id is None]
        editable = self.has_change_permission(request, version)
        return {
            "version": version,
            "sections": sections,
            "editable": editable,
            "type_choices": [(t.key, t.label) for t in REGISTRY.values()],
            "type_fields": {t.key: t.config_fields for t in REGISTRY.values()},
            "answered_by_choices": Question.AnsweredBy.choices,
            "kind_choices": Section.Kind.choices,
        }

    def _editor_html(self, request, version) -> str:
        return render_to_string(
            "admin/frameworks/frameworkversion/_studio_editor.html",
            self._editor_context(request, version),
            request=request,
        )

    def _bank(self, version: FrameworkVersion) -> list:
        """Questions of the framework's other versions, to copy into this draft."""
        others = (
            FrameworkVersion.objects.filter(framework=version.framework)
            .exclude(pk=version.pk)
            .order_by("-number")
        )
        bank = []
        for other in others:
            questions = Question.objects.filter(
                section__version=other, customisation__isnull=True
            ).select_related("section")
            rows = [(q.pk, f"{q.section.title}: {q.text[:90]}") for q in questions]
            if rows:
                bank.append((other, rows))
        return bank

    # --- the studio page ----------------------------------------------------------------------
    def studio_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        if request.method not in ("GET", "POST"):
            return HttpResponse(status=405)
        if request.method == "POST":
            # "Edit in the studio" on a published version: its draft (made now if needed).
            if not self.has_add_permission(request) or not version.is_published:
                return HttpResponse(status=403)
            draft = version.framework.versions.filter(status=FrameworkVersion.Status.DRAFT).first()
            if draft is None:
                try:
                    draft = framework_version_create_draft(version=version, by=request.user)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("admin:frameworks_studio", version.pk)
                self.log_addition(request, draft, [{"added": {}}])
            return redirect("admin:frameworks_studio", draft.pk)
        context = {
            **self.admin_site.each_context(request),
            **self._editor_context(request, version),
            "title": _("Framework studio"),
            "subtitle": str(version),
            "opts": self.opts,
            "original": version,
            "draft": version.framework.versions.filter(status=FrameworkVersion.Status.DRAFT)
            .exclude(pk=version.pk)
            .first(),
            "preview_year": default_preview_year(version),
            "bank": self._bank(version) if not version.is_published else [],
            "can_create_draft": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/frameworks/frameworkversion/studio.html", context)

    def studio_preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The leader's preparation form for a year, rendered with the real question widgets."""
        if request.method != "GET":
            return HttpResponse(status=405)
        version = self._version(request, pk)
        year = _year(request, default_preview_year(version))
        sections = []
        for section, questions in effective_questions(
            version=version, customisation=None, year=year
        ):
            if section.kind == Section.Kind.PLAN:
                continue
            groups: list[dict] = []
            for q in questions:
                if q.is_answerable and q.answered_by == Question.AnsweredBy.LEADERS_LEADER:
                    continue
                if q.is_answerable and not q.text:
                    continue  # still being written
                q.current, q.current_text, q.errors = [], "", []
                q.other_version, q.changed_after_share = None, False
                if not groups or groups[-1]["title"] != q.group:
                    groups.append({"title": q.group, "questions": []})
                groups[-1]["questions"].append(q)
            if any(q.is_answerable for g in groups for q in g["questions"]):
                sections.append({"section": section, "groups": groups})
        response = TemplateResponse(
            request,
            "admin/frameworks/frameworkversion/_studio_preview.html",
            {"version": version, "sections": sections, "year": year, "can_edit": True},
        )
        # Shown in the studio's frame (same origin only), so it gets the leader's own styles.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": ["'self'"]}
        return response

    # --- autosave and structure -----------------------------------------------------------------
    def studio_api(self, request: HttpRequest, pk: int) -> JsonResponse:
        if request.method != "POST":
            return JsonResponse({"error": _("Unknown action.")}, status=405)
        version = self._version(request, pk)
        if not self.has_change_permission(request, version):
            return JsonResponse(
                {"error": _("A published framework version cannot be changed.")}, status=403
            )
        if len(request.body) > MAX_BODY:
            return JsonResponse({"error": _("The request is too large.")}, status=413)
        try:
            data = json.loads(request.body.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            return JsonResponse({"error": _("The request could not be read.")}, status=400)
        op = data.get("op")
        handler = getattr(self, f"_api_{op}", None) if isinstance(op, str) else None
        if handler is None:
            return JsonResponse({"error": _("Unknown action.")}, status=400)
        try:
            return handler(request, version, data)
        except ObjectDoesNotExist:
            return JsonResponse(
                {"error": _("The page is out of date. Reload it and try again.")}, status=404
            )
        except (TypeError, ValueError, KeyError):
            return JsonResponse({"error": _("The request could not be read.")}, status=400)
        except ValidationError as exc:
            fields = getattr(exc, "error_dict", None)
            return JsonResponse(
                {
                    "error": " ".join(exc.messages),
                    "fields": {
                        k: [str(m) for e in v for m in e.messages] for k, v in fields.items()
                    }
                    if fields
                    else {},
                },
                status=422,
            )

    def _int(self, data: dict, name: str) -> int:
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(name)
        number = int(value)
        if not 0 < number < 2**31:
            raise ValueError(name)
        return number

    def _structure_changed(self, request, version, message: str, **extra) -> JsonResponse:
        self.log_change(request, version, message)
        return JsonResponse({"html": self._editor_html(request, version), **extra})

    def _api_save(self, request, version, data) -> JsonResponse:
        kind = data["kind"]
        result = studio.studio_field_save(
            version=version,
            kind=kind,
            pk=self._int(data, "pk"),
            name=str(data["field"]),
            value=data.get("value"),
            base=data.get("base"),
            revision=int(data.get("revision", -1)),
        )
        body = {
            "status": result.status,
            "revision": result.revision,
            "value": result.value,
            "state": result.state,
            "saved_at": formats.time_format(timezone.localtime(), "H:i"),
        }
        if result.status == "conflict":
            body["theirs"] = result.theirs
            return JsonResponse(body, status=409)
        if result.status == "saved":
            self.log_change(
                request,
                version,
                _("Changed “%(field)s” of %(kind)s %(pk)s")
                % {"field": data["field"], "kind": kind, "pk": data["pk"]},
            )
            if kind == "question" and data["field"] == "type":
                question = Question.objects.prefetch_related("options").get(pk=data["pk"])
                body["html"] = render_to_string(
                    "admin/frameworks/frameworkversion/_studio_question.html",
                    {**self._editor_context(request, version), "q": question},
                    request=request,
                )
            if kind == "section" and data["field"] == "kind":
                body["editor_html"] = self._editor_html(request, version)
        return JsonResponse(body)

    def _api_add_section(self, request, version, data) -> JsonResponse:
        section = studio.studio_section_add(version=version, kind=data.get("kind", "theme"))
        return self._structure_changed(
            request, version, _("Added a section"), focus=f"section-{section.pk}-title"
        )

    def _api_add_question(self, request, version, data) -> JsonResponse:
        section = Section.objects.get(pk=self._int(data, "section"), version=version)
        question = studio.studio_question_add(
            version=version, section=section, type=data.get("type", Question.Type.SCALE)
        )
        return self._structure_changed(
            request, version, _("Added a question"), focus=f"question-{question.pk}-text"
        )

    def _api_duplicate(self, request, version, data) -> JsonResponse:
        question = Question.objects.get(
            pk=self._int(data, "pk"), section__version=version, customisation__isnull=True
        )
        copy = studio.studio_question_duplicate(version=version, question=question)
        return self._structure_changed(
            request, version, _("Duplicated a question"), focus=f"question-{copy.pk}-text"
        )

    def _api_copy(self, request, version, data) -> JsonResponse:
        source = Question.objects.get(
            pk=self._int(data, "question"),
            section__version__framework=version.framework,
            customisation__isnull=True,
        )
        section = Section.objects.get(pk=self._int(data, "section"), version=version)
        copy = studio.studio_question_copy(version=version, question=source, section=section)
        return self._structure_changed(
            request,
            version,
            _("Copied a question from another version"),
            focus=f"question-{copy.pk}-text",
        )

    def _api_delete(self, request, version, data) -> JsonResponse:
        studio.studio_delete(version=version, kind=data["kind"], pk=self._int(data, "pk"))
        return self._structure_changed(request, version, _("Removed a section or question"))

    def _api_reorder(self, request, version, data) -> JsonResponse:
        ids = [int(i) for i in data["ids"]]
        section_id = self._int(data, "section") if data["kind"] == "question" else None
        studio.studio_reorder(version=version, kind=data["kind"], ids=ids, section_id=section_id)
        self.log_change(request, version, _("Changed the order"))
        return JsonResponse({"status": "saved"})

    # --- review and publish -------------------------------------------------------------------
    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = self._version(request, pk)
        if request.method not in ("GET", "POST"):
            return HttpResponse(status=405)
        compared = version_compared_with(version)
        errors: list[str] = []
        if request.method == "POST":
            if not self.has_change_permission(request, version):
                return HttpResponse(status=403)
            try:
                framework_publish(version=version, by=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                self.log_change(request, version, _("Published"))
                messages.success(
                    request,
                    _("Version %(number)d is published and is used from now on.")
                    % {"number": version.number},
                )
                return redirect("admin:frameworks_review", version.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review and publish") if not version.is_published else _("Changes"),
            "subtitle": str(version),
            "opts": self.opts,
            "original": version,
            "version": version,
            "compared": compared,
            "diff": version_diff(old=compared, new=version),
            "impact": publish_impact(version) if not version.is_published else [],
            "errors": errors,
            "can_publish": self.has_change_permission(request, version),
        }
        return TemplateResponse(
            request,
            "admin/frameworks/frameworkversion/review.html",
            context,
            status=422 if errors else 200,
        )
