"""Found in the municipalities' walk-through: "Mine ledere" on the conversation pages, and
marking a never-booked conversation as held only after a confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lus.conversations.models import Conversation
from lus.tenants.scoping import unscoped
from tests.plans.factories import held_conversation

pytestmark = pytest.mark.django_db

MY_LEADERS = 'class="nav-link" href="/lus/mine-ledere/">Mine ledere</a>'


def test_my_leaders_stays_in_the_chefs_menu_on_conversation_pages(client):
    c = held_conversation("items", status="invited")
    pages = [
        reverse("conversations:detail", args=[c.pk]),
        reverse("plans:conduct", args=[c.pk]),
        reverse("plans:plan", args=[c.pk]),
        reverse("documents:document", args=[c.pk]),
        reverse("conversations:invite", args=[c.pk]),
    ]
    client.force_login(c.leaders_leader)
    for page in pages:
        assert client.get(page).content.decode().count(MY_LEADERS) == 1, page
    client.force_login(c.leader)
    assert MY_LEADERS not in client.get(pages[0]).content.decode()


def test_a_never_booked_conversation_is_marked_held_only_when_confirmed(client):
    c = held_conversation("items", status="invited")
    assert c.scheduled_at is None
    client.force_login(c.leaders_leader)
    page = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    assert "Samtalen blev aldrig booket i LUS. Jeg bekræfter, at den er holdt." in page
    url = reverse("plans:hold", args=[c.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "Bekræft, at den er holdt" in response.content.decode()
    c.refresh_from_db()
    assert c.status == "invited"
    assert client.post(url, {"confirm_unbooked": "1"}).status_code == 302
    c.refresh_from_db()
    assert c.status == "held"


def test_a_booked_conversation_is_marked_held_without_a_question(client):
    c = held_conversation("items", status="invited")
    with unscoped("test"):
        Conversation.objects.filter(pk=c.pk).update(scheduled_at=timezone.now())
    client.force_login(c.leaders_leader)
    page = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    assert "Jeg bekræfter, at den er holdt" not in page
    assert client.post(reverse("plans:hold", args=[c.pk])).status_code == 302


def _shared_conversation(layout, **kw):
    from lus.tenants.scoping import tenant_scope
    from tests.conversations.factories import share_preparation

    c = held_conversation(layout, status="invited", **kw)
    with tenant_scope(c.municipality):
        share_preparation(c)
    c.refresh_from_db()
    return c


def test_the_wheel_is_an_accessible_svg_with_both_answers_and_picks_the_start(client):
    c = _shared_conversation("prompts", wheel=True)  # both prepare, four themes
    client.force_login(c.leaders_leader)
    url = reverse("plans:conduct", args=[c.pk])
    body = client.get(url).content.decode()
    assert '<svg class="lus-wheel"' in body and 'role="img"' in body
    assert 'aria-labelledby="wheel-title wheel-desc"' in body
    assert "Samtalehjulet med fire dimensioner." in body
    assert body.count('<path d="M0,0') == 4
    # The same data as a table, with both parties' short answers.
    assert 'id="wheel-table"' in body and "Samtalehjulet som tabel" in body
    assert "Hvilken rolle fylder mest?" in body
    # The wheel is the start picker (and the old drop-down is not shown beside it).
    assert 'id="start-section"' not in body
    with unscoped("test"):
        from lus.frameworks.models import Section

        section = Section.objects.get(version=c.version, title="Trivsel")
    response = client.post(reverse("plans:start", args=[c.pk]), {"section": str(section.pk)})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "I starter med Trivsel." in body
    assert 'aria-pressed="true">Trivsel</button>' in body
    assert "Start her" in body


def test_the_wheel_is_only_for_a_four_dimension_framework_both_prepare(client):
    c = _shared_conversation("items")  # the leader alone prepares, three themes
    client.force_login(c.leaders_leader)
    body = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    assert "lus-wheel" not in body
    assert 'id="start-section"' in body


def test_structured_section_agreements_feed_the_follow_ups_and_the_pdf(client):
    import io

    from pdfminer.high_level import extract_text

    from lus.documents.services import lus_pdf_render
    from lus.plans import services
    from lus.plans.models import FollowUp
    from lus.tenants.scoping import tenant_scope
    from tests.plans.factories import fields_of

    c = held_conversation("section_agreements")
    fields = {f.label: f for f in fields_of(c, "section")}
    values = {
        "Aftaler": "Ugentlig sparring med økonomi",
        "Hvornår": "Fra 1. marts",
        "Hvem": "Leder og controller",
        "Ansvarlig": "Lederen",
        "Opfølgningsdato": "2027-05-15",
    }
    with tenant_scope(c.municipality):
        plan = services.plan_get_or_create(conversation=c)
        section = c.version.sections.filter(kind="theme").order_by("order").first()
        for label, value in values.items():
            outcome = services.cell_save(
                plan=plan,
                user=c.leaders_leader,
                key=f"s{section.pk}-f{fields[label].pk}",
                base_revision=0,
                value=value if label != "Ansvarlig" else "leader",
            )
            assert outcome.saved, label
        services.plan_approve(plan=plan, user=c.leader)
        services.plan_approve(plan=plan, user=c.leaders_leader)
        assert [f.date.isoformat() for f in FollowUp.objects.filter(plan=plan)] == ["2027-05-15"]
        c.refresh_from_db()
        text = extract_text(io.BytesIO(lus_pdf_render(conversation=c)))
    for label in ("Hvornår", "Hvem", "Ansvarlig", "Opfølgningsdato"):
        assert label in text
    assert "Ugentlig sparring med økonomi" in text and "Leder og controller" in text
