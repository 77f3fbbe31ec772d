-- fairly schema 5: protected time (weekly goals and recurring slots) and the
-- reminders already given, so a cron job every ten minutes never repeats one.

-- A weekly goal for a member's own time, or (member_id NULL) for the couple's time together.
CREATE TABLE protected_goal (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER REFERENCES member(id),
    weekly_seconds INTEGER NOT NULL CHECK (weekly_seconds > 0),
    set_by_uid     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX protected_goal_owner ON protected_goal(coalesce(member_id, 0));

-- A weekly slot in the household's local time; it keeps its local time across DST changes.
CREATE TABLE protected_slot (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER REFERENCES member(id), -- NULL: the couple
    label          TEXT    NOT NULL,
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6), -- 0 = Sunday
    start_minute   INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    length_seconds INTEGER NOT NULL CHECK (length_seconds > 0 AND length_seconds <= 86400),
    created_by_uid INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    removed_at     INTEGER
) STRICT;

CREATE TABLE reminder_sent (
    key     TEXT    PRIMARY KEY, -- what the reminder is about, e.g. slot:3:2026-11-28
    text    TEXT    NOT NULL,
    sent_at INTEGER NOT NULL
) STRICT;

-- When to say that couple time has not happened yet this week (default Thursday 18:00).
ALTER TABLE household ADD COLUMN couple_check_weekday INTEGER NOT NULL DEFAULT 4 CHECK (couple_check_weekday BETWEEN 0 AND 6);
ALTER TABLE household ADD COLUMN couple_check_minute INTEGER NOT NULL DEFAULT 1080 CHECK (couple_check_minute BETWEEN 0 AND 1439);
