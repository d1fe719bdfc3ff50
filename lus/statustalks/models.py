"""Status talks: the 1-2 short talks through the year that follow up the agreed plan (Odder's
year: preparation → conversation → plan filed → status talks). The pair books them from the
plan; at each talk they write a short status per development point, which the next LUS shows.
Content: seen by the leader and the leaders_leader of the conversation only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned

MAX_TALKS = 2
MAX_STATUS_TEXT = 1_000


class StatusTalk(TenantOwned):
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="status_talks"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    location = models.CharField(_("place"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ics_uid = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("status talk")
        verbose_name_plural = _("status talks")
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="statustalk_number_once"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=MAX_TALKS),
                name="statustalk_at_most_two",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation} - status {self.number}"

    @property
    def leader(self):
        return self.conversation.leader


class StatusNote(TenantOwned):
    """The status of one development point at one status talk."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        BEHIND = "behind", _("Behind")
        DONE = "done", _("Achieved")
        DROPPED = "dropped", _("No longer relevant")

    talk = models.ForeignKey(StatusTalk, on_delete=models.CASCADE, related_name="notes")
    item = models.ForeignKey("plans.PlanItem", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("status"), blank=True, max_length=MAX_STATUS_TEXT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status of a development point")
        verbose_name_plural = _("statuses of development points")
        constraints = [
            models.UniqueConstraint(fields=["talk", "item"], name="statusnote_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.talk}: {self.item_id}"
