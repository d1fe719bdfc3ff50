/* HR's framework studio: every field saves itself (one POST per field, with the object's
 * revision and the value the editor started from, so two editors never overwrite each other
 * unseen), structure changes re-render the editor, SortableJS and the move buttons order
 * sections and questions, and the preview frame shows the leader's form after each change.
 * As careful as the leader's preparation: what is not confirmed saved is kept in this browser
 * (localStorage, restored on the next visit), retried until the server has it, shown as "not
 * saved yet", and leaving the page warns. */
(function () {
  "use strict";
  const page = document.querySelector(".studio-page");
  if (!page) return;
  const editor = document.getElementById("studio-editor");
  const status = document.getElementById("studio-status");
  const frame = document.getElementById("studio-preview-frame");
  const yearInput = document.getElementById("preview-year");
  const csrf = page.querySelector("input[name=csrfmiddlewaretoken]").value;
  const msg = page.dataset;
  const queues = new Map(); // "kind:pk" -> promise chain (saves of one object in order)
  const timers = new Map();
  let pending = 0;
  let dirty = 0;
  // Field id -> {value, base}: typed but not confirmed saved (kept in this browser).
  const backup = new Map();
  const failed = new Set(); // ids of fields whose save did not reach the server
  const failedOrders = new Set(); // lists ("section" or "question:<section pk>") not saved
  const storeKey = `lus-studio:${msg.api}`;
  let retryTimer = null;
  let retryDelay = 2000;

  function storeBackup() {
    try {
      if (backup.size) localStorage.setItem(storeKey, JSON.stringify([...backup.entries()]));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* storage full or disabled: the page still keeps and retries the value */ }
  }

  function keep(el) {
    if (!el.id || el.dataset.base === undefined) return;
    backup.set(el.id, { value: valueOf(el), base: JSON.parse(el.dataset.base) });
    storeBackup();
  }

  function release(el) {
    failed.delete(el.id);
    fieldNote(el, "studio-field-unsaved", null);
    if (backup.delete(el.id)) storeBackup();
  }

  function unsavedCount() {
    return dirty + pending + backup.size + failedOrders.size;
  }

  /** A save did not reach the server: keep the value, say so at the field, try again. */
  function notSaved(el) {
    keep(el);
    failed.add(el.id);
    fieldNote(el, "studio-field-unsaved", [msg.msgNotSaved]);
    say(msg.msgOffline, true);
    retryLater();
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function orderKey(list) {
    return list.dataset.list === "question" ? `question:${list.dataset.section}` : "section";
  }

  function listOf(key) {
    if (key === "section") return editor.querySelector(".studio-sections");
    return editor.querySelector(`.studio-questions[data-section="${key.split(":")[1]}"]`);
  }

  function retry() {
    clearTimeout(retryTimer);
    const ids = [...failed];
    failed.clear();
    ids.forEach((id) => {
      const el = document.getElementById(id);
      if (el) queueSave(el);
    });
    [...failedOrders].forEach((key) => {
      const list = listOf(key);
      if (list) saveOrder(list); else failedOrders.delete(key);
    });
  }

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  async function api(payload) {
    const response = await fetch(msg.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify(payload),
    });
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    return { ok: response.ok, status: response.status, body };
  }

  function valueOf(el) {
    if (el.type === "checkbox") return el.checked;
    return el.value;
  }

  /** The value the server sent, whatever was typed before this script ran. */
  function servedValueOf(el) {
    if (el.type === "checkbox") return el.defaultChecked;
    if (el.tagName === "SELECT") {
      let served = el.options.length ? el.options[0].value : "";
      [...el.options].forEach((o) => { if (o.defaultSelected) served = o.value; });
      return served;
    }
    return el.defaultValue;
  }

  function remember(root) {
    root.querySelectorAll("[data-field]").forEach((el) => {
      el.dataset.base = JSON.stringify(servedValueOf(el));
    });
  }

  let previewTimer = null;
  function refreshPreview() {
    if (!frame) return;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => {
      const year = parseInt(yearInput.value, 10) || "";
      frame.src = `${frame.dataset.src}?year=${year}`;
    }, 300);
  }

  function fieldNote(el, cls, html) {
    if (!el.parentElement) return null; // re-rendered meanwhile
    const old = el.parentElement.querySelector(`.${cls}`);
    if (old) old.remove();
    if (html === null) return null;
    const note = document.createElement("div");
    note.className = cls;
    note.id = `${el.id}-${cls}`;
    note.append(...html);
    el.parentElement.append(note);
    return note;
  }

  function clearError(el) {
    fieldNote(el, "studio-field-error", null);
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((i) => i && !i.endsWith("-studio-field-error"));
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
  }

  function showError(el, text) {
    const note = fieldNote(el, "studio-field-error", [text]);
    if (!note) return;
    el.setAttribute("aria-invalid", "true");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    ids.push(note.id);
    el.setAttribute("aria-describedby", ids.join(" "));
  }

  function showConflict(el, row, body) {
    const quote = document.createElement("blockquote");
    quote.textContent = body.theirs === null || body.theirs === "" ? "–" : String(body.theirs);
    const keep = document.createElement("button");
    keep.type = "button"; keep.className = "button"; keep.textContent = msg.msgKeepMine;
    const take = document.createElement("button");
    take.type = "button"; take.className = "button"; take.textContent = msg.msgTakeTheirs;
    const note = fieldNote(el, "studio-conflict", [msg.msgConflict, quote, keep, " ", take]);
    if (!note) return;
    note.setAttribute("role", "alert");
    keep.addEventListener("click", () => {
      el.dataset.base = JSON.stringify(body.theirs);
      row.dataset.revision = body.revision;
      fieldNote(el, "studio-conflict", null);
      queueSave(el);
    });
    take.addEventListener("click", () => {
      if (el.type === "checkbox") el.checked = Boolean(body.theirs); else el.value = body.theirs ?? "";
      el.dataset.base = JSON.stringify(body.theirs);
      row.dataset.revision = body.revision;
      fieldNote(el, "studio-conflict", null);
      release(el);
    });
  }

  async function save(el) {
    const row = el.closest("[data-pk]");
    if (!row || !document.body.contains(el)) return;
    const value = valueOf(el);
    if (JSON.stringify(value) === el.dataset.base) {
      release(el);
      return;
    }
    say(msg.msgSaving);
    let result;
    try {
      result = await api({
        op: "save",
        kind: row.dataset.kind,
        pk: row.dataset.pk,
        field: el.dataset.field,
        value,
        base: JSON.parse(el.dataset.base),
        revision: parseInt(row.dataset.revision, 10),
      });
    } catch (e) {
      notSaved(el);
      return;
    }
    const { ok, status: code, body } = result;
    if (code >= 500 || code === 0) {
      // The server or a proxy in front of it is away: like no connection.
      notSaved(el);
      return;
    }
    retryDelay = 2000;
    if (code === 409) {
      showConflict(el, row, body);
      say(msg.msgConflict, true);
      return;
    }
    if (!ok) {
      const text = (body.fields && Object.values(body.fields).flat().join(" ")) || body.error || msg.msgOffline;
      showError(el, text);
      say(`${msg.msgError} ${text}`, true);
      return;
    }
    clearError(el);
    row.dataset.revision = body.revision;
    if (JSON.stringify(valueOf(el)) === JSON.stringify(value)) release(el);
    else keep(el); // typed on while the save was on its way: still unsaved
    el.dataset.base = JSON.stringify(value);
    if (body.html) {
      const focusId = el.id;
      const typed = unsaved(row);
      row.outerHTML = body.html;
      const fresh = document.getElementById(row.id);
      remember(fresh);
      carryOver(typed);
      const again = document.getElementById(focusId);
      if (again) again.focus();
    } else if (el.dataset.field === "text") {
      const title = document.getElementById(`${row.id}-title`);
      if (title && body.value) title.textContent = body.value.length > 90 ? `${body.value.slice(0, 89)}…` : body.value;
    } else if (el.dataset.field === "title") {
      const heading = document.getElementById(`${row.id}-heading`);
      if (heading && body.value) heading.firstChild.textContent = body.value;
    } else if (body.editor_html) {
      replaceEditor(body.editor_html, el.id);
    }
    sayState(`${msg.msgSaved} ${body.saved_at}`);
    refreshPreview();
  }

  /** "Saved" only when nothing typed is waiting or failed. */
  function sayState(saved) {
    if (failed.size || failedOrders.size) say(msg.msgOffline, true);
    else if (dirty || timers.size) say(msg.msgUnsaved);
    else say(saved);
  }

  function queueSave(el) {
    const row = el.closest("[data-pk]");
    const key = `${row.dataset.kind}:${row.dataset.pk}`;
    pending += 1;
    const next = (queues.get(key) || Promise.resolve())
      .then(() => save(el))
      .finally(() => { pending -= 1; });
    queues.set(key, next);
    return next;
  }

  function schedule(el, delay) {
    clearTimeout(timers.get(el));
    dirty += timers.has(el) ? 0 : 1;
    timers.set(el, setTimeout(() => {
      timers.delete(el);
      dirty -= 1;
      queueSave(el);
    }, delay));
  }

  /** Save everything typed so far; resolves when all saves are answered. */
  async function flush() {
    for (const [el, timer] of timers) {
      clearTimeout(timer);
      timers.delete(el);
      dirty -= 1;
      queueSave(el);
    }
    await Promise.all([...queues.values()]);
  }

  editor.addEventListener("input", (event) => {
    const el = event.target.closest("[data-field]");
    if (!el) return;
    keep(el);
    say(msg.msgUnsaved, failed.size > 0);
    schedule(el, el.type === "checkbox" || el.tagName === "SELECT" ? 0 : 800);
  });
  editor.addEventListener("change", (event) => {
    const el = event.target.closest("[data-field]");
    if (!el) return;
    keep(el);
    schedule(el, 0);
  });

  /** Fields typed into while a re-render was on its way: their text, by element id. */
  function unsaved(root) {
    const out = new Map();
    root.querySelectorAll("[data-field]").forEach((el) => {
      if (JSON.stringify(valueOf(el)) !== el.dataset.base) out.set(el.id, valueOf(el));
    });
    return out;
  }

  /** Put such text back into the fresh fields and save it, so a re-render never loses words. */
  function carryOver(values) {
    values.forEach((value, id) => {
      const el = document.getElementById(id);
      if (!el) return;
      if (el.type === "checkbox") el.checked = value; else el.value = value;
      schedule(el, 0);
    });
  }

  function replaceEditor(html, focusId) {
    const typed = unsaved(editor);
    editor.innerHTML = html;
    remember(editor);
    carryOver(typed);
    sortables();
    const target = focusId && document.getElementById(focusId);
    if (target) target.focus();
  }

  async function restructure(payload) {
    await flush();
    say(msg.msgSaving);
    let result;
    try { result = await api(payload); } catch (e) { say(msg.msgOffline, true); return; }
    if (!result.ok) { say(`${msg.msgError} ${result.body.error || ""}`, true); return; }
    if (result.body.html) replaceEditor(result.body.html, result.body.focus);
    say(`${msg.msgSaved} ${new Date().toTimeString().slice(0, 5)}`);
    refreshPreview();
  }

  async function saveOrder(list) {
    await flush();
    const kind = list.dataset.list;
    const ids = [...list.children].filter((li) => li.dataset.pk).map((li) => parseInt(li.dataset.pk, 10));
    const payload = { op: "reorder", kind, ids };
    if (kind === "question") payload.section = list.dataset.section;
    say(msg.msgSaving);
    let result;
    try { result = await api(payload); } catch (e) { result = { status: 0 }; }
    if (result.status >= 500 || result.status === 0) {
      // The new order is on the page but not on the server: kept and tried again.
      failedOrders.add(orderKey(list));
      say(msg.msgOffline, true);
      retryLater();
      return false;
    }
    failedOrders.delete(orderKey(list));
    if (!result.ok) { say(`${msg.msgError} ${result.body.error || ""}`, true); return false; }
    retryDelay = 2000;
    sayState(`${msg.msgMoved} ${msg.msgSaved} ${new Date().toTimeString().slice(0, 5)}`);
    refreshPreview();
    return true;
  }

  editor.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-op]");
    if (!button) return;
    const op = button.dataset.op;
    const row = button.closest("[data-pk]");
    if (op === "move") {
      const dir = parseInt(button.dataset.dir, 10);
      const sibling = dir < 0 ? row.previousElementSibling : row.nextElementSibling;
      if (!sibling) return;
      if (dir < 0) sibling.before(row); else sibling.after(row);
      button.focus();
      await saveOrder(row.parentElement);
    } else if (op === "delete") {
      if (!window.confirm(msg.msgConfirmDelete)) return;
      await restructure({ op: "delete", kind: row.dataset.kind, pk: row.dataset.pk });
    } else if (op === "duplicate") {
      await restructure({ op: "duplicate", pk: row.dataset.pk });
    } else if (op === "add_question") {
      await restructure({ op: "add_question", section: button.dataset.section });
    } else if (op === "add_section") {
      await restructure({ op: "add_section", kind: button.dataset.sectionKind });
    }
  });

  const copyButton = page.querySelector("button[data-op=copy]");
  if (copyButton) {
    copyButton.addEventListener("click", () => restructure({
      op: "copy",
      question: document.getElementById("bank-question").value,
      section: document.getElementById("bank-section").value,
    }));
  }

  function sortables() {
    if (!window.Sortable) return;
    const sections = editor.querySelector(".studio-sections");
    if (sections && !sections.dataset.sortable) {
      sections.dataset.sortable = "1";
      window.Sortable.create(sections, {
        handle: ".studio-section-handle", animation: 150, onEnd: () => saveOrder(sections),
      });
    }
    editor.querySelectorAll(".studio-questions").forEach((list) => {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      window.Sortable.create(list, {
        group: "questions",
        handle: ".studio-handle",
        animation: 150,
        onEnd: async (event) => {
          if (await saveOrder(event.to) && event.from !== event.to) await saveOrder(event.from);
        },
      });
    });
  }

  page.querySelectorAll("a[data-flush]").forEach((link) => {
    link.addEventListener("click", async (event) => {
      if (!unsavedCount()) return;
      event.preventDefault();
      await flush();
      // Still not saved (no connection): stay, so nothing typed is left behind.
      if (failed.size || failedOrders.size) return;
      window.location.href = link.href;
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsavedCount()) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("online", retry);
  if (yearInput) yearInput.addEventListener("change", refreshPreview);

  remember(editor);
  restoreBackup();
  saveEarlyChanges();
  /** Fields changed before this script ran (a slow connection, or the browser restoring the
   * form on "back") raised no events: saved now, like any other change. */
  function saveEarlyChanges() {
    editor.querySelectorAll("[data-field]").forEach((el) => {
      if (backup.has(el.id) || el.dataset.base === undefined) return;
      if (JSON.stringify(valueOf(el)) === el.dataset.base) return;
      keep(el);
      say(msg.msgUnsaved);
      schedule(el, 0);
    });
  }
  /** Values typed on this version in this browser that never reached the server (the tab
   * was closed offline, the machine crashed): back into their fields, and saved. */
  function restoreBackup() {
    let entries = [];
    try { entries = JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { entries = []; }
    if (!Array.isArray(entries)) return;
    let restored = 0;
    entries.forEach(([id, entry]) => {
      const el = document.getElementById(id);
      const row = el && el.closest("[data-pk]");
      if (!row || !entry) return;
      const current = valueOf(el);
      if (JSON.stringify(current) === JSON.stringify(entry.value)) return; // saved after all
      restored += 1;
      if (el.type === "checkbox") el.checked = Boolean(entry.value); else el.value = entry.value;
      if (JSON.stringify(current) === JSON.stringify(entry.base)) {
        keep(el);
        schedule(el, 0);
      } else {
        // Someone changed the field meanwhile: HR chooses, as with any conflict.
        el.dataset.base = JSON.stringify(entry.base);
        keep(el);
        showConflict(el, row, { theirs: current, revision: row.dataset.revision });
      }
    });
    if (restored) say(msg.msgRestored);
    else storeBackup(); // nothing left to restore
  }

  // Sortable.min.js is deferred too and loads first; the check keeps the page usable without it.
  sortables();
})();
