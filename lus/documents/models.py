"""The printed LUS and its filing to the leader's personnel record.

- ``DocumentSettings``: per municipality (HR, in the admin): logo, what the PDF includes, where
  a filed PDF goes (the app's own archive, or e-mail to the ESDH's journal address) and the
  journal metadata (KLE number, action facet, deletion rule).
- ``FiledRecord``: one filed PDF. Immutable: created once with its file, SHA-256 and size, and
  never changed or deleted by the app (``save()`` on an existing row, ``delete()`` and the
  queryset's ``update()``/``delete()`` refuse; on PostgreSQL a trigger also refuses). Filing
  again after a reopening creates a new record with the next ``sequence``.
- ``DeliveryAttempt``: each attempt to deliver a record to its destination (append-only), so a
  failed e-mail is visible and can be retried with the very same bytes.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lus.core.dates import due_date
from lus.tenants.models import TenantOwned
from lus.tenants.scoping import tenant_manager

#: A Danish CPR number (ddmmyy-xxxx or ddmmyyxxxx): never allowed in a journal reference.
CPR_RE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")
MAX_LOGO_BYTES = 1_000_000


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or delete a filed record."""


# --- the archive storage --------------------------------------------------------------------
class ArchiveStorage(Storage):
    """The app's own archive: ``STORAGES["archive"]`` (settings), else the default storage.

    Resolved on every call (not when the model is loaded), so the configured storage — and a
    test's temporary one — is always the one used. Deleting through it is refused: the app
    never deletes a filed PDF.
    """

    def _target(self) -> Storage:
        return storages["archive" if "archive" in settings.STORAGES else "default"]

    def save(self, name, content, max_length=None):
        return self._target().save(name, content, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def exists(self, name):
        return self._target().exists(name)

    def size(self, name):
        return self._target().size(name)

    def path(self, name):
        return self._target().path(name)

    def url(self, name):  # filed PDFs are only served through the audited download view
        raise NotImplementedError("Filed PDFs have no public URL.")

    def generate_filename(self, filename):
        return self._target().generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self._target().get_available_name(name, max_length=max_length)

    def delete(self, name):
        raise ImmutableRecordError("The app never deletes a filed PDF.")

    def purge_for_retention(self, name) -> bool:
        """The one way a filed PDF's bytes leave the app's archive: the retention rule
        (``lus.orchestration.retention``), once the record is kept in the ESDH or its deletion
        date has passed. The record row stays as metadata (hash, size, dates, who)."""
        target = self._target()
        if not target.exists(name):
            return False
        target.delete(name)
        return True


def archive_storage() -> Storage:
    return ArchiveStorage()


def _record_upload_to(record: FiledRecord, filename: str) -> str:
    return f"filed/{record.municipality_id}/{record.year}/{filename}"


def _validate_logo_size(file) -> None:
    if file.size > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo must be at most 1 MB."))


def _validate_no_cpr(value: str) -> None:
    if CPR_RE.search(value or ""):
        raise ValidationError(_("The reference must not contain a CPR number."))


# --- settings per municipality ----------------------------------------------------------------
class Destination(models.TextChoices):
    ARCHIVE = "archive", _("The app's own archive")
    EMAIL = "email", _("E-mail to the ESDH journal address")


class DocumentSettings(TenantOwned):
    class DeletionBasis(models.TextChoices):
        AFTER_LEAVING = "after_leaving", _("Years after the leader leaves")
        AFTER_FILING = "after_filing", _("Years after filing")

    class PrintableLayout(models.TextChoices):
        TABLE = "table", _("Form with notes and agreements columns (A4 landscape)")
        WHEEL = "wheel", _("Conversation wheel on one A3 page")

    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), _validate_logo_size],
        help_text=_("PNG or JPEG, at most 1 MB. Shown at the top of the printed LUS."),
    )
    printable_layout = models.CharField(
        _("blank printable form"),
        max_length=10,
        choices=PrintableLayout.choices,
        default=PrintableLayout.TABLE,
        help_text=_("The framework printed blank, e.g. for a walk'n'talk."),
    )
    include_preparation = models.BooleanField(
        _("include the preparation answers"),
        default=False,
        help_text=_("The shared preparation answers are printed after the plan."),
    )
    include_minutes = models.BooleanField(
        _("include the minutes"),
        default=True,
        help_text=_("Where minutes were written, they are printed with the plan."),
    )
    destination = models.CharField(
        _("filing destination"),
        max_length=20,
        choices=Destination.choices,
        default=Destination.ARCHIVE,
        help_text=_(
            "The filed PDF is always kept in the app's archive; with e-mail it is also sent "
            "to the ESDH journal address (e.g. an Acadre case)."
        ),
    )
    journal_email = models.EmailField(_("ESDH journal e-mail address"), blank=True)
    journal_reference = models.CharField(
        _("case reference"),
        max_length=100,
        blank=True,
        validators=[_validate_no_cpr],
        help_text=_("Put in the e-mail subject so the ESDH files it on the case. No CPR number."),
    )
    kle_number = models.CharField(
        _("KLE subject number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d\d\.\d\d\.\d\d$", _("Write the KLE number as 81.03.00."))],
    )
    action_facet = models.CharField(
        _("KLE action facet"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]\d\d$", _("Write the action facet as G01."))],
    )
    deletion_years = models.PositiveSmallIntegerField(
        _("delete after (years)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    deletion_basis = models.CharField(
        _("counted from"),
        max_length=20,
        choices=DeletionBasis.choices,
        default=DeletionBasis.AFTER_LEAVING,
    )

    class Meta:
        verbose_name = _("print and filing settings")
        verbose_name_plural = _("print and filing settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="documentsettings_one_per_m")
        ]

    def __str__(self) -> str:
        return str(_("Print and filing"))

    def clean(self) -> None:
        super().clean()
        if self.destination == Destination.EMAIL and not self.journal_email:
            raise ValidationError(
                {"journal_email": _("E-mail filing needs the ESDH journal address.")}
            )

    def deletion_rule(self) -> str:
        return f"{self.deletion_years}:{self.deletion_basis}"


# --- filed records ----------------------------------------------------------------------------
class FiledRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError("Filed records cannot be changed.")

    def delete(self):
        raise ImmutableRecordError("Filed records cannot be deleted.")

    def _raw_delete(self, using: Any) -> int:
        raise ImmutableRecordError("Filed records cannot be deleted.")


class FiledRecord(TenantOwned):
    # Kept when retention deletes the conversation: the record outlives it (SET_NULL is the
    # only change the database allows on the row).
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_records",
        verbose_name=_("conversation"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader"),
    )
    leader_name = models.CharField(_("leader (name)"), max_length=200)
    leaders_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader's leader"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveSmallIntegerField(_("filing no."), default=1)
    file = models.FileField(_("file"), storage=archive_storage, upload_to=_record_upload_to)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_by_name = models.CharField(_("filed by (name)"), max_length=200)
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    destination_address = models.EmailField(_("journal address"), blank=True)
    journal_reference = models.CharField(_("case reference"), max_length=100, blank=True)
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("framework version"),
    )
    framework_version_label = models.CharField(_("framework version (text)"), max_length=250)
    kle_number = models.CharField(_("KLE subject number"), max_length=8, blank=True)
    action_facet = models.CharField(_("KLE action facet"), max_length=3, blank=True)
    deletion_years = models.PositiveSmallIntegerField(_("delete after (years)"))
    deletion_basis = models.CharField(
        _("counted from"), max_length=20, choices=DocumentSettings.DeletionBasis.choices
    )
    # Known at filing when counted from filing, or when the leader had already left.
    deletion_date = models.DateField(_("deletion date"), null=True, blank=True)
    approved_by_leader_at = models.DateTimeField(_("approved by the leader"), null=True)
    approved_by_leaders_leader_at = models.DateTimeField(
        _("approved by the leader's leader"), null=True
    )

    objects: ClassVar[Any] = tenant_manager(models.Manager.from_queryset(FiledRecordQuerySet))

    class Meta:
        verbose_name = _("filed LUS")
        verbose_name_plural = _("filed LUS")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "year", "sequence"], name="filedrecord_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sequence})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding or (
            self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists()
        ):
            raise ImmutableRecordError("Filed records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("Filed records cannot be deleted.")

    @property
    def effective_deletion_date(self) -> datetime.date | None:
        """The stored date, or — counted from leaving — the date implied once the leader
        has left (the record itself is never rewritten for that)."""
        if self.deletion_date is not None:
            return self.deletion_date
        left = getattr(self.leader, "date_left", None)
        if self.deletion_basis == DocumentSettings.DeletionBasis.AFTER_LEAVING and left:
            return due_date(left, self.deletion_years)
        return None

    def deletion_text(self) -> str:
        date = self.effective_deletion_date
        if date is not None:
            return date.isoformat()
        return str(_("%(years)d years after the leader leaves") % {"years": self.deletion_years})

    @property
    def last_attempt(self) -> DeliveryAttempt | None:
        attempts = getattr(self, "_prefetched_objects_cache", {}).get("attempts")
        if attempts is not None:
            return max(attempts, key=lambda a: (a.attempted_at, a.pk), default=None)
        return self.attempts.order_by("-attempted_at", "-pk").first()

    @property
    def delivered(self) -> bool:
        last = self.last_attempt
        return bool(last and last.ok)


class DeliveryAttemptQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError("Delivery attempts cannot be changed.")

    def delete(self):
        raise ImmutableRecordError("Delivery attempts cannot be deleted.")


class DeliveryAttempt(TenantOwned):
    record = models.ForeignKey(
        FiledRecord, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("record")
    )
    attempted_at = models.DateTimeField(_("time"), default=timezone.now)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    ok = models.BooleanField(_("delivered"))
    error = models.TextField(_("error"), blank=True)
    sha256 = models.CharField(_("SHA-256 of the bytes sent"), max_length=64)

    objects: ClassVar[Any] = tenant_manager(models.Manager.from_queryset(DeliveryAttemptQuerySet))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["attempted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id}: {'ok' if self.ok else 'error'}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("Delivery attempts cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("Delivery attempts cannot be deleted.")

    @property
    def leader(self):
        return self.record.leader
