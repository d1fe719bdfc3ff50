"""The pages that gather from several apps: the start page and "Download my data"."""

from __future__ import annotations

import io
import json
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lus.conversations.selectors import conducted_this_year, my_lus
from lus.rounds.handover import handovers_pending

from .mydata import ATTACHMENTS, SECTIONS, my_data


@login_required
@require_GET
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = timezone.localdate().year
    reports = list(user.reports.filter(is_active=True).select_related("org_unit"))
    if reports:
        conducted = conducted_this_year(user, year)
        for person in reports:
            person.this_year_lus = conducted.get(person.pk)
    ctx = {"reports": reports, "year": year}
    if user.municipality_id:
        ctx.update(my_lus(user, year))
        # A proposed hand-over of the user's own LUS waits for their answer.
        ctx["handover_requests"] = list(handovers_pending().filter(conversation__leader=user))
    return render(request, "orchestration/home.html", ctx)


@login_required
@require_GET
def my_data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "orchestration/my_data.html", {"sections": list(SECTIONS)})


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    """Everything LUS holds about the person: ``data.json`` and the files about them (the
    filed PDFs under ``pdf/``, attached preparation inputs under ``forberedelsesdata/``)."""
    data = json.dumps(my_data(request.user), ensure_ascii=False, indent=2, default=str)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        for folder, files in ATTACHMENTS.items():
            for name, content in files(request.user):
                archive.writestr(f"{folder}/{name}", content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    filename = f"lus-mine-data-{request.user.username}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
