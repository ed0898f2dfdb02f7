// Follows a background job (GET /api/v1/jobs/{id}) and reloads the page when it has ended.
// Markup: an element with data-job-progress="<job url>" holding [data-job-bar] (a <progress>),
// [data-job-done], [data-job-total], [data-job-stage] and [data-job-note]; labels for stages
// come from data-stage-<name> attributes. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-progress");
  function part(name) { return box.querySelector("[data-job-" + name + "]"); }
  function show(name, text) { var el = part(name); if (el) { el.textContent = text; } }
  function label(stage) { return box.getAttribute("data-stage-" + stage) || stage; }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.json();
      })
      .then(function (job) {
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
        var bar = part("bar");
        show("done", job.progress.toLocaleString());
        if (job.total) {
          show("total", job.total.toLocaleString());
          if (bar) { bar.max = job.total; bar.value = Math.min(job.progress, job.total); }
        }
        if (bar && job.stage === "writing") { bar.removeAttribute("value"); }
        show("stage", label(job.stage || job.status));
        show("note", job.error || "");
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();
