"""With the demo data: HR of each municipality can watch the round and see statistics, and
no answer or plan text of the demo ever reaches an HR page or CSV."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lus.orchestration.demo import MUNICIPALITIES
from lus.orchestration.demo.plans import LAST_YEAR_ITEMS
from lus.orchestration.demo.rounds import DEMO_TEXT
from lus.rounds.models import LusRound
from lus.tenants.scoping import tenant_scope, unscoped

CONVERSATIONS_DEMO_TEXT = "Det går godt; jeg vil gerne tale om prioritering og sparring."


@pytest.mark.django_db
def test_hr_pages_of_the_demo_show_progress_and_no_content(settings):
    settings.DEBUG = True
    call_command("demo")
    secrets = [DEMO_TEXT, CONVERSATIONS_DEMO_TEXT] + [
        t for title, activities in LAST_YEAR_ITEMS for t in (title, *activities)
    ]
    with unscoped("test"):
        from lus.accounts.models import User

        hrs = {u.municipality.slug: u for u in User.objects.filter(is_hr=True)}
    for spec in MUNICIPALITIES:
        client = Client()
        client.force_login(hrs[spec.slug])
        with tenant_scope(hrs[spec.slug].municipality):
            # This year's round (Haderslev and Norddjurs also have last year's, published).
            lus_round = LusRound.objects.get(year=timezone.localdate().year)
        assert lus_round.started_at is not None
        pages = [
            reverse("rounds:index"),
            reverse("rounds:overview", args=[lus_round.pk]),
            reverse("rounds:overview_csv", args=[lus_round.pk]),
            reverse("rounds:statistics"),
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (spec.slug, url)
            text = response.content.decode("utf-8-sig")
            for secret in secrets:
                assert secret not in text, (spec.slug, url, secret)
        overview = client.get(pages[1]).context["overview"]
        assert overview.total.total >= 5
        themes = client.get(pages[3]).context["themes"]
        if spec.slug == "haderslev":
            assert themes, "Haderslev's scale questions give statistics"
            assert all(g.leaders >= 5 for t in themes for gs in t.years.values() for g in gs)
            assert timezone.localdate().year - 1 in themes[0].years  # last year's round
