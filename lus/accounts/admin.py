import csv
import hashlib

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from lus.accounts.forms import PeopleImportForm, PersonChangeForm, PersonCreationForm
from lus.accounts.models import OrgUnit, PeopleImportJob, User
from lus.accounts.notifications import person_notify_email_change, person_notify_leader_change
from lus.accounts.services import (
    PeopleImportError,
    RowError,
    csv_decode,
    people_import,
    people_import_job_apply,
    people_import_job_create,
    people_import_rows_estimate,
    people_import_summary,
)
from lus.accounts.signals import people_changed
from lus.audit.admin import AuditedAdminMixin
from lus.tenants.admin import TenantAdminMixin
from lus.tenants.models import Municipality

#: Problems and changes listed on the import page; the rest are counted (and downloadable).
SHOWN = 100


def background_rows() -> int:
    """Files with at least this many rows are checked and applied by a task worker, with
    progress shown (``settings.LUS_PEOPLE_IMPORT_BACKGROUND_ROWS``)."""
    return settings.LUS_PEOPLE_IMPORT_BACKGROUND_ROWS


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: OrgUnit, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A renamed or moved unit: HR's cached counts table shows unit names, count again.
        people_changed.send(User, municipality_id=obj.municipality_id)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, TenantAdminMixin, DjangoUserAdmin):
    list_display = ["name", "username", "email", "job_title", "org_unit", "manager", "is_hr"]
    list_filter = ["is_hr", "is_active", "org_unit"]
    search_fields = ["name", "username", "email", "job_title"]
    ordering = ["name"]
    autocomplete_fields = ["manager", "org_unit"]
    list_select_related = ["org_unit", "manager"]
    change_list_template = "admin/accounts/user/change_list.html"
    form = PersonChangeForm
    add_form = PersonCreationForm
    readonly_fields = ["login_method"]
    actions = ["send_password_links"]
    # No password field: nobody sets or sees another person's password (docs/security.md).
    fieldsets = [
        (None, {"fields": ["username", "login_method"]}),
        (
            gettext_lazy("Person"),
            {"fields": ["name", "email", "job_title", "org_unit", "manager", "birth_date"]},
        ),
        # No "staff status": admin access follows "HR" (``accounts.models.has_admin_access``).
        (gettext_lazy("Roles"), {"fields": ["is_active", "is_hr", "date_left"]}),
    ]
    superuser_fieldsets = [
        (gettext_lazy("Platform"), {"fields": ["municipality", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "email", "send_password_link"]}),
    ]

    @admin.display(description=gettext_lazy("Login"))
    def login_method(self, obj: User) -> str:
        from lus.sso.selectors import password_login_allowed

        if obj is None or obj.pk is None:
            return "-"
        if not password_login_allowed(obj.municipality_id):
            return _("The municipality's own login (SSO); no password.")
        if obj.has_usable_password():
            return _(
                "Has set a password. Nobody else can see or set it; the person can get a link "
                "to set a new one (the action “Send a link to set a password” in the list)."
            )
        return _(
            "No password yet. Send the person a link to set one (the action “Send a link to "
            "set a password” in the list)."
        )

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user  # modelform_factory made a new class for this request
        return form

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A platform admin's account is not HR's to edit (its e-mail decides where its
        # password link goes).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id, form_url=""):
        """Closed for everyone: a password is set by the person only, from a link sent to
        their own e-mail. (Another municipality's person stays a plain 404.)"""
        person = self.get_object(request, unquote(id))
        if person is None or not self.has_view_permission(request, person):
            raise Http404
        raise PermissionDenied

    @admin.action(description=gettext_lazy("Send a link to set a password"))
    def send_password_links(self, request: HttpRequest, queryset) -> None:
        from lus.sso.passwords import password_link_send  # the login policy lives in lus.sso

        sent = 0
        for person in queryset:
            try:
                password_link_send(person=person, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                sent += 1
        if sent:
            messages.success(
                request,
                ngettext(
                    "A link to set a password was e-mailed to %(n)d person.",
                    "A link to set a password was e-mailed to %(n)d people.",
                    sent,
                )
                % {"n": sent},
            )

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        before = (
            User._base_manager.select_related("manager").filter(pk=obj.pk).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if before is not None and before.manager_id != obj.manager_id:
            person_notify_leader_change(
                person=obj, old_manager=before.manager, new_manager=obj.manager, actor=request.user
            )
        if before is not None and (before.email or "").lower() != (obj.email or "").lower():
            person_notify_email_change(person=obj, old_email=before.email, actor=request.user)
        if not change and form.cleaned_data.get("send_password_link") and obj.email:
            transaction.on_commit(lambda: self._link_for_new_person(request, obj))
        moved = ("org_unit_id", "manager_id", "is_active", "date_left")
        if obj.municipality_id and (
            before is None or any(getattr(before, f) != getattr(obj, f) for f in moved)
        ):
            # Came, left or moved: HR's status counts ("no LUS yet" per unit) count again.
            people_changed.send(User, municipality_id=obj.municipality_id)

    def _link_for_new_person(self, request: HttpRequest, person: User) -> None:
        from lus.sso.passwords import password_link_send
        from lus.sso.selectors import password_login_allowed

        if not password_login_allowed(person.municipality_id):
            return  # SSO only: nothing to send, the person logs in with the municipality's login
        try:
            password_link_send(person=person, actor=request.user)
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
        else:
            messages.info(
                request,
                _("%(name)s has been e-mailed a link to set a password.") % {"name": person.name},
            )

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
            path(
                "import/fejl.csv",
                self.admin_site.admin_view(self.import_errors_csv),
                name="accounts_user_import_errors",
            ),
            path(
                "import/kontrol/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="accounts_user_import_job",
            ),
            path(
                "import/kontrol/<int:job_id>/status.json",
                self.admin_site.admin_view(self.import_job_status),
                name="accounts_user_import_job_status",
            ),
            *super().get_urls(),
        ]

    IMPORT_SESSION_KEY = "people_import_pending"
    IMPORT_ERRORS_KEY = "people_import_problems"

    def import_errors_csv(self, request: HttpRequest) -> HttpResponse:
        """Every problem of the last file that failed the check, as CSV (line; column; problem)."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        failed = request.session.get(self.IMPORT_ERRORS_KEY)
        if request.GET.get("job"):  # a long file checked in the background
            job = self._job_or_404(request, request.GET["job"])
            if job.applying:
                raise Http404  # applied (or being applied): the file is not kept
            failed = {"text": job.text, "deactivate_missing": job.deactivate_missing}
        if not failed or request.user.municipality is None:
            raise Http404
        try:
            people_import(
                municipality=request.user.municipality,
                data=failed["text"],
                dry_run=True,
                deactivate_missing=failed["deactivate_missing"],
                actor=request.user,
            )
            errors = []
        except PeopleImportError as exc:
            errors = exc.errors
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="personimport-fejl.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 (æøå) correctly with a BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerow([_("Line"), _("Column"), _("Problem")])
        for error in errors:
            message = str(error.message)
            if message[:1] in ("=", "+", "-", "@"):
                message = "'" + message  # never a spreadsheet formula
            writer.writerow([error.line, error.column, message])
        return response

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
            response, errors = self._apply(request, pending["text"], pending["deactivate_missing"])
            if response is not None:
                del request.session[self.IMPORT_SESSION_KEY]
                return response
            form = PeopleImportForm()
        elif request.method == "POST" and form.is_valid():
            if municipality is None:
                form.add_error(None, _("Platform admins import from the command line."))
            else:
                raw = form.cleaned_data["file"].read()
                try:
                    text = csv_decode(raw)
                    if people_import_rows_estimate(text) >= background_rows():
                        job = people_import_job_create(
                            municipality=municipality,
                            actor=request.user,
                            text=text,
                            deactivate_missing=form.cleaned_data["deactivate_missing"],
                            language=get_language() or settings.LANGUAGE_CODE,
                        )
                        request.session.pop(self.IMPORT_SESSION_KEY, None)
                        return redirect("admin:accounts_user_import_job", job_id=job.pk)
                    result = people_import(
                        municipality=municipality,
                        data=text,
                        dry_run=True,
                        deactivate_missing=form.cleaned_data["deactivate_missing"],
                        actor=request.user,
                    )
                except PeopleImportError as exc:
                    errors = exc.errors
                    if "text" in locals():  # kept for the full list of problems (CSV)
                        request.session[self.IMPORT_ERRORS_KEY] = {
                            "text": text,
                            "deactivate_missing": form.cleaned_data["deactivate_missing"],
                        }
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
            # The page stays small for a national file: counts, then the first problems and
            # changes; the full list of problems is a CSV download.
            "errors": errors[:SHOWN],
            "error_count": len(errors),
            "errors_url": reverse("admin:accounts_user_import_errors"),
            "shown": SHOWN,
            "result": result,
            "summary": people_import_summary(result=result) if result is not None else None,
            "digest": (request.session.get(self.IMPORT_SESSION_KEY) or {}).get("digest"),
        }
        status = 400 if (request.method == "POST" and (errors or form.errors)) else 200
        return TemplateResponse(request, "admin/accounts/user/import.html", context, status=status)

    def _apply(self, request: HttpRequest, text: str, deactivate_missing: bool):
        """Write a checked file: (redirect, []) when applied, (None, errors) when the
        municipality changed since the check so the file no longer fits."""
        try:
            result = people_import(
                municipality=request.user.municipality,
                data=text,
                deactivate_missing=deactivate_missing,
                actor=request.user,
            )
        except PeopleImportError as exc:
            return None, exc.errors
        messages.success(
            request,
            _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(deactivated)s deactivated."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "deactivated": result.deactivated,
            },
        )
        return redirect("admin:accounts_user_changelist"), []

    def _job_or_404(self, request: HttpRequest, job_id) -> PeopleImportJob:
        """A check of the HR user's own municipality (the scoped manager); anything else 404."""
        if request.user.municipality is None or not str(job_id).isdigit():
            raise Http404
        job = PeopleImportJob.objects.filter(pk=int(job_id)).first()
        if job is None:
            raise Http404
        return job

    def _job_status(self, job: PeopleImportJob) -> dict:
        if job.applying:
            done = min(job.rows_applied, job.rows_total)
            message = _("Applying … %(done)s of %(total)s rows") % {
                "done": done,
                "total": job.rows_total,
            }
        else:
            done = job.rows_checked
            message = _("Checking … %(checked)s of %(total)s rows") % {
                "checked": job.rows_checked,
                "total": job.rows_total,
            }
        return {
            "status": job.status,
            "finished": job.finished,
            "rows_checked": job.rows_checked,
            "rows_done": done,
            "rows_total": job.rows_total,
            "message": message,
        }

    def import_job_status(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """How far the background check of a long file has come (polled by the page)."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        if request.method != "GET":
            return HttpResponse(status=405)
        job = self._job_or_404(request, job_id)
        return JsonResponse(self._job_status(job))

    def import_job_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """A long file's check: progress while it runs, then the same summary as a short
        file's (problems, or the changes and "Apply"). "Apply" hands the file to a task worker
        too: progress while it is written, then what was written."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        job = self._job_or_404(request, job_id)
        errors: list[RowError] = []
        error_count = 0
        if request.method == "POST":
            if job.applying:  # a second click on "Apply": the first one is at work
                return redirect("admin:accounts_user_import_job", job_id=job.pk)
            if (
                job.status != PeopleImportJob.Status.DONE
                or request.POST.get("apply") != str(job.pk)
                or not people_import_job_apply(
                    job=job,
                    actor=request.user,
                    language=get_language() or settings.LANGUAGE_CODE,
                )
            ):
                messages.error(request, _("The checked file is gone. Upload it again."))
                return redirect("admin:accounts_user_import")
            # A long file is written by a task worker; this page shows how far it has come.
            return redirect("admin:accounts_user_import_job", job_id=job.pk)
        if job.status == PeopleImportJob.Status.FAILED:
            errors = [RowError(*error) for error in job.result.get("errors", [])]
            error_count = job.result.get("error_count", len(errors))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import people from CSV"),
            "job": job,
            "job_status": self._job_status(job),
            "form": PeopleImportForm(),
            "errors": errors,
            "error_count": error_count,
            "errors_url": reverse("admin:accounts_user_import_errors") + f"?job={job.pk}",
            "shown": SHOWN,
            "summary": job.result if job.status == PeopleImportJob.Status.DONE else None,
            "digest": str(job.pk) if job.status == PeopleImportJob.Status.DONE else None,
            "apply_url": reverse("admin:accounts_user_import_job", args=[job.pk]),
        }
        context["applied"] = job.result.get("applied")
        template = (
            "admin/accounts/user/import.html"
            if job.status in (PeopleImportJob.Status.DONE, PeopleImportJob.Status.FAILED)
            else "admin/accounts/user/import_job.html"
        )
        return TemplateResponse(request, template, context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
