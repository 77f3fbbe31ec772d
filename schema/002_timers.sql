-- fairly schema 2: timers for things in progress (`fairly start` ... `fairly stop`).
-- A stopped timer becomes an event and its row goes; only running timers live here.

CREATE TABLE timer (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT    NOT NULL UNIQUE,   -- of the start request, so a retried start is recognised
    member_id      INTEGER NOT NULL REFERENCES member(id),
    kind_id        INTEGER NOT NULL REFERENCES kind(id),
    start_utc      INTEGER NOT NULL,
    role           TEXT    NOT NULL DEFAULT 'did'
                   CHECK (role = 'noticed' OR role = 'planned' OR role = 'decided' OR role = 'followed-up' OR role = 'did'),
    note           TEXT    NOT NULL DEFAULT '',
    started_by_uid INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (member_id, kind_id)
) STRICT;
