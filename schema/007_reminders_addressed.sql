-- fairly schema 7: every reminder is given once per member it concerns, not
-- once per household; a cancelled timer is kept in the change log.

-- What each member has been told. A reminder given before this version went
-- to whichever member's cron ran first; it is counted as given to everyone,
-- so an upgrade repeats nothing.
CREATE TABLE reminder_given (
    key       TEXT    NOT NULL,                          -- what it is about, e.g. slot:3:2026-11-28
    member_id INTEGER NOT NULL REFERENCES member(id),    -- to whom
    text      TEXT    NOT NULL,
    given_at  INTEGER NOT NULL,
    PRIMARY KEY (key, member_id)
) STRICT, WITHOUT ROWID;
INSERT INTO reminder_given (key, member_id, text, given_at)
    SELECT r.key, m.id, r.text, r.sent_at FROM reminder_sent r CROSS JOIN member m;
DROP TABLE reminder_sent;

-- The change log keeps every subject a household setting can have, so the
-- settings that follow (agreements, members, goals, slots, away periods)
-- need no rebuild; today it also keeps cancelled timers.
CREATE TABLE change_log_new (
    id                   INTEGER PRIMARY KEY,
    subject              TEXT    NOT NULL CHECK (subject IN ('kind', 'night', 'drift', 'timer', 'agreement', 'member', 'binding',
                                                             'goal', 'slot', 'away')),
    subject_name         TEXT    NOT NULL,
    old_value            TEXT,
    new_value            TEXT    NOT NULL,
    changed_by_uid       INTEGER NOT NULL,
    changed_by_member_id INTEGER REFERENCES member(id),
    changed_at           INTEGER NOT NULL
) STRICT;
INSERT INTO change_log_new SELECT id, subject, subject_name, old_value, new_value, changed_by_uid, changed_by_member_id, changed_at FROM change_log;
DROP TABLE change_log;
ALTER TABLE change_log_new RENAME TO change_log;
CREATE INDEX change_log_by_subject ON change_log(subject, subject_name, id);
CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
CREATE TRIGGER change_log_never_deleted BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
