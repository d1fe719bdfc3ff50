// Preparation form: autosave while typing, a copy of the draft in this browser (survives an
// expired session or a crash), a warning before leaving with unsaved changes, live keyword count.
(() => {
  const form = document.getElementById("prep-form");
  if (!form) return;
  const status = document.getElementById("save-status");
  const revision = form.querySelector("input[name=revision]");
  const key = form.dataset.draftKey;
  const DELAY = 1200;
  let dirty = false;
  let timer = null;
  let inFlight = false;
  let again = false;
  let stopped = false;
  let changeSeq = 0;

  const setStatus = (text) => { if (status) status.textContent = text; };
  const fields = () => [...new FormData(form).entries()].filter(([k]) => k !== "csrfmiddlewaretoken");
  const snapshot = () => JSON.stringify(fields());

  const storeDraft = () => {
    try {
      localStorage.setItem(key, JSON.stringify({ revision: revision.value, fields: fields(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: autosave still works */ }
  };
  const clearDraft = () => { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } };

  const applyFields = (entries) => {
    const values = {};
    for (const [k, v] of entries) (values[k] = values[k] || []).push(v);
    for (const el of form.elements) {
      if (!el.name || !el.name.match(/^(q|eval)-/)) continue;
      const vals = values[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") el.checked = vals.includes(el.value);
      else if (vals.length) el.value = vals[0];
      else if (el.tagName === "TEXTAREA") el.value = "";
    }
  };

  const updateCounts = () => {
    for (const fs of form.querySelectorAll("fieldset[data-pick]")) {
      const pick = fs.dataset.pick;
      const chosen = fs.querySelectorAll("input[type=checkbox]:checked").length;
      const out = fs.querySelector(".lus-keyword-count");
      if (out) {
        out.textContent = form.dataset.msgCount.replace("{chosen}", chosen).replace("{pick}", pick);
        out.classList.toggle("text-danger", chosen > Number(pick));
      }
    }
  };

  const showBanner = (html, cls) => {
    let banner = document.getElementById("autosave-banner");
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "autosave-banner";
      banner.setAttribute("role", "alert");
      form.parentNode.insertBefore(banner, form);
    }
    banner.className = "alert " + cls;
    banner.replaceChildren();
    banner.append(...html);
  };

  const save = async () => {
    if (stopped) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    const seq = changeSeq;
    setStatus(form.dataset.msgSaving);
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-LUS-Autosave": "1", "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value },
        credentials: "same-origin",
        redirect: "manual",
      });
      let body = {};
      try { body = await response.json(); } catch (e) { body = {}; }
      if (response.ok || response.status === 422) {
        revision.value = body.revision;
        const n = Object.keys(body.errors || {}).length;
        if (seq === changeSeq) {
          dirty = false;
          clearDraft();
          setStatus(`${form.dataset.msgSaved} ${body.saved_at}` + (n ? ` – ${body.errors[Object.keys(body.errors)[0]][0]}` : ""));
        } else {
          // Changed while this save was on its way: the next save is already scheduled, so
          // "saved" would claim too much.
          storeDraft();
          setStatus(form.dataset.msgUnsaved);
        }
      } else if (response.status === 409 && body.conflict) {
        stopped = true;
        const button = document.createElement("button");
        button.type = "submit";
        button.className = "btn btn-sm btn-warning ms-2";
        button.textContent = form.querySelector("button[type=submit]").textContent;
        button.setAttribute("form", form.id);
        button.addEventListener("click", () => { dirty = false; });
        const text = document.createElement("span");
        text.textContent = body.error;
        showBanner([text, button], "alert-warning");
        setStatus(form.dataset.msgError);
      } else if (response.status === 401 || response.type === "opaqueredirect" || response.status === 403) {
        stopped = true;
        const link = document.createElement("a");
        link.href = form.dataset.loginUrl;
        link.className = "alert-link ms-1";
        link.textContent = "→";
        const text = document.createElement("span");
        text.textContent = body.error || form.dataset.msgError;
        showBanner([text, link], "alert-warning");
        setStatus(form.dataset.msgError);
      } else {
        setStatus(body.error || form.dataset.msgError);
      }
    } catch (e) {
      setStatus(form.dataset.msgError);
    } finally {
      inFlight = false;
      if (again) { again = false; schedule(); }
    }
  };

  const schedule = () => { clearTimeout(timer); timer = setTimeout(save, DELAY); };

  const changed = () => {
    dirty = true;
    changeSeq += 1;
    storeDraft();
    updateCounts();
    if (!stopped) { setStatus(form.dataset.msgUnsaved); schedule(); }
  };

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { dirty = false; clearTimeout(timer); });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // A share while something is unsaved: save first, then share.
  const shareButton = document.getElementById("share-button");
  if (shareButton) {
    shareButton.form.addEventListener("submit", async (event) => {
      if (!dirty) return;
      event.preventDefault();
      clearTimeout(timer);
      await save();
      if (!dirty) shareButton.form.submit();
    });
  }

  // The option a select shows before anyone touches it: the last one marked selected, else the first.
  const defaultIndex = (select) => {
    let index = select.options.length ? 0 : -1;
    [...select.options].forEach((o, i) => { if (o.defaultSelected) index = i; });
    return index;
  };
  // Answers given before this script ran (a slow connection, or the browser restoring the form
  // on "back") raised no events: without this they would be neither saved nor kept as a draft.
  const answeredBeforeScript = [...form.elements].some((el) => {
    if (!el.name || !el.name.match(/^(q|eval)-/)) return false;
    if (el.type === "radio" || el.type === "checkbox") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return el.selectedIndex !== defaultIndex(el);
    return el.value !== el.defaultValue;
  });

  // Restore a draft this browser kept (e.g. the session expired, or the tab was closed).
  const params = new URLSearchParams(window.location.search);
  if (params.has("saved")) clearDraft();
  let draft = null;
  try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
  if (answeredBeforeScript) {
    // What is on the screen is newer than any draft kept earlier.
    changed();
  } else if (draft && Array.isArray(draft.fields)) {
    const before = snapshot();
    applyFields(draft.fields);
    if (snapshot() !== before) {
      // Based on the revision the draft was typed on, so a newer save elsewhere is a conflict.
      revision.value = draft.revision;
      dirty = true;
      const text = document.createElement("span");
      text.textContent = form.dataset.msgRestored;
      showBanner([text], "alert-info");
      setStatus(form.dataset.msgUnsaved);
      schedule();
    } else {
      clearDraft();
    }
  }
  updateCounts();
})();
