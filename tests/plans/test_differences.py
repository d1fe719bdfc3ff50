"""The conversation view marks where the two parties' scale answers are 2 or more apart, in
words (not colour alone), so the conversation starts where it matters."""

import pytest
from django.urls import reverse

from lus.conversations.models import Role
from lus.tenants.scoping import tenant_scope
from tests.conversations.factories import share_preparation
from tests.plans.factories import held_conversation

pytestmark = pytest.mark.django_db


def test_scale_answers_two_apart_are_marked(client):
    # Both prepare (this layout's setting), and the scale questions are answered by both.
    c = held_conversation("prompts", status="invited")
    with tenant_scope(c.municipality):
        share_preparation(c)  # the leader: the middle of each scale
        share_preparation(c, Role.LEADERS_LEADER, variant=2)  # two below it
    client.force_login(c.leaders_leader)
    html = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    assert html.count('class="lus-differs"') == 1
    assert "2 fra hinanden" in html


def test_nothing_is_marked_while_the_leader_has_not_shared(client):
    c = held_conversation("prompts", status="invited")
    with tenant_scope(c.municipality):
        share_preparation(c, Role.LEADERS_LEADER, variant=2)
    client.force_login(c.leaders_leader)
    html = client.get(reverse("plans:conduct", args=[c.pk])).content.decode()
    assert "lus-differs" not in html
