// Polls an import's status and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var stages = { queued: "Waiting to start…", reading: "Reading and checking rows…",
                 writing: "Saving to your network…" };
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        document.getElementById("import-rows").textContent = s.rows_read.toLocaleString();
        var bar = document.getElementById("import-bar");
        if (s.rows_total) {
          document.getElementById("import-total").textContent = s.rows_total.toLocaleString();
          bar.max = s.rows_total;
          bar.value = Math.min(s.rows_read, s.rows_total);
        }
        if (s.status === "writing") { bar.removeAttribute("value"); }
        document.getElementById("import-stage").textContent = stages[s.status] || s.status;
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 700);
})();
