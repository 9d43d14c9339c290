//! The planner page's form: the day's arrivals (typed per opening hour, or
//! a recorded day), the service time, a target wait, and up to
//! [`CONFIGS`] configurations of the floor side by side (agents, seats per
//! agent, walk-in cap). Every value arrives as typed text, so that a typo
//! goes back to its field with its sentence; [`PlannerForm::plans`] turns
//! the filled configurations into checked [`Plan`]s, all with the same
//! seed, so they are compared on the same simulated arrivals.

use serde::Deserialize;

use super::plan::{Plan, PlanRequest};
use super::recorded::RecordedDay;

/// Configurations compared side by side.
pub const CONFIGS: usize = 3;
/// Simulated days per configuration on the page.
pub const PAGE_RUNS: u32 = 40;
/// The page's seed: the same form, the same answer.
pub const PAGE_SEED: u64 = 1;
/// Arrivals per opening hour the empty form suggests (an 08.00–15.00 day
/// with a morning peak).
pub const SUGGESTED_ARRIVALS: &str = "20 28 24 16 12 14 10";
pub const SUGGESTED_SERVICE_MINUTES: &str = "10";

/// The form as typed (a GET query: the page is a calculation, it changes
/// nothing). Configuration `i` (1-based) is `agents_i`, `seats_i`, `cap_i`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlannerForm {
    /// Another branch's recorded days (admins only).
    #[serde(default)]
    pub branch: String,
    /// Walk-ins per opening hour, separated by spaces.
    #[serde(default)]
    pub arrivals: String,
    /// A recorded day (YYYY-MM-DD) instead of `arrivals`.
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub service_minutes: String,
    /// `exponential`, `lognormal` or `empirical` (the recorded day's).
    #[serde(default)]
    pub distribution: String,
    #[serde(default)]
    pub target_wait: String,
    #[serde(default)]
    pub agents_1: String,
    #[serde(default)]
    pub seats_1: String,
    #[serde(default)]
    pub cap_1: String,
    #[serde(default)]
    pub agents_2: String,
    #[serde(default)]
    pub seats_2: String,
    #[serde(default)]
    pub cap_2: String,
    #[serde(default)]
    pub agents_3: String,
    #[serde(default)]
    pub seats_3: String,
    #[serde(default)]
    pub cap_3: String,
}

/// A field of the form refused: its name in the form, its sentence's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub field: String,
    pub detail: &'static str,
}

impl FormError {
    fn new(field: impl Into<String>, detail: &'static str) -> Self {
        Self {
            field: field.into(),
            detail,
        }
    }
}

/// One configuration as typed: agents, seats per agent, walk-in cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigInput<'a> {
    pub agents: &'a str,
    pub seats: &'a str,
    pub cap: &'a str,
}

impl ConfigInput<'_> {
    fn is_empty(&self) -> bool {
        [self.agents, self.seats, self.cap]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// A number as typed: empty is none; a decimal comma is read as a point;
/// anything else that is not a number is NaN, which every check refuses
/// with the field's own sentence.
fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.replace(',', ".").parse().unwrap_or(f64::NAN))
}

/// Numbers separated by spaces, semicolons or commas.
fn numbers(s: &str) -> Option<Vec<f64>> {
    let v: Vec<f64> = s
        .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap_or(f64::NAN))
        .collect();
    (!v.is_empty()).then_some(v)
}

/// The form's field for a field of the planner's request, in
/// configuration `i`.
fn form_field(field: &str, i: usize) -> String {
    match field {
        "agents" => format!("agents_{i}"),
        "seats_per_agent" => format!("seats_{i}"),
        "walk_in_cap" => format!("cap_{i}"),
        "recorded_arrivals" | "opening_hours" | "bookings" => "day".into(),
        "service_distribution" | "service_cv" | "service_samples" | "concurrency" => {
            "distribution".into()
        }
        "target_wait_minutes" => "target_wait".into(),
        "service_minutes" => "service_minutes".into(),
        _ => "arrivals".into(),
    }
}

impl PlannerForm {
    /// Configuration `i`, 1-based.
    pub fn config(&self, i: usize) -> ConfigInput<'_> {
        let (agents, seats, cap) = match i {
            1 => (&self.agents_1, &self.seats_1, &self.cap_1),
            2 => (&self.agents_2, &self.seats_2, &self.cap_2),
            _ => (&self.agents_3, &self.seats_3, &self.cap_3),
        };
        ConfigInput { agents, seats, cap }
    }

    /// Whether anything was asked: an empty form shows no results.
    pub fn submitted(&self) -> bool {
        (1..=CONFIGS).any(|i| !self.config(i).is_empty())
    }

    /// An empty form filled with a start: the suggested day, and the
    /// branch's floor as it is (`agents` on its floor, `seats` each, its
    /// cap) beside one to one and one to five with the same agents.
    pub fn suggested(agents: u32, seats: u32, cap: Option<u32>) -> Self {
        let agents = agents.max(1).to_string();
        let cap = cap.map(|c| c.to_string()).unwrap_or_default();
        Self {
            arrivals: SUGGESTED_ARRIVALS.into(),
            service_minutes: SUGGESTED_SERVICE_MINUTES.into(),
            distribution: "exponential".into(),
            agents_1: agents.clone(),
            seats_1: seats.to_string(),
            cap_1: cap.clone(),
            agents_2: agents.clone(),
            seats_2: "1".into(),
            cap_2: cap.clone(),
            agents_3: agents,
            seats_3: "5".into(),
            cap_3: cap,
            ..Self::default()
        }
    }

    /// The recorded day asked for, if any (YYYY-MM-DD).
    pub fn recorded_day(&self) -> Result<Option<chrono::NaiveDate>, FormError> {
        match self.day.trim() {
            "" => Ok(None),
            d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| FormError::new("day", "planner_day_invalid")),
        }
    }

    /// The filled configurations' plans (number `i`, plan), or every
    /// field refused, each once. With `recorded`, its arrivals replace the
    /// typed ones.
    pub fn plans(
        &self,
        recorded: Option<&RecordedDay>,
    ) -> Result<Vec<(usize, Plan)>, Vec<FormError>> {
        let mut errors: Vec<FormError> = Vec::new();
        let empirical = self.distribution.trim() == "empirical";
        let samples = recorded
            .map(|r| r.service_samples.clone())
            .filter(|s| !s.is_empty());
        if empirical && samples.is_none() {
            errors.push(FormError::new("distribution", "planner_no_samples"));
        }
        let base = PlanRequest {
            arrivals_per_hour: if recorded.is_some() {
                None
            } else {
                numbers(&self.arrivals)
            },
            recorded_arrivals: recorded.map(|r| r.walk_ins.clone()),
            opening_hours: recorded.map(|r| f64::from(r.hours)),
            bookings: recorded.map(|r| r.bookings.clone()),
            service_minutes: number(&self.service_minutes),
            service_distribution: Some(self.distribution.trim())
                .filter(|d| !d.is_empty())
                .map(str::to_string),
            service_samples: samples.filter(|_| empirical),
            target_wait_minutes: number(&self.target_wait),
            runs: Some(f64::from(PAGE_RUNS)),
            seed: Some(PAGE_SEED),
            ..PlanRequest::default()
        };
        let mut plans = Vec::new();
        let filled: Vec<usize> = (1..=CONFIGS)
            .filter(|i| !self.config(*i).is_empty())
            .collect();
        if filled.is_empty() {
            errors.push(FormError::new("agents_1", "plan_missing"));
        }
        for i in filled {
            let c = self.config(i);
            let request = PlanRequest {
                agents: number(c.agents),
                seats_per_agent: number(c.seats),
                walk_in_cap: number(c.cap),
                ..base.clone()
            };
            match Plan::parse(&request) {
                Ok(plan) => plans.push((i, plan)),
                Err(e) => {
                    let field = form_field(e.field, i);
                    if !errors.iter().any(|x| x.field == field) {
                        errors.push(FormError::new(field, e.detail));
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(plans)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn form() -> PlannerForm {
        PlannerForm::suggested(3, 5, None)
    }

    #[test]
    fn the_suggested_form_gives_three_plans_on_one_seed() {
        let plans = form().plans(None).unwrap();
        assert_eq!(plans.len(), 3);
        let seats: Vec<u32> = plans.iter().map(|(_, p)| p.seats).collect();
        assert_eq!(seats, vec![5, 1, 5]);
        assert!(plans
            .iter()
            .all(|(_, p)| p.agents == 3 && p.seed == PAGE_SEED));
        assert!(plans.iter().all(|(_, p)| p.runs == PAGE_RUNS));
    }

    #[test]
    fn typos_go_back_to_their_fields_once() {
        let f = PlannerForm {
            arrivals: "20 abc 10".into(),
            agents_2: "0".into(),
            seats_3: "9".into(),
            target_wait: "lima".into(),
            ..form()
        };
        let errors = f.plans(None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        // The arrivals are refused first in every configuration: once.
        assert_eq!(fields, vec!["arrivals"], "{errors:?}");
        let f = PlannerForm {
            agents_2: "0".into(),
            seats_3: "9".into(),
            cap_1: "-1".into(),
            ..form()
        };
        let errors = f.plans(None).unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.detail))
            .collect();
        assert_eq!(
            got,
            vec![
                ("cap_1", "plan_walk_in_cap"),
                ("agents_2", "plan_agents"),
                ("seats_3", "plan_seats")
            ]
        );
    }

    #[test]
    fn a_decimal_comma_is_read_and_empty_configurations_are_left_out() {
        let f = PlannerForm {
            service_minutes: "7,5".into(),
            agents_2: String::new(),
            seats_2: String::new(),
            cap_2: " ".into(),
            ..form()
        };
        let plans = f.plans(None).unwrap();
        assert_eq!(
            plans.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![1, 3]
        );
        assert_eq!(plans[0].1.service.mean(), 7.5);
        assert!(!PlannerForm::default().submitted());
        let nothing = PlannerForm::default().plans(None).unwrap_err();
        assert_eq!(nothing[0].field, "agents_1");
    }

    #[test]
    fn a_recorded_day_replaces_the_typed_arrivals() {
        let day = RecordedDay {
            walk_ins: vec![5.0, 50.0],
            bookings: vec![0.0],
            hours: 7,
            service_samples: vec![8.0, 12.0],
            actual_mean_wait: Some(3.0),
            actual_p90_wait: Some(6.0),
        };
        let f = PlannerForm {
            arrivals: "nonsense".into(),
            distribution: "empirical".into(),
            ..form()
        };
        let plans = f.plans(Some(&day)).unwrap();
        assert_eq!(plans[0].1.bookings, vec![0.0]);
        assert_eq!(plans[0].1.closing, 420.0);
        // Measured service times need a recorded day.
        let errors = f.plans(None).unwrap_err();
        assert_eq!(
            errors[0],
            FormError::new("distribution", "planner_no_samples")
        );
        assert_eq!(
            PlannerForm {
                day: "24-11-2026".into(),
                ..form()
            }
            .recorded_day(),
            Err(FormError::new("day", "planner_day_invalid"))
        );
    }
}
