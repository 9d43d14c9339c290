// The display board: a clock in the branch's zone that follows the
// server's time, and, when a new call appears at the top of the list, a
// chime and the call spoken in the page's language (where the browser
// can speak). Browsers only play sound after a tap, so a button asks for
// it once when the sound is blocked.
(function () {
  "use strict";
  var clock = document.querySelector("[data-board-clock]");
  if (!clock) return;
  var offset = Number(clock.getAttribute("data-board-clock")) - Date.now();
  var fmt = null;
  try {
    fmt = new Intl.DateTimeFormat("id-ID", {
      hour: "2-digit", minute: "2-digit", hour12: false, timeZone: clock.getAttribute("data-tz")
    });
  } catch (e) { fmt = null; }
  function tick() {
    var el = document.querySelector("[data-board-clock] time");
    if (!el || !fmt) return;
    var text = fmt.format(new Date(Date.now() + offset)).replace(/[.:]/, ":");
    el.textContent = document.documentElement.lang === "en" ? text : text.replace(":", ".");
  }
  setInterval(tick, 1000);
  tick();

  var audio = null;
  function context() {
    var C = window.AudioContext || window.webkitAudioContext;
    if (!audio && C) audio = new C();
    return audio;
  }
  function chime() {
    var a = context();
    if (!a || a.state !== "running") return false;
    [660, 880].forEach(function (hz, i) {
      var o = a.createOscillator(), g = a.createGain(), t0 = a.currentTime + i * 0.35;
      o.frequency.value = hz;
      g.gain.setValueAtTime(0.0001, t0);
      g.gain.exponentialRampToValueAtTime(0.3, t0 + 0.03);
      g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.6);
      o.connect(g).connect(a.destination);
      o.start(t0);
      o.stop(t0 + 0.65);
    });
    return true;
  }
  function speak(call) {
    var btn = document.querySelector(".board-sound");
    if (!window.speechSynthesis || !btn) return;
    var parts = call.split("|");
    // "A007" is read letter by letter and digit by digit.
    var ticket = parts[0].split("").join(" ");
    var u = new SpeechSynthesisUtterance(btn.getAttribute("data-say-ticket") + " " + ticket + ", " +
      btn.getAttribute("data-say-booth") + " " + parts[1]);
    u.lang = document.documentElement.lang === "en" ? "en-US" : "id-ID";
    u.rate = 0.9;
    setTimeout(function () { window.speechSynthesis.speak(u); }, 800);
  }
  function soundButton() {
    var btn = document.querySelector(".board-sound");
    if (!btn) return;
    var a = context();
    btn.hidden = !a || a.state === "running";
    btn.onclick = function () {
      var c = context();
      if (c) c.resume().then(function () { btn.hidden = true; });
    };
  }

  function newest() {
    var li = document.querySelector(".board-calls li[data-call]");
    return li ? li.getAttribute("data-call") : null;
  }
  var last = newest();
  document.addEventListener("antre:region", function () {
    tick();
    soundButton();
    var now = newest();
    if (now && now !== last && chime()) speak(now);
    last = now;
  });
  soundButton();
})();
