from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lus.accounts.models import User
from lus.conversations.models import Conversation
from lus.plans.models import Plan, PlanItem
from lus.tenants.scoping import unscoped

#: The people this module's demo gives conversations (other apps' demos add their own).
OURS = r"^[a-z-]+-(leder|leder2|leder3|chef)$"


def _counts():
    with unscoped("test"):
        return (
            Conversation.objects.filter(leader__username__regex=OURS).count(),
            Plan.objects.filter(leader__username__regex=OURS).count(),
            PlanItem.objects.filter(plan__leader__username__regex=OURS).count(),
        )


def test_demo_conversations_idempotent_and_useful(db, settings, client):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # leder2 has three earlier years (a history); Høje-Taastrup's continuing plan starts the
    # year before last (two points), and last year's carries on the one still in progress.
    assert _counts() == first == (40, 19, 30)
    with unscoped("test"):
        ht = Plan.objects.get(leader__username="hoeje-taastrup-leder")
        assert ht.continues and ht.agreed_at
        leader = User.objects.get(username="haderslev-leder")
        year = timezone.localdate().year
        for slug in ("haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"):
            # Ready to be conducted: booked (invitation UID), prepared and shared, with last
            # year's held LUS (answers and an agreed plan) to compare with.
            ready = Conversation.objects.get(leader__username=f"{slug}-leder2", year=year)
            assert ready.status == Conversation.Status.SHARED
            assert ready.ics_uid and ready.invited_at and ready.scheduled_at > timezone.now()
            assert ready.preparations.get(role="leader").answers.exists()
            both = ready.version.both_prepare
            assert ready.preparations.filter(role="leaders_leader").exists() == both
            assert ready.evaluations.count() == 2
            last = Conversation.objects.get(leader__username=f"{slug}-leder2", year=year - 1)
            assert last.plan.agreed_at and last.preparations.get(role="leader").answers.exists()
            invited = Conversation.objects.get(leader__username=f"{slug}-leder", year=year)
            assert invited.status == Conversation.Status.INVITED and invited.scheduled_at
        hoeje = Conversation.objects.get(leader__username="hoeje-taastrup-leder2", year=year)
        assert hoeje.minutes_by == "leaders_leader"
        chef = User.objects.get(username="norddjurs-chef")
    client.force_login(chef)
    overview = client.get(reverse("conversations:my_leaders")).content.decode()
    assert overview.count('<tr id="report-') >= 3
    assert "Seniorsamtale" in overview  # Norddjurs offers it; leder3 is 55+
    assert 'text-bg-danger">1<' in overview  # leder2's overdue follow-up
    client.force_login(leader)
    home = client.get(reverse("home")).content.decode()
    assert "Min LUS" in home and "Inviteret" in home and "Sådan forbereder du dig" in home
    assert "Tidligere LUS og udviklingsplaner" in home
    with unscoped("test"):
        current = Conversation.objects.get(leader=leader, year=timezone.localdate().year)
    body = client.get(reverse("conversations:prepare", args=[current.pk])).content.decode()
    assert "Sidste års udviklingsplan (2025)" in body
    assert "Lære mere om økonomistyring" in body and "Hvordan er det gået?" in body
