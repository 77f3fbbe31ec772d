-- fairly schema 6: the drift detector calibrated to the household's own
-- weeks. Slack and threshold are now in units of the household's weekly
-- variation of the shares (sigma), defaults k = 0.5 and h = 4; the old
-- columns in fixed shares stay, unread. A household can say it has talked
-- about an alert: the chart starts again from that week.

ALTER TABLE household ADD COLUMN drift_k REAL NOT NULL DEFAULT 0.5 CHECK (drift_k >= 0 AND drift_k < 10);
ALTER TABLE household ADD COLUMN drift_h REAL NOT NULL DEFAULT 4 CHECK (drift_h > 0 AND drift_h < 50);

CREATE TABLE drift_talk (
    id                  INTEGER PRIMARY KEY,
    at_utc              INTEGER NOT NULL,   -- when the household talked (the detector restarts from that week)
    note                TEXT    NOT NULL DEFAULT '',
    member_id           INTEGER REFERENCES member(id), -- who said so, when bound or named
    uid                 INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX drift_talk_by_time ON drift_talk(at_utc);
CREATE TRIGGER drift_talk_append_only BEFORE UPDATE ON drift_talk
BEGIN SELECT RAISE(ABORT, 'the record of talks is append-only'); END;
CREATE TRIGGER drift_talk_never_deleted BEFORE DELETE ON drift_talk
BEGIN SELECT RAISE(ABORT, 'the record of talks is append-only'); END;

-- The change log also keeps changes to the drift settings and each talk.
CREATE TABLE change_log_new (
    id                   INTEGER PRIMARY KEY,
    subject              TEXT    NOT NULL CHECK (subject = 'kind' OR subject = 'night' OR subject = 'drift'),
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
