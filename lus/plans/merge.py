"""Three-way merge of one co-edited text (pure; no database).

Both people edit from a common *base* (the text at the revision their browser last had). The
character-level differences base → theirs and base → mine come from diff-match-patch; edits
that touch different characters are both applied. Only where the two edits touch the same
characters (or one inserts inside a stretch the other deleted) is there a *conflict*: then
both readings of that stretch are returned and the person whose save arrived second chooses,
inline in the field. static/js/coedit-merge.js does the same in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch


@dataclass(frozen=True)
class Edit:
    """Replace ``base[start:end]`` by ``text`` (an insertion has start == end)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MergeResult:
    #: overlapping stretches resolved to their reading (what the other person saved)
    theirs: str
    #: overlapping stretches resolved to my reading
    mine: str
    #: (their reading, my reading) of every overlapping stretch
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    # Texts are at most 50,000 characters; bound the worst case, the answer stays correct.
    dmp.Diff_Timeout = 0.5
    return dmp


def edits(base: str, other: str) -> list[Edit]:
    """The edits that turn ``base`` into ``other``, in base coordinates, in order."""
    out: list[Edit] = []
    pos = 0
    start = None
    text = ""
    dmp = _dmp()
    diffs = dmp.diff_main(base, other, False)
    # Whole words rather than scattered letters ("ledelse" -> "sparring" is one edit).
    dmp.diff_cleanupSemantic(diffs)
    for op, chunk in diffs:
        if op == 0:
            if start is not None:
                out.append(Edit(start, pos, text))
                start, text = None, ""
            pos += len(chunk)
        elif op == -1:
            start = pos if start is None else start
            pos += len(chunk)
        else:
            start = pos if start is None else start
            text += chunk
    if start is not None:
        out.append(Edit(start, pos, text))
    return out


def _widen(base: str, e: Edit) -> tuple[int, int]:
    """The edit's range grown to whole words: two edits of one word are one conflict."""
    start, end = e.start, e.end
    while start > 0 and not base[start - 1].isspace():
        start -= 1
    while end < len(base) and not base[end].isspace():
        end += 1
    return start, end


def _overlap(base: str, a: Edit, b: Edit) -> bool:
    if a == b:
        return False  # both made the same change
    a_ins, b_ins = a.start == a.end, b.start == b.end
    if a_ins and b_ins:
        return False  # two insertions: both kept (theirs first at one place)
    if a_ins:
        # Typing *inside* what the other replaced or deleted; next to it is fine.
        return b.start < a.start < b.end
    if b_ins:
        return a.start < b.start < a.end
    # Two replacements/deletions: the same word counts as the same characters.
    (a0, a1), (b0, b1) = _widen(base, a), _widen(base, b)
    return a0 < b1 and b0 < a1


def _apply(base: str, start: int, end: int, changes: list[Edit]) -> str:
    out, pos = [], start
    for e in sorted(changes, key=lambda e: (e.start, e.end)):
        out.append(base[pos : e.start])
        out.append(e.text)
        pos = max(pos, e.end)
    out.append(base[pos:end])
    return "".join(out)


def merge(base: str, theirs: str, mine: str) -> MergeResult:
    """Merge ``mine`` into ``theirs``, both edited from ``base``."""
    if mine in (base, theirs):
        return MergeResult(theirs, theirs)
    if theirs == base:
        return MergeResult(mine, mine)
    t_edits = [(e, "t") for e in edits(base, theirs)]
    m_edits = [(e, "m") for e in edits(base, mine)]
    # Group edits into clusters of (transitively) overlapping ones; a cluster with edits from
    # both sides is a conflict.
    everything = sorted(t_edits + m_edits, key=lambda x: (x[0].start, x[0].end, x[1] == "m"))
    clusters: list[list[tuple[Edit, str]]] = []
    for item in everything:
        e = item[0]
        if clusters and any(_overlap(base, e, other) for other, _side in clusters[-1]):
            clusters[-1].append(item)
        else:
            clusters.append([item])
    # A later cluster may still overlap an earlier one when a long deletion spans several.
    merged_clusters: list[list[tuple[Edit, str]]] = []
    for cluster in clusters:
        if merged_clusters and any(
            _overlap(base, a, b) for a, _s in cluster for b, _t in merged_clusters[-1]
        ):
            merged_clusters[-1].extend(cluster)
        else:
            merged_clusters.append(cluster)
    out_t, out_m, conflicts, pos = [], [], [], 0
    for cluster in merged_clusters:
        start = min(e.start for e, _s in cluster)
        end = max(e.end for e, _s in cluster)
        sides = {s for _e, s in cluster}
        gap = base[pos:start]
        out_t.append(gap)
        out_m.append(gap)
        if len(sides) == 1 or all(
            any(a == b for b, s2 in cluster if s2 != s1) for a, s1 in cluster
        ):
            # One side only, or both made exactly the same edits: no choice to make.
            # Identical edits appear twice; apply each once.
            unique = list(dict.fromkeys(e for e, _s in cluster))
            text = _apply(base, start, end, unique)
            out_t.append(text)
            out_m.append(text)
        else:
            t_text = _apply(base, start, end, [e for e, s in cluster if s == "t"])
            m_text = _apply(base, start, end, [e for e, s in cluster if s == "m"])
            out_t.append(t_text)
            out_m.append(m_text)
            conflicts.append((t_text, m_text))
        pos = max(pos, end)
    out_t.append(base[pos:])
    out_m.append(base[pos:])
    return MergeResult("".join(out_t), "".join(out_m), conflicts)
