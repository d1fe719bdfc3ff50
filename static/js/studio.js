/* HR's framework studio: every field saves itself (one POST per field, with the object's
 * revision and the value the editor started from, so two editors never overwrite each other
 * unseen), structure changes re-render the editor, SortableJS and the move buttons order
 * sections and questions, and the preview frame shows the leader's form after each change. */
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

  function remember(root) {
    root.querySelectorAll("[data-field]").forEach((el) => {
      el.dataset.base = JSON.stringify(valueOf(el));
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
    });
  }

  async function save(el) {
    const row = el.closest("[data-pk]");
    if (!row || !document.body.contains(el)) return;
    const value = valueOf(el);
    if (JSON.stringify(value) === el.dataset.base) return;
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
      say(msg.msgOffline, true);
      return;
    }
    const { ok, status: code, body } = result;
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
    el.dataset.base = JSON.stringify(valueOf(el));
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
    say(`${msg.msgSaved} ${body.saved_at}`);
    refreshPreview();
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
    say(msg.msgUnsaved);
    schedule(el, el.type === "checkbox" || el.tagName === "SELECT" ? 0 : 800);
  });
  editor.addEventListener("change", (event) => {
    const el = event.target.closest("[data-field]");
    if (el) schedule(el, 0);
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
    try { result = await api(payload); } catch (e) { say(msg.msgOffline, true); return false; }
    if (!result.ok) { say(`${msg.msgError} ${result.body.error || ""}`, true); return false; }
    say(`${msg.msgMoved} ${msg.msgSaved} ${new Date().toTimeString().slice(0, 5)}`);
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
      if (!dirty && !pending) return;
      event.preventDefault();
      await flush();
      window.location.href = link.href;
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty || pending) { event.preventDefault(); event.returnValue = ""; }
  });
  if (yearInput) yearInput.addEventListener("change", refreshPreview);

  remember(editor);
  // Sortable.min.js is deferred too and loads first; the check keeps the page usable without it.
  sortables();
})();
