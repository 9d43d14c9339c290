// The kiosk's ticket screen: the print button, and the booth named as soon
// as the ticket is called (the board's calls, read every few seconds).
(function () {
  "use strict";
  var box = document.querySelector("[data-kiosk-ticket]");
  if (!box) return;
  var print = box.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });
  var number = box.getAttribute("data-kiosk-ticket");
  var out = box.querySelector(".kiosk-call");
  function check() {
    fetch("/api/v1/branches/" + encodeURIComponent(box.getAttribute("data-branch")) + "/board",
      { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b || !out) return;
        var call = (b.calls || []).filter(function (c) { return c.ticket === number; })[0];
        if (!call) { out.hidden = true; return; }
        var where = call.booth ? out.getAttribute("data-booth") + " " + call.booth : "";
        out.textContent = out.getAttribute("data-text").replace("{booth}", where);
        out.hidden = !where;
      })
      .catch(function () { /* next time */ });
  }
  check();
  setInterval(check, 3000);
})();
