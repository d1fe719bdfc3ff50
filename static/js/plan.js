// Co-editing of the development plan, the section notes and the minutes (no inline scripts).
//
// Every field ([data-cell]) is saved on its own, with the revision it was based on
// (data-revision). The page polls the saved state every few seconds and updates the fields the
// user is not editing. A save based on an older revision comes back as a conflict with both
// versions; the user chooses: keep mine / take theirs / merge by editing. Nothing is discarded
// without the user seeing it.
(() => {
  const root = document.getElementById("coedit");
  if (!root) return;
  const POLL_MS = Number(root.dataset.poll || 3000);
  const DELAY = 700;
  const d = root.dataset;
  const csrf = () => root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const notice = document.getElementById("coedit-notice");
  // key -> {dirty, timer, inFlight, again, conflict}
  const cells = new Map();
  let stopped = false;

  const state = (key) => {
    if (!cells.has(key)) cells.set(key, { dirty: false, timer: null, inFlight: false, again: false, conflict: false });
    return cells.get(key);
  };
  const fieldOf = (key) => root.querySelector(`[data-cell="${CSS.escape(key)}"]`);
  const statusOf = (el) => el.closest("[data-cell-wrap]")?.querySelector(".lus-cell-status");
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
  const valueOf = (el) => el.value;

  const setReadonlyText = (el, value) => {
    el.replaceChildren();
    if (!value) {
      const dash = document.createElement("span");
      dash.className = "text-body-secondary";
      dash.textContent = "–";
      el.append(dash);
      return;
    }
    const lines = value.split("\n");
    lines.forEach((line, i) => {
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
  const save = async (el) => {
    const key = el.dataset.cell;
    const st = state(key);
    if (stopped || st.conflict) return;
    if (st.inFlight) { st.again = true; return; }
    clearTimeout(st.timer);
    st.inFlight = true;
    const sent = valueOf(el);
    setStatus(el, d.msgSaving);
    try {
      const response = await post(d.saveUrl, { key, revision: el.dataset.revision, value: sent });
      if (response.type === "opaqueredirect" || response.status === 401) {
        stopped = true;
        showNotice(d.msgExpired);
        return;
      }
      let body = {};
      try { body = await response.json(); } catch (e) { body = {}; }
      if (response.ok) {
        el.dataset.revision = body.revision;
        if (valueOf(el) === sent) st.dirty = false;
        const now = new Date();
        setStatus(el, `${d.msgSaved} ${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`, "text-success");
        if (body.approvals_cleared) showNotice(body.message);
      } else if (response.status === 409 && body.status === "conflict") {
        showConflict(el, body);
      } else if (response.status === 409 && body.status === "locked") {
        stopped = true;
        showNotice(body.error);
        root.querySelectorAll("[data-cell]").forEach((f) => { if (!isReadonly(f)) f.readOnly = true; });
      } else {
        setStatus(el, body.error || d.msgError, "text-danger");
      }
    } catch (e) {
      setStatus(el, d.msgError, "text-danger");
    } finally {
      st.inFlight = false;
      if (st.again) { st.again = false; if (st.dirty) save(el); }
    }
  };

  const schedule = (el) => {
    const st = state(el.dataset.cell);
    st.dirty = true;
    clearTimeout(st.timer);
    st.timer = setTimeout(() => save(el), DELAY);
  };

  // --- conflicts: both versions, the user chooses -------------------------------------------------
  const showConflict = (el, body) => {
    const key = el.dataset.cell;
    const st = state(key);
    st.conflict = true;
    clearTimeout(st.timer);
    const wrap = el.closest("[data-cell-wrap]");
    wrap.querySelector(".lus-conflict")?.remove();
    const box = document.createElement("div");
    box.className = "lus-conflict alert alert-warning mt-2";
    box.setAttribute("role", "alert");
    const intro = document.createElement("p");
    intro.className = "fw-semibold mb-2";
    intro.textContent = d.msgConflict;
    const versions = document.createElement("div");
    versions.className = "row g-2 mb-2";
    const version = (title, text, cls) => {
      const col = document.createElement("div");
      col.className = "col-md-6";
      const h = document.createElement("p");
      h.className = "small fw-semibold mb-1";
      h.textContent = title;
      const pre = document.createElement("div");
      pre.className = "lus-version border rounded p-2 bg-body " + cls;
      pre.textContent = text || "–";
      col.append(h, pre);
      return col;
    };
    versions.append(version(d.msgTheirs, body.theirs, "lus-theirs"), version(d.msgMine, body.mine, "lus-mine"));
    const buttons = document.createElement("div");
    buttons.className = "d-flex flex-wrap gap-2";
    const button = (label, cls, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm " + cls;
      b.textContent = label;
      b.addEventListener("click", onClick);
      return b;
    };
    const done = () => { st.conflict = false; box.remove(); };
    buttons.append(
      button(d.msgKeepMine, "btn-primary", () => {
        el.value = body.mine; el.dataset.revision = body.revision; done(); st.dirty = true; save(el);
      }),
      button(d.msgTakeTheirs, "btn-outline-primary", () => {
        el.value = body.theirs; el.dataset.revision = body.revision; done(); st.dirty = false;
        setStatus(el, "");
      }),
      button(d.msgMerge, "btn-outline-secondary", () => {
        el.value = body.theirs && body.mine ? `${body.theirs}\n${body.mine}` : (body.theirs || body.mine);
        el.dataset.revision = body.revision; done(); st.dirty = true;
        setStatus(el, d.msgMergeHint, "text-body-secondary");
        el.focus();
      }),
    );
    box.append(intro, versions, buttons);
    wrap.append(box);
    setStatus(el, "");
  };

  // --- polling: the other person's saved changes ----------------------------------------------------
  const applyState = (data) => {
    for (const [key, [value, revision, by]] of Object.entries(data.cells || {})) {
      const el = fieldOf(key);
      if (!el) continue;
      const st = state(key);
      const local = Number(el.dataset.revision);
      if (revision <= local) continue;
      const editing = document.activeElement === el || st.dirty || st.inFlight || st.conflict;
      if (editing) {
        if (!st.conflict) setStatus(el, d.msgOtherEditing.replace("{name}", by || d.msgOther), "text-warning-emphasis");
        continue;
      }
      if (isReadonly(el)) setReadonlyText(el, value);
      else el.value = value;
      el.dataset.revision = revision;
      setStatus(el, by ? d.msgUpdated.replace("{name}", by) : d.msgUpdatedAnon, "text-info-emphasis");
      el.classList.add("lus-updated");
      setTimeout(() => el.classList.remove("lus-updated"), 1500);
    }
    const panel = document.getElementById("plan-panel");
    if (panel && data.panel_sig !== panel.dataset.sig) {
      panel.innerHTML = data.panel;
      panel.dataset.sig = data.panel_sig;
    }
    if (root.dataset.status !== data.status) {
      // Agreed (locked) or reopened: reload, unless the user has unsaved text.
      const unsaved = [...cells.values()].some((s) => s.dirty || s.conflict);
      if (!unsaved) window.location.reload();
      root.dataset.status = data.status;
    }
    const body = document.getElementById("plan-body");
    if (body && data.structure !== body.dataset.structure) refreshBody();
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
      if (!(st.dirty || st.conflict || key === focusedKey)) continue;
      const before = fieldOf(key);
      const after = fresh.querySelector(`[data-cell="${CSS.escape(key)}"]`);
      if (before && after) {
        after.value = before.value;
        after.dataset.revision = before.dataset.revision;
        const box = before.closest("[data-cell-wrap]")?.querySelector(".lus-conflict");
        if (box) after.closest("[data-cell-wrap]").append(box);
      }
    }
    old.replaceWith(fresh);
    bindStructureForms();
    if (focusedKey) fieldOf(focusedKey)?.focus();
  };

  const poll = async () => {
    if (stopped) return;
    try {
      const response = await fetch(d.stateUrl, { credentials: "same-origin", redirect: "manual" });
      if (response.ok) applyState(await response.json());
    } catch (e) { /* offline for a moment: try again */ }
    setTimeout(poll, POLL_MS);
  };

  // --- flush before leaving / structural changes ----------------------------------------------------
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
    schedule(el);
  });
  root.addEventListener("change", (ev) => {
    const el = ev.target;
    if (!el.dataset || !el.dataset.cell || isReadonly(el)) return;
    state(el.dataset.cell).dirty = true;
    save(el);
  });
  root.addEventListener("focusout", (ev) => {
    const el = ev.target;
    if (el.dataset && el.dataset.cell && state(el.dataset.cell).dirty) save(el);
  });
  window.addEventListener("beforeunload", (ev) => {
    if ([...cells.values()].some((s) => s.dirty || s.conflict)) { ev.preventDefault(); ev.returnValue = ""; }
  });

  bindStructureForms();
  setTimeout(poll, POLL_MS);
})();
