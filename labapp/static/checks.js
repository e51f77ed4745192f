// Live step checks: fetch the lab's checks.json, paint ✓/✗ on each step, repeat while the page is visible.
(function () {
  "use strict";
  var button = document.getElementById("run-checks");
  if (!button) { return; }
  var url = button.dataset.url;
  var poll = parseInt(button.dataset.poll || "0", 10);
  var stamp = document.getElementById("checked-at");
  var busy = false;
  var SYMBOL = { pass: "✓", fail: "✗", unavailable: "!" };
  var WORDS = { pass: " done", fail: " not yet", unavailable: " cannot check" };

  function paint(el, status) {
    el.className = "status status-" + status;
    el.textContent = SYMBOL[status] || "?";
    var sr = document.createElement("span");
    sr.className = "sr";
    sr.textContent = WORDS[status] || " not checked";
    el.appendChild(sr);
  }

  function apply(data) {
    Object.keys(data.steps).forEach(function (id) {
      var r = data.steps[id];
      var section = document.querySelector('[data-step="' + id + '"]');
      if (section) {
        paint(section.querySelector("[data-status]"), r.status);
        section.querySelector("[data-message]").textContent = r.message;
        var hint = section.querySelector("[data-hint]");
        hint.textContent = r.hint ? "Hint: " + r.hint : "";
        hint.hidden = !r.hint || r.status === "pass";
      }
      var side = document.querySelector('[data-side-step="' + id + '"] .status');
      if (side) { paint(side, r.status); }
    });
    stamp.textContent = "Last checked " + data.checked_at.replace("T", " ").replace("Z", " UTC") +
      (poll > 0 ? "; again in " + poll + " s." : ".");
  }

  function run() {
    if (busy) { return; }
    busy = true;
    button.disabled = true;
    button.textContent = "Checking…";
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(apply)
      .catch(function (e) { stamp.textContent = "Could not run the checks (" + e.message + ")."; })
      .finally(function () { busy = false; button.disabled = false; button.textContent = "Check now"; });
  }

  button.addEventListener("click", run);
  run();
  if (poll > 0) {
    setInterval(function () { if (document.visibilityState === "visible") { run(); } }, poll * 1000);
  }
})();
