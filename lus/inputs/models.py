"""Preparation inputs: results from outside LUS that a leader prepares from — the leadership
evaluation, wellbeing (trivsel) or APV scores per dimension with the organisation's benchmark.

HR imports them from a survey tool's CSV export, or the leader attaches the report as a PDF.
They are content: seen only by the leader and, like the preparation, by the leader's leader
holding a LUS once the leader has shared it. HR's import leaves a batch row with counts only
(``InputImport``); HR has no page that reads a ``PreparationInput``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lus.tenants.models import TenantOwned

#: The largest PDF a leader may attach.
MAX_PDF_BYTES = 10 * 1024 * 1024
#: A conversation shows the inputs of its year and the years before it, back to a three-yearly
#: leadership evaluation.
YEARS_SHOWN = 3


class InputKind(models.TextChoices):
    LEADERSHIP_EVALUATION = "leadership_evaluation", _("Leadership evaluation")
    WELLBEING = "wellbeing", _("Wellbeing survey")
    APV = "apv", _("Workplace assessment (APV)")
    OTHER = "other", _("Other results")


class InputImport(TenantOwned):
    """One CSV import by HR: what, when, by whom, and how many — never a score."""

    kind = models.CharField(_("kind"), max_length=30, choices=InputKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_by_name = models.CharField(_("imported by"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    leaders = models.PositiveIntegerField(_("leaders"), default=0)
    scores = models.PositiveIntegerField(_("scores"), default=0)

    class Meta:
        verbose_name = _("import of preparation inputs")
        verbose_name_plural = _("imports of preparation inputs")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class PreparationInput(TenantOwned):
    class Source(models.TextChoices):
        IMPORT = "import", _("Imported by HR")
        UPLOAD = "upload", _("Attached by the leader")

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preparation_inputs",
        verbose_name=_("leader"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=InputKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    batch = models.ForeignKey(
        InputImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("import"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The attached report. In the database, not on a disk, so every app server serves it.
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    pdf_name = models.CharField(_("file name"), max_length=200, blank=True)
    pdf_size = models.PositiveIntegerField(_("file size"), default=0)

    class Meta:
        verbose_name = _("preparation input")
        verbose_name_plural = _("preparation inputs")
        ordering = ["-year", "kind", "-created_at", "-pk"]
        indexes = [models.Index(fields=["leader", "year"], name="prepinput_leader_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def has_pdf(self) -> bool:
        return self.pdf_size > 0

    @property
    def decimals(self) -> int:
        """The decimals the results need, the same for every number of the input (3,60 and
        4,00 rather than 3,6 and 4)."""
        needed = 0
        for s in self.scores.all():
            for value in (s.score, s.benchmark):
                exponent = None if value is None else value.normalize().as_tuple().exponent
                if isinstance(exponent, int):
                    needed = max(needed, -min(0, exponent))
        return min(needed, 2)


class InputScore(TenantOwned):
    """One dimension's result, with the organisation's benchmark where the tool gives one."""

    input = models.ForeignKey(PreparationInput, on_delete=models.CASCADE, related_name="scores")
    order = models.PositiveIntegerField(_("order"), default=0)
    dimension = models.CharField(_("dimension"), max_length=200)
    score = models.DecimalField(_("result"), max_digits=8, decimal_places=2)
    benchmark = models.DecimalField(
        _("benchmark"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    scale_max = models.DecimalField(
        _("scale maximum"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("result per dimension")
        verbose_name_plural = _("results per dimension")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["input", "dimension"], name="inputscore_one_per_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.score}"

    @property
    def difference(self):
        return None if self.benchmark is None else self.score - self.benchmark
