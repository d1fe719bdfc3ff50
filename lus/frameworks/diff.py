"""What changes between two versions of a framework, for the review before publishing and for
reading any version's changes afterwards.

Questions are matched by their key (kept when a draft is made or a question is copied from
another version), sections by their title.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from lus.frameworks.models import FrameworkVersion, Question
from lus.frameworks.selectors import version_structure
from lus.frameworks.studio import options_text

#: Question fields whose change is reported as "changed" (text and mandatory have their own).
COMPARED = (
    "help_text",
    "type",
    "group",
    "answered_by",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "pick",
)

KIND_LABELS = {
    "added": _("Added"),
    "removed": _("Removed"),
    "reworded": _("Reworded"),
    "moved": _("Moved"),
    "made_mandatory": _("Made mandatory"),
    "made_optional": _("Made optional"),
    "changed": _("Changed"),
}


@dataclass
class QuestionChange:
    kind: str
    section: str
    text: str
    old_text: str = ""
    old_section: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def label(self):
        return KIND_LABELS[self.kind]


@dataclass
class VersionDiff:
    old: FrameworkVersion | None
    new: FrameworkVersion
    sections_added: list[str] = field(default_factory=list)
    sections_removed: list[str] = field(default_factory=list)
    sections_moved: list[str] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.sections_added or self.sections_removed or self.sections_moved or self.questions
        )

    def count(self, kind: str) -> int:
        return sum(1 for c in self.questions if c.kind == kind)

    # For the templates.
    count_added = property(lambda self: self.count("added"))
    count_removed = property(lambda self: self.count("removed"))
    count_reworded = property(lambda self: self.count("reworded"))
    count_moved = property(lambda self: self.count("moved"))
    count_made_mandatory = property(lambda self: self.count("made_mandatory"))


def _questions(version: FrameworkVersion) -> tuple[list[str], dict]:
    titles, questions = [], {}
    for s in version_structure(version)["sections"]:
        titles.append(s.title)
        for i, q in enumerate(s.questions.all()):
            questions[q.key] = (s.title, i, q)
    return titles, questions


def version_diff(*, old: FrameworkVersion | None, new: FrameworkVersion) -> VersionDiff:
    diff = VersionDiff(old=old, new=new)
    new_titles, new_q = _questions(new)
    old_titles, old_q = _questions(old) if old is not None else ([], {})
    diff.sections_added = [t for t in new_titles if t not in old_titles]
    diff.sections_removed = [t for t in old_titles if t not in new_titles]
    kept_old = [t for t in old_titles if t in new_titles]
    kept_new = [t for t in new_titles if t in old_titles]
    diff.sections_moved = [t for i, t in enumerate(kept_new) if kept_old[i] != t]
    # The position of a question among the questions its section had in both versions.
    common = [k for k in new_q if k in old_q and new_q[k][0] == old_q[k][0]]

    def rank(table, key):
        section = table[key][0]
        peers = sorted((table[k][1], k) for k in common if table[k][0] == section)
        return [k for _i, k in peers].index(key)

    for key, (section, _i, q) in new_q.items():
        if key not in old_q:
            diff.questions.append(QuestionChange("added", section, q.text))
            continue
        old_section, _j, o = old_q[key]
        if q.text != o.text:
            diff.questions.append(QuestionChange("reworded", section, q.text, old_text=o.text))
        if old_section != section or (key in common and rank(new_q, key) != rank(old_q, key)):
            diff.questions.append(QuestionChange("moved", section, q.text, old_section=old_section))
        if q.mandatory != o.mandatory:
            kind = "made_mandatory" if q.mandatory else "made_optional"
            diff.questions.append(QuestionChange(kind, section, q.text))
        details = [
            str(Question._meta.get_field(name).verbose_name)
            for name in COMPARED
            if getattr(q, name) != getattr(o, name)
        ]
        if options_text(q) != options_text(o):
            details.append(str(_("options")))
        if details:
            diff.questions.append(QuestionChange("changed", section, q.text, details=details))
    for key, (section, _i, o) in old_q.items():
        if key not in new_q:
            diff.questions.append(QuestionChange("removed", section, o.text))
    return diff


def version_compared_with(version: FrameworkVersion) -> FrameworkVersion | None:
    """The version a version's changes are shown against: for a draft the version in use (the
    newest published), for a published version the one published before it."""
    published = FrameworkVersion.objects.filter(
        framework=version.framework, status=FrameworkVersion.Status.PUBLISHED
    )
    if version.is_published:
        published = published.filter(number__lt=version.number)
    return published.order_by("-number").first()
