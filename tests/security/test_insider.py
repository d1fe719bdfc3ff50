"""The insider attacks on confidentiality, each as an attacker would run it (URLs only), and
what stops it now (docs/security.md, "Threat model"). HR of the municipality is the attacker:
a trusted administrator who must never reach conversation content."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from lus.audit.models import AuditEvent
from lus.conversations.models import Conversation
from lus.rounds.services import round_start
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation, make_version
from tests.factories import HRFactory, UserFactory
from tests.rounds.factories import CANARY_ANSWER, make_org, make_round, share_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def lus(world):
    """Lone Leder's LUS with Lise Lederleder, shared (the canary is in her answers), and a
    direktør colleague of HR's who is nobody's leader's leader for Lone."""
    conversation = make_conversation(world.leader)
    share_answers(conversation, 4)
    director = UserFactory(
        municipality=world.home, username="direktoer", name="Dina Direktør", job_title="Direktør"
    )
    return conversation, director


def _content_urls(conversation) -> list[str]:
    pk = conversation.pk
    return [
        reverse("plans:conduct", args=[pk]),
        reverse("plans:plan", args=[pk]),
        reverse("conversations:detail", args=[pk]),
        reverse("documents:preview", args=[pk]),
    ]


def _admin_edit(client, person, **changes):
    """Change a person in the admin as HR would: the form as shown, with ``changes``."""
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name in ("password", "login_method") or value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for name, value in changes.items():
        data[name] = getattr(value, "pk", value)
    return client.post(url, {k: v for k, v in data.items() if v is not False})


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _reads(client, user, conversation) -> set[int]:
    client.force_login(user)
    return {client.get(url).status_code for url in _content_urls(conversation)}


# --- path 1: rewiring the hierarchy and handing the LUS over -------------------------------------
def test_hr_cannot_make_itself_the_leaders_leader_and_take_the_lus(client, world, lus):
    conversation, _director = lus
    client.force_login(world.hr)
    response = _admin_edit(client, world.leader, manager=world.hr)
    assert response.status_code == 200  # the form again, with the error at the field
    assert "Du kan ikke gøre dig selv til en persons leders leder" in response.content.decode()
    with unscoped("test"):
        assert type(world.leader).objects.get(pk=world.leader.pk).manager == world.leaders_leader
    client.post(reverse("rounds:handover"), {"conversation": conversation.pk})
    assert _reads(client, world.hr, conversation) == {404}
    assert _reads(client, world.leaders_leader, conversation) == {200}


def test_chain_colleague_then_self_then_hand_over(
    client, world, lus, django_capture_on_commit_callbacks
):
    """HR points the leader at a colleague (allowed: HR runs the hierarchy; the leader is
    told), then at itself (refused), then hands over: nothing moves until the leader says
    yes, HR never reads, and the colleague reads only after the leader's yes."""
    conversation, director = lus
    client.force_login(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        assert _admin_edit(client, world.leader, manager=director).status_code == 302
    (told,) = mail.outbox
    assert told.to == [world.leader.email] and "Dina Direktør" in told.body
    assert CANARY_ANSWER not in told.body
    assert _admin_edit(client, world.leader, manager=world.hr).status_code == 200  # refused
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rounds:handover"), {"conversation": conversation.pk})
    assert response.status_code == 302
    assert _reads(client, director, conversation) == {404}
    assert _reads(client, world.hr, conversation) == {404}
    assert _reads(client, world.leaders_leader, conversation) == {200}  # stays, shared there

    # The leader sees it all in "Hvem har set min LUS" and decides.
    client.force_login(world.leader)
    log = client.get(reverse("audit:my_log")).content.decode()
    assert world.hr.name in log and "Foreslog at overdrage din LUS" in log
    proposal = next(m for m in mail.outbox if m.to == [world.leader.email] and "/lus/" in m.body)
    answer_url = next(w for w in proposal.body.split() if "/lus/overdragelse/" in w)
    answer_url = answer_url.split("8000", 1)[-1]
    assert client.post(answer_url, {"decision": "accept"}).status_code == 302
    assert _reads(client, director, conversation) == {200}
    assert _reads(client, world.hr, conversation) == {404}
    assert _reads(client, world.leaders_leader, conversation) == {404}


def test_a_new_leaders_leader_sees_no_earlier_content_before_the_leader_shares(client, world, lus):
    """A newly wired leader's leader who creates next year's LUS does not see last year's
    plan or answers (they were shared with last year's leader's leader) until the leader
    shares this year's preparation with them."""
    conversation, director = lus
    with unscoped("test: last year's LUS is held and has a plan"):
        Conversation.objects.filter(pk=conversation.pk).update(status="plan_agreed")
    from lus.plans.models import PlanItem
    from lus.plans.services import plan_get_or_create

    with tenant_scope(world.home):
        plan = plan_get_or_create(conversation=conversation)
        PlanItem.objects.create(
            municipality=world.home, plan=plan, title=f"Punkt {CANARY_ANSWER}", order=1, year=2026
        )
    with unscoped("test: the hierarchy says so"):
        type(world.leader)._base_manager.filter(pk=world.leader.pk).update(manager=director)
    world.leader.refresh_from_db()
    next_year = make_conversation(world.leader, version=conversation.version, year=2027)
    client.force_login(director)
    page = client.get(reverse("plans:conduct", args=[next_year.pk]))
    assert page.status_code == 200
    assert CANARY_ANSWER not in page.content.decode()
    share_answers(next_year, 3)
    page = client.get(reverse("plans:conduct", args=[next_year.pk]))
    assert f"Punkt {CANARY_ANSWER}" in page.content.decode()  # shared by the leader now


# --- path 2: password takeover -------------------------------------------------------------------
@pytest.mark.parametrize("target", ["leader", "leaders_leader", "other_leaders_leader"])
def test_hr_cannot_set_anyones_password(client, world, target):
    person = getattr(world, target)
    client.force_login(world.hr)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Ny-kode-4711!", "password2": "Ny-kode-4711!"})
    assert response.status_code == 403
    with unscoped("test"):
        person.refresh_from_db()
    assert not person.check_password("Ny-kode-4711!")
    # The add form has no password either: a new person gets a link, never a password.
    page = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="password1"' not in page


def test_the_platform_admin_cannot_set_passwords_either(client, world):
    admin = UserFactory(municipality=None, username="platform", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[world.leader.pk])
    assert client.get(url).status_code == 403


# --- path 3: statistics differencing -------------------------------------------------------------
def test_moving_a_leader_between_two_views_of_the_statistics_reveals_nothing(client, haderslev):
    make_version(haderslev)
    _director, org = make_org(haderslev, units=[("Skoler", 6), ("Ældre", 6)], prefix="d")
    with tenant_scope(haderslev):
        round_start(lus_round=make_round(haderslev, deadline=datetime.date(2026, 6, 1)))
        conversations = list(
            Conversation.objects.filter(leader__username__contains="-l").order_by(
                "leader__username"
            )
        )
    for i, c in enumerate(conversations):
        share_answers(c, [2, 3][i % 2] if c.leader_id != org["Skoler"][2][0].pk else 5)
    hr = HRFactory(municipality=haderslev, username="hr-stat")
    client.force_login(hr)
    url = reverse("rounds:statistics")
    before = _without_csrf(client.get(url).content.decode())
    victim = org["Skoler"][2][0]
    assert _admin_edit(client, victim, org_unit=org["Ældre"][0]).status_code == 302
    client.get(reverse("admin:accounts_user_changelist"))  # shows the "changed" message
    after = _without_csrf(client.get(url).content.decode())
    assert "Skoler" in before
    assert before == after  # the same page: nothing to subtract


# --- reads are audited with the reader's true role -----------------------------------------------
def test_a_leaders_leader_with_hr_rights_is_logged_as_such(client, world, lus):
    conversation, _director = lus
    with unscoped("test"):
        type(world.hr)._base_manager.filter(pk=world.leaders_leader.pk).update(is_hr=True)
    client.force_login(world.leaders_leader)
    assert client.get(reverse("plans:conduct", args=[conversation.pk])).status_code == 200
    with tenant_scope(world.home):
        event = AuditEvent.objects.get(action="view_conversation")
    assert event.role == "leaders_leader_hr"


# --- uniform answers -----------------------------------------------------------------------------
def test_a_username_taken_elsewhere_gets_the_same_answer_as_one_taken_at_home(client, world):
    client.force_login(world.hr)
    url = reverse("admin:accounts_user_add")

    def errors(username):
        response = client.post(url, {"username": username, "name": "Ny", "email": "ny@h.dk"})
        assert response.status_code == 200
        return response.context["adminform"].form.errors["username"]

    elsewhere = errors(world.foreign_leader.username)
    at_home = errors(world.other_leader.username)
    assert elsewhere == at_home
    assert "kommune" not in " ".join(elsewhere).lower()


# --- HR-only 500s --------------------------------------------------------------------------------
def test_framework_json_nested_100k_deep_is_a_clear_400(client, world):
    client.force_login(world.hr)
    deep = "[" * 100_000 + "]" * 100_000
    upload = io.BytesIO(deep.encode())
    upload.name = "ramme.json"
    response = client.post(reverse("admin:frameworks_framework_import"), {"file": upload})
    assert response.status_code == 400
    assert "indlejret for dybt" in response.content.decode()
    upload = io.BytesIO(json.dumps({"municipality": {"slug": "haderslev"}}).encode())
    upload.name = "ramme.json"
    assert (
        client.post(reverse("admin:frameworks_framework_import"), {"file": upload}).status_code
        == 400
    )


def test_people_csv_with_nul_bytes_is_a_clear_400(client, world):
    client.force_login(world.hr)
    upload = io.BytesIO(b"email;name\nny@h.dk;Ny\x00Person\n")
    upload.name = "personer.csv"
    response = client.post(reverse("admin:accounts_user_import"), {"file": upload})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()  # on PostgreSQL this was a DataError (500)
