use super::*;

const SDP: &str = "v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

fn offer() -> String {
    serde_json::json!({"type": "offer", "epoch": 7, "sdp": SDP}).to_string()
}

#[test]
fn messages_round_trip() {
    let m = Signal::parse(&offer(), Side::Agent).expect("offer");
    assert_eq!(
        m,
        Signal::Offer {
            epoch: 7,
            sdp: SDP.into()
        }
    );
    let again = Signal::parse(&m.to_json(), Side::Agent).expect("re-parse");
    assert_eq!(again, m);
    let c = r#"{"type":"candidate","epoch":7,"candidate":"candidate:1 1 udp 2122260223 192.168.1.5 54321 typ host","sdp_mid":"0","sdp_mline_index":0}"#;
    assert!(matches!(
        Signal::parse(c, Side::Peer),
        Ok(Signal::Candidate { .. })
    ));
    let end = r#"{"type":"candidate","epoch":7,"candidate":""}"#;
    assert!(Signal::parse(end, Side::Agent).is_ok());
    assert_eq!(
        Signal::parse(r#"{"type":"hello"}"#, Side::Peer),
        Ok(Signal::Hello {
            epoch: 0,
            connected: false,
            reply: false
        })
    );
}

#[test]
fn each_side_sends_only_its_own_messages() {
    assert_eq!(
        Signal::parse(&offer(), Side::Peer),
        Err(SignalError::NotAllowed)
    );
    let answer = serde_json::json!({"type": "answer", "epoch": 7, "sdp": SDP}).to_string();
    assert!(Signal::parse(&answer, Side::Peer).is_ok());
    assert_eq!(
        Signal::parse(&answer, Side::Agent),
        Err(SignalError::NotAllowed)
    );
    let focus = r#"{"type":"focus","focused":true}"#;
    assert!(Signal::parse(focus, Side::Agent).is_ok());
    assert_eq!(
        Signal::parse(focus, Side::Peer),
        Err(SignalError::NotAllowed)
    );
}

#[test]
fn malformed_and_unknown_messages_are_refused() {
    for bad in [
        "",
        "null",
        "[]",
        "{}",
        r#"{"type":"chat","text":"hi"}"#,
        r#"{"type":"offer","sdp":"v=0"}"#,
        r#"{"type":"offer","epoch":-1,"sdp":"v=0"}"#,
        r#"{"type":"offer","epoch":1,"sdp":"v=0","extra":1}"#,
        r#"{"type":"focus","focused":"yes"}"#,
        r#"{"type":"ended","session":1}"#,
    ] {
        assert_eq!(
            Signal::parse(bad, Side::Agent),
            Err(SignalError::Malformed),
            "{bad}"
        );
    }
}

#[test]
fn fields_are_checked() {
    let not_sdp = serde_json::json!({"type": "offer", "epoch": 1, "sdp": "<script>"});
    assert_eq!(
        Signal::parse(&not_sdp.to_string(), Side::Agent),
        Err(SignalError::Invalid)
    );
    let control = serde_json::json!({"type": "offer", "epoch": 1, "sdp": "v=0\u{0}"});
    assert_eq!(
        Signal::parse(&control.to_string(), Side::Agent),
        Err(SignalError::Invalid)
    );
    let big = format!("v=0\r\n{}", "a".repeat(MAX_SDP_BYTES));
    let too_big = serde_json::json!({"type": "offer", "epoch": 1, "sdp": big});
    assert_eq!(
        Signal::parse(&too_big.to_string(), Side::Agent),
        Err(SignalError::Invalid)
    );
    let huge = format!("v=0{}", "a".repeat(MAX_MESSAGE_BYTES));
    let huge = serde_json::json!({"type": "offer", "epoch": 1, "sdp": huge});
    assert_eq!(
        Signal::parse(&huge.to_string(), Side::Agent),
        Err(SignalError::TooLarge)
    );
    for (candidate, mid, index) in [
        ("x candidate:1", "0", 0),
        ("candidate:1\n2", "0", 0),
        ("candidate:1", "0 1", 0),
        ("candidate:1", "0", 64),
    ] {
        let c = serde_json::json!({"type": "candidate", "epoch": 1, "candidate": candidate, "sdp_mid": mid, "sdp_mline_index": index});
        assert_eq!(
            Signal::parse(&c.to_string(), Side::Peer),
            Err(SignalError::Invalid),
            "{c}"
        );
    }
    let long = serde_json::json!({"type": "candidate", "epoch": 1, "candidate": format!("candidate:{}", "1".repeat(MAX_CANDIDATE_BYTES))});
    assert_eq!(
        Signal::parse(&long.to_string(), Side::Peer),
        Err(SignalError::Invalid)
    );
}

#[test]
fn server_messages_serialize_with_their_type() {
    assert_eq!(
        ServerSignal::Welcome {
            side: Side::Peer,
            session: 4
        }
        .to_json(),
        r#"{"type":"welcome","side":"peer","session":4}"#
    );
    assert_eq!(
        ServerSignal::Ended { session: 4 }.to_json(),
        r#"{"type":"ended","session":4}"#
    );
    assert_eq!(
        ServerSignal::Error {
            code: SignalError::Invalid.code()
        }
        .to_json(),
        r#"{"type":"error","code":"signal_invalid"}"#
    );
    assert_eq!(Side::parse("agent"), Some(Side::Agent));
    assert_eq!(Side::Agent.other(), Side::Peer);
    assert_eq!(Side::parse(Side::Peer.code()), Some(Side::Peer));
    assert_eq!(Side::parse("admin"), None);
}

#[test]
fn rate_limit_allows_a_burst_then_the_steady_rate() {
    let mut r = RateLimit::new(10, 5, 1_000);
    for _ in 0..10 {
        assert!(r.take(1_000));
    }
    assert!(!r.take(1_000));
    // 200 ms later one more token has come back.
    assert!(r.take(1_200));
    assert!(!r.take(1_200));
    // Long idle refills to the burst size, not beyond.
    let mut n = 0;
    while r.take(60_000) {
        n += 1;
    }
    assert_eq!(n, 10);
    // A clock going backwards gives nothing away.
    assert!(!r.take(50_000));
}

#[test]
fn ice_servers_setting() {
    assert_eq!(parse_ice_servers(""), Ok(Vec::new()));
    assert_eq!(parse_ice_servers("[]"), Ok(Vec::new()));
    let one = parse_ice_servers(r#"[{"urls":"stun:stun.cabang.local:3478"}]"#).expect("stun");
    assert_eq!(one[0].urls, vec!["stun:stun.cabang.local:3478".to_string()]);
    let turn = parse_ice_servers(
        r#"[{"urls":["turn:turn.bpjs.example:3478?transport=udp","turns:turn.bpjs.example:5349"],"username":"antre","credential":"rahasia"}]"#,
    )
    .expect("turn");
    assert_eq!(turn[0].urls.len(), 2);
    assert_eq!(turn[0].credential.as_deref(), Some("rahasia"));
    let json = serde_json::to_string(&one).expect("json");
    assert_eq!(json, r#"[{"urls":["stun:stun.cabang.local:3478"]}]"#);
    for bad in [
        "stun:x",
        "{}",
        r#"[{"urls":[]}]"#,
        r#"[{"urls":"http://x"}]"#,
        r#"[{"urls":"turn:x:3478"}]"#,
        r#"[{"urls":"stun:"}]"#,
        r#"[{"urls":"stun:a b"}]"#,
        r#"[{"url":"stun:x"}]"#,
    ] {
        assert!(parse_ice_servers(bad).is_err(), "{bad}");
    }
    let e = parse_ice_servers(r#"[{"urls":"turn:x","username":"u"}]"#).expect_err("no credential");
    assert!(!e.contains("\"u\""), "{e}");
}
