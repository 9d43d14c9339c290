//! Erlang C: the steady state of an M/M/c queue (Poisson arrivals,
//! exponential service, c servers, one queue). The simulation with one
//! seat per agent and exponential service is that queue, so on a long day
//! the two must agree; the planner also reports it beside a simulated day.

/// The probability that an arrival waits, for `servers` agents and an
/// offered load of `load` erlangs (arrival rate × mean service time);
/// `None` when the queue grows without bound (`load >= servers`).
pub fn erlang_c(servers: u32, load: f64) -> Option<f64> {
    let c = f64::from(servers);
    if servers == 0 || !load.is_finite() || load < 0.0 || load >= c {
        return None;
    }
    // Erlang B by its stable recurrence, then C from B.
    let mut b = 1.0;
    for k in 1..=servers {
        b = load * b / (f64::from(k) + load * b);
    }
    Some(c * b / (c - load * (1.0 - b)))
}

/// The mean wait before service (minutes) of an M/M/c queue with
/// `per_minute` arrivals a minute and a mean service of `service_minutes`.
pub fn mean_wait(servers: u32, per_minute: f64, service_minutes: f64) -> Option<f64> {
    let load = per_minute * service_minutes;
    let c = erlang_c(servers, load)?;
    Some(c * service_minutes / (f64::from(servers) - load))
}
