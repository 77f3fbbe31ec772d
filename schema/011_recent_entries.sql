-- fairly schema 11: finding what a member just entered, without reading
-- their whole history.

-- `fairly log` asks whether the same member logged the same kind, overlapping
-- in time, in the last few minutes ("looks like #69, logged a minute ago").
-- Without this index that question read every event of the member: with two
-- years of a busy household (20,000 events) it cost fairlyd 7 ms of CPU a
-- log, more than the rest of the log and its fdatasync together. With it, it
-- reads the member's newest entries of that kind, at most 64.
CREATE INDEX event_by_member_kind_created ON event(member_id, kind_id, created_at);
