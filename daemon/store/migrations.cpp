#include "migrations.hpp"

#include <string>

namespace fairly::store {
namespace {

int user_version(database& db) {
    statement query(db.handle(), "PRAGMA user_version");
    query.step();
    return static_cast<int>(query.int64(0));
}

} // namespace

int latest_schema_version() { return migrations().empty() ? 0 : migrations().back().version; }

int apply_migrations(database& db, int up_to) {
    const int target = up_to < 0 ? latest_schema_version() : up_to;
    transaction tx(db);
    const int current = user_version(db);
    if (current > latest_schema_version()) {
        throw storage_error(0, "the database " + db.path() + " has schema version " + std::to_string(current) +
                                   ", newer than this fairlyd understands (" + std::to_string(latest_schema_version()) +
                                   "); install a newer fairly");
    }
    int version = current;
    for (const migration& step : migrations()) {
        if (step.version <= current || step.version > target) continue;
        try {
            db.exec(step.sql);
        } catch (const storage_error& e) {
            throw storage_error(e.code, "schema migration " + std::string(step.file) + " failed: " + e.what());
        }
        version = step.version;
    }
    db.exec("PRAGMA user_version = " + std::to_string(version));
    tx.commit();
    return version;
}

} // namespace fairly::store
