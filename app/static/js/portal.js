/* Supplier portal: show and hide conditional questions as answers change.
 *
 * The server is the authority (questionnaires.logic.is_visible): without this script a saved
 * section comes back with the questions its answers reveal. With it, each question's
 * data-show-if (the template's condition) is evaluated here the same way, in template order:
 * a condition on a hidden question is false, so what depends on it hides too. A hidden
 * question's fieldset is disabled, so its inputs are not sent.
 */
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var context = {visible: [], answers: {}};
  try { context = JSON.parse(form.getAttribute("data-context") || "{}"); } catch (e) { /* keep the default */ }
  var blocks = Array.prototype.slice.call(form.querySelectorAll("fieldset.question[data-code]"));
  var NUMBER = /^[+-]?(?:\d{1,3}([, \u00a0\u202f])\d{3}(?:\1\d{3})*|\d+)(?:\.\d+)?$/;

  function answered(v) { return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0); }

  function valueOf(block) {
    var type = block.getAttribute("data-type");
    var code = block.getAttribute("data-code");
    var inputs = block.querySelectorAll("[name='" + code + "']");
    if (type === "multi_choice") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (type === "yes_no" || (type === "choice" && inputs.length && inputs[0].type === "radio")) {
      var picked = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0];
      if (!picked) { return null; }
      return type === "yes_no" ? picked.value === "yes" : picked.value;
    }
    var raw = inputs.length ? inputs[0].value.trim() : "";
    if (raw === "") { return null; }
    if (type === "number" || type === "money") {
      if (!NUMBER.test(raw)) { return null; }
      return parseFloat(raw.replace(/[, \u00a0\u202f]/g, ""));
    }
    return raw;
  }

  function holds(cond, answers, visible) {
    if (cond.op === "all") { return cond.parts.every(function (p) { return holds(p, answers, visible); }); }
    if (cond.op === "any") { return cond.parts.some(function (p) { return holds(p, answers, visible); }); }
    if (!visible[cond.q]) { return false; }
    var value = answers[cond.q];
    if (cond.op === "answered") { return answered(value) === cond.v; }
    if (!answered(value)) { return false; }
    switch (cond.op) {
      case "equals": return value === cond.v;
      case "in": return typeof value === "string" && cond.v.indexOf(value) >= 0;
      case "any_of": return Array.isArray(value) && value.some(function (v) { return cond.v.indexOf(v) >= 0; });
      case "above": return typeof value === "number" && value > cond.v;
      case "at_least": return typeof value === "number" && value >= cond.v;
      case "below": return typeof value === "number" && value < cond.v;
      case "at_most": return typeof value === "number" && value <= cond.v;
    }
    return false;
  }

  function refresh() {
    var visible = {};
    var answers = {};
    (context.visible || []).forEach(function (code) { visible[code] = true; });
    Object.keys(context.answers || {}).forEach(function (code) { answers[code] = context.answers[code]; });
    blocks.forEach(function (block) {
      var code = block.getAttribute("data-code");
      var rule = block.getAttribute("data-show-if");
      var show = true;
      if (rule) {
        try { show = holds(JSON.parse(rule), answers, visible); } catch (e) { show = !block.hidden; }
      }
      block.hidden = !show;
      block.disabled = !show;
      if (show) {
        visible[code] = true;
        answers[code] = valueOf(block);
      }
    });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
