-- fairly schema 4: what the weekly report reads, kept up to date at write time
-- so a report over ten years costs weeks, not events. Both tables hold only
-- events that count: active and not disputed. They are derived from `event`
-- and rebuilt from it when the night window, a usual length or the week start
-- change; weights (points) are applied when the report is made, so a new
-- weight needs no rebuild.

ALTER TABLE household ADD COLUMN drift_slack REAL NOT NULL DEFAULT 0.02 CHECK (drift_slack >= 0 AND drift_slack < 1);
ALTER TABLE household ADD COLUMN drift_threshold REAL NOT NULL DEFAULT 0.06 CHECK (drift_threshold > 0 AND drift_threshold < 10);

-- One row per household week, member, kind and thinking (role <> 'did').
CREATE TABLE load_week (
    week_day      INTEGER NOT NULL,  -- the local date the household week begins, in days since 1970-01-01
    member_id     INTEGER NOT NULL REFERENCES member(id),
    kind_id       INTEGER NOT NULL REFERENCES kind(id),
    thinking      INTEGER NOT NULL CHECK (thinking = 0 OR thinking = 1),
    events        INTEGER NOT NULL,
    seconds       INTEGER NOT NULL,  -- real elapsed time, an instant counted with its kind's usual length
    night_seconds INTEGER NOT NULL,  -- of which inside the night window
    wakeups       INTEGER NOT NULL,  -- events with any time inside the night window
    PRIMARY KEY (week_day, member_id, kind_id, thinking)
) STRICT, WITHOUT ROWID;

-- The longest stretch of a night window with no counted load event by the
-- member, for nights in which they had any; other nights were undisturbed.
CREATE TABLE rest_night (
    night_day       INTEGER NOT NULL,  -- the local date the night window begins
    member_id       INTEGER NOT NULL REFERENCES member(id),
    longest_seconds INTEGER NOT NULL,
    PRIMARY KEY (night_day, member_id)
) STRICT, WITHOUT ROWID;


-- Events longer than a day, for finding what reaches into a night from far
-- back without scanning every event of the days before it.
CREATE INDEX event_longer_than_a_day ON event(member_id, start_utc)
    WHERE end_utc IS NOT NULL AND end_utc - start_utc > 86400;

-- The report counts turns in a period.
CREATE INDEX turn_by_time ON turn(at_utc);
