//! The API's closed vocabularies as the OpenAPI document declares them:
//! each a string schema whose `enum` is read from the domain's own list
//! (filtered through the parser the handler calls, where that parser takes
//! fewer words than the list holds), so a word added to the domain is
//! documented at once. A request vocabulary holds what its parser accepts
//! (a blank too, where the parser reads it as "none"); a response one,
//! every word the server may send. Fields name theirs with
//! `#[schema(value_type = vocab::BookingStatus)]`; the inputs and read
//! models declared outside `web::api` get theirs from [`Precise`].

use std::borrow::Cow;

use utoipa::openapi::schema::{
    ArrayBuilder, ArrayItems, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::openapi::{Components, Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::app::floor::console::parse_outcome;
use crate::domain::status::{self as states, TextEnum};
use crate::domain::{
    audit::anomaly, branch_seed, claim, collective, consent, dossier, draw, floor, outreach,
    overview, planner, role, staff_admin, waitlist,
};

/// A string schema allowing `words` only.
fn words(words: Vec<&'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(words))
        .into()
}

/// The words of a stored state.
fn all<T: TextEnum>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.as_str()).collect()
}

/// The words of a vocabulary in its own order, each once.
fn distinct(list: impl IntoIterator<Item = &'static str>) -> Vec<&'static str> {
    let mut seen = Vec::new();
    for w in list {
        if !seen.contains(&w) {
            seen.push(w);
        }
    }
    seen
}

macro_rules! vocabularies {
    ($($(#[$doc:meta])* $name:ident => $words:expr;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl $name {
            /// Every word the document lists.
            pub fn words() -> Vec<&'static str> {
                $words
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                words(Self::words())
            }
        }

        impl ToSchema for $name {}
    )+};
}

vocabularies! {
    /// A booking's state.
    BookingStatus => all::<states::BookingStatus>();
    /// A claim's state.
    ClaimStatus => all::<states::ClaimStatus>();
    /// Why a member withdraws the JHT (requests: `claim::ClaimReason::parse`).
    ClaimReason => claim::ClaimReason::ALL.iter().map(|r| r.code()).collect();
    /// A claim document's kind.
    DocumentKind => dossier::DocumentKind::ALL.iter().map(|k| k.code()).collect();
    /// A stored claim document's state.
    DocumentStatus => all::<states::DocStatus>();
    /// A line of a claim's document checklist.
    ChecklistItem => distinct(dossier::REQUIREMENTS.iter().map(|r| r.item));
    /// Where a checklist line stands.
    ChecklistItemStatus => all::<states::ItemStatus>();
    /// Why a document or claim was rejected (`dossier::RejectReason::parse`).
    RejectReason => dossier::RejectReason::ALL.iter().map(|r| r.code()).collect();
    /// A staff review of a document (`dossier::Decision::parse`).
    ReviewDecision => all::<dossier::Decision>();
    /// How a participant came to the branch.
    TicketKind => floor::TicketKind::ALL.iter().map(|k| k.code()).collect();
    /// Where a floor ticket stands.
    TicketStatus => all::<states::TicketStatus>();
    /// A greeter's priority; a blank is none (`app::floor::arrive`).
    Priority => std::iter::once("").chain(floor::Priority::ALL.iter().map(|p| p.code())).collect();
    /// A shared computer at a branch (`DeviceKind::parse`).
    DeviceKind => all::<states::DeviceKind>();
    /// A CS agent's duty (`AgentStatus::parse`).
    AgentStatus => all::<states::AgentStatus>();
    /// How an agent may end a session (`app::floor::console::parse_outcome`).
    FinishOutcome => all::<states::Outcome>().into_iter().filter(|o| parse_outcome(o).is_ok()).collect();
    /// A place in a waiting line.
    WaitStatus => all::<waitlist::WaitStatus>();
    /// Why a participant is on the outreach worklist.
    OutreachReason => all::<outreach::Reason>();
    /// How an agent tried to reach a participant (`outreach::Channel::parse`).
    OutreachChannel => all::<outreach::Channel>();
    /// What came of an outreach attempt (`outreach::AttemptOutcome::parse`).
    AttemptOutcome => all::<outreach::AttemptOutcome>();
    /// Where a participant wants messages besides email.
    MessageChannel => all::<consent::MessageChannel>();
    /// A participant's choice of channel as typed; a blank is `none`
    /// (`MessageChannel::parse_typed`).
    MessageChannelChoice => std::iter::once("")
        .chain(all::<consent::MessageChannel>())
        .filter(|w| consent::MessageChannel::parse_typed(w).is_some())
        .collect();
    /// The language of a participant's messages
    /// (`app::messages::parse_language`).
    MessageLanguage => crate::i18n::Lang::ALL
        .iter()
        .map(|l| l.code())
        .filter(|w| crate::app::messages::parse_language(w, "language").is_ok())
        .collect();
    /// The gateway channel a message went on.
    SentChannel => consent::MessageChannel::ALL.iter().filter_map(|c| c.gateway()).collect();
    /// A branch office's kind.
    BranchKind => branch_seed::BranchKind::ALL.iter().map(|k| k.as_str()).collect();
    /// Sex as encoded in the NIK.
    Sex => all::<states::Sex>();
    /// Who signed in: a participant or a staff role.
    Role => std::iter::once(role::Role::Participant)
        .chain(role::Role::STAFF)
        .map(role::Role::as_str)
        .collect();
    /// A staff account's role.
    StaffRole => role::Role::STAFF.iter().map(|r| r.as_str()).collect();
    /// A role staff administration gives (`staff_admin::assignable`).
    AssignableRole => role::Role::STAFF
        .into_iter()
        .filter(|r| staff_admin::assignable(*r))
        .map(role::Role::as_str)
        .collect();
    /// How a branch releases a newly opened day (`ReleaseMode::parse`).
    ReleaseMode => all::<draw::ReleaseMode>();
    /// A request in a new day's draw.
    DrawStatus => all::<draw::DrawStatus>();
    /// A collective batch's state.
    BatchStatus => all::<states::BatchStatus>();
    /// A batch file's column, by its canonical header name.
    BatchColumn => collective::Column::ALL.iter().map(|c| c.name()).collect();
    /// A company representative's document.
    RepresentativeDocumentKind => collective::REPRESENTATIVE_KINDS.to_vec();
    /// Why a branch is flagged on the head office overview.
    BranchAlert => overview::Alert::ALL.iter().map(|a| a.code()).collect();
    /// A kind of anomaly flag (`anomaly::Kind::parse`).
    AnomalyKind => anomaly::Kind::ALL.iter().map(|k| k.code()).collect();
    /// The planner's service time distribution (`planner::Distribution::parse`).
    ServiceDistribution => all::<planner::Distribution>();
    /// Who waits at opening in the planner (`planner::Opening::parse`).
    OpeningQueue => all::<planner::Opening>();
}

/// What a field declared outside `web::api` holds.
#[derive(Clone, Copy)]
enum Holds {
    Date,
    /// An instant, RFC 3339.
    Instant,
    /// An instant, or a date (`app::audit::read`'s filter reads either).
    DateOrInstant,
    Integer,
    /// A word of a vocabulary.
    Word(fn() -> (Cow<'static, str>, RefOr<Schema>)),
    /// A list of such words.
    Words(fn() -> (Cow<'static, str>, RefOr<Schema>)),
}

use Holds::{Date, DateOrInstant, Instant, Integer, Word, Words};

/// A vocabulary's name and schema, for [`Holds`].
fn named<T: ToSchema>() -> (Cow<'static, str>, RefOr<Schema>) {
    (T::name(), T::schema())
}

/// The fields of the bodies whose types live outside `web::api` (the use
/// cases' inputs, the domain's read models): (schema, field, what it holds).
#[rustfmt::skip]
const FIELDS: &[(&str, &str, Holds)] = &[
    ("CreateClaimRequest", "reason", Word(named::<ClaimReason>)),
    ("CreateClaimRequest", "last_working_day", Date),
    ("CreateClaimRequest", "termination_date", Date),
    ("CreateClaimRequest", "contract_end_date", Date),
    ("CreateClaimRequest", "membership_start_date", Date),
    ("CreateClaimRequest", "departure_date", Date),
    ("CreateClaimRequest", "date_of_death", Date),
    ("RegisterRequest", "messages", Word(named::<MessageChannelChoice>)),
    ("RegisterRequest", "language", Word(named::<MessageLanguage>)),
    ("WalkInRegisterRequest", "messages", Word(named::<MessageChannelChoice>)),
    ("WalkInRegisterRequest", "language", Word(named::<MessageLanguage>)),
    ("StaffInvitation", "role", Word(named::<AssignableRole>)),
    ("ClosureRequestBody", "date", Date),
    ("ChecklistItemBody", "item", Word(named::<ChecklistItem>)),
    ("ChecklistItemBody", "accepts", Words(named::<DocumentKind>)),
    ("ChecklistItemBody", "status", Word(named::<ChecklistItemStatus>)),
    ("ChecklistItemBody", "reason", Word(named::<RejectReason>)),
    ("ConsoleSession", "started_at", Instant),
    ("ConsoleParticipant", "sex", Word(named::<Sex>)),
    ("AgentDay", "day", Date),
    ("Overview", "at", Instant),
    ("BranchFigures", "alert", Word(named::<BranchAlert>)),
    ("PlannerRequest", "service_distribution", Word(named::<ServiceDistribution>)),
    ("PlannerRequest", "opening_queue", Word(named::<OpeningQueue>)),
];

/// The audit API's queries (`app::audit::read::{EntriesQuery, RangeQuery}`).
const ENTRIES: &[&str] = &["/api/v1/audit/entries", "/api/v1/audit/entries.csv"];
const RANGES: &[&str] = &["/api/v1/audit/agents", "/api/v1/audit/anomalies"];

/// Query parameters declared outside `web::api`: (operations' paths,
/// parameter, what it holds).
#[rustfmt::skip]
const PARAMS: &[(&[&str], &str, Holds)] = &[
    (ENTRIES, "actor", Integer),
    (ENTRIES, "participant", Integer),
    (ENTRIES, "claim", Integer),
    (ENTRIES, "after", Integer),
    (ENTRIES, "from", DateOrInstant),
    (ENTRIES, "to", DateOrInstant),
    (RANGES, "from", Date),
    (RANGES, "to", Date),
    (&["/api/v1/audit/anomalies"], "kind", Word(named::<AnomalyKind>)),
];

/// Parameters a shared query type declares that an operation does not
/// read: (path, parameter), left out of that operation's document.
const NOT_READ: &[(&str, &str)] = &[("/api/v1/audit/agents", "kind")];

fn known(format: KnownFormat) -> Option<SchemaFormat> {
    Some(SchemaFormat::KnownFormat(format))
}

fn string(format: KnownFormat) -> RefOr<Schema> {
    let s = ObjectBuilder::new().schema_type(Type::String);
    s.format(known(format)).into()
}

fn reference(vocabulary: fn() -> (Cow<'static, str>, RefOr<Schema>)) -> Ref {
    Ref::from_schema_name(vocabulary().0)
}

impl Holds {
    /// A schema of what is held, on its own (a query parameter's).
    fn schema(self) -> RefOr<Schema> {
        match self {
            Date => string(KnownFormat::Date),
            Instant => string(KnownFormat::DateTime),
            DateOrInstant => OneOfBuilder::new()
                .item(string(KnownFormat::DateTime))
                .item(string(KnownFormat::Date))
                .into(),
            Integer => {
                let s = ObjectBuilder::new().schema_type(Type::Integer);
                s.format(known(KnownFormat::Int64)).into()
            }
            Word(v) => reference(v).into(),
            Words(v) => ArrayBuilder::new().items(reference(v)).into(),
        }
    }

    /// `field` (a property as derived) declaring what it holds; its
    /// description, and whether it may be null, are kept.
    fn declare(self, field: &mut RefOr<Schema>) {
        let RefOr::T(schema) = field else {
            return;
        };
        let replaced: Option<RefOr<Schema>> = match (self, schema) {
            (Date | Instant, Schema::Object(o)) => {
                let date = matches!(self, Date);
                o.format = known(if date {
                    KnownFormat::Date
                } else {
                    KnownFormat::DateTime
                });
                None
            }
            (Words(v), Schema::Array(a)) => {
                a.items = ArrayItems::RefOrSchema(Box::new(reference(v).into()));
                None
            }
            (Word(v), Schema::Object(o)) => {
                let nullable =
                    matches!(&o.schema_type, SchemaType::Array(t) if t.contains(&Type::Null));
                let mut word = reference(v);
                word.description = o.description.clone().unwrap_or_default();
                let null = ObjectBuilder::new().schema_type(Type::Null);
                Some(match nullable {
                    true => OneOfBuilder::new().item(null).item(word).into(),
                    false => word.into(),
                })
            }
            _ => None,
        };
        if let Some(schema) = replaced {
            *field = schema;
        }
    }
}

/// Declares in the document what the fields and parameters of
/// [`FIELDS`] and [`PARAMS`] hold, with the vocabularies they name.
pub struct Precise;

impl utoipa::Modify for Precise {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (paths, name, holds) in PARAMS {
            for path in *paths {
                let item = doc.paths.paths.get_mut(*path);
                let Some(op) = item.and_then(|i| i.get.as_mut()) else {
                    continue;
                };
                for p in op.parameters.iter_mut().flatten() {
                    if p.name == *name {
                        p.schema = Some(holds.schema());
                    }
                }
            }
        }
        for (path, name) in NOT_READ {
            let item = doc.paths.paths.get_mut(*path);
            if let Some(params) = item
                .and_then(|i| i.get.as_mut())
                .and_then(|op| op.parameters.as_mut())
            {
                params.retain(|p| p.name != *name);
            }
        }
        let components = doc.components.get_or_insert_with(Components::new);
        for (schema, field, holds) in FIELDS {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(*schema) {
                if let Some(p) = o.properties.get_mut(*field) {
                    holds.declare(p);
                }
            }
        }
        let named = FIELDS.iter().map(|f| f.2).chain(PARAMS.iter().map(|p| p.2));
        for holds in named {
            if let Word(v) | Words(v) = holds {
                let (name, schema) = v();
                components.schemas.entry(name.into()).or_insert(schema);
            }
        }
    }
}

#[cfg(test)]
#[path = "tests/vocab.rs"]
mod tests;
