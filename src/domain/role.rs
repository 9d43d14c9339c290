//! Who someone is to Antre. Staff roles come from `antre user add`;
//! participants register themselves.

use crate::domain::status::DeviceKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Participant,
    Admin,
    Supervisor,
    Cs,
    Auditor,
    Hr,
    /// A kiosk or booth computer signed in with a device credential.
    Device,
}

impl Role {
    pub const STAFF: [Role; 5] = [
        Role::Admin,
        Role::Supervisor,
        Role::Cs,
        Role::Auditor,
        Role::Hr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Participant => "participant",
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Cs => "cs",
            Role::Auditor => "auditor",
            Role::Hr => "hr",
            Role::Device => "device",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "participant" => Some(Role::Participant),
            "admin" => Some(Role::Admin),
            "supervisor" => Some(Role::Supervisor),
            "cs" => Some(Role::Cs),
            "auditor" => Some(Role::Auditor),
            "hr" => Some(Role::Hr),
            _ => None,
        }
    }

    /// Supervisors and CS agents work at one branch.
    pub fn needs_branch(self) -> bool {
        matches!(self, Role::Supervisor | Role::Cs)
    }

    /// HR officers represent one company.
    pub fn needs_company(self) -> bool {
        matches!(self, Role::Hr)
    }
}

/// Who acts, as an audit entry names them (`audit_log.actor_role`): a
/// person in their role, a shared device of a branch, a caller not signed
/// in, or Antre itself. Stored by its word, which the entry's hash
/// covers: the words never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActorRole {
    /// A participant or a member of staff (a device is `Device`, never
    /// `Person(Role::Device)`).
    Person(Role),
    /// A kiosk or a booth computer.
    Device(DeviceKind),
    Anonymous,
    System,
}

impl ActorRole {
    pub const PARTICIPANT: ActorRole = ActorRole::Person(Role::Participant);

    /// The stored word: the role's, the device kind's, `anonymous` or
    /// `system`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Person(r) => r.as_str(),
            ActorRole::Device(k) => k.as_str(),
            ActorRole::Anonymous => "anonymous",
            ActorRole::System => "system",
        }
    }

    /// The person's role, if a person acts (a participant or staff).
    pub fn person(self) -> Option<Role> {
        match self {
            ActorRole::Person(r) => Some(r),
            _ => None,
        }
    }

    /// The staff role acting, if a member of staff acts.
    pub fn staff(self) -> Option<Role> {
        match self {
            ActorRole::Person(r) if Role::STAFF.contains(&r) => Some(r),
            _ => None,
        }
    }

    /// Whether a person in `role` acts.
    pub fn is(self, role: Role) -> bool {
        self == ActorRole::Person(role)
    }

    /// The device acting, if a shared device acts.
    pub fn device(self) -> Option<DeviceKind> {
        match self {
            ActorRole::Device(k) => Some(k),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_keep_the_words_entries_were_hashed_with() {
        let said: Vec<&str> = [
            ActorRole::PARTICIPANT,
            ActorRole::Person(Role::Cs),
            ActorRole::Person(Role::Supervisor),
            ActorRole::Person(Role::Admin),
            ActorRole::Person(Role::Auditor),
            ActorRole::Person(Role::Hr),
            ActorRole::Device(DeviceKind::Kiosk),
            ActorRole::Device(DeviceKind::Booth),
            ActorRole::Anonymous,
            ActorRole::System,
        ]
        .map(ActorRole::as_str)
        .to_vec();
        let words = "participant cs supervisor admin auditor hr kiosk booth anonymous system";
        assert_eq!(said, words.split(' ').collect::<Vec<_>>());
        assert_eq!(ActorRole::Person(Role::Cs).staff(), Some(Role::Cs));
        assert_eq!(ActorRole::PARTICIPANT.staff(), None);
        assert_eq!(ActorRole::PARTICIPANT.person(), Some(Role::Participant));
        assert_eq!(ActorRole::Device(DeviceKind::Kiosk).staff(), None);
        assert_eq!(ActorRole::Anonymous.device(), None);
    }

    #[test]
    fn round_trip() {
        for r in Role::STAFF.into_iter().chain([Role::Participant]) {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
