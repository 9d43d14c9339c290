//! The outreach worklist (issue 19, the 3C way): whom a branch's CS agents
//! should reach before their day, one agent per item at a time, every
//! attempt recorded and audited, and the day's figures. The list is
//! derived from the data on every read (`refresh`), inside the reading
//! transaction; an item keeps its id while its reason holds, so claims and
//! attempts attach to it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use super::dossier::require_staff;
use super::{write_db, AppError, AppResult, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::branches::{self, Branch};
use crate::db::outreach::{self as list, Attempt, Figures, Item, NewAttempt};
use crate::db::{participants, DbConnection};
use crate::domain::outreach::{self as rules, AttemptOutcome, Channel, Reason};
use crate::domain::role::Role;
use crate::domain::Code;

mod message;
mod no_show;
mod refresh;

pub use message::send as send_message;
pub use no_show::sweep_no_shows;
pub use refresh::refresh;

/// Who works the list: CS agents and supervisors of the branch, admins.
const WORKERS: [Role; 3] = [Role::Cs, Role::Supervisor, Role::Admin];

/// An item as a list shows it to one agent.
#[derive(Debug, Clone)]
pub struct ListItem {
    pub item: Item,
    pub reason: Reason,
    /// Masked, unless the agent holds the item.
    pub name: String,
    /// Masked, unless the agent holds the item.
    pub phone: String,
    /// The number to call: only for the agent holding the item.
    pub call: Option<String>,
    pub booking_code: Option<String>,
    pub missing: Vec<String>,
    /// The agent holding it (a live claim), and their name.
    pub claimed_by: Option<(i64, String)>,
    /// The agent asking holds it.
    pub mine: bool,
    pub attempts: Vec<Attempt>,
}

/// A branch's list, the most urgent first.
pub struct Worklist {
    pub branch: Branch,
    pub items: Vec<ListItem>,
}

/// The staff member acting, refused unless they work outreach lists.
fn agent(actor: &Actor) -> AppResult<i64> {
    require_staff(actor, &WORKERS)?;
    actor.id.ok_or_else(AppError::forbidden)
}

/// Refuses (403) anyone who does not work outreach lists, before their
/// input is looked at.
pub fn require_worker(ctx: &Ctx) -> AppResult<()> {
    agent(&ctx.actor).map(|_| ())
}

fn covers(actor: &Actor, branch: &str) -> bool {
    actor.role.is(Role::Admin) || actor.branch.as_deref() == Some(branch)
}

/// The branch `code` when the actor works its list; another branch's is
/// as if it did not exist.
fn branch_of(c: &mut DbConnection, actor: &Actor, code: &str) -> AppResult<Branch> {
    branches::find(c, code)?
        .filter(|b| covers(actor, &b.code))
        .ok_or_else(|| AppError::not_found(Code::BranchNotFound).field("branch"))
}

/// The item `id` when the actor works its branch's list.
fn item_of(c: &mut DbConnection, actor: &Actor, id: i64) -> AppResult<Item> {
    list::find(c, id)?
        .filter(|it| covers(actor, &it.branch_code))
        .ok_or_else(|| AppError::not_found(Code::OutreachItemNotFound))
}

fn subject(it: &Item) -> Subject {
    Subject {
        participant_id: Some(it.participant_id),
        claim_id: it.claim_id,
        booking_id: it.booking_id,
        branch_code: Some(it.branch_code.clone()),
        ..Default::default()
    }
}

/// The live claim on an item at `now`.
fn holder(it: &Item, now: chrono::NaiveDateTime) -> Option<i64> {
    match (it.claimed_by, it.claimed_at) {
        (Some(by), Some(at)) if rules::claim_holds(at, now) => Some(by),
        _ => None,
    }
}

/// Items as `me` sees them.
fn shown(
    c: &mut DbConnection,
    items: Vec<Item>,
    me: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<Vec<ListItem>> {
    let holders: Vec<i64> = items.iter().filter_map(|it| holder(it, now)).collect();
    let names: HashMap<i64, String> = list::staff_names(c, &holders)?.into_iter().collect();
    let ids: Vec<i64> = items.iter().map(|it| it.id).collect();
    let mut attempts: HashMap<i64, Vec<Attempt>> = HashMap::new();
    for a in list::attempts_of(c, &ids)? {
        attempts.entry(a.item_id).or_default().push(a);
    }
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let Ok(reason) = Reason::parse(&it.reason) else {
            continue;
        };
        let Some(who) = participants::find(c, it.participant_id)? else {
            continue;
        };
        let booking_code = match it.booking_id {
            Some(id) => list::booking_code(c, id)?,
            None => None,
        };
        let by = holder(&it, now);
        let mine = by == Some(me);
        out.push(ListItem {
            reason,
            name: match mine {
                true => who.full_name.clone(),
                false => rules::mask_name(&who.full_name),
            },
            phone: match mine {
                true => who.phone.clone(),
                false => rules::mask_phone(&who.phone),
            },
            call: mine.then(|| who.phone.clone()),
            booking_code,
            missing: rules::split_items(&it.missing),
            claimed_by: by.map(|id| (id, names.get(&id).cloned().unwrap_or_default())),
            mine,
            attempts: attempts.remove(&it.id).unwrap_or_default(),
            item: it,
        });
    }
    Ok(out)
}

/// The branch's worklist, brought up to date first.
pub async fn worklist(ctx: &Ctx, code: String) -> AppResult<Worklist> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    let me = agent(&actor)?;
    write_db(&ctx.db, move |c| -> AppResult<Worklist> {
        let branch = branch_of(c, &actor, code.trim())?;
        refresh(c, &branch, now)?;
        let open = list::open_of_branch(c, &branch.code)?;
        let items = shown(c, open, me, now.naive_utc())?;
        Ok(Worklist { branch, items })
    })
    .await
}

/// Takes an item for the acting agent: `409 claimed` while another holds
/// it. Audited: the agent now sees the participant's number.
pub async fn claim(ctx: &Ctx, id: i64) -> AppResult<ListItem> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    let me = agent(&actor)?;
    write_db(&ctx.db, move |c| -> AppResult<ListItem> {
        let it = item_of(c, &actor, id)?;
        if it.resolved_at.is_some() {
            return Err(AppError::conflict(Code::OutreachResolved));
        }
        if !list::claim(c, id, me, now, rules::claims_lapsed_before(now))? {
            return Err(AppError::conflict(Code::Claimed));
        }
        let detail = json!({"item": id, "reason": it.reason});
        audit::record(c, now, &actor, "outreach_claimed", &subject(&it), detail)?;
        let it = item_of(c, &actor, id)?;
        shown(c, vec![it], me, now)?
            .pop()
            .ok_or_else(|| AppError::not_found(Code::OutreachItemNotFound))
    })
    .await
}

/// Gives an item back. The holder may, and so may the branch's
/// supervisor or an admin (a colleague gone home); releasing an item
/// nobody holds changes nothing.
pub async fn release(ctx: &Ctx, id: i64) -> AppResult<()> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    let me = agent(&actor)?;
    let lead = !actor.role.is(Role::Cs);
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let it = item_of(c, &actor, id)?;
        let Some(by) = holder(&it, now) else {
            return Ok(());
        };
        if by != me && !lead {
            return Err(AppError::conflict(Code::Claimed));
        }
        list::release(c, id, by)?;
        let detail = json!({"item": id, "holder": by});
        audit::record(c, now, &actor, "outreach_released", &subject(&it), detail)?;
        Ok(())
    })
    .await
}

/// An attempt as submitted.
#[derive(Debug, Clone, Default)]
pub struct AttemptInput {
    pub channel: String,
    pub outcome: String,
    pub note: Option<String>,
}

/// Records a call or message about an item (by its holder, or by anyone
/// when nobody holds it), with its audit entry; the item is worked, so
/// the agent's claim ends.
pub async fn attempt(ctx: &Ctx, id: i64, input: AttemptInput) -> AppResult<Attempt> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    let me = agent(&actor)?;
    let channel = Channel::parse(input.channel.trim())
        .map_err(|_| AppError::unprocessable(Code::InvalidChannel).field("channel"))?;
    let outcome = AttemptOutcome::parse(input.outcome.trim())
        .map_err(|_| AppError::unprocessable(Code::InvalidAttemptOutcome).field("outcome"))?;
    let note = super::dossier::given(input.note.as_deref()).map(str::to_string);
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > rules::NOTE_MAX_CHARS)
    {
        return Err(AppError::unprocessable(Code::NoteTooLong).field("note"));
    }
    write_db(&ctx.db, move |c| -> AppResult<Attempt> {
        let it = item_of(c, &actor, id)?;
        if holder(&it, now).is_some_and(|by| by != me) {
            return Err(AppError::conflict(Code::Claimed));
        }
        let a = list::add_attempt(
            c,
            &NewAttempt {
                item_id: it.id,
                staff_id: me,
                branch_code: it.branch_code.clone(),
                channel: channel.as_str().to_string(),
                outcome: outcome.as_str().to_string(),
                note,
                at: now,
            },
        )?;
        list::release(c, it.id, me)?;
        let detail = json!({"item": it.id, "reason": it.reason, "attempt": a.id,
            "channel": channel, "outcome": outcome});
        audit::record(c, now, &actor, "outreach_attempt", &subject(&it), detail)?;
        Ok(a)
    })
    .await
}

/// A branch's figures for a branch-local day (today when `None`), the
/// list brought up to date first.
pub async fn figures(
    ctx: &Ctx,
    code: String,
    day: Option<NaiveDate>,
) -> AppResult<(Branch, NaiveDate, Figures)> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    agent(&actor)?;
    write_db(&ctx.db, move |c| -> AppResult<_> {
        let branch = branch_of(c, &actor, code.trim())?;
        refresh(c, &branch, now)?;
        let day = day.unwrap_or_else(|| now.with_timezone(&branch.tz()).date_naive());
        let (from, until) = rules::day_bounds(branch.tz(), day);
        let reached: Vec<&str> = AttemptOutcome::ALL
            .iter()
            .filter(|o| o.reached())
            .map(|o| o.as_str())
            .collect();
        let f = list::figures(c, &branch.code, from, until, &reached)?;
        Ok((branch, day, f))
    })
    .await
}
