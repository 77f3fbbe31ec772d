-- fairly schema 8: the agreed split has a history and changes by consent.
-- member.agreed_share stays the household's first agreement (from the
-- beginning, set by `fairly init --split`); every later split is an
-- agreement proposed by one member and accepted by every other, in force
-- from the household week it names. A contested thing (a turn) may have a
-- split of its own.

CREATE TABLE agreement (
    id                    INTEGER PRIMARY KEY,
    thing                 TEXT,                 -- NULL: the household's load; else the thing of `fairly turn`
    from_day              INTEGER NOT NULL,     -- the local day (days since 1970-01-01) its first household week starts
    state                 TEXT    NOT NULL DEFAULT 'proposed'
                          CHECK (state IN ('proposed', 'agreed', 'declined', 'withdrawn')),
    proposed_by_member_id INTEGER REFERENCES member(id),
    proposed_by_uid       INTEGER NOT NULL,
    proposed_at           INTEGER NOT NULL,
    decided_at            INTEGER,              -- agreed, declined or withdrawn
    note                  TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX agreement_by_thing ON agreement(coalesce(thing, ''), state, from_day);
-- One proposal at a time for the load and for each thing.
CREATE UNIQUE INDEX agreement_one_proposal ON agreement(coalesce(thing, '')) WHERE state = 'proposed';

CREATE TABLE agreement_share (
    agreement_id INTEGER NOT NULL REFERENCES agreement(id),
    member_id    INTEGER NOT NULL REFERENCES member(id),
    share        REAL    NOT NULL CHECK (share >= 0 AND share <= 100), -- percent
    PRIMARY KEY (agreement_id, member_id)
) STRICT, WITHOUT ROWID;

-- Each member's answer to a proposal; the proposer's is their proposing.
CREATE TABLE agreement_answer (
    agreement_id INTEGER NOT NULL REFERENCES agreement(id),
    member_id    INTEGER NOT NULL REFERENCES member(id),
    answer       TEXT    NOT NULL CHECK (answer IN ('accept', 'decline')),
    uid          INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, member_id)
) STRICT, WITHOUT ROWID;

-- A decided agreement is history: its shares and answers do not change.
CREATE TRIGGER agreement_share_kept BEFORE UPDATE ON agreement_share
BEGIN SELECT RAISE(ABORT, 'an agreement''s shares do not change; propose a new one'); END;
CREATE TRIGGER agreement_share_never_deleted BEFORE DELETE ON agreement_share
BEGIN SELECT RAISE(ABORT, 'an agreement''s shares do not change; propose a new one'); END;
CREATE TRIGGER agreement_decided_kept BEFORE UPDATE ON agreement WHEN OLD.state <> 'proposed'
BEGIN SELECT RAISE(ABORT, 'a decided agreement is history'); END;
CREATE TRIGGER agreement_never_deleted BEFORE DELETE ON agreement
BEGIN SELECT RAISE(ABORT, 'agreements are kept'); END;
