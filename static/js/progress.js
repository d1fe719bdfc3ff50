// The preparation's overview: answered questions per section and mandatory ones still open,
// updated as the leader answers (the server renders the same numbers; this only keeps them live).
(function () {
  "use strict";
  const form = document.getElementById("prep-form");
  const toc = document.getElementById("progress");
  if (!form || !toc) return;
  const fmt = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);

  // A phone shows the overview folded; a wide screen keeps it open beside the form.
  if (window.matchMedia("(max-width: " + (toc.dataset.collapseBelow - 1) + "px)").matches) {
    toc.open = false;
  }

  function answered(q) {
    const text = q.querySelector("textarea");
    if (text) return text.value.trim() !== "";
    const checked = q.querySelectorAll("input:checked").length;
    const pick = q.dataset.pick ? parseInt(q.dataset.pick, 10) : 0;
    return pick ? checked === pick : checked > 0;
  }

  function update() {
    let all = 0;
    let done = 0;
    form.querySelectorAll(".lus-prep-section").forEach(function (section) {
      const item = toc.querySelector('[data-toc-section="' + section.dataset.section + '"]');
      if (!item) return;
      const questions = section.querySelectorAll(".lus-question");
      // A section with only text to read has nothing to count (the server says so).
      if (!questions.length) return;
      let answeredHere = 0;
      let open = 0;
      questions.forEach(function (q) {
        const ok = answered(q);
        if (ok) answeredHere += 1;
        else if (q.hasAttribute("data-mandatory")) open += 1;
      });
      all += questions.length;
      done += answeredHere;
      item.querySelector("[data-toc-count]").textContent = fmt(toc.dataset.msgCount, {
        answered: answeredHere, total: questions.length,
      });
      const openEl = item.querySelector("[data-toc-open]");
      openEl.hidden = open === 0;
      openEl.textContent = fmt(open === 1 ? toc.dataset.msgOpenOne : toc.dataset.msgOpenMany, { n: open });
      item.classList.toggle("is-complete", answeredHere === questions.length && open === 0);
    });
    document.getElementById("progress-total").textContent = fmt(toc.dataset.msgTotal, {
      answered: done, total: all,
    });
    const meter = document.getElementById("progress-meter");
    meter.max = all || 1;
    meter.value = done;
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  // Answers given before this script ran raised no events.
  update();
})();
