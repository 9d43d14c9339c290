// Live screens without a framework: the board, the supervisor floor view,
// the online session page and the CS console listen to Server-Sent Events
// and swap in the fresh server-rendered region when the floor changes —
// no page reload, and never while someone is typing in that region. The
// console switches the focused pane with keys 1-6.
//
// Video (rtc.js) lives inside these regions: an element with a
// data-video-key is never replaced — the fresh region gets the live
// element back — so <video> elements and peer connections survive every
// refresh; "antre:region" tells rtc.js that sessions may have come or
// gone, "antre:focus" that the focused pane changed. On the console,
// forms are sent in the background and the answer swapped in, so that
// finishing one session does not reload the page (and cut the others).
(function () {
  "use strict";
  var SELECTOR = "[data-live-branch],[data-live-console],[data-live-url]";
  var region = document.querySelector(SELECTOR);
  if (!region) return;
  var isConsole = region.hasAttribute("data-live-console");
  // A region may name its own stream (the head office overview listens to
  // every branch), refresh at least every data-live-every ms, and wait
  // data-live-gap ms between refreshes when events come in bursts.
  var url = region.getAttribute("data-live-url") || (isConsole
    ? "/api/v1/console/events"
    : "/api/v1/branches/" + encodeURIComponent(region.getAttribute("data-live-branch")) + "/events");
  var every = parseInt(region.getAttribute("data-live-every") || "0", 10);
  var gap = parseInt(region.getAttribute("data-live-gap") || "0", 10);

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
    document.dispatchEvent(new CustomEvent("antre:focus"));
  }
  function bindPanes() {
    if (!isConsole) return;
    panes = Array.prototype.slice.call(document.querySelectorAll("[data-pane]"));
    // From here on one pane is focused and the others are compact tiles.
    var current = document.querySelector(SELECTOR);
    if (current) current.setAttribute("data-focusing", "1");
    var saved = sessionStorage.getItem("antre-focus");
    focusPane(panes.filter(function (p) { return p.id === saved; })[0] || panes[0], false);
    panes.forEach(function (p) { p.addEventListener("click", function () { focusPane(p, false); }); });
    // A pane whose finish waits for its undo window stays held.
    if (held) Object.keys(held).forEach(function (id) { holdPane(id, true); });
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

  // Swaps in a fresh region, keeping the live video elements.
  function swap(fresh) {
    var current = document.querySelector(SELECTOR);
    if (!fresh || !current) return;
    var next = document.importNode(fresh, true);
    Array.prototype.forEach.call(next.querySelectorAll("[data-video-key]"), function (slot) {
      var key = slot.getAttribute("data-video-key");
      var live = Array.prototype.filter.call(current.querySelectorAll("[data-video-key]"), function (n) {
        return n.getAttribute("data-video-key") === key;
      })[0];
      // Moved, not copied: a media element moved within one task keeps playing.
      if (live) slot.replaceWith(live);
    });
    current.replaceWith(next);
    bindPanes();
    document.dispatchEvent(new CustomEvent("antre:region"));
  }

  // Feedback after each console action: a toast that says what was saved
  // (the form's data-done) or what went wrong, outside the live region so
  // refreshes do not remove it.
  var toasts = null;
  function toast(text, kind, undo) {
    if (!toasts) {
      toasts = document.createElement("div");
      toasts.className = "toasts";
      toasts.setAttribute("role", "status");
      toasts.setAttribute("aria-live", "polite");
      document.body.appendChild(toasts);
    }
    var t = document.createElement("div");
    t.className = "toast toast-" + (kind || "ok");
    var span = document.createElement("span");
    span.textContent = text;
    t.appendChild(span);
    if (undo) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-secondary toast-undo";
      b.textContent = undo.label;
      b.addEventListener("click", function () { undo.run(); t.remove(); });
      t.appendChild(b);
    } else {
      setTimeout(function () { t.remove(); }, kind === "error" ? 10000 : 4000);
    }
    toasts.appendChild(t);
    return { el: t, text: span };
  }

  // Sends a console form in the background and swaps in the answer.
  function send(form) {
    var multipart = (form.enctype || "").toLowerCase() === "multipart/form-data";
    var data = new FormData(form);
    var body = multipart ? data : new URLSearchParams(data);
    var done = form.getAttribute("data-done");
    busy = true;
    return fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (html) { return { r: r, html: html }; }); })
      .then(function (a) {
        var doc = new DOMParser().parseFromString(a.html, "text/html");
        var fresh = doc.querySelector(SELECTOR);
        if (fresh) {
          swap(fresh);
          // A refusal comes back as the console with the reason shown.
          var refused = /[?&]error=/.test(a.r.url || "") && fresh.querySelector(".notice-error");
          if (refused) toast(refused.textContent.trim(), "error");
          else if (done) toast(done, "ok");
        } else {
          // An error page: show it as a normal submit would have.
          document.open(); document.write(a.html); document.close();
        }
      }, function () {
        var root = document.querySelector(SELECTOR);
        toast((root && root.getAttribute("data-failed")) || "!", "error");
        Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = false; });
        Array.prototype.forEach.call(document.querySelectorAll(".pane-pending"), function (p) {
          if (!held[p.id]) holdPane(p.id, false);
        });
      })
      .then(function () {
        busy = false;
        if (pending) setTimeout(refresh, 100);
      });
  }

  // Finishing a session waits a few seconds with an "undo" button: the
  // pane stays (inert) until the time is up, then the form is sent. A page
  // left in the meantime sends what it holds.
  var UNDO_SECONDS = 5;
  var held = {};
  function holdPane(id, on) {
    var pane = document.getElementById(id);
    if (!pane) return;
    pane.classList.toggle("pane-pending", on);
    var detail = pane.querySelector(".pane-detail");
    if (detail) detail.inert = on;
  }
  function hold(form) {
    var pane = form.closest("[data-pane]");
    var id = pane ? pane.id : form.action;
    if (held[id]) return;
    var text = form.getAttribute("data-undo");
    var root = document.querySelector(SELECTOR);
    var left = UNDO_SECONDS;
    var entry = { form: form };
    var shown = toast(text.replace("{s}", left), "pending", {
      label: (root && root.getAttribute("data-undo-label")) || "Undo",
      run: function () { clearInterval(entry.timer); delete held[id]; holdPane(id, false); }
    });
    entry.fire = function () {
      clearInterval(entry.timer);
      delete held[id];
      shown.el.remove();
      send(form);
    };
    entry.timer = setInterval(function () {
      left -= 1;
      if (left <= 0) entry.fire();
      else shown.text.textContent = text.replace("{s}", left);
    }, 1000);
    held[id] = entry;
    holdPane(id, true);
  }
  window.addEventListener("pagehide", function () {
    Object.keys(held).forEach(function (id) {
      var e = held[id];
      clearInterval(e.timer);
      delete held[id];
      // keepalive: the request outlives the page.
      fetch(e.form.action, { method: "POST", body: new URLSearchParams(new FormData(e.form)), credentials: "same-origin", keepalive: true });
    });
  });

  if (isConsole) {
    document.addEventListener("submit", function (e) {
      var form = e.target;
      var current = document.querySelector(SELECTOR);
      if (!form || !current || !current.contains(form) || (form.method || "").toLowerCase() !== "post" || !window.fetch) return;
      e.preventDefault();
      if (form.hasAttribute("data-undo")) { hold(form); return; }
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      send(form);
    });
  }

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
        if (fresh && !editing()) swap(fresh);
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () {
        if (gap > 0) {
          // Hold off the next refresh; events meanwhile leave it pending.
          setTimeout(function () { busy = false; if (pending) refresh(); }, gap);
          return;
        }
        busy = false;
        if (pending) setTimeout(refresh, 100);
      });
  }
  if (every > 0) setInterval(refresh, every);

  // A stream that ends (the server restarting) reconnects by itself with
  // the last event's id, and the server replays what was missed. One the
  // browser gives up on (an error status) is opened again after a pause,
  // and the page reloads its pane then, since events may be lost.
  function listen(again) {
    var es = new EventSource(url);
    ["assigned", "finished", "arrival", "agent_status", "priority", "document", "identity", "settings", "resync"]
      .forEach(function (kind) { es.addEventListener(kind, refresh); });
    if (again) es.addEventListener("open", refresh, { once: true });
    es.addEventListener("error", function () {
      if (es.readyState === 2) setTimeout(function () { listen(true); }, 3000);
    });
  }
  if (window.EventSource) listen(false);
})();
