"""The LUS document page, the PDF preview, filing, the filed PDF's download and retrying a
failed delivery, and the blank printable framework. Thin: writes in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lus.audit.services import audit_record
from lus.conversations.selectors import conversations_for_user
from lus.core.access import object_for_user

from . import printables, selectors, services
from .models import FiledRecord
from .pdf import pdf_filename


def _conversation(request: HttpRequest, pk: int, perm: str = "documents.view_document"):
    return object_for_user(
        request,
        conversations_for_user(request.user).select_related("municipality", "version__framework"),
        perm=perm,
        view_perm="documents.view_document",
        pk=pk,
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _page(request: HttpRequest, conversation, *, error: str = "", status: int = 200):
    records = selectors.records_for_conversation(conversation)
    ctx = {
        "conversation": conversation,
        "records": records,
        "can_file": request.user.has_perm("documents.file_conversation", conversation),
        "ready": conversation.status == conversation.Status.PLAN_AGREED
        and selectors.both_approved(conversation),
        "error": error,
    }
    return render(request, "documents/conversation.html", ctx, status=status)


@login_required
@never_cache
@require_GET
def document(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    return _page(request, conversation)


@login_required
@never_cache
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF as it would be filed now (not archived)."""
    conversation = _conversation(request, pk)
    content = services.lus_pdf_render(conversation=conversation)
    audit_record(
        actor=request.user,
        action="download_lus_preview",
        target=conversation,
        detail=_("Downloaded the LUS as PDF (preview)"),
        request=request,
    )
    from django.utils import timezone

    name = pdf_filename(
        year=conversation.year,
        leader_name=conversation.leader.get_full_name(),
        date=timezone.localdate(),
    ).replace(".pdf", "-udkast.pdf")
    return _pdf_response(content, name)


@login_required
@require_POST
def file(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk, perm="documents.file_conversation")
    try:
        record = services.filed_record_create(
            conversation=conversation, actor=request.user, request=request
        )
    except ValidationError as exc:
        return _page(request, conversation, error=" ".join(exc.messages), status=409)
    if record.delivered:
        messages.success(request, _("The LUS has been filed in the personnel record."))
    else:
        messages.warning(
            request,
            _("The LUS has been filed, but delivery to the journal failed. Try again below."),
        )
    return redirect(reverse("documents:document", args=[conversation.pk]))


def _record(request: HttpRequest, pk: int, perm: str) -> FiledRecord:
    return object_for_user(
        request,
        FiledRecord.objects.select_related("leader"),
        perm=perm,
        view_perm="documents.download_filedrecord",
        pk=pk,
    )


@login_required
@never_cache
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk, "documents.download_filedrecord")
    if not record.file.storage.exists(record.file.name):
        # Purged by the retention rule: the record is kept as metadata only.
        return HttpResponse(
            _(
                "The PDF has been deleted from LUS under the municipality's retention rule. "
                "The record of the filing is kept; the document itself is in the personnel "
                "record (ESDH)."
            ),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    try:
        content = services.filed_record_content(record)
    except (ValidationError, OSError):
        return HttpResponse(
            _("The archived file cannot be read or does not match its checksum."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    audit_record(
        actor=request.user,
        action="download_filed_lus",
        target=record,
        detail=_("Downloaded the filed LUS"),
        request=request,
    )
    return _pdf_response(content, record.filename)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk, "documents.retry_filedrecord")
    try:
        attempt = services.filed_record_retry(record=record, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        attempt = None
    if attempt is not None and attempt.ok:
        messages.success(request, _("The document has been delivered."))
    elif attempt is not None:
        messages.error(request, _("Delivery failed again: %(error)s") % {"error": attempt.error})
    if record.conversation_id:
        return redirect(reverse("documents:document", args=[record.conversation_id]))
    return redirect("home")


@login_required
@never_cache
@require_GET
def blank_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The conversation's framework as a blank form to print (walk'n'talk; Norddjurs' wheel)."""
    conversation = _conversation(request, pk)
    content, name = printables.blank_form_pdf(conversation)
    return _pdf_response(content, name)
