// Live screens without a framework: the board, the supervisor floor view,
// the online session page and the CS console listen to Server-Sent Events
// and swap in the fresh server-rendered region when the floor changes —
// no page reload, and never while someone is typing in that region. The
// console switches the focused pane with keys 1-6.
(function () {
  "use strict";
  var SELECTOR = "[data-live-branch],[data-live-console]";
  var region = document.querySelector(SELECTOR);
  if (!region) return;
  var isConsole = region.hasAttribute("data-live-console");
  var url = isConsole
    ? "/api/v1/console/events"
    : "/api/v1/branches/" + encodeURIComponent(region.getAttribute("data-live-branch")) + "/events";

  function editing() {
    var a = document.activeElement;
    var current = document.querySelector(SELECTOR);
    return a && current && current.contains(a) &&
      (a.tagName === "INPUT" || a.tagName === "SELECT" || a.tagName === "TEXTAREA");
  }

  var panes = [];
  function focusPane(pane, moveFocus) {
    panes.forEach(function (p) { p.classList.toggle("pane-focus", p === pane); });
    if (pane) {
      sessionStorage.setItem("antre-focus", pane.id);
      if (moveFocus) pane.focus();
    }
  }
  function bindPanes() {
    if (!isConsole) return;
    panes = Array.prototype.slice.call(document.querySelectorAll("[data-pane]"));
    var saved = sessionStorage.getItem("antre-focus");
    focusPane(panes.filter(function (p) { return p.id === saved; })[0] || panes[0], false);
    panes.forEach(function (p) { p.addEventListener("click", function () { focusPane(p, false); }); });
  }
  if (isConsole) {
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      var n = parseInt(e.key, 10);
      if (n >= 1 && n <= panes.length) { focusPane(panes[n - 1], true); e.preventDefault(); }
    });
  }
  bindPanes();

  var pending = false;
  var busy = false;
  function refresh() {
    if (busy) { pending = true; return; }
    if (editing()) {
      // Try again when the field is left.
      pending = true;
      document.activeElement.addEventListener("blur", function () { setTimeout(refresh, 50); }, { once: true });
      return;
    }
    busy = true;
    pending = false;
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(SELECTOR);
        var current = document.querySelector(SELECTOR);
        if (fresh && current && !editing()) {
          current.replaceWith(document.importNode(fresh, true));
          bindPanes();
        }
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () {
        busy = false;
        if (pending) setTimeout(refresh, 100);
      });
  }

  if (window.EventSource) {
    var es = new EventSource(url);
    ["assigned", "finished", "arrival", "agent_status", "priority", "document", "identity", "settings", "resync"]
      .forEach(function (kind) { es.addEventListener(kind, refresh); });
  }
})();
