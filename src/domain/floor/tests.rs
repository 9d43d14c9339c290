#![allow(clippy::unwrap_used)]

use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

fn t(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .expect("time")
}

fn walk_in(id: i64, arrived: NaiveDateTime) -> Waiting {
    Waiting {
        id,
        kind: TicketKind::WalkIn,
        priority: Priority::None,
        arrived_at: arrived,
        session_start: None,
        online: false,
    }
}

fn booked(id: i64, arrived: NaiveDateTime, start: NaiveDateTime) -> Waiting {
    Waiting {
        kind: TicketKind::Booked,
        session_start: Some(start),
        ..walk_in(id, arrived)
    }
}

fn online(id: i64, arrived: NaiveDateTime, start: NaiveDateTime) -> Waiting {
    Waiting {
        online: true,
        ..booked(id, arrived, start)
    }
}

fn agent(id: i64, seats: u32, active: u32, idle_since: NaiveDateTime) -> Agent {
    Agent {
        id,
        seats,
        status: AgentStatus::OnDuty,
        active,
        idle_since,
    }
}

fn booths(n: u32) -> Vec<Booth> {
    (1..=n)
        .map(|k| Booth {
            id: 100 + i64::from(k),
            number: k,
            occupied: false,
        })
        .collect()
}

// --- tickets and check-in ---

#[test]
fn ticket_numbers() {
    assert_eq!(ticket_number(TicketKind::WalkIn, 17), "A017");
    assert_eq!(ticket_number(TicketKind::Booked, 4), "B004");
    assert_eq!(ticket_number(TicketKind::WalkIn, 999), "A999");
    assert_eq!(ticket_number(TicketKind::WalkIn, 1000), "A1000");
    assert_eq!(ticket_number(TicketKind::Booked, 1), "B001");
    assert_eq!(
        parse_ticket_number(" a017 "),
        Some((TicketKind::WalkIn, 17))
    );
    assert_eq!(
        parse_ticket_number("B1000"),
        Some((TicketKind::Booked, 1000))
    );
    for bad in ["", "A", "A17", "A0017", "C017", "A01x", "A-17", "017"] {
        assert_eq!(parse_ticket_number(bad), None, "{bad}");
    }
}

#[test]
fn codes_round_trip() {
    for k in TicketKind::ALL {
        assert_eq!(TicketKind::parse(k.code()), Some(k));
    }
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.code()), Some(p));
    }
    assert_eq!(TicketKind::WalkIn.code(), "walk_in");
    assert_eq!(Outcome::NoShow.as_str(), "no_show");
    assert_eq!(AgentStatus::OnDuty.as_str(), "on_duty");
    assert_eq!(Priority::parse("Elderly"), None);
    assert!(!Priority::None.is_priority());
    assert!(Priority::Pregnancy.is_priority());
    assert!(Outcome::Rejected.is_served());
    assert!(!Outcome::Returned.is_served());
}

#[test]
fn check_in_window_edges() {
    let (start, end) = (t(9, 0), t(10, 0));
    assert_eq!(
        check_in_window(start, end, t(8, 29)),
        CheckIn::TooEarly { opens_at: t(8, 30) }
    );
    assert_eq!(check_in_window(start, end, t(8, 30)), CheckIn::Open);
    assert_eq!(check_in_window(start, end, t(9, 45)), CheckIn::Open);
    assert_eq!(check_in_window(start, end, t(10, 0)), CheckIn::Over);
    assert_eq!(check_in_window(start, end, t(15, 0)), CheckIn::Over);
    assert_eq!(CheckIn::Open.detail(), None);
    assert_eq!(CheckIn::Over.detail(), Some("check_in_over"));
    assert_eq!(
        CheckIn::TooEarly { opens_at: t(8, 30) }.detail(),
        Some("check_in_too_early")
    );
}

#[test]
fn walk_in_cap() {
    assert!(walk_in_allowed(500, None));
    assert!(walk_in_allowed(39, Some(40)));
    assert!(!walk_in_allowed(40, Some(40)));
    assert!(!walk_in_allowed(41, Some(40)));
    assert!(!walk_in_allowed(0, Some(0)));
}

// --- queue order ---

#[test]
fn started_bookings_then_priority_then_arrival_order() {
    let mut elderly = walk_in(3, t(8, 10));
    elderly.priority = Priority::Elderly;
    let mut pregnant_booking_not_started = booked(7, t(8, 20), t(10, 0));
    pregnant_booking_not_started.priority = Priority::Pregnancy;
    let waiting = vec![
        walk_in(1, t(8, 0)),
        booked(2, t(8, 50), t(9, 0)),
        elderly,
        booked(4, t(8, 40), t(9, 0)),
        booked(5, t(8, 5), t(8, 30)),
        booked(6, t(8, 1), t(9, 30)), // not started yet at 09:10
        pregnant_booking_not_started,
        online(8, t(9, 5), t(9, 0)),
    ];
    let now = t(9, 10);
    // 5 (session 08:30), then session 09:00 by arrival: 4, 2, 8;
    // priority by arrival: 3, 7; then 1, 6 by arrival.
    assert_eq!(queue_order(&waiting, now), vec![5, 4, 2, 8, 3, 7, 1, 6]);
    assert_eq!(queue_position(&waiting, 3, now), Some(5));
    assert_eq!(queue_position(&waiting, 99, now), None);
    assert_eq!(queue_class(&waiting[5], now), QueueClass::Other);
    // Before 09:00 only booking 5 has started.
    assert_eq!(
        queue_order(&waiting, t(8, 55)),
        vec![5, 3, 7, 1, 6, 4, 2, 8]
    );
}

#[test]
fn walk_in_with_a_session_time_is_not_a_booking() {
    let mut w = walk_in(1, t(8, 0));
    w.session_start = Some(t(7, 0));
    assert_eq!(queue_class(&w, t(9, 0)), QueueClass::Other);
}

// --- routing ---

#[test]
fn fewest_active_then_longest_idle_then_lowest_id() {
    let agents = vec![
        agent(1, 5, 2, t(8, 0)),
        agent(2, 5, 1, t(8, 30)),
        agent(3, 5, 1, t(8, 10)),
        agent(4, 5, 1, t(8, 10)),
    ];
    assert_eq!(pick_agent(&agents), Some(3));
    let waiting: Vec<Waiting> = (1..=4).map(|i| walk_in(i, t(9, i as u32))).collect();
    let got = assign(&waiting, &agents, &booths(10), t(9, 30));
    let to: Vec<i64> = got.iter().map(|a| a.agent_id).collect();
    // 3 (1 active, idle 08:10), 4 (ties 3 on idle, higher id), 2, then
    // everyone at 2 active: 1 is the longest idle.
    assert_eq!(to, vec![3, 4, 2, 1]);
    let booth_ids: Vec<Option<i64>> = got.iter().map(|a| a.booth_id).collect();
    assert_eq!(booth_ids, vec![Some(101), Some(102), Some(103), Some(104)]);
}

#[test]
fn paused_off_and_full_agents_take_nobody() {
    let mut paused = agent(1, 5, 0, t(8, 0));
    paused.status = AgentStatus::Paused;
    let mut off = agent(2, 5, 0, t(8, 0));
    off.status = AgentStatus::Off;
    let full = agent(3, 2, 2, t(8, 0));
    let shrunk = agent(4, 1, 3, t(8, 0)); // seats lowered below load
    let agents = vec![paused, off, full, shrunk];
    assert_eq!(pick_agent(&agents), None);
    assert!(assign(&[walk_in(1, t(9, 0))], &agents, &booths(3), t(9, 0)).is_empty());
    assert_eq!(on_duty_seats(&agents), 3);
}

#[test]
fn booths_lowest_number_first_and_occupied_ones_skipped() {
    let bs = vec![
        Booth {
            id: 1,
            number: 3,
            occupied: false,
        },
        Booth {
            id: 2,
            number: 1,
            occupied: true,
        },
        Booth {
            id: 3,
            number: 2,
            occupied: false,
        },
    ];
    let waiting = vec![
        walk_in(1, t(9, 0)),
        walk_in(2, t(9, 1)),
        walk_in(3, t(9, 2)),
    ];
    let got = assign(&waiting, &[agent(7, 5, 0, t(8, 0))], &bs, t(9, 5));
    assert_eq!(
        got,
        vec![
            Assignment {
                waiting_id: 1,
                agent_id: 7,
                booth_id: Some(3)
            },
            Assignment {
                waiting_id: 2,
                agent_id: 7,
                booth_id: Some(1)
            },
        ]
    );
}

#[test]
fn online_participant_takes_a_seat_when_only_booths_are_lacking() {
    let waiting = vec![
        walk_in(1, t(9, 0)),
        booked(2, t(9, 1), t(9, 0)),
        online(3, t(9, 2), t(9, 30)), // not started: last in line
    ];
    let mut all_taken = booths(2);
    for b in &mut all_taken {
        b.occupied = true;
    }
    let agents = [agent(1, 5, 2, t(8, 0))];
    let got = assign(&waiting, &agents, &all_taken, t(9, 5));
    assert_eq!(
        got,
        vec![Assignment {
            waiting_id: 3,
            agent_id: 1,
            booth_id: None
        }]
    );
    // One booth free: the started booking (2) gets it, the walk-in
    // waits, the online participant still gets a seat.
    let mut one_free = all_taken.clone();
    one_free[1].occupied = false;
    let got = assign(&waiting, &agents, &one_free, t(9, 5));
    assert_eq!(
        got,
        vec![
            Assignment {
                waiting_id: 2,
                agent_id: 1,
                booth_id: Some(102)
            },
            Assignment {
                waiting_id: 3,
                agent_id: 1,
                booth_id: None
            },
        ]
    );
    let rest = [waiting[0].clone()];
    let mut after = agents.to_vec();
    after[0].active = 4;
    let mut booths_after = one_free;
    booths_after[1].occupied = true;
    assert!(check_nobody_skipped(&rest, &after, &booths_after).is_ok());
    booths_after[1].occupied = false;
    assert!(check_nobody_skipped(&rest, &after, &booths_after).is_err());
}

#[test]
fn seats_fill_up_across_agents() {
    let waiting: Vec<Waiting> = (1..=12).map(|i| walk_in(i, t(9, i as u32))).collect();
    let agents = [agent(1, 5, 0, t(8, 0)), agent(2, 5, 0, t(8, 5))];
    let got = assign(&waiting, &agents, &booths(20), t(9, 30));
    assert_eq!(got.len(), 10);
    let to_1 = got.iter().filter(|a| a.agent_id == 1).count();
    assert_eq!(to_1, 5);
    // The first ten in line, alternating 1, 2, 1, 2 ...
    let ids: Vec<i64> = got.iter().map(|a| a.waiting_id).collect();
    assert_eq!(ids, (1..=10).collect::<Vec<i64>>());
    assert_eq!(got[0].agent_id, 1);
    assert_eq!(got[1].agent_id, 2);
}

#[test]
fn invariant_checker_finds_each_violation() {
    let agents = [agent(1, 2, 0, t(8, 0)), agent(2, 1, 0, t(8, 0))];
    assert!(check_invariants(
        &agents,
        &[(101, 10), (102, 11)],
        &[(1, 10), (1, 11), (2, 12)]
    )
    .is_ok());
    let err = check_invariants(&agents, &[], &[(1, 10), (1, 11), (1, 12)]).unwrap_err();
    assert!(
        err.contains("agent 1 has 3 active sessions but 2 seats"),
        "{err}"
    );
    let mut busy = agents.to_vec();
    busy[1].active = 2;
    assert!(check_invariants(&busy, &[], &[]).is_err());
    let err = check_invariants(&agents, &[(101, 10), (101, 11)], &[]).unwrap_err();
    assert!(err.contains("booth 101"), "{err}");
    let err = check_invariants(&agents, &[(101, 10), (102, 10)], &[]).unwrap_err();
    assert!(err.contains("participant 10 is in booths"), "{err}");
    let err = check_invariants(&agents, &[], &[(1, 10), (2, 10)]).unwrap_err();
    assert!(err.contains("participant 10 holds two seats"), "{err}");
    let err = check_invariants(&agents, &[], &[(9, 10)]).unwrap_err();
    assert!(err.contains("agent 9"), "{err}");
}

// --- wait estimate ---

#[test]
fn wait_estimates() {
    assert_eq!(estimated_wait_minutes(1, 10, 15), Some(0));
    assert_eq!(estimated_wait_minutes(11, 10, 15), Some(15));
    assert_eq!(estimated_wait_minutes(12, 10, 15), Some(17)); // 16.5 up
    assert_eq!(estimated_wait_minutes(6, 5, 0), Some(15)); // default
    assert_eq!(estimated_wait_minutes(6, 0, 15), None);
    assert_eq!(estimated_wait_minutes(0, 5, 15), Some(0));
    assert_eq!(
        estimated_wait_minutes(u32::MAX, 1, u32::MAX),
        Some(u32::MAX)
    );
    assert_eq!(service_minutes_or_default(None), 15);
    assert_eq!(service_minutes_or_default(Some(f64::NAN)), 15);
    assert_eq!(service_minutes_or_default(Some(0.0)), 15);
    assert_eq!(service_minutes_or_default(Some(0.2)), 1);
    assert_eq!(service_minutes_or_default(Some(12.1)), 13);
}

// --- measures ---

fn session(
    agent_id: i64,
    arrived: NaiveDateTime,
    started: NaiveDateTime,
    finished: Option<NaiveDateTime>,
    outcome: Option<Outcome>,
) -> ServedSession {
    ServedSession {
        agent_id,
        arrived_at: arrived,
        started_at: started,
        finished_at: finished,
        outcome,
    }
}

#[test]
fn a_small_day() {
    let sessions = vec![
        session(
            1,
            t(8, 0),
            t(8, 10),
            Some(t(8, 30)),
            Some(Outcome::Verified),
        ),
        session(
            1,
            t(8, 0),
            t(8, 20),
            Some(t(8, 50)),
            Some(Outcome::Rejected),
        ),
        session(1, t(8, 30), t(8, 30), Some(t(8, 40)), Some(Outcome::NoShow)),
        session(
            2,
            t(8, 40),
            t(8, 50),
            Some(t(9, 0)),
            Some(Outcome::Returned),
        ),
        session(2, t(9, 0), t(9, 0), None, None),
    ];
    // Two agents, one hour each.
    let m = day_measures(6, &sessions, 120.0);
    assert_eq!(m.arrivals, 6);
    assert_eq!(m.served, 2);
    assert_eq!(m.no_shows, 1);
    // waits 10, 20, 0, 10, 0
    assert_eq!(m.avg_wait_minutes, Some(8.0));
    // served: 20 and 30
    assert_eq!(m.avg_service_minutes, Some(25.0));
    // busy 20 + 30 + 10 + 10 = 70 over 120 on-duty minutes
    let active = m.avg_active_seats.unwrap();
    assert!((active - 70.0 / 120.0).abs() < 1e-9, "{active}");
    assert_eq!(m.per_agent_hour, Some(1.0));
}

#[test]
fn five_at_once_shows_as_five() {
    // One agent on duty 60 minutes running five 60-minute sessions.
    let sessions: Vec<ServedSession> = (0..5)
        .map(|_| session(1, t(8, 0), t(9, 0), Some(t(10, 0)), Some(Outcome::Verified)))
        .collect();
    let m = day_measures(5, &sessions, 60.0);
    assert_eq!(m.avg_active_seats, Some(5.0));
    assert_eq!(m.per_agent_hour, Some(5.0));
    assert_eq!(m.avg_wait_minutes, Some(60.0));
}

#[test]
fn empty_day() {
    let m = day_measures(0, &[], 0.0);
    assert_eq!(
        m,
        DayMeasures {
            arrivals: 0,
            served: 0,
            no_shows: 0,
            avg_wait_minutes: None,
            avg_service_minutes: None,
            avg_active_seats: None,
            per_agent_hour: None,
        }
    );
    let m = day_measures(3, &[], 480.0);
    assert_eq!(m.avg_active_seats, Some(0.0));
    assert_eq!(m.per_agent_hour, Some(0.0));
    assert_eq!(day_measures(0, &[], f64::NAN).per_agent_hour, None);
    // Clock skew never gives a negative wait.
    let s = [session(1, t(9, 0), t(8, 59), None, None)];
    assert_eq!(day_measures(1, &s, 60.0).avg_wait_minutes, Some(0.0));
}

// --- seats ---

#[test]
fn seats_rules() {
    assert_eq!(default_seats(true), 5);
    assert_eq!(default_seats(false), 1);
    assert!(!valid_seats(0));
    assert!(valid_seats(1));
    assert!(valid_seats(6));
    assert!(!valid_seats(7));
    assert_eq!(check_seats(4, 4), Ok(()));
    assert_eq!(check_seats(3, 4), Err("seats_below_active"));
    assert_eq!(check_seats(7, 0), Err("invalid_seats"));
    assert_eq!(check_seats(0, 0), Err("invalid_seats"));
}

// --- property tests: a small floor simulator ---

#[derive(Clone, Debug)]
enum Event {
    WalkIn(Priority),
    /// Checked in at the kiosk; session start = now + minutes.
    Booked(i64, Priority),
    /// Opened the session page; session start = now + minutes.
    Online(i64),
    /// Goes on duty, or resumes after a pause.
    OnDuty(usize),
    Pause(usize),
    /// Signs off; their participants go back to the queue.
    Off(usize),
    /// A session ends with this outcome (returned: back to the queue;
    /// transferred: to the least busy other agent with a free seat).
    Finish(usize, Outcome),
    Seats(usize, u32),
    Tick(i64),
}

#[derive(Clone, Debug)]
struct Seated {
    who: Waiting,
    agent_id: i64,
    booth_id: Option<i64>,
}

struct Sim {
    now: NaiveDateTime,
    next_id: i64,
    waiting: Vec<Waiting>,
    agents: Vec<Agent>,
    booths: Vec<Booth>,
    seated: Vec<Seated>,
}

impl Sim {
    fn new(agents: &[(u32, usize)], booth_numbers: &[u32]) -> Sim {
        let now = t(8, 0);
        Sim {
            now,
            next_id: 1,
            waiting: Vec::new(),
            agents: agents
                .iter()
                .enumerate()
                .map(|(i, &(seats, status))| Agent {
                    id: i as i64 + 1,
                    seats,
                    status: AgentStatus::ALL[status % 3],
                    active: 0,
                    idle_since: now - TimeDelta::minutes(i as i64),
                })
                .collect(),
            booths: booth_numbers
                .iter()
                .enumerate()
                .map(|(i, &number)| Booth {
                    id: 100 + i as i64,
                    number,
                    occupied: false,
                })
                .collect(),
            seated: Vec::new(),
        }
    }

    fn arrive(&mut self, kind: TicketKind, priority: Priority, start: Option<i64>, online: bool) {
        let id = self.next_id;
        self.next_id += 1;
        self.waiting.push(Waiting {
            id,
            kind,
            priority,
            arrived_at: self.now,
            session_start: start.map(|m| self.now + TimeDelta::minutes(m)),
            online,
        });
    }

    fn agent_mut(&mut self, id: i64) -> &mut Agent {
        self.agents.iter_mut().find(|a| a.id == id).expect("agent")
    }

    fn free_booth(&mut self, id: Option<i64>) {
        if let Some(b) = self.booths.iter_mut().find(|b| Some(b.id) == id) {
            assert!(b.occupied, "booth {} freed twice", b.id);
            b.occupied = false;
        }
    }

    /// Ends seat `index`; the agent's load drops and idle time restarts.
    fn unseat(&mut self, index: usize) -> Seated {
        let s = self.seated.remove(index);
        let now = self.now;
        let a = self.agent_mut(s.agent_id);
        a.active -= 1;
        a.idle_since = now;
        s
    }

    fn apply(&mut self, e: &Event) {
        let n_agents = self.agents.len();
        match *e {
            Event::WalkIn(p) => self.arrive(TicketKind::WalkIn, p, None, false),
            Event::Booked(m, p) => self.arrive(TicketKind::Booked, p, Some(m), false),
            Event::Online(m) => self.arrive(TicketKind::Booked, Priority::None, Some(m), true),
            Event::OnDuty(i) if n_agents > 0 => {
                let now = self.now;
                let a = &mut self.agents[i % n_agents];
                match a.status {
                    AgentStatus::Off => {
                        a.status = AgentStatus::OnDuty;
                        a.idle_since = now;
                    }
                    AgentStatus::Paused => a.status = AgentStatus::OnDuty,
                    AgentStatus::OnDuty => {}
                }
            }
            Event::Pause(i) if n_agents > 0 => {
                let a = &mut self.agents[i % n_agents];
                if a.status == AgentStatus::OnDuty {
                    a.status = AgentStatus::Paused;
                }
            }
            Event::Off(i) if n_agents > 0 => {
                let id = self.agents[i % n_agents].id;
                while let Some(k) = self.seated.iter().position(|s| s.agent_id == id) {
                    let s = self.unseat(k);
                    self.free_booth(s.booth_id);
                    self.waiting.push(s.who);
                }
                self.agent_mut(id).status = AgentStatus::Off;
            }
            Event::Finish(i, outcome) if !self.seated.is_empty() => {
                let k = i % self.seated.len();
                if outcome == Outcome::Transferred {
                    let from = self.seated[k].agent_id;
                    let others: Vec<Agent> = self
                        .agents
                        .iter()
                        .filter(|a| a.id != from)
                        .cloned()
                        .collect();
                    if let Some(to) = pick_agent(&others) {
                        let mut s = self.unseat(k);
                        s.agent_id = to;
                        self.agent_mut(to).active += 1;
                        self.seated.push(s);
                    }
                    return;
                }
                let s = self.unseat(k);
                self.free_booth(s.booth_id);
                if outcome == Outcome::Returned {
                    self.waiting.push(Waiting {
                        arrived_at: self.now,
                        ..s.who
                    });
                }
            }
            Event::Seats(i, n) if n_agents > 0 => {
                let a = &mut self.agents[i % n_agents];
                if check_seats(n, a.active).is_ok() {
                    a.seats = n;
                }
            }
            Event::Tick(m) => self.now += TimeDelta::minutes(m),
            _ => {}
        }
    }

    /// Runs `assign`, checks its choices against the rules, applies it.
    fn route(&mut self) -> Result<(), TestCaseError> {
        let order = queue_order(&self.waiting, self.now);
        let got = assign(&self.waiting, &self.agents, &self.booths, self.now);
        let pos = |id: i64| order.iter().position(|&x| x == id).expect("in the queue");
        let placed: Vec<i64> = got.iter().map(|a| a.waiting_id).collect();
        // Placements follow the queue order.
        prop_assert!(
            placed.windows(2).all(|w| pos(w[0]) < pos(w[1])),
            "{placed:?} vs {order:?}"
        );
        // Nobody is passed over for someone later who needs the same.
        for u in self.waiting.iter().filter(|w| !placed.contains(&w.id)) {
            for a in &got {
                let v = self
                    .waiting
                    .iter()
                    .find(|w| w.id == a.waiting_id)
                    .expect("v");
                prop_assert!(
                    pos(v.id) < pos(u.id) || (v.online && !u.online),
                    "{} placed before {}",
                    v.id,
                    u.id
                );
            }
        }
        for a in &got {
            let who = self
                .waiting
                .iter()
                .position(|w| w.id == a.waiting_id)
                .map(|k| self.waiting.remove(k))
                .expect("assigned someone waiting");
            // The least busy, longest idle free agent.
            let best = self
                .agents
                .iter()
                .filter(|x| x.status == AgentStatus::OnDuty && x.active < x.seats)
                .map(|x| (x.active, x.idle_since, x.id))
                .min();
            let chosen = self
                .agents
                .iter()
                .find(|x| x.id == a.agent_id)
                .expect("agent");
            prop_assert_eq!(best, Some((chosen.active, chosen.idle_since, chosen.id)));
            // The lowest-numbered free booth, none online.
            let lowest = self
                .booths
                .iter()
                .filter(|b| !b.occupied)
                .min_by_key(|b| (b.number, b.id))
                .map(|b| b.id);
            if who.online {
                prop_assert_eq!(a.booth_id, None);
            } else {
                prop_assert!(lowest.is_some());
                prop_assert_eq!(a.booth_id, lowest);
            }
            self.agent_mut(a.agent_id).active += 1;
            if let Some(b) = self.booths.iter_mut().find(|b| Some(b.id) == a.booth_id) {
                b.occupied = true;
            }
            self.seated.push(Seated {
                who,
                agent_id: a.agent_id,
                booth_id: a.booth_id,
            });
        }
        Ok(())
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let booth_pairs: Vec<(i64, i64)> = self
            .seated
            .iter()
            .filter_map(|s| s.booth_id.map(|b| (b, s.who.id)))
            .collect();
        let seat_pairs: Vec<(i64, i64)> =
            self.seated.iter().map(|s| (s.agent_id, s.who.id)).collect();
        if let Err(e) = check_invariants(&self.agents, &booth_pairs, &seat_pairs) {
            return Err(TestCaseError::fail(e));
        }
        if let Err(e) = check_nobody_skipped(&self.waiting, &self.agents, &self.booths) {
            return Err(TestCaseError::fail(e));
        }
        // Independently: nobody waiting fits a free seat.
        let seat_free = self
            .agents
            .iter()
            .any(|a| a.status == AgentStatus::OnDuty && a.active < a.seats);
        let booth_free = self.booths.iter().any(|b| !b.occupied);
        prop_assert!(!(seat_free && self.waiting.iter().any(|w| w.online || booth_free)));
        // The simulator's bookkeeping agrees with itself.
        for a in &self.agents {
            let n = self.seated.iter().filter(|s| s.agent_id == a.id).count();
            prop_assert_eq!(n, a.active as usize);
        }
        for b in &self.booths {
            prop_assert_eq!(b.occupied, booth_pairs.iter().any(|&(x, _)| x == b.id));
        }
        // Queue bands never interleave; started bookings by start.
        let order = queue_order(&self.waiting, self.now);
        let by_id = |id: i64| self.waiting.iter().find(|w| w.id == id).expect("w");
        let keys: Vec<(QueueClass, Option<NaiveDateTime>, NaiveDateTime)> = order
            .iter()
            .map(|&id| {
                let w = by_id(id);
                let c = queue_class(w, self.now);
                let start = (c == QueueClass::StartedBooking)
                    .then_some(w.session_start)
                    .flatten();
                (c, start, w.arrived_at)
            })
            .collect();
        prop_assert!(keys.windows(2).all(|k| k[0] <= k[1]), "{keys:?}");
        Ok(())
    }
}

fn priority() -> impl Strategy<Value = Priority> {
    prop_oneof![
        4 => Just(Priority::None),
        1 => prop::sample::select(Priority::ALL.to_vec()),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => priority().prop_map(Event::WalkIn),
        3 => (-90i64..=60, priority()).prop_map(|(m, p)| Event::Booked(m, p)),
        2 => (-30i64..=30).prop_map(Event::Online),
        2 => (0usize..8).prop_map(Event::OnDuty),
        1 => (0usize..8).prop_map(Event::Pause),
        1 => (0usize..8).prop_map(Event::Off),
        5 => (0usize..16, prop::sample::select(Outcome::ALL.to_vec()))
            .prop_map(|(i, o)| Event::Finish(i, o)),
        1 => (0usize..8, 0u32..=7).prop_map(|(i, n)| Event::Seats(i, n)),
        2 => (0i64..=20).prop_map(Event::Tick),
    ]
}

fn floor() -> impl Strategy<Value = (Vec<(u32, usize)>, Vec<u32>)> {
    let agents = prop::collection::vec((MIN_SEATS..=MAX_SEATS, 0usize..3), 0..=4);
    let booths = (0u32..=8).prop_flat_map(|n| Just((1..=n).collect::<Vec<u32>>()).prop_shuffle());
    (agents, booths)
}

fn waiting_strategy() -> impl Strategy<Value = Vec<Waiting>> {
    prop::collection::vec(
        (
            prop::bool::ANY,
            priority(),
            0u32..120,
            prop::option::of(0u32..180),
            prop::bool::ANY,
        ),
        0..30,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (is_booked, priority, arr, start, online))| Waiting {
                id: i as i64 + 1,
                kind: if is_booked {
                    TicketKind::Booked
                } else {
                    TicketKind::WalkIn
                },
                priority,
                arrived_at: t(8, 0) + TimeDelta::minutes(i64::from(arr)),
                session_start: start.map(|s| t(8, 0) + TimeDelta::minutes(i64::from(s))),
                online: is_booked && online,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn random_floor_days_keep_the_invariants(
        (agents, booth_numbers) in floor(),
        events in prop::collection::vec(event(), 1..120),
    ) {
        let mut sim = Sim::new(&agents, &booth_numbers);
        sim.route()?;
        sim.check()?;
        for e in &events {
            sim.apply(e);
            sim.route()?;
            sim.check()?;
        }
    }

    #[test]
    fn queue_order_is_a_stable_permutation_in_bands(
        waiting in waiting_strategy(),
        now_min in 0i64..240,
        seed in any::<u64>(),
    ) {
        let now = t(8, 0) + TimeDelta::minutes(now_min);
        let order = queue_order(&waiting, now);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        let ids: Vec<i64> = waiting.iter().map(|w| w.id).collect();
        prop_assert_eq!(&sorted, &ids);
        // Same order whatever the input order.
        let mut shuffled = waiting.clone();
        let len = shuffled.len();
        if len > 1 {
            let k = (seed % len as u64) as usize;
            shuffled.rotate_left(k);
            shuffled.swap(0, len - 1);
        }
        prop_assert_eq!(&queue_order(&shuffled, now), &order);
        let classes: Vec<QueueClass> = order
            .iter()
            .map(|&id| queue_class(waiting.iter().find(|w| w.id == id).expect("w"), now))
            .collect();
        prop_assert!(classes.windows(2).all(|c| c[0] <= c[1]), "{classes:?}");
        for (w, &c) in order.iter().zip(&classes) {
            let w = waiting.iter().find(|x| x.id == *w).expect("w");
            let started = w.kind == TicketKind::Booked && w.session_start.is_some_and(|s| s <= now);
            prop_assert_eq!(c == QueueClass::StartedBooking, started);
            prop_assert_eq!(c == QueueClass::Priority, !started && w.priority.is_priority());
        }
    }

    #[test]
    fn assign_from_scratch_leaves_nobody_placeable(
        waiting in waiting_strategy(),
        (agents, booth_numbers) in floor(),
    ) {
        let mut sim = Sim::new(&agents, &booth_numbers);
        sim.waiting = waiting;
        sim.route()?;
        sim.check()?;
    }

    #[test]
    fn wait_estimate_is_monotone(
        position in 1u32..500,
        seats in 0u32..40,
        avg in 0u32..120,
    ) {
        let here = estimated_wait_minutes(position, seats, avg);
        prop_assert_eq!(here.is_none(), seats == 0);
        if let Some(m) = here {
            prop_assert!(estimated_wait_minutes(position + 1, seats, avg) >= Some(m));
            prop_assert!(estimated_wait_minutes(position, seats + 1, avg) <= Some(m));
            let avg = if avg == 0 { DEFAULT_AVG_SERVICE_MINUTES } else { avg };
            prop_assert!(u64::from(m) * u64::from(seats) >= u64::from(position - 1) * u64::from(avg));
        }
    }

    #[test]
    fn ticket_numbers_round_trip(seq in 0u32..100_000, booked in prop::bool::ANY) {
        let kind = if booked { TicketKind::Booked } else { TicketKind::WalkIn };
        let n = ticket_number(kind, seq);
        prop_assert!(n.len() >= 4);
        prop_assert_eq!(parse_ticket_number(&n), Some((kind, seq)));
        prop_assert_eq!(parse_ticket_number(&n.to_lowercase()), Some((kind, seq)));
    }

    #[test]
    fn sessions_inside_on_duty_time_never_exceed_the_seats(
        seats in 1u32..=6,
        lengths in prop::collection::vec((0u32..60, 1u32..60), 0..30),
    ) {
        // One agent on duty 08:00–10:00 with at most `seats` sessions at
        // once: lay sessions out in `seats` lanes, one after another.
        let mut lanes = vec![0u32; seats as usize];
        let mut sessions = Vec::new();
        for (i, (gap, len)) in lengths.into_iter().enumerate() {
            let lane = i % seats as usize;
            let start = lanes[lane] + gap;
            let end = start + len;
            if end > 120 {
                continue;
            }
            lanes[lane] = end;
            let at = |m: u32| t(8, 0) + TimeDelta::minutes(i64::from(m));
            sessions.push(session(1, at(0), at(start), Some(at(end)), Some(Outcome::Verified)));
        }
        let m = day_measures(0, &sessions, 120.0);
        let avg = m.avg_active_seats.expect("on duty");
        prop_assert!(avg <= f64::from(seats) + 1e-9, "{avg}");
        prop_assert_eq!(m.served as usize, sessions.len());
    }
}
