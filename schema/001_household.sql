-- fairly schema 1: the household, its members, its kinds and its events.
-- Instants are UTC seconds since the epoch; local time is applied on output.
-- CHECKs list allowed words with OR, not IN (...): SQLite builds a temporary
-- b-tree for an IN list on every insert, which was a tenth of ingest time.

CREATE TABLE household (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    tz                 TEXT    NOT NULL,
    week_start         INTEGER NOT NULL DEFAULT 1 CHECK (week_start BETWEEN 0 AND 6), -- 0 = Sunday
    night_start_minute INTEGER NOT NULL DEFAULT 1320 CHECK (night_start_minute BETWEEN 0 AND 1439),
    night_end_minute   INTEGER NOT NULL DEFAULT 360  CHECK (night_end_minute BETWEEN 0 AND 1439),
    night_multiplier   REAL    NOT NULL DEFAULT 1.5  CHECK (night_multiplier >= 1),
    created_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE member (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    unix_uid     INTEGER UNIQUE,
    agreed_share REAL    NOT NULL CHECK (agreed_share BETWEEN 0 AND 100),
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE kind (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    category        TEXT    NOT NULL
                    CHECK (category = 'care' OR category = 'household' OR category = 'logistics' OR category = 'thinking' OR category = 'career' OR category = 'protected'),
    points          REAL    NOT NULL DEFAULT 0 CHECK (points >= 0),
    points_per_hour REAL    NOT NULL DEFAULT 0 CHECK (points_per_hour >= 0),
    default_seconds INTEGER NOT NULL DEFAULT 0 CHECK (default_seconds >= 0),
    night_applies   INTEGER NOT NULL DEFAULT 0 CHECK (night_applies IN (0, 1)),
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE event (
    id                  INTEGER PRIMARY KEY,
    uuid                TEXT    NOT NULL UNIQUE,     -- made by the client; a retry finds the original
    member_id           INTEGER NOT NULL REFERENCES member(id),
    kind_id             INTEGER NOT NULL REFERENCES kind(id),
    start_utc           INTEGER NOT NULL,
    end_utc             INTEGER,                     -- NULL: an instant, counted with its kind's default length
    role                TEXT    NOT NULL DEFAULT 'did'
                        CHECK (role = 'noticed' OR role = 'planned' OR role = 'decided' OR role = 'followed-up' OR role = 'did'),
    note                TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'voided' OR status = 'superseded'),
    supersedes          INTEGER REFERENCES event(id),
    logged_by_member_id INTEGER REFERENCES member(id), -- NULL when root or the daemon's user logged it unbound
    logged_by_uid       INTEGER NOT NULL,              -- from the socket's peer credentials, never the request
    source              TEXT    NOT NULL DEFAULT 'cli',
    created_at          INTEGER NOT NULL,
    void_reason         TEXT,
    voided_by_uid       INTEGER,
    voided_at           INTEGER,
    CHECK (end_utc IS NULL OR end_utc > start_utc)
) STRICT;

CREATE INDEX event_by_start ON event(start_utc);
CREATE INDEX event_by_member_start ON event(member_id, start_utc);
CREATE INDEX event_by_supersedes ON event(supersedes) WHERE supersedes IS NOT NULL;

-- The record is append-only: nothing is deleted, and an event changes only
-- once, from active to voided or superseded. A correction is a new event.
CREATE TRIGGER event_never_deleted BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'events are never deleted; void them with a reason');
END;

CREATE TRIGGER event_append_only BEFORE UPDATE ON event
WHEN OLD.status <> 'active'
  OR NEW.status = 'active'
  OR NEW.uuid IS NOT OLD.uuid OR NEW.member_id IS NOT OLD.member_id OR NEW.kind_id IS NOT OLD.kind_id
  OR NEW.start_utc IS NOT OLD.start_utc OR NEW.end_utc IS NOT OLD.end_utc OR NEW.role IS NOT OLD.role
  OR NEW.note IS NOT OLD.note OR NEW.supersedes IS NOT OLD.supersedes
  OR NEW.logged_by_member_id IS NOT OLD.logged_by_member_id OR NEW.logged_by_uid IS NOT OLD.logged_by_uid
  OR NEW.source IS NOT OLD.source OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'events are append-only; a correction supersedes the event');
END;
