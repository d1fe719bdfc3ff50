from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import Municipality, TenantOwned
from lus.tenants.scoping import tenant_manager, unscoped


class OrgUnit(TenantOwned):
    """An organisational unit (afdeling/område) of a municipality."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="orgunit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent = self.parent if self.parent_id else None
        if parent is not None and parent.municipality_id != self.municipality_id:
            raise ValidationError({"parent": _("The parent unit belongs to another municipality.")})


class PersonManager(UserManager["User"]):
    use_in_migrations = False

    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are unique across municipalities; looking one up to log in happens before
        # any municipality is known, so it is one of the few audited unscoped reads.
        with unscoped("authentication: look up username"):
            return self.get(**{self.model.USERNAME_FIELD: username})


def has_admin_access(person) -> bool:
    """Who may use the admin (``is_staff``): HR and platform admins, nobody else. Decided here
    only, so ticking "HR" on a person and an import's ``is_hr`` column give the same access."""
    return bool(person.is_hr or person.is_superuser)


class User(AbstractUser):
    """A person in a municipality. Roles follow from the hierarchy:

    - leader: anyone with a manager (the leader's leader);
    - leader's leader: anyone with direct reports;
    - HR: ``is_hr`` (admin access, ``is_staff``, follows from it: ``has_admin_access``);
    - platform admin: ``is_superuser`` (may have no municipality).
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisational unit"),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("leader's leader"),
    )
    is_hr = models.BooleanField(_("HR"), default=False)
    date_left = models.DateField(
        _("left the municipality on"),
        null=True,
        blank=True,
        help_text=_("Starts the retention period for the person's conversations."),
    )

    objects: ClassVar[Any] = tenant_manager(PersonManager)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False) | models.Q(is_superuser=True),
                name="user_has_municipality",
                violation_error_message=_("Everyone except platform admins needs a municipality."),
            ),
            models.UniqueConstraint(
                "municipality",
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_unique_email_per_municipality",
                violation_error_message=_("Another person in the municipality has this e-mail."),
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="user_not_own_manager",
                violation_error_message=_("A person cannot be their own leader."),
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "manager"]),
            # HR's status overview lists a round's conversations a page at a time by the
            # leader's name: read in this order, a page costs the page, not the municipality.
            models.Index(fields=["municipality", "name", "id"], name="user_muni_name"),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def save(self, *args, **kwargs) -> None:
        # One rule wherever a person is made HR (admin form, CSV import, demo, shell).
        self.is_staff = has_admin_access(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"is_hr", "is_superuser"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return (self.name or self.username).split(" ")[0]

    def clean(self) -> None:
        super().clean()
        errors = {}
        manager = self.manager if self.manager_id else None
        if manager is not None:
            if manager.municipality_id != self.municipality_id:
                errors["manager"] = _("The leader's leader must be in the same municipality.")
            elif self.pk and self._manager_chain_contains_self():
                errors["manager"] = _("This would make a cycle in the hierarchy.")
        org_unit = self.org_unit if self.org_unit_id else None
        if org_unit is not None and org_unit.municipality_id != self.municipality_id:
            errors["org_unit"] = _("The unit belongs to another municipality.")
        if errors:
            raise ValidationError(errors)

    def _manager_chain_contains_self(self) -> bool:
        seen: set[int] = set()
        current = self.manager
        while current is not None and current.pk not in seen:
            if current.pk == self.pk:
                return True
            seen.add(current.pk)
            current = current.manager
        return False

    # --- roles ------------------------------------------------------------------------------
    @property
    def is_leader(self) -> bool:
        return self.manager_id is not None

    @property
    def is_leaders_leader(self) -> bool:
        return self.reports.filter(is_active=True).exists()

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        day = day or timezone.localdate()
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Session(AbstractBaseSession):
    """A server-side session that knows its user, so that loading the session and the user it
    belongs to is one query on every request (lus.accounts.sessions). Not tenant-owned: it is
    read before the municipality is known, and holds no conversation content."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from lus.accounts.sessions import SessionStore

        return SessionStore


class PeopleImportJob(TenantOwned):
    """The check of a long people file, then its apply, each run by a task worker so the
    request answers at once: queued → running → done (checked) → applying → applied, or failed.

    Holds the file's text until it is applied or a newer check replaces it (people data only,
    never conversation content). ``result`` is bounded: counts and the first problems/changes;
    once applied, ``result["applied"]`` has the counts of what was written.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        APPLYING = "applying", _("applying")
        APPLIED = "applied", _("applied")

    created_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("created by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    text = models.TextField(_("file"))
    deactivate_missing = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="da")
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_applied = models.PositiveIntegerField(default=0)
    #: Who pressed "Apply" (the separation of duties is checked again for them).
    applied_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("people import check")
        verbose_name_plural = _("people import checks")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        """Nothing more happens without HR (the page stops polling)."""
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.APPLIED)

    @property
    def applying(self) -> bool:
        return self.status in (self.Status.APPLYING, self.Status.APPLIED)
