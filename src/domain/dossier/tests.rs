#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;
use std::collections::HashSet;

fn keys(reason: &str, ctx: &RequirementContext) -> Vec<&'static str> {
    required_items(reason, ctx)
        .unwrap()
        .into_iter()
        .map(|i| i.item)
        .collect()
}

const BASE: [&str; 5] = ["kpj_card", "ektp", "kk", "bank_book", "selfie"];

fn base_plus(extra: &[&'static str]) -> Vec<&'static str> {
    BASE.iter().copied().chain(extra.iter().copied()).collect()
}

fn ts(minute: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, minute % 60, 0)
        .unwrap()
}

fn doc(kind: DocumentKind, status: DocStatus, minute: u32) -> UploadedDoc {
    UploadedDoc {
        kind,
        status,
        reason: (status == DocStatus::Rejected).then(|| format!("r{minute}")),
        uploaded_at: ts(minute),
        current: true,
    }
}

// --- kinds -----------------------------------------------------------

#[test]
fn kind_codes_round_trip_and_are_unique() {
    let mut seen = HashSet::new();
    for k in DocumentKind::ALL {
        assert_eq!(DocumentKind::parse(k.code()), Some(k));
        assert!(seen.insert(k.code()), "duplicate code {}", k.code());
        assert!(!k.label_id().is_empty() && !k.label_en().is_empty());
        assert_eq!(k.to_string(), k.code());
    }
    assert_eq!(seen.len(), 24);
}

#[test]
fn parse_codes() {
    use DocumentKind::{HeirEktp, IdentityPhoto, Selfie};
    // (raw, parse, parse_participant_upload)
    for (raw, any, upload) in [
        ("KPJ_CARD", None, None),
        (" kpj_card", None, None),
        ("heir_ektp", Some(HeirEktp), Some(HeirEktp)),
        ("", None, None),
        ("identity_photo", Some(IdentityPhoto), None),
        ("selfie", Some(Selfie), Some(Selfie)),
        ("nope", None, None),
    ] {
        assert_eq!(DocumentKind::parse(raw), any, "parse {raw:?}");
        let got = DocumentKind::parse_participant_upload(raw);
        assert_eq!(got, upload, "parse_participant_upload {raw:?}");
    }
}

#[test]
fn every_domain_code_exists() {
    for code in [
        "kpj_card",
        "ektp",
        "kk",
        "bank_book",
        "selfie",
        "npwp",
        "resignation_letter",
        "phk_letter",
        "phk_report",
        "joint_agreement",
        "phi_ruling",
        "contract",
        "doctor_statement",
        "death_certificate",
        "heir_certificate",
        "heir_ektp",
        "birth_certificate",
        "guardianship_letter",
        "passport",
        "leaving_statement",
        "ppjb",
        "ajb",
        "mortgage_docs",
        "identity_photo",
    ] {
        assert!(DocumentKind::parse(code).is_some(), "{code}");
    }
}

#[test]
fn labels_match_the_brief() {
    assert_eq!(
        DocumentKind::KpjCard.label_id(),
        "Kartu peserta BPJS Ketenagakerjaan (KPJ)"
    );
    assert_eq!(
        DocumentKind::BankBook.label_id(),
        "Buku tabungan (halaman pertama, atas nama sendiri)"
    );
    assert_eq!(DocumentKind::MortgageDocs.label_id(), "Dokumen KPR");
    assert_eq!(DocumentKind::HeirEktp.label_id(), "e-KTP ahli waris");
}

#[test]
fn only_identity_photo_is_not_uploadable() {
    for k in DocumentKind::ALL {
        assert_eq!(k.participant_uploadable(), k != DocumentKind::IdentityPhoto);
    }
}

// --- matrix ----------------------------------------------------------

#[test]
fn matrix_per_reason() {
    let ctx = RequirementContext::default();
    assert_eq!(keys("retirement", &ctx), base_plus(&[]));
    assert_eq!(
        keys("resignation", &ctx),
        base_plus(&["resignation_letter"])
    );
    assert_eq!(keys("termination", &ctx), base_plus(&["phk_proof"]));
    assert_eq!(keys("contract_end", &ctx), base_plus(&["contract"]));
    assert_eq!(keys("disability", &ctx), base_plus(&["doctor_statement"]));
    assert_eq!(
        keys("death", &ctx),
        vec![
            "kpj_card",
            "kk",
            "bank_book",
            "death_certificate",
            "heir_certificate",
            "heir_ektp"
        ]
    );
    assert_eq!(
        keys("leaving_indonesia", &ctx),
        base_plus(&["passport", "leaving_statement"])
    );
    assert_eq!(keys("partial_10", &ctx), base_plus(&[]));
    assert_eq!(keys("partial_30", &ctx), base_plus(&["housing_proof"]));
}

#[test]
fn unknown_reason_is_none() {
    let ctx = RequirementContext::default();
    for r in ["", "RETIREMENT", "phk", "partial", " retirement", "death "] {
        assert_eq!(required_items(r, &ctx), None, "{r:?}");
    }
    for r in REASONS {
        assert!(required_items(r, &ctx).is_some());
    }
}

#[test]
fn alternatives_are_one_item() {
    use DocumentKind::{Ajb, JointAgreement, MortgageDocs, PhiRuling, PhkLetter, PhkReport, Ppjb};
    let ctx = RequirementContext::default();
    let cases: [(&str, &str, &[DocumentKind]); 2] = [
        (
            "termination",
            "phk_proof",
            &[PhkLetter, PhkReport, JointAgreement, PhiRuling],
        ),
        ("partial_30", "housing_proof", &[Ppjb, Ajb, MortgageDocs]),
    ];
    for (reason, item, accepts) in cases {
        let items = required_items(reason, &ctx).unwrap();
        let proof = items.iter().find(|i| i.item == item).unwrap();
        assert_eq!(proof.accepts, accepts, "{item}");
        assert!(!proof.label_id.is_empty() && !proof.label_en.is_empty());
    }
}

#[test]
fn single_items_use_the_document_code_and_labels() {
    for r in REQUIREMENTS {
        if r.accepts.len() == 1 {
            assert_eq!(r.item, r.accepts[0].code());
            assert_eq!(r.label_id, r.accepts[0].label_id());
            assert_eq!(r.label_en, r.accepts[0].label_en());
        }
    }
    let items: HashSet<_> = REQUIREMENTS.iter().map(|r| r.item).collect();
    assert_eq!(items.len(), REQUIREMENTS.len(), "item keys are unique");
}

#[test]
fn identity_photo_is_never_required_and_every_other_kind_is_somewhere() {
    let mut accepted = HashSet::new();
    for r in REQUIREMENTS {
        accepted.extend(r.accepts.iter().copied());
    }
    for k in DocumentKind::ALL {
        assert_eq!(
            accepted.contains(&k),
            k != DocumentKind::IdentityPhoto,
            "{k}"
        );
    }
}

#[test]
fn npwp_threshold() {
    let with = |balance, earlier| RequirementContext {
        balance,
        earlier_partial_claim: earlier,
        ..Default::default()
    };
    let has_npwp = |ctx: &RequirementContext| keys("retirement", ctx).contains(&"npwp");
    assert!(!has_npwp(&with(None, false)));
    assert!(!has_npwp(&with(Some(0), false)));
    assert!(!has_npwp(&with(Some(50_000_000), false)));
    assert!(has_npwp(&with(Some(50_000_001), false)));
    assert!(has_npwp(&with(None, true)));
    assert!(has_npwp(&with(Some(1), true)));
    // npwp comes right after the common documents
    assert_eq!(
        keys("resignation", &with(Some(60_000_000), false)),
        base_plus(&["npwp", "resignation_letter"])
    );
    // every reason, death included
    for r in REASONS {
        assert!(
            keys(r, &with(Some(50_000_001), false)).contains(&"npwp"),
            "{r}"
        );
        assert!(
            !keys(r, &with(Some(50_000_000), false)).contains(&"npwp"),
            "{r}"
        );
    }
}

#[test]
fn death_replaces_ektp_and_selfie_and_adds_heir_documents() {
    let ctx = RequirementContext::default();
    let death = keys("death", &ctx);
    assert!(!death.contains(&"ektp"));
    assert!(!death.contains(&"selfie"));
    assert!(death.contains(&"heir_ektp"));
    for r in REASONS.iter().filter(|r| **r != "death") {
        let k = keys(r, &ctx);
        assert!(k.contains(&"ektp") && k.contains(&"selfie"), "{r}");
        assert!(!k.contains(&"heir_ektp"), "{r}");
    }
}

#[test]
fn heir_conditions() {
    let child = RequirementContext {
        heir_is_child: true,
        ..Default::default()
    };
    let minor = RequirementContext {
        heir_is_minor: true,
        ..Default::default()
    };
    let minor_child = RequirementContext {
        heir_is_child: true,
        heir_is_minor: true,
        ..Default::default()
    };
    let base = [
        "kpj_card",
        "kk",
        "bank_book",
        "death_certificate",
        "heir_certificate",
        "heir_ektp",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    assert_eq!(keys("death", &child), with(&["birth_certificate"]));
    assert_eq!(keys("death", &minor), with(&["guardianship_letter"]));
    assert_eq!(
        keys("death", &minor_child),
        with(&["birth_certificate", "guardianship_letter"])
    );
    let all = RequirementContext {
        balance: Some(100_000_000),
        earlier_partial_claim: false,
        heir_is_child: true,
        heir_is_minor: true,
    };
    assert_eq!(
        keys("death", &all),
        vec![
            "kpj_card",
            "kk",
            "bank_book",
            "npwp",
            "death_certificate",
            "heir_certificate",
            "heir_ektp",
            "birth_certificate",
            "guardianship_letter"
        ]
    );
    // the heir flags mean nothing for other reasons
    for r in REASONS.iter().filter(|r| **r != "death") {
        assert_eq!(
            keys(r, &minor_child),
            keys(r, &RequirementContext::default()),
            "{r}"
        );
    }
}

// --- checklist -------------------------------------------------------

#[test]
fn checklist_rules() {
    let items = required_items("termination", &RequirementContext::default()).unwrap();
    let status = |docs: &[UploadedDoc], item: &str| {
        checklist(&items, docs)
            .into_iter()
            .find(|e| e.item == item)
            .unwrap()
    };
    // nothing uploaded
    assert_eq!(status(&[], "phk_proof").status, ItemStatus::Missing);
    // one alternative awaiting review
    let d = [doc(DocumentKind::JointAgreement, DocStatus::Uploaded, 1)];
    assert_eq!(status(&d, "phk_proof").status, ItemStatus::Uploaded);
    // rejected alternative + another awaiting review → uploaded
    let d = [
        doc(DocumentKind::PhkLetter, DocStatus::Rejected, 1),
        doc(DocumentKind::PhkReport, DocStatus::Uploaded, 2),
    ];
    assert_eq!(status(&d, "phk_proof").status, ItemStatus::Uploaded);
    assert_eq!(status(&d, "phk_proof").reason, None);
    // any accepted wins
    let d = [
        doc(DocumentKind::PhkLetter, DocStatus::Rejected, 1),
        doc(DocumentKind::PhiRuling, DocStatus::Accepted, 2),
        doc(DocumentKind::PhkReport, DocStatus::Uploaded, 3),
    ];
    assert_eq!(status(&d, "phk_proof").status, ItemStatus::Accepted);
    // all rejected → the latest rejection's reason
    let d = [
        doc(DocumentKind::PhkLetter, DocStatus::Rejected, 5),
        doc(DocumentKind::PhkReport, DocStatus::Rejected, 9),
        doc(DocumentKind::JointAgreement, DocStatus::Rejected, 7),
    ];
    let e = status(&d, "phk_proof");
    assert_eq!(e.status, ItemStatus::Rejected);
    assert_eq!(e.reason.as_deref(), Some("r9"));
    // a document of another kind does not count
    let d = [doc(DocumentKind::Passport, DocStatus::Accepted, 1)];
    assert_eq!(status(&d, "phk_proof").status, ItemStatus::Missing);
}

#[test]
fn replaced_versions_are_ignored() {
    let items = required_items("retirement", &RequirementContext::default()).unwrap();
    let mut old = doc(DocumentKind::Ektp, DocStatus::Rejected, 1);
    old.current = false;
    let new = doc(DocumentKind::Ektp, DocStatus::Uploaded, 2);
    let e = checklist(&items, &[old.clone(), new]);
    assert_eq!(e[1].item, "ektp");
    assert_eq!(e[1].status, ItemStatus::Uploaded);
    // an old accepted version does not carry over either
    let mut old_ok = doc(DocumentKind::Ektp, DocStatus::Accepted, 1);
    old_ok.current = false;
    let e = checklist(&items, &[old_ok]);
    assert_eq!(e[1].status, ItemStatus::Missing);
    let e = checklist(&items, &[old]);
    assert_eq!(e[1].status, ItemStatus::Missing);
}

#[test]
fn ready_and_verifiable() {
    let items = required_items("retirement", &RequirementContext::default()).unwrap();
    let all = |s: DocStatus| -> Vec<UploadedDoc> {
        items.iter().map(|i| doc(i.accepts[0], s, 1)).collect()
    };
    let uploaded = checklist(&items, &all(DocStatus::Uploaded));
    assert!(is_ready(&uploaded) && !is_verifiable(&uploaded));
    assert!(missing_items(&uploaded).is_empty());
    let accepted = checklist(&items, &all(DocStatus::Accepted));
    assert!(is_ready(&accepted) && is_verifiable(&accepted));
    let mut docs = all(DocStatus::Accepted);
    docs[2].status = DocStatus::Rejected;
    docs[2].reason = Some(RejectReason::Unreadable.code().to_owned());
    let one_rejected = checklist(&items, &docs);
    assert!(!is_ready(&one_rejected) && !is_verifiable(&one_rejected));
    let missing = missing_items(&one_rejected);
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].item, "kk");
    assert_eq!(missing[0].reason.as_deref(), Some("unreadable"));
    let none = checklist(&items, &[]);
    assert_eq!(missing_items(&none).len(), items.len());
    // an empty checklist is trivially ready (never happens: kpj_card is always required)
    assert!(is_ready(&[]) && is_verifiable(&[]));
}

#[test]
fn status_codes() {
    assert_eq!(
        ItemStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
        ["missing", "uploaded", "accepted", "rejected"]
    );
}

#[test]
fn reject_reasons() {
    let mut seen = HashSet::new();
    for r in RejectReason::ALL {
        assert_eq!(RejectReason::parse(r.code()), Some(r));
        assert!(seen.insert(r.code()));
        assert!(!r.label_id().is_empty() && !r.label_en().is_empty());
    }
    assert_eq!(
        RejectReason::NameMismatch.label_id(),
        "Nama tidak sesuai data kepesertaan"
    );
    assert_eq!(RejectReason::parse("Name_Mismatch"), None);
}

#[test]
fn limits() {
    assert_eq!(MAX_FILES_PER_CLAIM, 40);
    assert_eq!(MAX_BYTES_PER_CLAIM, 62_914_560);
    assert_eq!(check_claim_quota(0, 0, MAX_BYTES_PER_FILE), Ok(()));
    assert_eq!(check_claim_quota(39, 0, 1), Ok(()));
    assert_eq!(
        check_claim_quota(40, 0, 1),
        Err(QuotaExceeded::TooManyFiles)
    );
    assert_eq!(check_claim_quota(1, MAX_BYTES_PER_CLAIM - 10, 10), Ok(()));
    assert_eq!(
        check_claim_quota(1, MAX_BYTES_PER_CLAIM - 10, 11),
        Err(QuotaExceeded::StorageFull)
    );
    assert_eq!(
        check_claim_quota(1, u64::MAX, u64::MAX),
        Err(QuotaExceeded::StorageFull)
    );
    assert_eq!(QuotaExceeded::TooManyFiles.detail(), "too_many_files");
}

// --- properties ------------------------------------------------------

fn rank(s: ItemStatus) -> u8 {
    match s {
        ItemStatus::Missing => 0,
        ItemStatus::Rejected => 1,
        ItemStatus::Uploaded => 2,
        ItemStatus::Accepted => 3,
    }
}

fn arb_kind() -> impl Strategy<Value = DocumentKind> {
    prop::sample::select(DocumentKind::ALL.to_vec())
}

fn arb_status() -> impl Strategy<Value = DocStatus> {
    prop::sample::select(DocStatus::REVIEWED.to_vec())
}

fn arb_doc() -> impl Strategy<Value = UploadedDoc> {
    (arb_kind(), arb_status(), 0u32..60, any::<bool>()).prop_map(
        |(kind, status, minute, current)| {
            let mut d = doc(kind, status, minute);
            d.current = current;
            d
        },
    )
}

fn arb_ctx() -> impl Strategy<Value = RequirementContext> {
    (
        prop::option::of(0i64..100_000_000),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(balance, earlier_partial_claim, heir_is_child, heir_is_minor)| RequirementContext {
                balance,
                earlier_partial_claim,
                heir_is_child,
                heir_is_minor,
            },
        )
}

fn arb_items() -> impl Strategy<Value = Vec<RequiredItem>> {
    (prop::sample::select(REASONS.to_vec()), arb_ctx())
        .prop_map(|(reason, ctx)| required_items(reason, &ctx).unwrap_or_default())
}

proptest! {
    #[test]
    fn adding_an_accepted_doc_never_makes_an_item_worse(
        items in arb_items(),
        docs in prop::collection::vec(arb_doc(), 0..12),
        kind in arb_kind(),
        minute in 0u32..60,
    ) {
        let before = checklist(&items, &docs);
        let mut more = docs.clone();
        more.push(doc(kind, DocStatus::Accepted, minute));
        let after = checklist(&items, &more);
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(
                rank(a.status) >= rank(b.status),
                "{} {:?} -> {:?}", b.item, b.status, a.status
            );
            if items.iter().any(|i| i.item == a.item && i.accepts.contains(&kind)) {
                prop_assert_eq!(a.status, ItemStatus::Accepted);
            } else {
                prop_assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn ready_iff_nothing_missing_and_verifiable_implies_ready(
        items in arb_items(),
        docs in prop::collection::vec(arb_doc(), 0..16),
    ) {
        let entries = checklist(&items, &docs);
        prop_assert_eq!(is_ready(&entries), missing_items(&entries).is_empty());
        if is_verifiable(&entries) {
            prop_assert!(is_ready(&entries));
        }
        prop_assert_eq!(
            is_verifiable(&entries),
            entries.iter().all(|e| e.status == ItemStatus::Accepted)
        );
    }

    #[test]
    fn checklist_mirrors_items_and_reason_only_when_rejected(
        items in arb_items(),
        docs in prop::collection::vec(arb_doc(), 0..16),
    ) {
        let entries = checklist(&items, &docs);
        prop_assert_eq!(entries.len(), items.len());
        for (e, i) in entries.iter().zip(&items) {
            prop_assert_eq!(e.item, i.item);
            prop_assert_eq!(&e.accepts, &i.accepts);
            if e.reason.is_some() {
                prop_assert_eq!(e.status, ItemStatus::Rejected);
            }
        }
    }

    #[test]
    fn replaced_versions_change_nothing(
        items in arb_items(),
        docs in prop::collection::vec(arb_doc(), 0..12),
        old in prop::collection::vec(arb_doc(), 0..6),
    ) {
        let mut with_old = docs.clone();
        with_old.extend(old.into_iter().map(|mut d| { d.current = false; d }));
        prop_assert_eq!(checklist(&items, &docs), checklist(&items, &with_old));
    }

    #[test]
    fn statuses_do_not_depend_on_document_order(
        items in arb_items(),
        docs in prop::collection::vec(arb_doc(), 0..12),
    ) {
        let mut reversed = docs.clone();
        reversed.reverse();
        let a: Vec<_> = checklist(&items, &docs).into_iter().map(|e| e.status).collect();
        let b: Vec<_> = checklist(&items, &reversed).into_iter().map(|e| e.status).collect();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn every_reason_needs_kpj_kk_and_bank_book(
        ctx in arb_ctx(),
        reason in prop::sample::select(REASONS.to_vec()),
    ) {
        let k = keys(reason, &ctx);
        for needed in ["kpj_card", "kk", "bank_book"] {
            prop_assert!(k.contains(&needed));
        }
        let npwp = npwp_required(ctx.balance, ctx.earlier_partial_claim);
        prop_assert_eq!(k.contains(&"npwp"), npwp);
    }
}
