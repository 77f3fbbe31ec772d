-- fairly schema 10: phones paired with a member, for the phone page.

-- A one-time pairing link made by `fairly pair`: only the SHA-256 (hex) of its
-- code is kept; it works once, until expires_at.
CREATE TABLE pairing (
    id             INTEGER PRIMARY KEY,
    code_hash      TEXT    NOT NULL UNIQUE CHECK (length(code_hash) = 64),
    member_id      INTEGER NOT NULL REFERENCES member(id),
    device_name    TEXT    NOT NULL DEFAULT '',
    created_by_uid INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
) STRICT;

-- A paired device: it acts as its member and nobody else. Only the SHA-256
-- of its token is kept; a revoked device reaches nothing.
CREATE TABLE device (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER NOT NULL REFERENCES member(id),
    name           TEXT    NOT NULL,
    token_hash     TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    pairing_id     INTEGER REFERENCES pairing(id),
    paired_at      INTEGER NOT NULL,
    last_seen_at   INTEGER,
    revoked_at     INTEGER,
    revoked_by_uid INTEGER
) STRICT;
