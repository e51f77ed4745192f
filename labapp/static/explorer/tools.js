// Log explorer / pattern tester / alarm pages: small progressive enhancements (the pages work without JS).
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest(".tw-toggle");
    if (!btn) return;
    var row = document.getElementById(btn.getAttribute("aria-controls"));
    if (!row) return;
    var open = btn.getAttribute("aria-expanded") === "true";
    btn.setAttribute("aria-expanded", open ? "false" : "true");
    btn.textContent = open ? "▸" : "▾";
    row.hidden = open;
  });
  // Ctrl/Cmd+Enter in a query box runs it
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && ev.target.matches("textarea.tw-code")) {
      ev.preventDefault();
      if (ev.target.form) ev.target.form.requestSubmit();
    }
  });
  // switching the explorer's language clears a query written for the other one
  var form = document.getElementById("explorer-form");
  if (form) {
    form.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        var q = document.getElementById("q");
        if (radio.value === "pattern") { q.value = ""; q.rows = 2; }
        else { q.value = "fields @timestamp, @message\n| sort @timestamp desc\n| limit 20"; q.rows = 6; }
        q.focus();
      });
    });
  }
})();
