import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lus.accounts.mydata import SECTIONS, my_data


@login_required
@require_GET
def my_data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html", {"sections": list(SECTIONS)})


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = json.dumps(my_data(request.user), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"lus-mine-data-{request.user.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
