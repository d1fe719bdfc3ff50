"""LUS rounds ("LUS-runder") and the reminders sent for them.

A round is HR's yearly campaign: one conversation per leader of the municipality (or of chosen
org units) for a year, with a deadline. Conversations are not linked to a round by a foreign key:
a leader has one LUS per year (a constraint of ``Conversation``), so a round's conversations are
the year's conversations of the leaders in its units. Starting a round again only adds what is
missing (leaders added later).

``SentReminder`` records every reminder mail, so ``manage.py send_reminders`` never sends the
same reminder twice (unique per kind, recipient, conversation, due date and reference).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned


class LusRound(TenantOwned):
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    deadline = models.DateField(_("deadline"), help_text=_("The LUS should be held by this date."))
    version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("framework version"),
        help_text=_("Leave empty to use the newest published version when the round starts."),
    )
    org_units = models.ManyToManyField(
        "accounts.OrgUnit",
        blank=True,
        related_name="+",
        verbose_name=_("organisational units"),
        help_text=_("Leave empty for the whole municipality. Sub-units are included."),
    )
    invite_reminder_days = models.PositiveSmallIntegerField(
        _("remind about invitations (days before the deadline)"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_(
            "Leaders' leaders who have not invited a leader are reminded this many days "
            "before the deadline."
        ),
    )
    preparation_reminder_days = models.PositiveSmallIntegerField(
        _("remind about preparation (days before the conversation)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LUS round")
        verbose_name_plural = _("LUS rounds")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="round_one_per_year",
                violation_error_message=_("The municipality already has a LUS round this year."),
            )
        ]

    def __str__(self) -> str:
        return _("LUS round %(year)s") % {"year": self.year}

    def clean(self) -> None:
        super().clean()
        if self.version_id and not self.version.is_published:
            raise ValidationError({"version": _("Choose a published framework version.")})
        if self.version_id and self.version.municipality_id != self.municipality_id:
            raise ValidationError({"version": _("Choose a published framework version.")})


class SentReminder(TenantOwned):
    class Kind(models.TextChoices):
        PREPARATION_DUE = "preparation_due", _("Preparation due soon")
        NOT_INVITED = "not_invited", _("Leader not invited yet")
        FOLLOW_UP_DUE = "follow_up_due", _("Plan follow-up due")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("conversation"),
    )
    due_date = models.DateField(_("due date"))
    #: What else identifies the reminder (e.g. "follow_up:17"); empty when nothing does.
    ref = models.CharField(_("reference"), max_length=50, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "conversation", "due_date", "ref"],
                name="reminder_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id} ({self.due_date})"


class ConductorHandover(TenantOwned):
    """A conversation handed over to a leader's new leader's leader by HR (an org change mid-year).

    From then on the new conductor has access and the old one has none: access follows
    ``Conversation.conductor``. This row is the record of who handed what over, when and why.
    """

    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.CASCADE,
        related_name="handovers",
        verbose_name=_("conversation"),
    )
    from_conductor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from"),
    )
    to_conductor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to"),
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    handed_over_at = models.DateTimeField(_("handed over at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_over_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_conductor=models.F("to_conductor")),
                name="handover_changes_conductor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation}: {self.from_conductor} -> {self.to_conductor}"
