import io
import json
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lus.accounts.mydata import SECTIONS, filed_pdfs, my_data


@login_required
@require_GET
def my_data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html", {"sections": list(SECTIONS)})


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    """Everything LUS holds about the person: ``data.json`` and the PDFs filed about them."""
    data = json.dumps(my_data(request.user), ensure_ascii=False, indent=2, default=str)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        for name, content in filed_pdfs(request.user):
            archive.writestr(f"pdf/{name}", content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    filename = f"lus-mine-data-{request.user.username}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
