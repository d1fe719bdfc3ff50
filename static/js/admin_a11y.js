/* Accessible names that Django's admin widgets leave out (axe, WCAG 4.1.2):
 * - the autocomplete (Select2) combobox is named by the field's own label;
 * - the filter widget's search icons carry an aria-label, which needs a role;
 * - controls in a tabular inline's cells (e.g. "Delete?") are named by their column heading. */
(function () {
  "use strict";
  let n = 0;
  function fix() {
    document.querySelectorAll(".select2-selection[role=combobox]:not([data-lus-named])").forEach((el) => {
      const container = el.closest(".select2-container");
      const select = container && container.previousElementSibling;
      const label = select && select.id && document.querySelector(`label[for="${select.id}"]`);
      if (!label) return;
      if (!label.id) { n += 1; label.id = `lus-label-${select.id || n}`; }
      const rendered = el.getAttribute("aria-labelledby");
      el.setAttribute("aria-labelledby", rendered ? `${label.id} ${rendered}` : label.id);
      const text = rendered && document.getElementById(rendered);
      if (text) text.setAttribute("aria-labelledby", label.id);
      el.dataset.lusNamed = "1";
    });
    document.querySelectorAll(".tabular td input:not([type=hidden]):not([aria-label]), .tabular td select:not([aria-label])").forEach((el) => {
      if (el.id && document.querySelector(`label[for="${el.id}"]`)) return;
      const cell = el.closest("td");
      const table = cell.closest("table");
      const heading = table && table.querySelectorAll("thead th")[cell.cellIndex];
      const name = heading && heading.textContent.trim();
      if (name) el.setAttribute("aria-label", name);
    });
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((el) => {
      el.setAttribute("role", "img");
    });
  }
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", fix);
})();
