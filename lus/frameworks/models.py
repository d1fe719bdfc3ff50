"""Question frameworks ("spørgerammer"): one general model for every municipality's LUS.

A ``Framework`` has numbered ``FrameworkVersion``s. HR edits a *draft*; publishing makes it
immutable. Conversations pin a published version, so what they show never changes. A version
holds ordered ``Section``s with ``Question``s (and their ``QuestionOption``s), the process settings
that shape the conversation, and the development-plan layout (``PlanField``s).

Team customisation by the leader's leader (``TeamCustomisation``) removes optional questions,
adds own questions (``Question`` rows with ``customisation`` set) and rewords questions where the
municipality allows it — without touching the published version.
"""

from __future__ import annotations

import contextlib
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.frameworks.question_types import question_type, type_choices
from lus.tenants.models import TenantOwned


class Framework(TenantOwned):
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("question framework")
        verbose_name_plural = _("question frameworks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="framework_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        if self.versions.filter(status=FrameworkVersion.Status.PUBLISHED).exists():
            raise ValidationError(_("A framework with published versions cannot be deleted."))
        return super().delete(*args, **kwargs)


class FrameworkVersion(TenantOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class PlanKind(models.TextChoices):
        ITEMS = "items", _("Development points (list of items)")
        PROMPTS = "prompts", _("Fixed prompts")
        SECTION_AGREEMENTS = "section_agreements", _("Agreements per section")
        ACTIONS = "actions", _("Actions / practice areas, short and long term")

    class Minutes(models.TextChoices):
        NONE = "none", _("No minutes")
        OPTIONAL = "optional", _("Optional")
        OPTIONAL_WRITER_AGREED = (
            "optional_writer_agreed",
            _("Optional; who writes them is agreed before the conversation"),
        )

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="versions", verbose_name=_("framework")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    # What the leader reads before preparing (Haderslev's five points, Randers' advice, …).
    preparation_guidance = models.TextField(_("preparation guidance"), blank=True)
    # --- process settings -------------------------------------------------------------------
    both_prepare = models.BooleanField(
        _("both parties prepare"),
        default=False,
        help_text=_("The leader's leader also gets a preparation form (Norddjurs, Albertslund)."),
    )
    rewording_allowed = models.BooleanField(
        _("leader's leader may reword questions"), default=False
    )
    walk_and_talk_allowed = models.BooleanField(_("walk'n'talk allowed"), default=True)
    minutes = models.CharField(
        _("minutes"), max_length=30, choices=Minutes.choices, default=Minutes.NONE
    )
    evaluation_cycle_years = models.PositiveSmallIntegerField(
        _("leadership evaluation every N years"),
        null=True,
        blank=True,
        help_text=_("Leave empty if there is no leadership evaluation cycle."),
    )
    # --- development plan layout ----------------------------------------------------------
    plan_kind = models.CharField(
        _("plan layout"), max_length=30, choices=PlanKind.choices, default=PlanKind.ITEMS
    )
    plan_title = models.CharField(
        _("plan title"), max_length=200, default="Kompetenceudviklingsplan", blank=True
    )
    plan_continues = models.BooleanField(
        _("one plan continues across years"),
        default=False,
        help_text=_("The leader keeps one plan that is evaluated and continued (Høje-Taastrup)."),
    )

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="version_unique_number"),
            models.UniqueConstraint(
                fields=["framework"],
                condition=models.Q(status="draft"),
                name="version_one_draft",
                violation_error_message=_("The framework already has a draft."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _stored_as_published(self) -> bool:
        if self.pk is None:
            return False
        return type(self)._base_manager.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()

    def save(self, *args, **kwargs) -> None:
        # Publishing saves a draft as published; after that the row never changes.
        if self._stored_as_published():
            raise ValidationError(
                _("A published framework version cannot be changed. Create a new draft.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Conversations pin published versions; what they show must never disappear.
        if self._stored_as_published():
            raise ValidationError(_("A published framework version cannot be deleted."))
        return super().delete(*args, **kwargs)


class VersionContent(TenantOwned):
    """Content that belongs to one framework version and is frozen once it is published."""

    class Meta:
        abstract = True

    def owning_version(self) -> FrameworkVersion | None:
        raise NotImplementedError

    def _check_editable(self) -> None:
        version = self.owning_version()
        if version is not None and version.is_published and self._frozen_with_version():
            raise ValidationError(
                _("A published framework version cannot be changed. Create a new draft.")
            )

    def _frozen_with_version(self) -> bool:
        return True

    def clean(self) -> None:
        super().clean()
        # The parent may not be chosen yet; the form reports that field itself.
        with contextlib.suppress(ObjectDoesNotExist):
            self._check_editable()

    def save(self, *args, **kwargs) -> None:
        self._check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_editable()
        return super().delete(*args, **kwargs)


class Section(VersionContent):
    class Kind(models.TextChoices):
        THEME = "theme", _("Theme")
        ORGANISATION_THEME = "organisation_theme", _("Organisation theme (valid for some years)")
        OTHER = "other", _("Other")
        PLAN = "plan", _("Joint plan section (filled in together)")

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("framework version"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.THEME)
    valid_from_year = models.PositiveSmallIntegerField(_("valid from year"), null=True, blank=True)
    valid_to_year = models.PositiveSmallIntegerField(_("valid to year"), null=True, blank=True)
    # Bumped by every save in the studio, so two editors' field saves never overwrite each other.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from_year__isnull=True)
                | models.Q(valid_to_year__isnull=True)
                | models.Q(valid_from_year__lte=models.F("valid_to_year")),
                name="section_valid_years_ordered",
                violation_error_message=_("“Valid from” must not be after “valid to”."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def owning_version(self) -> FrameworkVersion | None:
        return self.version

    def mandatory_questions(self) -> list[Question]:
        return [q for q in self.questions.all() if q.mandatory]

    def check_deletable(self) -> None:
        """A section holding mandatory questions cannot be deleted (they would silently go)."""
        mandatory = self.mandatory_questions() if self.pk else []
        if mandatory:
            raise ValidationError(
                _(
                    "The section “%(section)s” contains %(n)d mandatory question(s) and cannot "
                    "be deleted. Make them optional or move them first."
                )
                % {"section": self.title, "n": len(mandatory)}
            )

    def delete(self, *args, **kwargs):
        self._check_editable()  # "published" is the more fundamental refusal
        self.check_deletable()
        return super().delete(*args, **kwargs)

    def is_valid_in(self, year: int) -> bool:
        return (self.valid_from_year is None or self.valid_from_year <= year) and (
            self.valid_to_year is None or year <= self.valid_to_year
        )


class Question(VersionContent):
    class Type(models.TextChoices):
        SCALE = "scale", _("Scale")
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("Single choice")
        KEYWORDS = "keywords", _("Keywords (pick N)")
        INFO = "info", _("Information / references")

    #: The framework's own wording, beside a team's rewording (set by
    #: ``lus.frameworks.selectors``' questionnaire; not a field).
    original_text: str

    class AnsweredBy(models.TextChoices):
        LEADER = "leader", _("The leader")
        LEADERS_LEADER = "leaders_leader", _("The leader's leader")
        BOTH = "both", _("Both")

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    # Stable identity across versions (copied into new drafts), so that answers to "the same
    # question" can be compared from year to year.
    key = models.UUIDField(_("key"), default=uuid.uuid4, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    group = models.CharField(
        _("sub-group"),
        max_length=200,
        blank=True,
        help_text=_("Optional heading inside the section, e.g. “Organisatorisk fokus”."),
    )
    # The registered question types (lus.frameworks.question_types); ``Type`` names the built-in
    # ones for code that needs a particular type.
    type = models.CharField(_("type"), max_length=20, choices=type_choices, default=Type.SCALE)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    answered_by = models.CharField(
        _("answered by"), max_length=20, choices=AnsweredBy.choices, default=AnsweredBy.LEADER
    )
    scale_min = models.SmallIntegerField(_("scale minimum"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale maximum"), null=True, blank=True)
    scale_min_label = models.CharField(_("label at minimum"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("label at maximum"), max_length=100, blank=True)
    pick = models.PositiveSmallIntegerField(_("keywords to pick"), null=True, blank=True)
    # Set for questions a leader's leader added for their own team; None for framework questions.
    customisation = models.ForeignKey(
        "TeamCustomisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="added_questions",
    )
    # Bumped by every save in the studio, so two editors' field saves never overwrite each other.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type="scale")
                | (
                    models.Q(scale_min__isnull=False)
                    & models.Q(scale_max__isnull=False)
                    & models.Q(scale_min__lt=models.F("scale_max"))
                ),
                name="question_scale_bounds",
                violation_error_message=_("A scale needs a minimum below its maximum."),
            ),
            models.CheckConstraint(
                condition=~models.Q(type="keywords") | models.Q(pick__gte=1),
                name="question_keywords_pick",
                violation_error_message=_("A keywords question needs the number to pick (≥ 1)."),
            ),
            models.CheckConstraint(
                condition=~models.Q(type="info") | models.Q(mandatory=False),
                name="question_info_not_mandatory",
                violation_error_message=_("An information block cannot be mandatory."),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "key"])]

    def __str__(self) -> str:
        return self.text[:80]

    def owning_version(self) -> FrameworkVersion | None:
        return self.section.version

    def _frozen_with_version(self) -> bool:
        # A team's own questions live beside the published version, not in it.
        return self.customisation_id is None

    def clean(self) -> None:
        super().clean()
        question_type(self.type).clean(self)

    @property
    def question_type(self):
        return question_type(self.type)

    @property
    def is_answerable(self) -> bool:
        return question_type(self.type).answerable

    @property
    def config_summary(self) -> str:
        return question_type(self.type).config_summary(self)

    @property
    def scale_values(self) -> range:
        if self.scale_min is None or self.scale_max is None:
            return range(0)
        return range(self.scale_min, self.scale_max + 1)


class QuestionOption(VersionContent):
    """A choice (with description), a keyword, or a link of an information block."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(_("text"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    def owning_version(self) -> FrameworkVersion | None:
        return self.question.section.version

    def _frozen_with_version(self) -> bool:
        return self.question.customisation_id is None


class PlanField(VersionContent):
    """One field of the development plan layout."""

    class Per(models.TextChoices):
        PLAN = "plan", _("Once per plan")
        ITEM = "item", _("Per development point")
        ACTIVITY = "activity", _("Per activity of a development point")
        SECTION = "section", _("Per section (agreements)")

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONGTEXT = "longtext", _("Long text")
        DATE = "date", _("Date")
        RESPONSIBLE = "responsible", _("Responsible person")
        HORIZON = "horizon", _("Short or long term")

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="plan_fields",
        verbose_name=_("framework version"),
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    per = models.CharField(_("per"), max_length=20, choices=Per.choices, default=Per.ITEM)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LONGTEXT)
    is_follow_up_date = models.BooleanField(
        _("is the follow-up date"),
        default=False,
        help_text=_("Dates in this field become follow-ups for both people."),
    )

    class Meta:
        verbose_name = _("plan field")
        verbose_name_plural = _("plan fields")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    def owning_version(self) -> FrameworkVersion | None:
        return self.version


class TeamCustomisation(TenantOwned):
    """A leader's leader's tailoring of a published version for their own leader team."""

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="customisations",
        verbose_name=_("framework version"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="framework_customisations",
        verbose_name=_("leader's leader"),
    )
    removed_questions = models.ManyToManyField(
        Question, blank=True, related_name="removed_in", verbose_name=_("removed questions")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("team customisation")
        verbose_name_plural = _("team customisations")
        constraints = [
            models.UniqueConstraint(fields=["version", "owner"], name="customisation_unique_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.version}"


class QuestionRewording(TenantOwned):
    customisation = models.ForeignKey(
        TeamCustomisation, on_delete=models.CASCADE, related_name="rewordings"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("reworded question"))

    class Meta:
        verbose_name = _("rewording")
        verbose_name_plural = _("rewordings")
        constraints = [
            models.UniqueConstraint(
                fields=["customisation", "question"], name="rewording_unique_question"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ReferenceLink(TenantOwned):
    """The address of a document that an information block names (Norddjurs' "Fælles
    fundament": Vores Norddjurs, HR-strategi, …). Kept per municipality, outside the versioned
    framework, so HR can set and change an address at any time — a published version is frozen,
    and a moved intranet page should not need a new version."""

    label = models.CharField(
        _("document"),
        max_length=200,
        help_text=_("Exactly as the information block names it, e.g. “HR-strategi”."),
    )
    url = models.URLField(_("link"))

    class Meta:
        verbose_name = _("document link")
        verbose_name_plural = _("document links")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "label"],
                name="referencelink_one_per_label",
                violation_error_message=_("This document already has a link."),
            )
        ]

    def __str__(self) -> str:
        return self.label
