-- fairly schema 3: the household's vocabulary beyond events: changes to
-- weights and the night, meetings moved, turns, thanks, and the confirmations
-- and disputes of events logged for someone else. All append-only.

CREATE TABLE change_log (
    id                   INTEGER PRIMARY KEY,
    subject              TEXT    NOT NULL CHECK (subject = 'kind' OR subject = 'night'),
    subject_name         TEXT    NOT NULL,
    old_value            TEXT,             -- JSON; NULL when the thing was created
    new_value            TEXT    NOT NULL, -- JSON
    changed_by_uid       INTEGER NOT NULL,
    changed_by_member_id INTEGER REFERENCES member(id),
    changed_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX change_log_by_subject ON change_log(subject, subject_name, id);

CREATE TABLE meeting_moved (
    id                  INTEGER PRIMARY KEY,
    uuid                TEXT    NOT NULL UNIQUE,
    member_id           INTEGER NOT NULL REFERENCES member(id), -- whose work was moved
    what                TEXT    NOT NULL,
    for_kind_id         INTEGER REFERENCES kind(id),             -- for which care task
    for_event_id        INTEGER REFERENCES event(id),
    impact              TEXT    NOT NULL CHECK (impact = 'minor' OR impact = 'major' OR impact = 'missed'),
    at_utc              INTEGER NOT NULL,
    note                TEXT    NOT NULL DEFAULT '',
    logged_by_member_id INTEGER REFERENCES member(id),
    logged_by_uid       INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_moved_by_time ON meeting_moved(at_utc);

CREATE TABLE turn (
    id                  INTEGER PRIMARY KEY,
    uuid                TEXT    NOT NULL UNIQUE,
    thing               TEXT    NOT NULL, -- the contested thing: lie-in, gym-slot, ...
    member_id           INTEGER NOT NULL REFERENCES member(id),
    at_utc              INTEGER NOT NULL,
    note                TEXT    NOT NULL DEFAULT '',
    logged_by_member_id INTEGER REFERENCES member(id),
    logged_by_uid       INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX turn_by_thing ON turn(thing, at_utc);

CREATE TABLE thanks (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT    NOT NULL UNIQUE,
    from_member_id INTEGER NOT NULL REFERENCES member(id),
    to_member_id   INTEGER NOT NULL REFERENCES member(id),
    note           TEXT    NOT NULL,
    at_utc         INTEGER NOT NULL,
    from_uid       INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    CHECK (from_member_id <> to_member_id)
) STRICT;
CREATE INDEX thanks_by_time ON thanks(at_utc);

-- The member an event is for confirms or disputes it; the latest verdict
-- stands and the earlier ones stay.
CREATE TABLE event_review (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES event(id),
    member_id       INTEGER NOT NULL REFERENCES member(id),
    verdict         TEXT    NOT NULL CHECK (verdict = 'confirmed' OR verdict = 'disputed'),
    reason          TEXT    NOT NULL DEFAULT '',
    reviewed_by_uid INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX event_review_by_event ON event_review(event_id, id);

CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
CREATE TRIGGER change_log_never_deleted BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
CREATE TRIGGER meeting_moved_append_only BEFORE UPDATE ON meeting_moved
BEGIN SELECT RAISE(ABORT, 'meetings moved are append-only'); END;
CREATE TRIGGER meeting_moved_never_deleted BEFORE DELETE ON meeting_moved
BEGIN SELECT RAISE(ABORT, 'meetings moved are append-only'); END;
CREATE TRIGGER turn_append_only BEFORE UPDATE ON turn
BEGIN SELECT RAISE(ABORT, 'turns are append-only'); END;
CREATE TRIGGER turn_never_deleted BEFORE DELETE ON turn
BEGIN SELECT RAISE(ABORT, 'turns are append-only'); END;
CREATE TRIGGER thanks_append_only BEFORE UPDATE ON thanks
BEGIN SELECT RAISE(ABORT, 'thanks are append-only'); END;
CREATE TRIGGER thanks_never_deleted BEFORE DELETE ON thanks
BEGIN SELECT RAISE(ABORT, 'thanks are append-only'); END;
CREATE TRIGGER event_review_append_only BEFORE UPDATE ON event_review
BEGIN SELECT RAISE(ABORT, 'reviews are append-only; a new verdict follows the old'); END;
CREATE TRIGGER event_review_never_deleted BEFORE DELETE ON event_review
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
