"""The pure merge/conflict decision of one co-edited cell."""

from __future__ import annotations

import pytest

from lus.plans.services import Outcome, clean_cell_value, merge_decision


def test_save_based_on_current_revision_is_saved_and_bumps_revision():
    o = merge_decision(stored_value="a", stored_revision=3, base_revision=3, new_value="b")
    assert (o.status, o.value, o.revision) == (Outcome.SAVED, "b", 4)
    assert o.theirs is None and o.mine is None


def test_same_text_on_current_revision_is_unchanged():
    o = merge_decision(stored_value="a", stored_revision=3, base_revision=3, new_value="a")
    assert (o.status, o.revision) == (Outcome.UNCHANGED, 3)


def test_stale_save_with_different_text_is_a_conflict_with_both_versions():
    o = merge_decision(stored_value="theirs", stored_revision=5, base_revision=4, new_value="mine")
    assert o.is_conflict and not o.saved
    assert (o.theirs, o.mine) == ("theirs", "mine")
    # Nothing is written: the stored value and revision stand, the next save is based on 5.
    assert (o.value, o.revision) == ("theirs", 5)


def test_stale_save_with_the_same_text_needs_no_choice():
    o = merge_decision(stored_value="same", stored_revision=5, base_revision=1, new_value="same")
    assert o.status == Outcome.UNCHANGED and o.revision == 5


def test_revision_from_the_future_is_a_conflict_not_an_overwrite():
    o = merge_decision(stored_value="x", stored_revision=2, base_revision=9, new_value="y")
    assert o.is_conflict


def test_resolving_a_conflict_saves_on_the_conflicting_revision():
    first = merge_decision(stored_value="A", stored_revision=1, base_revision=0, new_value="B")
    assert first.is_conflict
    chosen = f"{first.theirs}\n{first.mine}"  # "merge by editing"
    second = merge_decision(
        stored_value="A", stored_revision=1, base_revision=first.revision, new_value=chosen
    )
    assert second.saved and second.value == "A\nB" and second.revision == 2


def test_empty_cell_first_writers():
    """Two people start writing in an empty cell (revision 0): the first saves, the second
    gets a conflict with the first one's text."""
    a = merge_decision(stored_value="", stored_revision=0, base_revision=0, new_value="Anna")
    assert a.saved and a.revision == 1
    b = merge_decision(stored_value=a.value, stored_revision=1, base_revision=0, new_value="Bo")
    assert b.is_conflict and (b.theirs, b.mine) == ("Anna", "Bo")


@pytest.mark.parametrize(
    "kind,value,expected",
    [
        ("date", " 2026-12-01 ", "2026-12-01"),
        ("date", "", ""),
        ("horizon", "short", "short"),
        ("longtext", "a\r\nb", "a\nb"),
        ("text", "a\nb", "a b"),
    ],
)
def test_clean_cell_value_accepts(kind, value, expected):
    assert clean_cell_value(kind, value) == expected


@pytest.mark.parametrize(
    "kind,value",
    [
        ("date", "2026-02-30"),
        ("date", "i morgen"),
        ("horizon", "medium"),
        ("longtext", "a\x00b"),
        ("longtext", "A" * 10_001),
        ("responsible", "A" * 201),
    ],
)
def test_clean_cell_value_refuses_with_danish_message(kind, value):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("da"), pytest.raises(ValidationError) as exc:
        clean_cell_value(kind, value)
    assert exc.value.messages
