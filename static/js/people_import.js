// HR's people import: a long file is checked, and then applied, by a task worker. Poll its
// status and show the progress; when the check (or the apply) is finished, reload the page,
// which then shows the summary (or what was written).
// (Without JavaScript the page's "Opdater" link does the same by hand.)
(function () {
  "use strict";
  const box = document.getElementById("import-check");
  if (!box) return;
  const message = document.getElementById("import-check-message");
  const bar = document.getElementById("import-check-progress");
  const url = box.dataset.statusUrl;
  let delay = 1000;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        message.textContent = status.message;
        bar.max = Math.max(status.rows_total, 1);
        bar.value = status.rows_done;
        bar.textContent = String(status.rows_done);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A hiccup (a restart, the network): try again, less often.
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
