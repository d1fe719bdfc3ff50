"""Who gets a version when it is published. Apps above frameworks (rounds) know that; they
register a provider here (in their AppConfig.ready), so frameworks never imports them."""

from __future__ import annotations

from collections.abc import Callable

from lus.frameworks.models import FrameworkVersion

#: provider(version) -> Danish sentences for the review page
PROVIDERS: list[Callable[[FrameworkVersion], list[str]]] = []


def register_publish_impact(provider: Callable[[FrameworkVersion], list[str]]):
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def publish_impact(version: FrameworkVersion) -> list[str]:
    lines: list[str] = []
    for provider in PROVIDERS:
        lines += provider(version)
    return lines
