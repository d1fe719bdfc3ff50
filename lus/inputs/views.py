"""Preparation inputs: HR's CSV import (counts only), the leader's own list with attaching a
report, and the report's download (leader and leaders_leader only, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lus.audit.services import audit_read
from lus.core.access import object_for_user

from . import selectors, services
from .forms import AttachForm, ImportForm
from .models import MAX_PDF_BYTES, PreparationInput
from .parsing import MAX_FILE_BYTES


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def hr_import(request: HttpRequest) -> HttpResponse:
    """HR imports results from a CSV. The answer is counts and the file's problems; no page
    of HR's shows a result (the import writes rows HR cannot read)."""
    if not request.user.has_perm("inputs.import_inputs"):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    summary = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_FILE_BYTES:
                form.add_error("file", _("The file is larger than 5 MB."))
            else:
                summary = services.inputs_import_csv(
                    municipality=request.user.municipality,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    raw=upload.read(),
                )
                if summary.imported:
                    messages.success(
                        request,
                        _("Imported: %(scores)s results for %(leaders)s leaders.")
                        % {"scores": summary.scores, "leaders": summary.leaders},
                    )
                    return redirect("inputs:hr_import")
        status = 400
    return render(
        request,
        "inputs/hr_import.html",
        {"form": form, "summary": summary, "imports": selectors.imports_for_hr()},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """The leader's own inputs, and attaching a report."""
    form = AttachForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_PDF_BYTES:
                    raise ValidationError({"file": _("The file is larger than 10 MB.")})
                services.input_attach_pdf(
                    leader=request.user,
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    name=upload.name,
                    content=upload.read(),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The report has been attached."))
                return redirect("inputs:mine")
        status = 400
    return render(
        request,
        "inputs/mine.html",
        {"form": form, "inputs": selectors.inputs_of_leader(request.user)},
        status=status,
    )


@login_required
@never_cache
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    item = object_for_user(request, PreparationInput, perm="inputs.view_input", pk=pk)
    if not item.has_pdf:
        raise Http404
    if request.user.pk != item.leader_id:
        audit_read(
            actor=request.user,
            action="view_preparation_input",
            target=item,
            detail=_("Attached report: %(title)s") % {"title": item.title},
            request=request,
        )
    response = HttpResponse(bytes(item.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="forberedelsesdata-{item.pk}.pdf"'
    return response


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = object_for_user(
        request, PreparationInput, perm="inputs.delete_input", view_perm="inputs.view_input", pk=pk
    )
    services.input_delete(item=item, actor=request.user)
    messages.success(request, _("The report has been removed."))
    return redirect("inputs:mine")
