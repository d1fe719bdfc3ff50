// Co-editing of the development plan, the section notes and the minutes (no inline scripts).
//
// Every field ([data-cell]) is saved on its own with the revision and the text it was based on
// (data-revision, the "base"); the server merges a save that crossed the other person's at
// character level. The other person's saves arrive through the event stream (server-sent
// events; polling the state is the fallback) and are merged into the field even while it is
// being typed in (window.lusMerge, the same rules as the server). Only where both changed the
// same characters is the one whose save came second asked, inline under the field.
// Never lose a keystroke: every unsent text is kept in localStorage until the server has
// acknowledged it, failed saves are retried with backoff, and leaving the page warns.
(() => {
  const root = document.getElementById("coedit");
  if (!root) return;
  const d = root.dataset;
  const POLL_MS = Number(d.poll || 3000);
  const POLL_STREAMING_MS = 20000;
  const DELAY = 400;
  const PRESENCE_MS = 2500;
  const csrf = () => root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const notice = document.getElementById("coedit-notice");
  const draftPrefix = `lus-draft:${location.pathname.split("/").slice(0, 3).join("/")}:`;
  // key -> {dirty, timer, inFlight, conflict, base, token, sent, retries, queued}
  const cells = new Map();
  const myTokens = new Set();
  let stopped = false;
  let streaming = false;
  let cursor = Number(d.cursor || 0);

  const state = (key) => {
    if (!cells.has(key)) {
      cells.set(key, { dirty: false, timer: null, inFlight: false, conflict: false, base: null, retries: 0, queued: null });
    }
    return cells.get(key);
  };
  const fieldOf = (key) => root.querySelector(`[data-cell="${CSS.escape(key)}"]`);
  const wrapOf = (el) => el.closest("[data-cell-wrap]");
  const statusOf = (el) => wrapOf(el)?.querySelector(".lus-cell-status");
  const setStatus = (el, text, cls) => {
    const s = statusOf(el);
    if (!s) return;
    s.textContent = text;
    s.className = "lus-cell-status small " + (cls || "text-body-secondary");
  };
  const showNotice = (text) => {
    if (!notice) return;
    notice.textContent = text;
    notice.classList.toggle("d-none", !text);
  };
  const isReadonly = (el) => el.dataset.readonly === "1";
  const isText = (el) => el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text");
  const baseOf = (el) => {
    const st = state(el.dataset.cell);
    if (st.base === null) st.base = isReadonly(el) ? "" : el.defaultValue ?? el.value;
    return st.base;
  };
  const newToken = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);
  const clock = () => {
    const now = new Date();
    return `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  };

  // --- drafts: unsent text survives a reload, a crash or a lost connection --------------------
  const storeDraft = (el) => {
    try {
      localStorage.setItem(draftPrefix + el.dataset.cell, JSON.stringify({ value: el.value, base: baseOf(el), revision: Number(el.dataset.revision) }));
    } catch (e) { /* storage full or disabled: the field still holds the text */ }
  };
  const dropDraft = (key) => { try { localStorage.removeItem(draftPrefix + key); } catch (e) { /* ignore */ } };
  // The option a select shows before anyone touches it: the last one marked selected, else the first.
  const defaultIndex = (select) => {
    let index = select.options.length ? 0 : -1;
    [...select.options].forEach((o, i) => { if (o.defaultSelected) index = i; });
    return index;
  };
  const restoreDrafts = () => {
    let restored = false;
    root.querySelectorAll("[data-cell]").forEach((el) => {
      if (isReadonly(el)) return;
      // Changed before this script ran (a slow connection, or the browser restoring the form on
      // "back"): no event said so, and it is newer than any draft, so it is sent as typed.
      const changedEarly = el.tagName === "SELECT"
        ? el.selectedIndex !== defaultIndex(el)
        : el.value !== el.defaultValue;
      if (changedEarly) { baseOf(el); schedule(el); return; }
      let draft = null;
      try { draft = JSON.parse(localStorage.getItem(draftPrefix + el.dataset.cell) || "null"); } catch (e) { draft = null; }
      if (!draft || typeof draft.value !== "string") return;
      if (draft.value === el.value) { dropDraft(el.dataset.cell); return; }
      const st = state(el.dataset.cell);
      st.base = el.value;
      // Rebase the unsent edit onto what is saved now.
      const merged = Number(draft.revision) === Number(el.dataset.revision)
        ? draft.value
        : window.lusMerge.merge(draft.base ?? "", el.value, draft.value).mine;
      el.value = merged;
      st.dirty = true;
      setStatus(el, d.msgRestored, "text-warning-emphasis");
      restored = true;
      save(el);
    });
    if (restored) showNotice(d.msgRestored);
  };

  // --- writing into a field without losing the caret -------------------------------------------------
  const setValueKeepCaret = (el, value) => {
    if (el.value === value) return;
    if (document.activeElement === el && isText(el) && el.selectionStart !== null) {
      const before = el.value;
      const a = window.lusMerge.moveIndex(before, value, el.selectionStart);
      const b = window.lusMerge.moveIndex(before, value, el.selectionEnd);
      el.value = value;
      el.setSelectionRange(a, b);
    } else {
      el.value = value;
    }
  };
  const setReadonlyText = (el, value) => {
    el.replaceChildren();
    if (!value) {
      const dash = document.createElement("span");
      dash.className = "text-body-secondary";
      dash.textContent = "–";
      el.append(dash);
      return;
    }
    value.split("\n").forEach((line, i) => {
      if (i) el.append(document.createElement("br"));
      el.append(document.createTextNode(line));
    });
  };

  const post = async (url, data) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(data)) body.append(k, v);
    return fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrf() },
      credentials: "same-origin",
      redirect: "manual",
    });
  };

  // --- saving -------------------------------------------------------------------------------
  const retryLater = (el, st) => {
    st.retries += 1;
    const wait = Math.min(15000, 500 * 2 ** Math.min(st.retries, 5));
    setStatus(el, d.msgKept, "text-danger");
    showNotice(d.msgKept);
    clearTimeout(st.timer);
    st.timer = setTimeout(() => save(el), wait);
  };

  const save = async (el) => {
    const key = el.dataset.cell;
    const st = state(key);
    if (stopped || st.conflict || st.inFlight) return;
    clearTimeout(st.timer);
    const sent = el.value;
    const base = baseOf(el);
    const revision = el.dataset.revision;
    if (sent === base && !st.dirty) return;
    // The same attempt keeps its token, so a resend after a lost answer is not saved twice.
    if (!st.token || st.sent !== sent || st.sentRevision !== revision) {
      st.token = newToken();
      st.sent = sent;
      st.sentRevision = revision;
    }
    myTokens.add(st.token);
    st.inFlight = true;
    setStatus(el, d.msgSaving);
    let response;
    let body = {};
    try {
      response = await post(d.saveUrl, { key, revision, base, value: sent, token: st.token });
      try { body = await response.json(); } catch (e) { body = {}; }
    } catch (e) {
      st.inFlight = false;
      retryLater(el, st);
      return;
    }
    st.inFlight = false;
    // The server answered: whatever it said, the connection is back.
    if (notice && notice.textContent === d.msgKept) showNotice("");
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403 && !body.error) {
      stopped = true;
      showNotice(d.msgExpired);
      return;
    }
    if (response.ok) {
      st.retries = 0;
      st.token = null;
      const saved = body.value ?? sent;
      // Keep what was typed while the save was under way (rebased onto the saved text).
      const local = el.value === sent ? saved : window.lusMerge.merge(sent, saved, el.value).mine;
      st.base = saved;
      el.dataset.revision = body.revision;
      setValueKeepCaret(el, local);
      st.dirty = local !== saved;
      if (st.dirty) { storeDraft(el); schedule(el); } else dropDraft(key);
      setStatus(el, `${d.msgSaved} ${clock()}`, "text-success");
      if (body.approvals_cleared) showNotice(body.message);
    } else if (response.status === 409 && body.status === "conflict") {
      showConflict(el, body);
    } else if (response.status === 409 && body.status === "locked") {
      stopped = true;
      showNotice(body.error);
      root.querySelectorAll("[data-cell]").forEach((f) => { if (!isReadonly(f)) f.readOnly = true; });
    } else if (response.status >= 500 || response.status === 429) {
      retryLater(el, st);
    } else {
      // Refused (too long, gone, ...): the text stays in the field and in this browser.
      setStatus(el, body.error || d.msgError, "text-danger");
    }
    if (st.queued && !st.conflict) {
      const q = st.queued;
      st.queued = null;
      applyRemote(q.key, q.value, q.revision, q.by);
    }
  };

  const schedule = (el) => {
    const st = state(el.dataset.cell);
    st.dirty = true;
    storeDraft(el);
    clearTimeout(st.timer);
    st.timer = setTimeout(() => save(el), DELAY);
  };

  // --- the same characters changed by both: the second saver chooses, in the field ----------------
  const showConflict = (el, body) => {
    const key = el.dataset.cell;
    const st = state(key);
    st.conflict = true;
    clearTimeout(st.timer);
    // The field keeps my text (with the other person's other edits merged in).
    st.base = body.stored;
    el.dataset.revision = body.revision;
    setValueKeepCaret(el, body.mine);
    storeDraft(el);
    const wrap = wrapOf(el);
    wrap.querySelector(".lus-resolve")?.remove();
    const box = document.createElement("div");
    box.className = "lus-resolve border-start border-warning border-3 ps-2 mt-1 small";
    box.setAttribute("role", "status");
    const p = document.createElement("p");
    p.className = "mb-1";
    const parts = body.parts || [[body.theirs, body.mine]];
    const quote = (t) => `»${t || "–"}«`;
    p.textContent = d.msgOverlap
      .split("{name}").join(d.otherName || d.msgOther)
      .replace("{theirs}", parts.map((x) => quote(x[0])).join(", "))
      .replace("{mine}", parts.map((x) => quote(x[1])).join(", "));
    const button = (label, cls, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm me-2 " + cls;
      b.textContent = label;
      b.addEventListener("click", onClick);
      return b;
    };
    const done = (value) => {
      st.conflict = false;
      box.remove();
      // st.base / data-revision are what is saved now (kept current while choosing).
      setValueKeepCaret(el, value);
      st.dirty = value !== st.base;
      if (st.dirty) { storeDraft(el); save(el); } else { dropDraft(key); setStatus(el, ""); }
      el.focus();
    };
    box.append(
      p,
      button(d.msgKeepMine, "btn-primary", () => done(body.mine)),
      button(d.msgTakeTheirs, "btn-outline-primary", () => done(body.theirs)),
    );
    wrap.append(box);
    setStatus(el, "");
  };

  // --- the other person's changes -----------------------------------------------------------------
  const flash = (el, by) => {
    const who = by || d.otherName;
    setStatus(el, who ? d.msgUpdated.replace("{name}", who) : d.msgUpdatedAnon, "text-info-emphasis");
    el.classList.add("lus-updated");
    setTimeout(() => el.classList.remove("lus-updated"), 1500);
  };

  const applyRemote = (key, value, revision, by) => {
    const el = fieldOf(key);
    if (!el) return;
    const st = state(key);
    const local = Number(el.dataset.revision);
    if (revision <= local) return;
    if (isReadonly(el)) {
      setReadonlyText(el, value);
      el.dataset.revision = revision;
      flash(el, by);
      return;
    }
    if (st.inFlight) { st.queued = { key, value, revision, by }; return; }
    if (st.conflict) {
      // Still choosing: the choice is saved on top of the newest text.
      // (If that overlaps again, the choice's save is asked again, with the new words.)
      const m = window.lusMerge.merge(st.base ?? "", value, el.value);
      if (m.conflicts.length) return;
      st.base = value;
      el.dataset.revision = revision;
      setValueKeepCaret(el, m.mine);
      return;
    }
    const mine = el.value;
    const base = baseOf(el);
    if (mine === base) {
      st.base = value;
      el.dataset.revision = revision;
      setValueKeepCaret(el, value);
      flash(el, by);
      return;
    }
    // Unsent typing: merge the other person's change in; what overlaps stays mine and the next
    // save asks me (I am the second saver).
    const m = window.lusMerge.merge(base, value, mine);
    if (m.conflicts.length) {
      setStatus(el, d.msgOtherEditing.replace("{name}", by || d.otherName || d.msgOther), "text-warning-emphasis");
      return;
    }
    st.base = value;
    el.dataset.revision = revision;
    setValueKeepCaret(el, m.mine);
    st.dirty = m.mine !== value;
    if (st.dirty) storeDraft(el);
    flash(el, by);
  };

  const applyState = (data) => {
    for (const [key, [value, revision, by]] of Object.entries(data.cells || {})) applyRemote(key, value, revision, by);
    const panel = document.getElementById("plan-panel");
    if (panel && data.panel !== undefined && data.panel_sig !== panel.dataset.sig) {
      panel.innerHTML = data.panel;
      panel.dataset.sig = data.panel_sig;
    }
    if (data.status && root.dataset.status !== data.status) {
      // Agreed (locked) or reopened: reload, unless the user has unsaved text or is submitting a
      // form (e.g. their own approval) — a reload would abort that navigation and its confirmation.
      if (!unsent() && !leaving) window.location.reload();
      root.dataset.status = data.status;
    }
    const body = document.getElementById("plan-body");
    if (body && data.structure !== undefined && data.structure !== body.dataset.structure) refreshBody();
  };

  const refreshBody = async () => {
    const response = await fetch(d.bodyUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    const fresh = tpl.content.firstElementChild;
    const old = document.getElementById("plan-body");
    if (!fresh || !old) return;
    // Keep what the user is typing (and where) across the re-render.
    const focusedKey = document.activeElement?.dataset?.cell;
    for (const [key, st] of cells) {
      const before = fieldOf(key);
      const after = fresh.querySelector(`[data-cell="${CSS.escape(key)}"]`);
      if (!(st.dirty || st.conflict || st.inFlight || key === focusedKey)) {
        st.base = null;
        continue;
      }
      if (before && after) {
        after.value = before.value;
        after.dataset.revision = before.dataset.revision;
        const box = wrapOf(before)?.querySelector(".lus-resolve");
        if (box) wrapOf(after).append(box);
      }
    }
    old.replaceWith(fresh);
    bindStructureForms();
    if (focusedKey) fieldOf(focusedKey)?.focus();
  };

  let pollTimer = null;
  const poll = async () => {
    clearTimeout(pollTimer);
    if (stopped) return;
    try {
      const response = await fetch(d.stateUrl, { credentials: "same-origin", redirect: "manual" });
      if (response.ok) applyState(await response.json());
    } catch (e) { /* offline for a moment: try again */ }
    pollTimer = setTimeout(poll, streaming ? POLL_STREAMING_MS : POLL_MS);
  };

  // --- the event stream ---------------------------------------------------------------------------
  const presenceTimers = new Map();
  const presenceAt = new Map(); // person -> the field they are typing in
  const hidePresence = (key) => {
    const el = fieldOf(key);
    el && wrapOf(el)?.querySelector(".lus-presence")?.remove();
  };
  const showPresence = (key, by) => {
    const before = presenceAt.get(by);
    if (before && before !== key) hidePresence(before);
    presenceAt.set(by, key);
    if (!key) return;
    const el = fieldOf(key);
    const wrap = el && wrapOf(el);
    if (!wrap) return;
    let tag = wrap.querySelector(".lus-presence");
    if (!tag) {
      tag = document.createElement("span");
      tag.className = "lus-presence badge text-bg-light border ms-2";
      (wrap.querySelector("label") || wrap).append(tag);
    }
    tag.textContent = d.msgTyping.replace("{name}", by || d.otherName || d.msgOther);
    clearTimeout(presenceTimers.get(key));
    presenceTimers.set(key, setTimeout(() => tag.remove(), 4000));
  };
  const connect = () => {
    if (!d.streamUrl || !window.EventSource) return;
    const source = new EventSource(`${d.streamUrl}?after=${cursor}`);
    source.addEventListener("open", () => { streaming = true; });
    source.addEventListener("error", () => {
      streaming = false;
      if (source.readyState === EventSource.CLOSED) {
        // The server said no (or is gone): keep polling, and try the stream again later.
        setTimeout(connect, 5000);
      }
      poll();
    });
    source.addEventListener("cell", (ev) => {
      cursor = Math.max(cursor, Number(ev.lastEventId) || 0);
      const data = JSON.parse(ev.data);
      if (myTokens.has(data.token)) return;
      applyRemote(data.key, data.value, data.revision, data.mine ? "" : data.by);
    });
    source.addEventListener("presence", (ev) => {
      cursor = Math.max(cursor, Number(ev.lastEventId) || 0);
      const data = JSON.parse(ev.data);
      if (!data.mine) showPresence(data.key, data.by);
    });
    source.addEventListener("panel", (ev) => {
      cursor = Math.max(cursor, Number(ev.lastEventId) || 0);
      poll();
    });
  };

  let lastPresence = { key: "", at: 0 };
  const sendPresence = (key) => {
    if (!d.presenceUrl || stopped) return;
    const now = Date.now();
    if (key === lastPresence.key && now - lastPresence.at < PRESENCE_MS) return;
    lastPresence = { key, at: now };
    post(d.presenceUrl, { key }).catch(() => {});
  };

  // --- flush before leaving / structural changes ----------------------------------------------------
  const unsent = () => [...cells.values()].some((s) => s.dirty || s.conflict || s.inFlight);
  let leaving = false;
  document.addEventListener("submit", (ev) => {
    if (!ev.target.matches("form[data-structure-form]")) leaving = true;
  });
  const flush = async () => {
    const pending = [];
    for (const [key, st] of cells) {
      if (st.dirty && !st.conflict) {
        const el = fieldOf(key);
        if (el) pending.push(save(el));
      }
    }
    await Promise.all(pending);
  };

  const bindStructureForms = () => {
    root.querySelectorAll("form[data-structure-form]:not([data-bound])").forEach((form) => {
      form.dataset.bound = "1";
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        await flush();
        const data = Object.fromEntries(new FormData(form).entries());
        delete data.csrfmiddlewaretoken;
        const response = await post(form.getAttribute("action"), data);
        if (response.type === "opaqueredirect" || response.ok) await refreshBody();
      });
    });
  };

  document.querySelectorAll("form[data-flush]").forEach((form) => {
    form.addEventListener("submit", async (ev) => {
      const pending = [...cells.values()].some((s) => s.dirty && !s.conflict);
      if (!pending) return;
      ev.preventDefault();
      await flush();
      form.submit();
    });
  });

  root.addEventListener("input", (ev) => {
    const el = ev.target;
    if (!el.dataset || !el.dataset.cell || isReadonly(el)) return;
    baseOf(el);
    if (isText(el)) { schedule(el); sendPresence(el.dataset.cell); }
  });
  root.addEventListener("change", (ev) => {
    const el = ev.target;
    if (!el.dataset || !el.dataset.cell || isReadonly(el)) return;
    baseOf(el);
    state(el.dataset.cell).dirty = true;
    storeDraft(el);
    save(el);
  });
  root.addEventListener("focusout", (ev) => {
    const el = ev.target;
    if (!el.dataset || !el.dataset.cell) return;
    if (state(el.dataset.cell).dirty) save(el);
    if (lastPresence.key === el.dataset.cell) { lastPresence = { key: "", at: 0 }; post(d.presenceUrl, { key: "" }).catch(() => {}); }
  });
  window.addEventListener("online", () => {
    for (const [key, st] of cells) if (st.dirty && !st.inFlight) { const el = fieldOf(key); if (el) save(el); }
  });
  window.addEventListener("beforeunload", (ev) => {
    if (unsent()) { ev.preventDefault(); ev.returnValue = ""; }
  });

  bindStructureForms();
  restoreDrafts();
  connect();
  pollTimer = setTimeout(poll, POLL_MS);
})();
