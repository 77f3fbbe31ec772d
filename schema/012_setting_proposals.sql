-- fairly schema 12: a kind's weights and the night change by consent, as the
-- agreed split does (docs/fairness.md, "Weights and the night, by consent").
-- A change that moves figures is a proposal, in force (for the whole
-- history) once every other member has accepted; the change log names who
-- proposed it and who accepted it.

CREATE TABLE setting_proposal (
    id                    INTEGER PRIMARY KEY,
    subject               TEXT    NOT NULL CHECK (subject IN ('kind', 'night')),
    subject_name          TEXT    NOT NULL,     -- the kind's name, or 'night'
    kind_id               INTEGER REFERENCES kind(id), -- NULL for the night
    old_value             TEXT    NOT NULL,     -- JSON: the setting when proposed
    new_value             TEXT    NOT NULL,     -- JSON: the setting proposed
    state                 TEXT    NOT NULL DEFAULT 'proposed'
                          CHECK (state IN ('proposed', 'agreed', 'declined', 'withdrawn')),
    proposed_by_member_id INTEGER REFERENCES member(id),
    proposed_by_uid       INTEGER NOT NULL,
    proposed_at           INTEGER NOT NULL,
    decided_at            INTEGER
) STRICT;
-- One proposal at a time for each kind and for the night.
CREATE UNIQUE INDEX setting_proposal_one ON setting_proposal(subject, subject_name) WHERE state = 'proposed';

-- Each member's answer to a proposal; the proposer's is their proposing.
CREATE TABLE setting_proposal_answer (
    proposal_id INTEGER NOT NULL REFERENCES setting_proposal(id),
    member_id   INTEGER NOT NULL REFERENCES member(id),
    answer      TEXT    NOT NULL CHECK (answer IN ('accept', 'decline')),
    uid         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, member_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER setting_proposal_decided_kept BEFORE UPDATE ON setting_proposal WHEN OLD.state <> 'proposed'
BEGIN SELECT RAISE(ABORT, 'a decided proposal is history'); END;
CREATE TRIGGER setting_proposal_never_deleted BEFORE DELETE ON setting_proposal
BEGIN SELECT RAISE(ABORT, 'proposals are kept'); END;
CREATE TRIGGER setting_proposal_answer_never_deleted BEFORE DELETE ON setting_proposal_answer
BEGIN SELECT RAISE(ABORT, 'answers are kept'); END;

-- A change that came into force by consent names its proposal, who proposed
-- it and who accepted it (a JSON list of member ids, in the order they
-- answered); the entries of a proposal (proposed, declined, withdrawn) name
-- it too, so that one change is one line.
ALTER TABLE change_log ADD COLUMN proposal_id INTEGER;       -- agreement.id (subject agreement) or setting_proposal.id (kind, night)
ALTER TABLE change_log ADD COLUMN proposed_by_member_id INTEGER REFERENCES member(id);
ALTER TABLE change_log ADD COLUMN proposed_by_uid INTEGER;
ALTER TABLE change_log ADD COLUMN accepted_by TEXT;          -- JSON [member id, ...]; set on the entry that put it in force
