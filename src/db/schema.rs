// Hand-kept diesel schema shared by both backends; it must match
// migrations/sqlite and migrations/postgres (tests/schema_parity.rs checks
// that the two backends agree).

diesel::table! {
    companies (npp) {
        npp -> Text,
        name -> Text,
        address -> Text,
        headcount -> Integer,
        created_at -> Timestamp,
        branch_code -> Nullable<Text>,
    }
}

diesel::table! {
    branches (code) {
        code -> Text,
        name -> Text,
        city -> Text,
        province -> Text,
        address -> Text,
        timezone -> Text,
        kind -> Text,
        one_to_many -> Bool,
        booths -> Integer,
        session_capacity -> Integer,
        booking_horizon_days -> Integer,
        created_at -> Timestamp,
        seats_per_agent -> Integer,
        walk_in_cap -> Nullable<Integer>,
        release_mode -> Text,
        draw_minutes -> Integer,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        name_id -> Text,
        name_en -> Text,
        kind -> Text,
    }
}

diesel::table! {
    slots (id) {
        id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        capacity -> Integer,
        booked -> Integer,
        held -> Integer,
        closure_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    participants (id) {
        id -> BigInt,
        nik -> Text,
        kpj -> Text,
        full_name -> Text,
        email -> Text,
        phone -> Text,
        password_hash -> Text,
        birth_date -> Date,
        sex -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    staff (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        branch_code -> Nullable<Text>,
        company_npp -> Nullable<Text>,
        password_hash -> Text,
        active -> Bool,
        approved -> Bool,
        created_at -> Timestamp,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    claims (id) {
        id -> BigInt,
        participant_id -> BigInt,
        reason -> Text,
        status -> Text,
        channel -> Text,
        last_working_day -> Nullable<Date>,
        termination_date -> Nullable<Date>,
        contract_end_date -> Nullable<Date>,
        membership_start_date -> Nullable<Date>,
        departure_date -> Nullable<Date>,
        date_of_death -> Nullable<Date>,
        balance -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        heir_is_child -> Bool,
        heir_is_minor -> Bool,
        decision_reason -> Nullable<Text>,
        decision_note -> Nullable<Text>,
    }
}

diesel::table! {
    bookings (id) {
        id -> BigInt,
        code -> Text,
        participant_id -> BigInt,
        claim_id -> BigInt,
        slot_id -> BigInt,
        status -> Text,
        idempotency_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reminder_sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        claim_id -> BigInt,
        kind -> Text,
        version -> Integer,
        is_current -> Bool,
        status -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        original_name -> Text,
        uploaded_by_staff -> Nullable<BigInt>,
        created_at -> Timestamp,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        reject_reason -> Nullable<Text>,
        reject_note -> Nullable<Text>,
    }
}

diesel::table! {
    auth_sessions (id) {
        id -> Text,
        participant_id -> Nullable<BigInt>,
        staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        success -> Bool,
        at -> Timestamp,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        identifier -> Text,
        ip -> Text,
        participant_id -> Nullable<BigInt>,
        staff_id -> Nullable<BigInt>,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        purpose -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        ics -> Nullable<Text>,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        channel -> Text,
        letter -> Nullable<Text>,
    }
}

diesel::table! {
    booths (id) {
        id -> BigInt,
        branch_code -> Text,
        number -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    devices (id) {
        id -> BigInt,
        branch_code -> Text,
        kind -> Text,
        booth_id -> Nullable<BigInt>,
        token_hash -> Text,
        label -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agents (staff_id) {
        staff_id -> BigInt,
        branch_code -> Text,
        status -> Text,
        seats -> Integer,
        active -> Integer,
        idle_since -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        kind -> Text,
        seq -> Integer,
        number -> Text,
        nik -> Text,
        participant_id -> Nullable<BigInt>,
        booking_id -> Nullable<BigInt>,
        claim_id -> Nullable<BigInt>,
        online -> Bool,
        priority -> Text,
        session_start -> Nullable<Timestamp>,
        status -> Text,
        arrived_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    floor_sessions (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        branch_code -> Text,
        agent_id -> BigInt,
        booth_id -> Nullable<BigInt>,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    wait_predictions (ticket_id) {
        ticket_id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        low_minutes -> Integer,
        high_minutes -> Integer,
        predicted_at -> Timestamp,
    }
}

diesel::table! {
    floor_events (id) {
        id -> BigInt,
        branch_code -> Text,
        agent_id -> Nullable<BigInt>,
        kind -> Text,
        payload -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    email_verifications (id) {
        id -> BigInt,
        participant_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_inbox (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_role -> Text,
        actor_branch -> Nullable<Text>,
        action -> Text,
        participant_id -> Nullable<BigInt>,
        claim_id -> Nullable<BigInt>,
        booking_id -> Nullable<BigInt>,
        session_id -> Nullable<BigInt>,
        batch_id -> Nullable<BigInt>,
        branch_code -> Nullable<Text>,
        details -> Text,
        client_ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_role -> Text,
        actor_branch -> Nullable<Text>,
        action -> Text,
        participant_id -> Nullable<BigInt>,
        claim_id -> Nullable<BigInt>,
        booking_id -> Nullable<BigInt>,
        session_id -> Nullable<BigInt>,
        batch_id -> Nullable<BigInt>,
        branch_code -> Nullable<Text>,
        details -> Text,
        client_ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        seq -> BigInt,
        hash -> Text,
        signed_at -> Timestamp,
        signature -> Text,
        public_key -> Text,
    }
}

diesel::table! {
    company_headcounts (id) {
        id -> BigInt,
        company_npp -> Text,
        headcount -> Integer,
        reference_date -> Date,
        set_by -> Nullable<BigInt>,
        set_at -> Timestamp,
    }
}

diesel::table! {
    representative_documents (id) {
        id -> BigInt,
        staff_id -> BigInt,
        kind -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        original_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    collective_batches (id) {
        id -> BigInt,
        company_npp -> Text,
        uploaded_by -> BigInt,
        fingerprint -> Text,
        file_name -> Text,
        total_rows -> Integer,
        valid_rows -> Integer,
        laid_off -> Integer,
        headcount -> Integer,
        eligible -> Bool,
        status -> Text,
        errors -> Text,
        created_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        submitted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    collective_rows (id) {
        id -> BigInt,
        batch_id -> BigInt,
        line -> Integer,
        nik -> Text,
        kpj -> Text,
        full_name -> Text,
        birth_date -> Date,
        sex -> Text,
        reason -> Text,
        end_date -> Date,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        bank_code -> Text,
        account_number -> Text,
        account_name -> Text,
        work_start_date -> Nullable<Date>,
        claim_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    collective_letters (id) {
        id -> BigInt,
        batch_id -> BigInt,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        original_name -> Text,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    signal_messages (id) {
        id -> BigInt,
        session_id -> BigInt,
        to_side -> Text,
        origin -> Text,
        payload -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    key_fingerprints (name) {
        name -> Text,
        fingerprint -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    waitlist (id) {
        id -> BigInt,
        participant_id -> BigInt,
        claim_id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        status -> Text,
        slot_id -> Nullable<BigInt>,
        expires_at -> Nullable<Timestamp>,
        booking_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    closures (id) {
        id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reason -> Text,
        closed_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    draw_requests (id) {
        id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        participant_id -> BigInt,
        claim_id -> BigInt,
        slot_id -> BigInt,
        status -> Text,
        booking_id -> Nullable<BigInt>,
        draw_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    draws (id) {
        id -> BigInt,
        branch_code -> Text,
        local_date -> Date,
        seed -> Text,
        held_at -> Timestamp,
    }
}

diesel::table! {
    seat_cooling (id) {
        id -> BigInt,
        slot_id -> BigInt,
        participant_id -> BigInt,
        holds_seat -> Bool,
        release_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outreach_items (id) {
        id -> BigInt,
        reason -> Text,
        subject -> Text,
        branch_code -> Text,
        participant_id -> BigInt,
        claim_id -> Nullable<BigInt>,
        booking_id -> Nullable<BigInt>,
        missing -> Text,
        due_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<BigInt>,
        claimed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outreach_attempts (id) {
        id -> BigInt,
        item_id -> BigInt,
        staff_id -> BigInt,
        branch_code -> Text,
        channel -> Text,
        outcome -> Text,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    message_consents (participant_id) {
        participant_id -> BigInt,
        channel -> Text,
        source -> Text,
        stop_token -> Text,
        changed_at -> Timestamp,
        lang -> Text,
    }
}

diesel::joinable!(slots -> branches (branch_code));
diesel::joinable!(waitlist -> branches (branch_code));
diesel::joinable!(floor_sessions -> tickets (ticket_id));
diesel::joinable!(wait_predictions -> tickets (ticket_id));
diesel::joinable!(bookings -> slots (slot_id));
diesel::joinable!(bookings -> claims (claim_id));
diesel::joinable!(bookings -> participants (participant_id));
diesel::joinable!(claims -> participants (participant_id));
diesel::joinable!(documents -> claims (claim_id));
diesel::joinable!(collective_rows -> collective_batches (batch_id));
diesel::joinable!(collective_rows -> claims (claim_id));
diesel::joinable!(collective_batches -> companies (company_npp));
diesel::joinable!(outreach_attempts -> outreach_items (item_id));

diesel::allow_tables_to_appear_in_same_query!(
    message_consents,
    email_verifications,
    audit_inbox,
    companies,
    branches,
    holidays,
    slots,
    participants,
    staff,
    claims,
    bookings,
    documents,
    booths,
    devices,
    agents,
    tickets,
    floor_sessions,
    floor_events,
    audit_log,
    audit_checkpoints,
    auth_sessions,
    login_attempts,
    password_resets,
    outbox,
    company_headcounts,
    representative_documents,
    collective_batches,
    collective_rows,
    collective_letters,
    waitlist,
    seat_cooling,
    closures,
    draw_requests,
    draws,
    outreach_items,
    outreach_attempts,
    wait_predictions,
);
