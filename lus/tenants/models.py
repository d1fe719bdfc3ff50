from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.scoping import tenant_manager


class Municipality(models.Model):
    """A tenant. Process settings are added here as features need them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    # Process settings (used by the conversation features; HR edits them in the admin).
    conversation_duration_minutes = models.PositiveSmallIntegerField(
        _("recommended duration (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    senior_conversation_age = models.PositiveSmallIntegerField(
        _("senior conversation from age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(40), MaxValueValidator(80)],
        help_text=_("Leave empty if the municipality does not offer a senior conversation."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years after the leader leaves)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "Conversation content is deleted this many years after the leader has left "
            "(manage.py apply_retention). Danish practice is 5-10 years."
        ),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantOwned(models.Model):
    """Base for every tenant-owned model: a municipality reference and the scoped manager."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("municipality"), related_name="+"
    )

    objects = tenant_manager()

    class Meta:
        abstract = True
