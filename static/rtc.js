// Video in the booths (WebRTC, standard APIs only, no library).
//
// Star topology: the CS agent's console holds one RTCPeerConnection per
// active seat; a booth computer (or an online participant's page) holds
// one, to the agent only. Every element with data-video-key and
// data-video-role ("agent" on the console panes, "peer" on the booth and
// session pages) gets a link: a signaling WebSocket to
// /api/v1/video/signal (session or ticket in the query) and the peer
// connection. The agent always makes the offer; each negotiation has a
// random epoch so late messages of an abandoned one are dropped.
//
// - The agent's voice goes to the focused pane only (each connection has
//   its own clone of the microphone track; the others carry no audio
//   track: sender.replaceTrack(null)), and only the focused pane's
//   participant is heard; the others are told to show "please wait a
//   moment". Focus follows live.js (click or keys 1-6): "antre:focus".
// - live.js swaps server-rendered regions but keeps the elements with a
//   data-video-key ("antre:region" tells us to look for new or gone
//   sessions); so video and peer connections survive every refresh.
// - A dropped WebSocket reconnects by itself (the media keeps flowing
//   meanwhile); a failed ICE connection renegotiates. "ended" from the
//   server stops the media on both sides at once.
// - window.antreRtcStats() reports each link's state and RTP counters
//   (used by the end-to-end test, handy when diagnosing a booth).
(function () {
  "use strict";
  if (window.antreRtc) return;
  window.antreRtc = true;

  var textEl = document.getElementById("rtc-text");
  function say(key) { return (textEl && textEl.getAttribute("data-" + key)) || ""; }

  var supported = !!(window.RTCPeerConnection && window.WebSocket && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia);
  var quality = window.ANTRE_VIDEO || { width: 640, height: 480, fps: 15 };

  var iceP = null;
  function iceServers() {
    if (!iceP) {
      iceP = fetch("/api/v1/video/ice", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { ice_servers: [] }; })
        .then(function (b) { return b.ice_servers || []; })
        .catch(function () { iceP = null; return []; });
    }
    return iceP;
  }

  var localP = null;
  var mediaError = null;
  function media() {
    if (!localP) {
      localP = navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: quality.width }, height: { ideal: quality.height }, frameRate: { ideal: quality.fps, max: quality.fps } },
        audio: { echoCancellation: true, noiseSuppression: true }
      }).then(function (s) { mediaError = null; return s; }, function (e) {
        localP = null;
        var n = e && e.name;
        mediaError = n === "NotFoundError" || n === "OverconstrainedError" || n === "DevicesNotFoundError" ? "missing"
          : n === "NotReadableError" || n === "AbortError" || n === "TrackStartError" ? "busy" : "denied";
        each(function (l) { l.render(); });
        renderSelf(null);
        throw e;
      });
    }
    return localP;
  }
  function stopMedia() {
    if (!localP) return;
    var p = localP;
    localP = null;
    p.then(function (s) { s.getTracks().forEach(function (t) { t.stop(); }); }, function () {});
    renderSelf(null);
  }

  var links = {};
  function each(f) { Object.keys(links).forEach(function (k) { f(links[k]); }); }

  function csrf() {
    var i = document.querySelector('input[name="csrf"]');
    return i ? i.value : "";
  }

  function el(tag, cls) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    return e;
  }

  function Link(node) {
    this.node = node;
    this.key = node.getAttribute("data-video-key");
    this.role = node.getAttribute("data-video-role") === "agent" ? "agent" : "peer";
    this.session = node.getAttribute("data-video-session");
    this.ticket = node.getAttribute("data-video-ticket");
    this.ws = null;
    this.pc = null;
    this.epoch = 0;
    this.pending = [];
    this.queue = Promise.resolve();
    this.closed = false;
    this.ended = false;
    this.retry = 0;
    this.focused = false;
    this.waiting = false;
    this.mic = null;
    this.cam = null;
    this.audioSender = null;
    this.downTimer = null;
    this.peerSeen = false;
    this.lonely = false;
    this.lonelyTimer = null;
    this.build();
    if (!supported) { this.render(); return; }
    if (this.role === "peer") media().catch(function () {});
    this.connect();
  }

  Link.prototype.build = function () {
    var n = this.node;
    this.status = n.querySelector(".video-status") || n.appendChild(el("p", "video-status"));
    this.status.setAttribute("role", "status");
    this.remote = el("video", "video-remote");
    this.remote.autoplay = true;
    this.remote.playsInline = true;
    this.remote.muted = this.role === "agent";
    if (this.role === "peer") this.remote.setAttribute("aria-label", say("agent"));
    n.insertBefore(this.remote, n.firstChild);
    if (this.role === "peer") {
      this.self = el("video", "video-self");
      this.self.autoplay = true;
      this.self.playsInline = true;
      this.self.muted = true;
      this.self.setAttribute("aria-label", say("you"));
      n.appendChild(this.self);
      this.wait = el("div", "video-wait");
      this.wait.hidden = true;
      this.wait.textContent = say("wait");
      n.appendChild(this.wait);
      this.soundBtn = el("button", "btn btn-secondary video-sound");
      this.soundBtn.type = "button";
      this.soundBtn.hidden = true;
      this.soundBtn.textContent = say("sound");
      var self = this;
      this.soundBtn.addEventListener("click", function () {
        self.remote.muted = false;
        self.remote.play().catch(function () {});
        self.soundBtn.hidden = true;
      });
      n.appendChild(this.soundBtn);
      media().then(function (s) { self.self.srcObject = s; }, function () {});
    }
    this.note = el("p", "video-note");
    this.note.hidden = true;
    n.appendChild(this.note);
    this.render();
  };

  Link.prototype.connected = function () {
    return !!this.pc && (this.pc.connectionState || this.pc.iceConnectionState) === "connected";
  };

  Link.prototype.render = function () {
    var msg = "";
    if (!supported) msg = say("unsupported");
    else if (this.ended) msg = say("ended");
    else if (mediaError && (this.role === "peer" || !this.connected())) msg = say(mediaError);
    else if (!this.connected()) {
      var st = this.pc ? this.pc.connectionState : "new";
      msg = st === "failed" || st === "disconnected" || (this.retry > 0 && !this.ws) ? say("reconnecting") : say("connecting");
      // The agent's side: nobody answered on the other end for a while
      // (the booth computer is off, or the participant has not joined).
      if (this.role === "agent" && !this.peerSeen && this.lonely) msg = say("offline");
    }
    this.status.textContent = msg;
    this.status.hidden = !msg;
    this.node.classList.toggle("video-live", this.connected());
    this.node.classList.toggle("video-error", !!mediaError || !supported);
  };

  Link.prototype.flash = function (text) {
    var n = this.note;
    n.textContent = text;
    n.hidden = false;
    clearTimeout(this.noteTimer);
    this.noteTimer = setTimeout(function () { n.hidden = true; }, 5000);
  };

  Link.prototype.send = function (m) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(m));
  };

  Link.prototype.connect = function () {
    if (this.closed) return;
    var self = this;
    var q = this.session ? "session=" + encodeURIComponent(this.session) : "ticket=" + encodeURIComponent(this.ticket || "");
    var ws;
    try {
      ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/video/signal?" + q);
    } catch (e) { this.reconnect(); return; }
    this.ws = ws;
    ws.onopen = function () {
      self.retry = 0;
      if (self.role === "agent" && !self.peerSeen) {
        clearTimeout(self.lonelyTimer);
        self.lonelyTimer = setTimeout(function () { self.lonely = true; self.render(); }, 8000);
      }
      self.send({ type: "hello", epoch: self.epoch, connected: self.connected() });
      if (self.role === "agent") self.sendFocus();
    };
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (x) { return; }
      // The end of the session does not wait behind a negotiation in
      // progress: media stop at once.
      if (m.type === "ended") { self.end(true); return; }
      if (m.type !== "welcome" && m.type !== "error" && !self.peerSeen) {
        self.peerSeen = true;
        clearTimeout(self.lonelyTimer);
        self.render();
      }
      self.queue = self.queue.then(function () { return self.handle(m); })
        .catch(function (err) { if (window.console) console.warn("antre video:", err); });
    };
    ws.onclose = function () {
      if (self.ws === ws) self.ws = null;
      self.reconnect();
    };
  };

  Link.prototype.reconnect = function () {
    if (this.closed) return;
    var self = this;
    var delay = Math.min(5000, 250 * Math.pow(2, this.retry));
    this.retry += 1;
    this.render();
    setTimeout(function () { if (!self.ws) self.connect(); }, delay);
  };

  Link.prototype.handle = function (m) {
    if (this.closed) return;
    switch (m.type) {
      case "welcome":
        this.sessionId = m.session;
        return;
      case "ended":
        return this.end(true);
      case "error":
        if (window.console) console.warn("antre video: refused", m.code);
        return;
      case "hello":
        if (this.role === "agent") {
          this.sendFocus();
          if (this.needsOffer(m)) return this.negotiate();
        } else if (!m.reply) {
          this.send({ type: "hello", epoch: this.epoch, connected: this.connected(), reply: true });
        }
        return;
      case "offer":
        if (this.role === "peer") return this.answer(m);
        return;
      case "answer":
        if (this.role !== "agent" || m.epoch !== this.epoch || !this.pc) return;
        var self = this;
        return this.pc.setRemoteDescription({ type: "answer", sdp: m.sdp }).then(function () { return self.flush(); });
      case "candidate":
        if (m.epoch !== this.epoch || !this.pc) {
          // The offer of a newer negotiation is processed first (messages
          // are handled in order), so this one is stale.
          return;
        }
        if (!this.pc.remoteDescription) { this.pending.push(m); return; }
        return this.addCandidate(m);
      case "focus":
        if (this.role === "peer") {
          this.waiting = !m.focused;
          this.wait.hidden = !this.waiting;
          this.node.classList.toggle("video-waiting", this.waiting);
        }
        return;
    }
  };

  // The agent decides whether a participant's hello needs a fresh offer.
  Link.prototype.needsOffer = function (m) {
    if (!this.pc || m.epoch !== this.epoch) return true;
    if (m.connected) return false;
    var st = this.pc.connectionState;
    return st === "connected" || st === "failed" || st === "disconnected" || st === "closed";
  };

  Link.prototype.addCandidate = function (m) {
    if (!m.candidate) return;
    return this.pc.addIceCandidate({ candidate: m.candidate, sdpMid: m.sdp_mid, sdpMLineIndex: m.sdp_mline_index })
      .catch(function () { /* a candidate the browser cannot use */ });
  };

  Link.prototype.flush = function () {
    var list = this.pending;
    this.pending = [];
    var self = this;
    return list.reduce(function (p, c) {
      return p.then(function () { if (c.epoch === self.epoch) return self.addCandidate(c); });
    }, Promise.resolve());
  };

  Link.prototype.closePc = function () {
    clearTimeout(this.downTimer);
    if (this.pc) {
      this.pc.onicecandidate = null;
      this.pc.ontrack = null;
      this.pc.onconnectionstatechange = null;
      try { this.pc.close(); } catch (e) { /* already closed */ }
    }
    this.pc = null;
    this.audioSender = null;
    if (this.mic) this.mic.stop();
    if (this.cam) this.cam.stop();
    this.mic = null;
    this.cam = null;
  };

  Link.prototype.makePc = function (servers, epoch) {
    var self = this;
    var pc = new RTCPeerConnection({ iceServers: servers });
    pc.onicecandidate = function (e) {
      if (self.pc !== pc || !e.candidate || !e.candidate.candidate) return;
      self.send({
        type: "candidate", epoch: epoch, candidate: e.candidate.candidate,
        sdp_mid: e.candidate.sdpMid, sdp_mline_index: e.candidate.sdpMLineIndex
      });
    };
    pc.ontrack = function (e) {
      if (self.pc !== pc) return;
      var v = self.remote;
      var stream = e.streams && e.streams[0];
      if (stream) {
        if (v.srcObject !== stream) v.srcObject = stream;
      } else {
        if (!v.srcObject) v.srcObject = new MediaStream();
        v.srcObject.addTrack(e.track);
      }
      self.play();
    };
    pc.onconnectionstatechange = function () {
      if (self.pc !== pc) return;
      var st = pc.connectionState;
      self.render();
      clearTimeout(self.downTimer);
      if (st === "failed") self.recover();
      else if (st === "disconnected") {
        self.downTimer = setTimeout(function () {
          if (self.pc === pc && pc.connectionState !== "connected") self.recover();
        }, 4000);
      }
    };
    return pc;
  };

  Link.prototype.play = function () {
    var v = this.remote;
    var self = this;
    var p = v.play();
    if (p && p.catch) {
      p.catch(function () {
        // Autoplay with sound refused: play muted and offer a button.
        if (self.role === "peer" && !v.muted) {
          v.muted = true;
          v.play().catch(function () {});
          self.soundBtn.hidden = false;
        }
      });
    }
  };

  // Media stopped flowing: the agent renegotiates, the participant asks it to.
  Link.prototype.recover = function () {
    if (this.closed) return;
    if (this.role === "agent") {
      var self = this;
      this.queue = this.queue.then(function () { return self.negotiate(); }).catch(function () {});
    } else {
      this.send({ type: "hello", epoch: this.epoch, connected: false });
    }
  };

  Link.prototype.negotiate = function () {
    var self = this;
    this.closePc();
    var epoch = 1 + Math.floor(Math.random() * 2147483646);
    this.epoch = epoch;
    this.pending = [];
    return Promise.all([iceServers(), media().catch(function () { return null; })]).then(function (r) {
      if (self.closed || self.epoch !== epoch) return;
      var pc = self.pc = self.makePc(r[0], epoch);
      var stream = r[1];
      if (stream && stream.getVideoTracks()[0]) {
        self.cam = stream.getVideoTracks()[0].clone();
        pc.addTrack(self.cam, stream);
      } else {
        pc.addTransceiver("video", { direction: "recvonly" });
      }
      if (stream && stream.getAudioTracks()[0]) {
        self.mic = stream.getAudioTracks()[0].clone();
        self.audioSender = pc.addTrack(self.mic, stream);
        if (!self.focused) self.audioSender.replaceTrack(null);
      } else {
        pc.addTransceiver("audio", { direction: "recvonly" });
      }
      self.render();
      return pc.createOffer().then(function (offer) {
        return pc.setLocalDescription(offer);
      }).then(function () {
        if (self.pc !== pc) return;
        self.send({ type: "offer", epoch: epoch, sdp: pc.localDescription.sdp });
        self.sendFocus();
      });
    });
  };

  Link.prototype.answer = function (m) {
    var self = this;
    var fresh = m.epoch !== this.epoch || !this.pc;
    if (fresh) {
      this.closePc();
      this.epoch = m.epoch;
      this.pending = [];
    }
    var epoch = m.epoch;
    return Promise.all([iceServers(), media().catch(function () { return null; })]).then(function (r) {
      if (self.closed || self.epoch !== epoch) return;
      if (fresh || !self.pc) {
        var pc0 = self.pc = self.makePc(r[0], epoch);
        var stream = r[1];
        if (stream) stream.getTracks().forEach(function (t) { pc0.addTrack(t, stream); });
      }
      var pc = self.pc;
      return pc.setRemoteDescription({ type: "offer", sdp: m.sdp })
        .then(function () { return pc.createAnswer(); })
        .then(function (a) { return pc.setLocalDescription(a); })
        .then(function () {
          if (self.pc !== pc) return;
          self.send({ type: "answer", epoch: epoch, sdp: pc.localDescription.sdp });
          return self.flush();
        });
    });
  };

  Link.prototype.sendFocus = function () {
    if (this.role === "agent") this.send({ type: "focus", focused: this.focused });
  };

  Link.prototype.setFocus = function (on) {
    var changed = on !== this.focused;
    this.focused = on;
    this.remote.muted = !on;
    if (on) this.play();
    if (this.audioSender) {
      this.audioSender.replaceTrack(on ? this.mic : null).catch(function () {});
    }
    this.node.classList.toggle("video-focus", on);
    if (changed) this.sendFocus();
  };

  // The session is over (ended from the server) or its element is gone.
  Link.prototype.end = function (fromServer) {
    this.closed = true;
    this.ended = !!fromServer;
    this.closePc();
    if (this.ws) {
      var ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      try { ws.close(); } catch (e) { /* already closed */ }
    }
    this.remote.srcObject = null;
    if (this.wait) this.wait.hidden = true;
    this.render();
    if (this.role === "peer") stopMedia();
    else if (!Object.keys(links).some(function (k) { return !links[k].closed; })) stopMedia();
  };

  function focusedKey() {
    var pane = document.querySelector(".pane-focus");
    var v = pane && pane.querySelector("[data-video-key]");
    return v ? v.getAttribute("data-video-key") : null;
  }

  function applyFocus() {
    var key = focusedKey();
    each(function (l) { if (l.role === "agent" && !l.closed) l.setFocus(l.key === key); });
  }

  function renderSelf(stream) {
    var box = document.querySelector("[data-video-self]");
    if (!box) return;
    var v = box.querySelector("video");
    if (!v) {
      v = el("video", "video-self");
      v.autoplay = true;
      v.playsInline = true;
      v.muted = true;
      v.setAttribute("aria-label", say("you"));
      box.appendChild(v);
    }
    v.srcObject = stream;
    var err = box.querySelector(".video-status") || box.appendChild(el("p", "video-status"));
    err.textContent = stream ? "" : (mediaError ? say(mediaError) : "");
    err.hidden = !err.textContent;
  }

  function sync() {
    var seen = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-video-key][data-video-role]"), function (node) {
      var key = node.getAttribute("data-video-key");
      seen[key] = true;
      var l = links[key];
      if (l && l.node !== node) { l.end(false); l = null; }
      // An ended link stays (showing "ended") until its element goes.
      if (!l) links[key] = new Link(node);
    });
    Object.keys(links).forEach(function (k) {
      if (!seen[k]) {
        if (!links[k].closed) links[k].end(false);
        delete links[k];
      }
    });
    applyFocus();
    var agentLinks = Object.keys(links).some(function (k) { return links[k].role === "agent" && !links[k].closed; });
    if (agentLinks && supported) media().then(renderSelf, function () { renderSelf(null); });
  }

  // The agent takes a still from the participant's video.
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest && e.target.closest("[data-still]");
    if (!b) return;
    e.preventDefault();
    var id = b.getAttribute("data-still");
    var l = null;
    each(function (x) { if (x.role === "agent" && String(x.session) === id && !x.closed) l = x; });
    if (!l) return;
    var v = l.remote;
    if (!v.videoWidth || !v.videoHeight) { l.flash(say("no-frame")); return; }
    var c = document.createElement("canvas");
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext("2d").drawImage(v, 0, 0, c.width, c.height);
    b.disabled = true;
    c.toBlob(function (blob) {
      if (!blob) { b.disabled = false; l.flash(say("failed")); return; }
      var fd = new FormData();
      fd.append("file", blob, "identity_photo.jpg");
      fetch("/api/v1/video/sessions/" + encodeURIComponent(id) + "/still", {
        method: "POST", body: fd, credentials: "same-origin", headers: { "X-CSRF-Token": csrf() }
      }).then(function (r) {
        if (r.status === 201) { l.flash(say("saved")); return; }
        return r.json().then(function (j) {
          l.flash((j && j.error && j.error.message) || say("failed"));
        }, function () { l.flash(say("failed")); });
      }).catch(function () { l.flash(say("failed")); })
        .then(function () { b.disabled = false; });
    }, "image/jpeg", 0.92);
  });

  window.antreRtcStats = function () {
    return Promise.all(Object.keys(links).map(function (k) {
      var l = links[k];
      var out = {
        key: k, role: l.role, session: l.sessionId || (l.session ? Number(l.session) : null),
        state: l.pc ? l.pc.connectionState : (l.closed ? "closed" : "none"),
        signal: !!(l.ws && l.ws.readyState === 1), focused: l.focused, waiting: l.waiting,
        ended: l.ended, epoch: l.epoch, media: mediaError,
        videoFramesDecoded: 0, videoFramesSent: 0, audioPacketsReceived: 0, audioPacketsSent: 0
      };
      if (!l.pc) return out;
      return l.pc.getStats().then(function (r) {
        r.forEach(function (s) {
          if (s.type === "inbound-rtp" && s.kind === "video") out.videoFramesDecoded += s.framesDecoded || 0;
          if (s.type === "inbound-rtp" && s.kind === "audio") out.audioPacketsReceived += s.packetsReceived || 0;
          if (s.type === "outbound-rtp" && s.kind === "video") out.videoFramesSent += s.framesSent || 0;
          if (s.type === "outbound-rtp" && s.kind === "audio") out.audioPacketsSent += s.packetsSent || 0;
        });
        return out;
      }, function () { return out; });
    }));
  };

  // Simulates a dropped network on this page (signaling and media): the
  // links must recover by themselves. For tests and diagnosis.
  window.antreRtcDrop = function () {
    each(function (l) {
      if (l.closed) return;
      l.closePc();
      l.render();
      if (l.ws) l.ws.close();
    });
  };

  document.addEventListener("antre:region", sync);
  document.addEventListener("antre:focus", applyFocus);
  window.addEventListener("pagehide", function () { each(function (l) { l.end(false); }); });
  sync();
})();
