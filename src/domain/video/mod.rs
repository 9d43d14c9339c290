//! Video signaling: the typed messages an agent's console and a booth (or
//! an online participant) exchange through the server to set up one
//! WebRTC peer connection, their validation and size limits, the ICE
//! server setting, and a per-connection rate limit.
//!
//! The agent always makes the offer; the other side answers. Every
//! negotiation carries an `epoch` (a random number the agent picks), so a
//! late answer or candidate of an abandoned negotiation is recognised and
//! dropped. Nothing a client sends is relayed as is: it is parsed into
//! [`Signal`], checked, and serialized again.

use serde::{Deserialize, Serialize};

/// Largest WebSocket message accepted from a client.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Largest session description (a few kilobytes in practice).
pub const MAX_SDP_BYTES: usize = 32 * 1024;
/// Largest ICE candidate line.
pub const MAX_CANDIDATE_BYTES: usize = 1024;
/// Largest media id (`sdpMid`).
pub const MAX_MID_BYTES: usize = 64;
/// Highest m-line index accepted (a session has two or three).
pub const MAX_MLINE_INDEX: u16 = 63;

/// The two ends of a session's channel: the CS agent, and the participant
/// (in a booth, or online).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Agent,
    Peer,
}

impl Side {
    pub const fn code(self) -> &'static str {
        match self {
            Side::Agent => "agent",
            Side::Peer => "peer",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "agent" => Some(Side::Agent),
            "peer" => Some(Side::Peer),
            _ => None,
        }
    }

    pub const fn other(self) -> Side {
        match self {
            Side::Agent => Side::Peer,
            Side::Peer => Side::Agent,
        }
    }
}

/// A message between the two ends of a session, relayed by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Signal {
    /// "I am here" (on every (re)connect). `epoch` is the sender's current
    /// negotiation and `connected` whether its media flows, so a
    /// reconnecting channel does not tear down media that still works.
    /// The participant's side answers an agent's hello with `reply`.
    Hello {
        #[serde(default)]
        epoch: u32,
        #[serde(default)]
        connected: bool,
        #[serde(default)]
        reply: bool,
    },
    /// The agent's session description (agent only).
    Offer { epoch: u32, sdp: String },
    /// The participant's session description (participant side only).
    Answer { epoch: u32, sdp: String },
    /// One ICE candidate; an empty `candidate` ends the list.
    Candidate {
        epoch: u32,
        candidate: String,
        #[serde(default)]
        sdp_mid: Option<String>,
        #[serde(default)]
        sdp_mline_index: Option<u16>,
    },
    /// Whether the agent's attention (and voice) is on this participant
    /// (agent only).
    Focus { focused: bool },
}

/// What the server itself tells a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerSignal {
    /// The channel is open; the client is this side of this session.
    Welcome { side: Side, session: i64 },
    /// The session ended: stop all media now and do not reconnect.
    Ended { session: i64 },
    /// A message was refused (and dropped); the channel stays open.
    Error { code: &'static str },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalError {
    TooLarge,
    Malformed,
    /// A message type this side may not send.
    NotAllowed,
    /// A field fails its check (size, characters, shape).
    Invalid,
}

impl SignalError {
    pub const fn code(self) -> &'static str {
        match self {
            SignalError::TooLarge => "signal_too_large",
            SignalError::Malformed => "signal_malformed",
            SignalError::NotAllowed => "signal_not_allowed",
            SignalError::Invalid => "signal_invalid",
        }
    }
}

/// Printable text with line breaks: what SDP and candidates consist of.
fn clean(s: &str, allow_newlines: bool) -> bool {
    s.chars()
        .all(|c| !c.is_control() || (allow_newlines && (c == '\r' || c == '\n' || c == '\t')))
}

fn valid_sdp(sdp: &str) -> bool {
    sdp.len() <= MAX_SDP_BYTES && sdp.starts_with("v=0") && clean(sdp, true)
}

impl Signal {
    /// Parses and checks one message from `from`.
    pub fn parse(text: &str, from: Side) -> Result<Signal, SignalError> {
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(SignalError::TooLarge);
        }
        let msg: Signal = serde_json::from_str(text).map_err(|_| SignalError::Malformed)?;
        msg.check(from)?;
        Ok(msg)
    }

    /// Whether `from` may send this, and every field is within bounds.
    pub fn check(&self, from: Side) -> Result<(), SignalError> {
        let allowed = match self {
            Signal::Hello { .. } | Signal::Candidate { .. } => true,
            Signal::Offer { .. } | Signal::Focus { .. } => from == Side::Agent,
            Signal::Answer { .. } => from == Side::Peer,
        };
        if !allowed {
            return Err(SignalError::NotAllowed);
        }
        let ok = match self {
            Signal::Hello { .. } | Signal::Focus { .. } => true,
            Signal::Offer { sdp, .. } | Signal::Answer { sdp, .. } => valid_sdp(sdp),
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_mline_index,
                ..
            } => {
                candidate.len() <= MAX_CANDIDATE_BYTES
                    && (candidate.is_empty() || candidate.starts_with("candidate:"))
                    && clean(candidate, false)
                    && sdp_mid.as_deref().is_none_or(|m| {
                        m.len() <= MAX_MID_BYTES
                            && m.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                    })
                    && sdp_mline_index.is_none_or(|i| i <= MAX_MLINE_INDEX)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(SignalError::Invalid)
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

impl ServerSignal {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// A token bucket: a burst of `capacity` messages, then `per_second`.
/// Negotiation sends a few dozen messages at once; a client that keeps
/// sending more is broken or hostile and loses its channel.
#[derive(Clone, Debug)]
pub struct RateLimit {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    last_ms: u64,
}

impl RateLimit {
    pub fn new(capacity: u32, per_second: u32, now_ms: u64) -> Self {
        Self {
            capacity: f64::from(capacity),
            per_second: f64::from(per_second),
            tokens: f64::from(capacity),
            last_ms: now_ms,
        }
    }

    /// Takes one token at `now_ms` (milliseconds on any monotonic clock);
    /// false when the bucket is empty.
    pub fn take(&mut self, now_ms: u64) -> bool {
        let elapsed = now_ms.saturating_sub(self.last_ms) as f64 / 1000.0;
        self.last_ms = self.last_ms.max(now_ms);
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// One STUN or TURN server as the browser's `RTCIceServer` wants it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Urls {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIceServer {
    urls: Urls,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    credential: Option<String>,
}

/// Parses the `ANTRE_ICE_SERVERS` setting: a JSON array of
/// `{"urls": "stun:…" | ["turn:…", …], "username"?, "credential"?}`.
/// TURN servers need a username and credential. Errors name the problem
/// without echoing credentials.
pub fn parse_ice_servers(raw: &str) -> Result<Vec<IceServer>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<RawIceServer> = serde_json::from_str(raw).map_err(|e| {
        format!("ANTRE_ICE_SERVERS: expected a JSON array of {{\"urls\", \"username\", \"credential\"}} ({e})")
    })?;
    let mut out = Vec::new();
    for (i, s) in list.into_iter().enumerate() {
        let urls = match s.urls {
            Urls::One(u) => vec![u],
            Urls::Many(v) => v,
        };
        if urls.is_empty() {
            return Err(format!("ANTRE_ICE_SERVERS[{i}]: no urls"));
        }
        let mut turn = false;
        for u in &urls {
            let scheme = u.split(':').next().unwrap_or("");
            match scheme {
                "stun" | "stuns" => {}
                "turn" | "turns" => turn = true,
                _ => {
                    return Err(format!(
                        "ANTRE_ICE_SERVERS[{i}]: {u:?} is not a stun:, stuns:, turn: or turns: URL"
                    ))
                }
            }
            if u.len() < scheme.len() + 2 || !clean(u, false) || u.contains(char::is_whitespace) {
                return Err(format!("ANTRE_ICE_SERVERS[{i}]: malformed URL {u:?}"));
            }
        }
        if turn && (s.username.is_none() || s.credential.is_none()) {
            return Err(format!(
                "ANTRE_ICE_SERVERS[{i}]: a TURN server needs \"username\" and \"credential\""
            ));
        }
        out.push(IceServer {
            urls,
            username: s.username,
            credential: s.credential,
        });
    }
    Ok(out)
}
#[cfg(test)]
mod tests;
