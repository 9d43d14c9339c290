//! Who someone is to Antre. Staff roles come from `antre user add`;
//! participants register themselves.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for r in Role::STAFF.into_iter().chain([Role::Participant]) {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
