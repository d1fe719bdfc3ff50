from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.branding import brand_version, validate_brand_colour
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

    # Visual identity (lus.tenants.branding): HR sets it in the admin.
    brand_colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[validate_brand_colour],
        help_text=_(
            "The municipality's colour for the menu and buttons, e.g. #0b4f6c. It must carry white "
            "text with a contrast of at least 4.5:1 (WCAG AA); a colour that is too light is "
            "refused with a darker suggestion. Empty: LUS blue."
        ),
    )
    # The logo's bytes live in MunicipalityLogo, so loading the municipality with every request
    # never loads an image; the digest names the current one (cache-busting URLs).
    logo_digest = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_branding(self) -> bool:
        return bool(self.brand_colour or self.logo_digest)

    @property
    def brand_version(self) -> str:
        return brand_version(self.brand_colour, self.logo_digest)


class MunicipalityLogo(models.Model):
    """The municipality's logo as re-encoded PNG (see ``branding.process_logo``)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="logo"
    )
    data = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")

    def __str__(self) -> str:
        return str(self.municipality)


class TenantOwned(models.Model):
    """Base for every tenant-owned model: a municipality reference and the scoped manager."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("municipality"), related_name="+"
    )

    objects = tenant_manager()

    class Meta:
        abstract = True
