#![allow(clippy::unwrap_used)]
use super::*;

fn manager(id: i64, role: Role, branch: Option<&str>) -> Manager {
    Manager {
        id,
        role,
        branch: branch.map(str::to_string),
    }
}

fn account(id: i64, role: Role, branch: Option<&str>) -> Account {
    Account {
        id,
        role,
        branch: branch.map(str::to_string),
        active: true,
    }
}

const DPS: Option<&str> = Some("DPS-DENPASAR");
const JKT: Option<&str> = Some("JKT-CILANDAK");

fn some(b: Option<&str>) -> Option<String> {
    b.map(str::to_string)
}

fn role(r: Role) -> Patch {
    Patch {
        role: Some(r),
        ..Patch::default()
    }
}

fn active(on: bool) -> Patch {
    Patch {
        active: Some(on),
        ..Patch::default()
    }
}

fn branch(b: Option<&str>) -> Patch {
    Patch {
        branch: Some(some(b)),
        ..Patch::default()
    }
}

#[test]
fn a_supervisor_sees_and_switches_only_the_branchs_cs() {
    let spv = manager(1, Role::Supervisor, DPS);
    let cs = account(2, Role::Cs, DPS);
    assert!(may_see(&spv, &cs));
    for other in [
        account(3, Role::Cs, JKT),
        account(4, Role::Supervisor, DPS),
        account(5, Role::Admin, None),
        account(6, Role::Auditor, None),
        account(7, Role::Hr, None),
        account(8, Role::Cs, None),
    ] {
        assert!(!may_see(&spv, &other), "{other:?}");
        assert_eq!(
            decide(&spv, &other, &active(false), 5),
            Err(Refusal::Forbidden)
        );
    }
    let plan = decide(&spv, &cs, &active(false), 1).unwrap();
    assert_eq!(plan.active, Some((true, false)));
    assert!(plan.deactivates());
    // Raising, or moving to another branch (or none): not theirs.
    for p in [
        role(Role::Supervisor),
        role(Role::Admin),
        branch(JKT),
        branch(None),
    ] {
        assert_eq!(decide(&spv, &cs, &p, 1), Err(Refusal::Forbidden), "{p:?}");
    }
    // Asking for what already is changes nothing.
    let same = Patch {
        role: Some(Role::Cs),
        branch: Some(some(DPS)),
        active: Some(true),
    };
    assert!(decide(&spv, &cs, &same, 1).unwrap().is_empty());
}

#[test]
fn other_roles_manage_nobody() {
    let cs = account(2, Role::Cs, DPS);
    for r in [
        Role::Cs,
        Role::Auditor,
        Role::Hr,
        Role::Participant,
        Role::Device,
    ] {
        let m = manager(1, r, DPS);
        assert!(!may_see(&m, &cs));
        assert_eq!(decide(&m, &cs, &active(false), 3), Err(Refusal::Forbidden));
        assert_eq!(invitation(&m, Role::Cs, some(DPS)), Err(Refusal::Forbidden));
    }
}

#[test]
fn the_branch_follows_the_role() {
    let admin = manager(1, Role::Admin, None);
    let cs = account(2, Role::Cs, DPS);
    // Up to supervisor: stays at the branch; to auditor: no branch.
    let plan = decide(&admin, &cs, &role(Role::Supervisor), 1).unwrap();
    assert_eq!(plan.role, Some((Role::Cs, Role::Supervisor)));
    assert_eq!(plan.branch, None);
    let plan = decide(&admin, &cs, &role(Role::Auditor), 1).unwrap();
    assert_eq!(plan.branch, Some((some(DPS), None)));
    // An auditor made a CS needs a branch; an admin cannot have one.
    let auditor = account(3, Role::Auditor, None);
    assert_eq!(
        decide(&admin, &auditor, &role(Role::Cs), 1),
        Err(Refusal::BranchRequired)
    );
    let to_cs = Patch {
        role: Some(Role::Cs),
        branch: Some(some(JKT)),
        active: None,
    };
    let plan = decide(&admin, &auditor, &to_cs, 1).unwrap();
    assert_eq!(plan.branch, Some((None, some(JKT))));
    assert_eq!(
        decide(&admin, &auditor, &branch(DPS), 1),
        Err(Refusal::BranchNotAllowed)
    );
    assert_eq!(
        decide(&admin, &cs, &branch(None), 1),
        Err(Refusal::BranchRequired)
    );
    let plan = decide(&admin, &cs, &branch(JKT), 1).unwrap();
    assert_eq!(plan.branch, Some((some(DPS), some(JKT))));
    assert_eq!(plan.role, None);
    // An old admin account with a branch keeps it when only switched off.
    let legacy = account(4, Role::Admin, DPS);
    let plan = decide(&admin, &legacy, &active(false), 2).unwrap();
    assert_eq!(plan.branch, None);
}

#[test]
fn hr_is_neither_given_nor_taken() {
    let admin = manager(1, Role::Admin, None);
    let hr = account(2, Role::Hr, None);
    let cs = account(3, Role::Cs, DPS);
    assert_eq!(
        decide(&admin, &hr, &role(Role::Admin), 2),
        Err(Refusal::RoleNotAssignable)
    );
    assert_eq!(
        decide(&admin, &cs, &role(Role::Hr), 2),
        Err(Refusal::RoleNotAssignable)
    );
    assert_eq!(
        invitation(&admin, Role::Hr, None),
        Err(Refusal::RoleNotAssignable)
    );
    assert_eq!(
        invitation(&admin, Role::Participant, None),
        Err(Refusal::RoleNotAssignable)
    );
    // But an HR account can be switched off.
    assert!(decide(&admin, &hr, &active(false), 1)
        .unwrap()
        .deactivates());
}

#[test]
fn nobody_changes_their_own_account_and_the_last_admin_stays() {
    let admin = manager(1, Role::Admin, None);
    let me = account(1, Role::Admin, None);
    assert_eq!(
        decide(&admin, &me, &active(false), 2),
        Err(Refusal::OwnAccount)
    );
    assert_eq!(
        decide(&admin, &me, &role(Role::Auditor), 2),
        Err(Refusal::OwnAccount)
    );
    // The sole admin hears the reason that would remain.
    assert_eq!(
        decide(&admin, &me, &active(false), 1),
        Err(Refusal::LastAdmin)
    );
    // Nothing to change is no refusal.
    assert!(decide(&admin, &me, &active(true), 1).unwrap().is_empty());
    let other = account(2, Role::Admin, None);
    assert!(decide(&admin, &other, &active(false), 2).is_ok());
    assert_eq!(
        decide(&admin, &other, &role(Role::Auditor), 1),
        Err(Refusal::LastAdmin)
    );
    assert_eq!(
        decide(&admin, &other, &active(false), 1),
        Err(Refusal::LastAdmin)
    );
    // An inactive admin is no admin to keep; reactivating one is fine.
    let off = Account {
        active: false,
        ..other
    };
    let plan = decide(&admin, &off, &active(true), 1).unwrap();
    assert_eq!(plan.active, Some((false, true)));
    assert!(!plan.deactivates());
}

#[test]
fn invitations() {
    let admin = manager(1, Role::Admin, None);
    assert_eq!(invitation(&admin, Role::Cs, some(DPS)), Ok(some(DPS)));
    assert_eq!(invitation(&admin, Role::Admin, None), Ok(None));
    assert_eq!(
        invitation(&admin, Role::Cs, None),
        Err(Refusal::BranchRequired)
    );
    assert_eq!(
        invitation(&admin, Role::Auditor, some(DPS)),
        Err(Refusal::BranchNotAllowed)
    );
    let spv = manager(2, Role::Supervisor, DPS);
    assert_eq!(invitation(&spv, Role::Cs, None), Ok(some(DPS)));
    assert_eq!(invitation(&spv, Role::Cs, some(DPS)), Ok(some(DPS)));
    for (r, b) in [
        (Role::Cs, JKT),
        (Role::Supervisor, DPS),
        (Role::Admin, None),
        (Role::Auditor, None),
    ] {
        assert_eq!(
            invitation(&spv, r, some(b)),
            Err(Refusal::Forbidden),
            "{r:?}"
        );
    }
}

#[test]
fn invitation_links_last_a_week_and_invited_accounts_have_no_password() {
    let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
        .and_then(|d| d.and_hms_opt(2, 0, 0))
        .unwrap();
    assert_eq!(invitation_expires_at(t) - t, Duration::days(7));
    assert!(!password_set(INVITED_HASH));
    assert!(!password_set("!collective-no-login"));
    assert!(password_set("$argon2id$v=19$m=19456,t=2,p=1$abc$def"));
}
