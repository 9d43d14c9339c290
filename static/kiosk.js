// The kiosk's ticket screen: the print button, and the booth named as soon
// as the ticket is called (the board's calls, read again whenever the
// branch's live events say a seat was assigned or freed).
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
  // The branch's live events (as the board gets them) say when to look.
  check();
  function listen() {
    var es = new EventSource("/api/v1/branches/" + encodeURIComponent(box.getAttribute("data-branch")) + "/events");
    ["assigned", "finished", "resync"].forEach(function (kind) { es.addEventListener(kind, check); });
    // Given up on (an error status while the server restarts): again later.
    es.addEventListener("error", function () {
      if (es.readyState === 2) setTimeout(function () { check(); listen(); }, 3000);
    });
  }
  if (window.EventSource) {
    listen();
  } else {
    setInterval(check, 5000);
  }
})();
