// Three-way merge of one text, the same rules as lus/plans/merge.py (diff-match-patch diffs):
// edits of different characters are both kept; where both changed the same characters the
// result carries both readings ("theirs" / "mine") and the list of conflicting stretches.
window.lusMerge = (() => {
  const dmp = new window.diff_match_patch();
  dmp.Diff_Timeout = 0.5;

  const edits = (base, other) => {
    const out = [];
    let pos = 0;
    let start = null;
    let text = "";
    const diffs = dmp.diff_main(base, other, false);
    // Whole words rather than scattered letters ("ledelse" -> "sparring" is one edit).
    dmp.diff_cleanupSemantic(diffs);
    for (const [op, chunk] of diffs) {
      if (op === 0) {
        if (start !== null) { out.push({ start, end: pos, text }); start = null; text = ""; }
        pos += chunk.length;
      } else if (op === -1) {
        if (start === null) start = pos;
        pos += chunk.length;
      } else {
        if (start === null) start = pos;
        text += chunk;
      }
    }
    if (start !== null) out.push({ start, end: pos, text });
    return out;
  };

  const same = (a, b) => a.start === b.start && a.end === b.end && a.text === b.text;
  const space = (c) => /\s/.test(c);
  // The edit's range grown to whole words: two edits of one word are one conflict.
  const widen = (base, e) => {
    let s = e.start;
    let t = e.end;
    while (s > 0 && !space(base[s - 1])) s -= 1;
    while (t < base.length && !space(base[t])) t += 1;
    return [s, t];
  };
  const overlap = (base, a, b) => {
    if (same(a, b)) return false;
    const aIns = a.start === a.end;
    const bIns = b.start === b.end;
    if (aIns && bIns) return false;
    // Typing *inside* what the other replaced or deleted; next to it is fine.
    if (aIns) return b.start < a.start && a.start < b.end;
    if (bIns) return a.start < b.start && b.start < a.end;
    // Two replacements/deletions: the same word counts as the same characters.
    const [a0, a1] = widen(base, a);
    const [b0, b1] = widen(base, b);
    return a0 < b1 && b0 < a1;
  };
  const apply = (base, start, end, changes) => {
    let out = "";
    let pos = start;
    for (const e of [...changes].sort((x, y) => x.start - y.start || x.end - y.end)) {
      out += base.slice(pos, e.start) + e.text;
      pos = Math.max(pos, e.end);
    }
    return out + base.slice(pos, end);
  };

  const merge = (base, theirs, mine) => {
    if (mine === base || mine === theirs) return { theirs, mine: theirs, conflicts: [] };
    if (theirs === base) return { theirs: mine, mine, conflicts: [] };
    const all = [
      ...edits(base, theirs).map((e) => ({ ...e, side: "t" })),
      ...edits(base, mine).map((e) => ({ ...e, side: "m" })),
    ].sort((x, y) => x.start - y.start || x.end - y.end || (x.side === "m") - (y.side === "m"));
    const clusters = [];
    for (const e of all) {
      const last = clusters[clusters.length - 1];
      if (last && last.some((o) => overlap(base, e, o))) last.push(e);
      else clusters.push([e]);
    }
    const joined = [];
    for (const c of clusters) {
      const last = joined[joined.length - 1];
      if (last && c.some((a) => last.some((b) => overlap(base, a, b)))) last.push(...c);
      else joined.push(c);
    }
    let outT = "";
    let outM = "";
    let pos = 0;
    const conflicts = [];
    for (const c of joined) {
      const start = Math.min(...c.map((e) => e.start));
      const end = Math.max(...c.map((e) => e.end));
      const gap = base.slice(pos, start);
      outT += gap;
      outM += gap;
      const sides = new Set(c.map((e) => e.side));
      const mirrored = c.every((a) => c.some((b) => b.side !== a.side && same(a, b)));
      if (sides.size === 1 || mirrored) {
        const unique = c.filter((e, i) => c.findIndex((o) => same(o, e)) === i);
        const text = apply(base, start, end, unique);
        outT += text;
        outM += text;
      } else {
        const t = apply(base, start, end, c.filter((e) => e.side === "t"));
        const m = apply(base, start, end, c.filter((e) => e.side === "m"));
        outT += t;
        outM += m;
        conflicts.push([t, m]);
      }
      pos = Math.max(pos, end);
    }
    outT += base.slice(pos);
    outM += base.slice(pos);
    return { theirs: outT, mine: outM, conflicts };
  };

  // Where a caret at ``index`` in ``before`` belongs in ``after``.
  const moveIndex = (before, after, index) => dmp.diff_xIndex(dmp.diff_main(before, after, false), index);

  return { merge, moveIndex };
})();
