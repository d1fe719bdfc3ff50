"""generate_load_data: hierarchies 3-4 deep, every framework type, the whole LUS life cycle."""

import pytest
from django.core.management import CommandError, call_command

from lus.accounts.models import User
from lus.bench.generator import DUMMY_PDF_NAME, hierarchy, municipality_sizes
from lus.conversations.models import Answer, Conversation, SectionNote
from lus.documents.models import FiledRecord
from lus.frameworks.models import FrameworkVersion
from lus.plans.models import Plan, PlanItem, PlanValue
from lus.rounds.models import LusRound
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped


def _depth(parents, k):
    d = 1
    while parents[k] is not None:
        k, d = parents[k], d + 1
    return d


@pytest.mark.parametrize("n,depth", [(3, 3), (40, 3), (100, 4), (2400, 4)])
def test_hierarchy_has_the_depth_asked_for(n, depth):
    parents = hierarchy(n, depth)
    assert len(parents) == n + 1
    assert max(_depth(parents, k) for k in range(len(parents))) == min(depth, n + 1)
    assert parents[0] is None and all(p is not None for p in parents[1:])


@pytest.mark.parametrize("n", [2_500, 25_000])
def test_a_larger_municipality_is_deeper_not_wider(n):
    """Ten times the leaders is another level: no leader's leader has more than MAX_SPAN."""
    from collections import Counter

    from lus.bench.generator import MAX_SPAN

    parents = hierarchy(n, 3)
    assert len(parents) == n + 1
    assert max(Counter(parents[1:]).values()) <= MAX_SPAN
    assert max(_depth(parents, k) for k in range(len(parents))) == (4 if n == 2_500 else 5)


def test_sizes_sum_and_national_curve():
    sizes = municipality_sizes(98, 25_000)
    assert sum(sizes) == 25_000
    assert sizes[0] == max(sizes) and 2000 < sizes[0] < 3000  # Copenhagen-like
    ten = municipality_sizes(980, 250_000)
    assert sum(ten) == 250_000 and max(ten) <= sizes[0] + 1  # ten copies of the curve


def test_generates_every_framework_type_and_the_whole_cycle(bench_data, archive_storage):
    with unscoped("test: count everything"):
        ms = list(Municipality.objects.filter(slug__startswith="bench-"))
        assert len(ms) == 5
        kinds = set(FrameworkVersion.objects.values_list("plan_kind", flat=True))
        assert kinds == {"items", "prompts", "section_agreements", "actions"}
        assert FrameworkVersion.objects.filter(plan_continues=True).exists()  # Høje-Taastrup
        assert FrameworkVersion.objects.filter(both_prepare=True).exists()
        assert not FrameworkVersion.objects.exclude(status="published").exists()
        leaders = User.objects.filter(manager__isnull=False)
        assert leaders.count() == 40
        assert Conversation.objects.count() == 40 * 2
        for model in (Answer, SectionNote, Plan, PlanItem, PlanValue, FiledRecord, LusRound):
            assert model.objects.exists(), model
        assert set(FiledRecord.objects.values_list("file", flat=True)) == {DUMMY_PDF_NAME}
        assert (archive_storage / DUMMY_PDF_NAME).exists()
        # hierarchies 3-4 levels deep
        depths = set()
        for m in ms:
            people = {u.pk: u.manager_id for u in User.objects.filter(municipality=m)}
            for pk in people:
                d, k = 1, pk
                while people.get(k):
                    k, d = people[k], d + 1
                depths.add(d)
        assert max(depths) in (3, 4)
    # every conversation is consistent with its municipality's scope
    for m in ms:
        with tenant_scope(m):
            for c in Conversation.objects.select_related("leader", "leaders_leader", "version"):
                assert c.leader.manager_id == c.leaders_leader_id
                assert c.version.municipality_id == m.pk


def test_command_small_and_refuses_twice(db, capsys):
    call_command("generate_load_data", "--municipalities=2", "--leaders=10", "--years=1")
    out = capsys.readouterr().out
    assert "Done in" in out and "conversations.Conversation" in out
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("generate_load_data", "--small")


def test_command_rejects_bad_sizes(db):
    with pytest.raises(CommandError):
        call_command("generate_load_data", "--municipalities=5", "--leaders=4")
    with pytest.raises(CommandError):
        call_command("generate_load_data", "--part=3/2")


def test_the_size_pair_is_one_municipality_at_the_largest_size_and_at_ten_times_it():
    """The national 10x repeats the national curve (its largest municipality is no larger), so
    the HR overview's size target has its own pair: one municipality as large as the national
    largest, and one ten times that."""
    from lus.bench.runner import SIZE

    largest = municipality_sizes(98, 25_000)[0]
    assert municipality_sizes(980, 250_000)[0] == largest
    one, ten = SIZE
    assert one.municipalities == ten.municipalities == 1
    assert abs(one.leaders - largest) / largest < 0.2
    assert municipality_sizes(1, ten.leaders) == [10 * one.leaders]
