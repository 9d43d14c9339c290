// Live screens without a framework: the board, the supervisor floor view
// and the CS console listen to Server-Sent Events and refresh when the
// floor changes; the console switches the focused pane with keys 1-6.
(function () {
  "use strict";
  var branchEl = document.querySelector("[data-live-branch]");
  var consoleEl = document.querySelector("[data-live-console]");
  var url = null;
  if (consoleEl) url = "/api/v1/console/events";
  else if (branchEl) url = "/api/v1/branches/" + encodeURIComponent(branchEl.getAttribute("data-live-branch")) + "/events";
  if (url && window.EventSource) {
    var pending = null;
    var refresh = function () {
      // Coalesce bursts of events into one reload.
      if (pending) return;
      pending = setTimeout(function () {
        var focused = document.activeElement && document.activeElement.id;
        if (focused) sessionStorage.setItem("antre-focus", focused);
        window.location.reload();
      }, 150);
    };
    var es = new EventSource(url);
    ["assigned", "finished", "arrival", "agent_status", "priority", "document", "resync"].forEach(function (kind) {
      es.addEventListener(kind, refresh);
    });
  }
  if (consoleEl) {
    var panes = Array.prototype.slice.call(document.querySelectorAll("[data-pane]"));
    var focus = function (pane) {
      panes.forEach(function (p) { p.classList.toggle("pane-focus", p === pane); });
      if (pane) { pane.focus(); sessionStorage.setItem("antre-focus", pane.id); }
    };
    var saved = sessionStorage.getItem("antre-focus");
    focus(panes.filter(function (p) { return p.id === saved; })[0] || panes[0]);
    panes.forEach(function (p) { p.addEventListener("click", function () { focus(p); }); });
    document.addEventListener("keydown", function (e) {
      if (e.target && (e.target.tagName === "INPUT" || e.target.tagName === "SELECT" || e.target.tagName === "TEXTAREA")) return;
      var n = parseInt(e.key, 10);
      if (n >= 1 && n <= panes.length) { focus(panes[n - 1]); e.preventDefault(); }
    });
  }
})();
