"""Which rounds and how many conversations get a framework version when HR publishes it
(shown on the framework's review page)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lus.conversations.models import Conversation
from lus.rounds.models import LusRound
from lus.rounds.selectors import round_conversations, round_people


def round_impact(version) -> list[str]:
    lines = []
    for lus_round in LusRound.objects.filter(
        municipality_id=version.municipality_id
    ).select_related("version"):
        if lus_round.started_at is None and lus_round.version_id in (None, version.pk):
            # Whom ``round_start`` will give a conversation: people of the round with an
            # active leader's leader and no LUS that year yet.
            n = (
                round_people(lus_round)
                .filter(manager__is_active=True)
                .exclude(
                    pk__in=Conversation.objects.filter(year=lus_round.year).values("leader_id")
                )
                .count()
            )
            lines.append(
                ngettext(
                    "%(round)s (not started yet): %(n)d conversation will get this version "
                    "when the round starts.",
                    "%(round)s (not started yet): %(n)d conversations will get this version "
                    "when the round starts.",
                    n,
                )
                % {"round": lus_round, "n": n}
            )
        elif lus_round.started_at is None:
            # Pinned to another version by HR: publishing this one does not change that.
            lines.append(
                _("%(round)s (not started yet) is set to use version %(number)s.")
                % {"round": lus_round, "number": lus_round.version.number}
            )
        else:
            counts = (
                round_conversations(lus_round)
                .values("version__number")
                .annotate(n=Count("pk"))
                .order_by("version__number")
            )
            for row in counts:
                lines.append(
                    ngettext(
                        "%(round)s has started: its %(n)d conversation stays on version "
                        "%(number)s.",
                        "%(round)s has started: its %(n)d conversations stay on version "
                        "%(number)s.",
                        row["n"],
                    )
                    % {"round": lus_round, "n": row["n"], "number": row["version__number"]}
                )
    if not lines:
        lines.append(_("No LUS round is planned yet."))
    return lines
