from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lus.core.access import object_for_user
from lus.frameworks.models import FrameworkVersion
from lus.frameworks.selectors import effective_questions


@login_required
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The framework as a leader will see it when preparing (read-only), for HR."""
    version = object_for_user(
        request,
        FrameworkVersion.objects.select_related("framework", "municipality"),
        perm="frameworks.preview_frameworkversion",
        pk=pk,
    )
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    sections = effective_questions(version=version, customisation=None, year=year)
    return render(
        request,
        "frameworks/preview.html",
        {
            "version": version,
            "sections": sections,
            "plan_fields": [f for f in version.plan_fields.all()],
            "year": year,
            "guidance": _paragraphs(version.preparation_guidance),
        },
    )


def _paragraphs(text: str) -> list[dict]:
    """Plain-text guidance as paragraphs and bullet lists ("- " lines)."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip()]
        intro = [line for line in lines if not line.startswith("- ")]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if intro or items:
            blocks.append({"text": " ".join(intro), "items": items})
    return blocks
