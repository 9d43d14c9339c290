-- No seat trading (sqlite; keep in step with migrations/postgres). When a
-- participant gives up a seat and nobody waits for it, the seat stays held
-- (slots.held) until release_at, so it cannot be handed to a buyer who
-- re-books it seconds later; and whoever gave it up may not book that
-- session again before release_at. A row with holds_seat = false is only
-- that ban (the seat went to the waiting line instead).
CREATE TABLE seat_cooling (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slot_id BIGINT NOT NULL REFERENCES slots (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    holds_seat BOOLEAN NOT NULL,
    release_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX seat_cooling_due ON seat_cooling (release_at);
CREATE INDEX seat_cooling_ban ON seat_cooling (participant_id, slot_id);
