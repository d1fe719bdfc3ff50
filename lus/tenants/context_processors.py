from django.http import HttpRequest


def municipality(request: HttpRequest) -> dict:
    return {"municipality": getattr(request, "municipality", None)}
