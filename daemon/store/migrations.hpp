#pragma once
/// The schema, built into the daemon from schema/NNN_*.sql (see
/// cmake/embed_schema.cmake) and applied in one transaction at start.
#include "store.hpp"

#include <string_view>
#include <vector>

namespace fairly::store {

struct migration {
    int version;
    std::string_view file;
    std::string_view sql;
};

/// Every migration, in order: version 1, 2, ...
const std::vector<migration>& migrations();

/// The schema version this daemon writes.
int latest_schema_version();

/// Applies the migrations above PRAGMA user_version, up to `up_to` (default:
/// all), in one transaction. Returns the version the database is at after.
/// A database newer than this daemon is refused rather than touched.
int apply_migrations(database& db, int up_to = -1);

} // namespace fairly::store
