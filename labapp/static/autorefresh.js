// Reload the page every data-seconds while it is visible, unless the user is editing a form on it.
(function () {
  "use strict";
  var seconds = parseInt(document.currentScript.dataset.seconds || "30", 10);
  var edited = false;
  document.addEventListener("input", function () { edited = true; });
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && active.matches("input, select, textarea");
    if (!edited && !typing && document.visibilityState === "visible") { window.location.reload(); }
  }, seconds * 1000);
})();
