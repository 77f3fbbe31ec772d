-- fairly schema 9: time away (not drift), each member's guess of their own
-- share beside the record, and members who leave the household.

-- A member away (travel, illness, hospital) from one local date to another,
-- both included: their days away are left out of their expected share.
CREATE TABLE away (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES member(id),
    from_day    INTEGER NOT NULL,  -- local dates, days since 1970-01-01
    to_day      INTEGER NOT NULL CHECK (to_day >= from_day),
    note        TEXT    NOT NULL DEFAULT '',
    by_member_id INTEGER REFERENCES member(id),
    uid         INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX away_by_member ON away(member_id, from_day);

-- A member's estimate of their own share of a household week's load (and of
-- its night load), private to them until the week is over.
CREATE TABLE guess (
    member_id   INTEGER NOT NULL REFERENCES member(id),
    week_day    INTEGER NOT NULL,  -- the local day the household week starts
    share       REAL    NOT NULL CHECK (share >= 0 AND share <= 1),
    night_share REAL             CHECK (night_share >= 0 AND night_share <= 1),
    uid         INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (member_id, week_day)
) STRICT, WITHOUT ROWID;

-- A member who left the household: their past stays theirs.
ALTER TABLE member ADD COLUMN retired_at INTEGER;
