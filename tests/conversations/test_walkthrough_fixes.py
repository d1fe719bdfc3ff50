"""The municipalities' models to the letter: Randers' "Broen" section on the leader's page and
Norddjurs' "Fælles fundament" links that HR sets (on their shipped frameworks); the senior offer
as the leader's choice and keywords seen by both once both picked (in the test world)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lus.accounts.models import User
from lus.conversations.models import Conversation
from lus.frameworks.models import ReferenceLink
from lus.tenants.scoping import unscoped
from tests.factories import HRFactory, LeaderFactory
from tests.plans.factories import held_conversation, shipped_conversation

pytestmark = pytest.mark.django_db

BROEN = (
    "https://broen.randers.dk/personale/kompetenceudvikling/mus-lus-og-tus-materiale/lus-samtale/"
)


def test_randers_leader_sees_the_broen_section_where_the_framework_places_it(client):
    c = shipped_conversation("randers", status="invited")
    client.force_login(c.leader)
    body = client.get(reverse("conversations:prepare", args=[c.pk])).content.decode()
    assert "Om LUS-materialet" in body
    assert f'href="{BROEN}"' in body
    # First, as in the framework: before the first theme.
    assert body.index("Om LUS-materialet") < body.index("Mig som leder")


def test_norddjurs_faelles_fundament_links_are_set_by_hr_in_the_admin(client):
    c = shipped_conversation("norddjurs", status="invited")
    hr = HRFactory(municipality=c.municipality)
    client.force_login(hr)
    response = client.post(
        reverse("admin:frameworks_referencelink_add"),
        {"label": "HR-strategi", "url": "https://www.norddjurs.dk/hr-strategi"},
    )
    assert response.status_code == 302
    client.force_login(c.leader)
    body = client.get(reverse("conversations:prepare", args=[c.pk])).content.decode()
    assert '<a href="https://www.norddjurs.dk/hr-strategi" rel="noopener">HR-strategi</a>' in body
    assert "<li>Personalepolitik" in body  # no link set: plain text
    # Another municipality's link of the same name is not used.
    other = shipped_conversation("randers", status="invited")
    with unscoped("test"):
        assert ReferenceLink.objects.get().municipality_id == c.municipality_id
    assert other.municipality_id != c.municipality_id


def _senior(c, age=58):
    birth = timezone.localdate() - datetime.timedelta(days=365 * age + 30)
    with unscoped("test"):
        User.objects.filter(pk=c.leader_id).update(birth_date=birth)
    c.refresh_from_db()
    c.leader.refresh_from_db()


def test_the_senior_offer_is_the_leaders_choice_in_the_preparation(client):
    c = held_conversation("prompts", status="invited")  # a senior conversation from 55
    _senior(c)
    client.force_login(c.leader)
    url = reverse("conversations:prepare", args=[c.pk])
    assert "Jeg ønsker en seniorsamtale" in client.get(url).content.decode()
    response = client.post(reverse("conversations:senior", args=[c.pk]), {"wanted": "1"})
    assert response.status_code == 302
    with unscoped("test"):
        assert Conversation.objects.get(pk=c.pk).senior_conversation_wanted is True
    assert "Du ønsker en seniorsamtale" in client.get(url).content.decode()
    # The leader's leader sees the answer with the shared preparation; nobody else can answer.
    client.force_login(c.leaders_leader)
    assert client.post(reverse("conversations:senior", args=[c.pk]), {}).status_code == 403
    for outsider in (
        HRFactory(municipality=c.municipality),
        LeaderFactory(municipality=c.municipality),
    ):
        client.force_login(outsider)
        assert client.post(reverse("conversations:senior", args=[c.pk]), {}).status_code == 404
    with unscoped("test"):
        Conversation.objects.filter(pk=c.pk).update(shared_at=timezone.now(), status="shared")
    client.force_login(c.leaders_leader)
    body = client.get(reverse("conversations:detail", args=[c.pk])).content.decode()
    assert "lederen ønsker en seniorsamtale" in body


def test_no_senior_offer_below_the_age(client):
    young = held_conversation("prompts", status="invited")
    _senior(young, age=40)
    client.force_login(young.leader)
    body = client.get(reverse("conversations:prepare", args=[young.pk])).content.decode()
    assert "Jeg ønsker en seniorsamtale" not in body
    assert (
        client.post(reverse("conversations:senior", args=[young.pk]), {"wanted": "1"}).status_code
        == 409
    )


def _pick(client, c, user, labels):
    from lus.conversations.models import Preparation
    from tests.conversations.factories import questions_of

    q = questions_of(c.version)["Vælg 3 stikord for dit år"]
    with unscoped("test"):
        ids = dict(q.options.values_list("label", "pk"))
        role = "leader" if user == c.leader else "leaders_leader"
        prep = Preparation.objects.filter(conversation=c, role=role).first()
    client.force_login(user)
    return client.post(
        reverse("conversations:prepare", args=[c.pk]),
        {
            "revision": str(prep.revision if prep else 0),
            "fields": [str(q.pk)],
            f"q-{q.pk}": [str(ids[label]) for label in labels],
        },
    )


def test_keywords_are_seen_by_both_once_both_picked_and_told_by_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    c = held_conversation("section_agreements", status="invited")  # both prepare
    url = reverse("conversations:prepare", args=[c.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert _pick(client, c, c.leader, ["Motivation", "Mod", "Nærvær"]).status_code == 302
    # Only one has picked: nobody sees the other's, no mail.
    client.force_login(c.leaders_leader)
    body = client.get(url).content.decode()
    assert "Valgt af" not in body and "Når I begge har valgt jeres stikord" in body
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _pick(client, c, c.leaders_leader, ["Feedback", "Økonomi", "Ledelse"]).status_code
            == 302
        )
    body = client.get(url).content.decode()
    assert f"Valgt af {c.leader.name}:</strong> Motivation, Mod, Nærvær" in body
    client.force_login(c.leader)
    body = client.get(url).content.decode()
    assert f"Valgt af {c.leaders_leader.name}:</strong> Feedback, Økonomi, Ledelse" in body
    # Both told once, without the keywords.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([c.leader.email, c.leaders_leader.email])
    for m in mailoutbox:
        assert "stikord" in m.subject
        for word in ("Motivation", "Feedback", "Nærvær", "Ledelse"):
            assert word not in m.body
    with django_capture_on_commit_callbacks(execute=True):
        _pick(client, c, c.leader, ["Motivation", "Mod", "Sparring"])
    assert len(mailoutbox) == 2
    # The leader's other answers stay hidden from the leader's leader until shared.
    client.force_login(c.leaders_leader)
    assert (
        'id="not-shared"'
        in client.get(reverse("conversations:detail", args=[c.pk])).content.decode()
    )
