from django.core.management import call_command
from django.urls import reverse

from lus.accounts.models import User
from lus.conversations.models import Conversation
from lus.plans.models import Plan, PlanItem
from lus.tenants.scoping import unscoped


def _counts():
    with unscoped("test"):
        return Conversation.objects.count(), Plan.objects.count(), PlanItem.objects.count()


def test_demo_conversations_idempotent_and_useful(db, settings, client):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first == (25, 5, 10)
    with unscoped("test"):
        ht = Plan.objects.get(leader__username="hoeje-taastrup-leder")
        assert ht.continues and ht.agreed_at
        leader = User.objects.get(username="haderslev-leder")
        shared = Conversation.objects.get(leader__username="haderslev-leder2")
        assert shared.status == Conversation.Status.SHARED
    client.force_login(leader)
    home = client.get(reverse("home")).content.decode()
    assert "Min LUS" in home and "Inviteret" in home and "Sådan forbereder du dig" in home
    assert "Tidligere LUS og udviklingsplaner" in home
    with unscoped("test"):
        current = Conversation.objects.get(leader=leader, year=2026)
    body = client.get(reverse("conversations:prepare", args=[current.pk])).content.decode()
    assert "Sidste års udviklingsplan (2025)" in body
    assert "Lære mere om økonomistyring" in body and "Hvordan er det gået?" in body
