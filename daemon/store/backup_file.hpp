#pragma once
/// Bringing a backup back (`fairly restore`): a file offered as a backup is
/// checked without changing anything, then copied over the live database
/// through the live connection with SQLite's online backup API, so the WAL
/// and its shared memory stay those of the database they belong to and no
/// frame of the old record can be replayed onto the restored one.
#include "store.hpp"

#include <cstdint>
#include <string>

namespace fairly::store {

/// The file is not something that can be restored; the message says why,
/// as a sentence for the person who offered it. Nothing was changed.
struct backup_refused : fairly::error {
    using fairly::error::error;
};

/// What a file offered for restore holds.
struct backup_facts {
    int schema_version = 0;  ///< its PRAGMA user_version
    int page_size = 0;
    std::int64_t events = 0; ///< rows in its event table, voided and superseded ones too
};

/// Checks, in this order, that `path` is an SQLite database fairlyd can read,
/// that SQLite's integrity check finds nothing wrong in it, that it is a
/// fairly household (its tables, a household set up) and that its schema is
/// not newer than `newest_schema`. Opens it read-only; throws backup_refused.
backup_facts inspect_backup(const std::string& path, int newest_schema);

/// Makes a file just written (a kept copy) survive a power cut: fsyncs the
/// directory that holds its name. Best effort: returns false if it could not.
bool sync_directory_of(const std::string& path);

/// Replaces everything in `live` by the content of `source` (already
/// inspected) in one write transaction of the live connection, then
/// checkpoints with TRUNCATE, so the WAL holds no frame of either. A source
/// whose page size differs is first rewritten at the live page size
/// (VACUUM INTO a scratch file beside the live database, removed after).
/// Needs no transaction open on `live` (SQLite's backup refuses a destination
/// in use). Returns the pages copied. Throws storage_error.
int replace_database(database& live, const std::string& source);

} // namespace fairly::store
