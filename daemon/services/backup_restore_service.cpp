// The online backup, and restore: a backup brought back while fairlyd
// runs, once the round before it has committed.
#include "backup_restore_service.hpp"

#include "backup_file.hpp"
#include "migrations.hpp"
#include "params.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::sys_seconds;

// ---------------------------------------------------------------- backup

json backup_restore_service::backup(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string target = required_string(params, "path");
    if (target.empty() || target.front() != '/') bad_param("path", "give an absolute path for the copy");
    std::error_code ec;
    if (std::filesystem::exists(target, ec)) bad_param("path", target + " exists; a backup never overwrites a file");
    const auto parent = std::filesystem::path(target).parent_path();
    if (!std::filesystem::is_directory(parent, ec)) bad_param("path", parent.string() + " is not a directory fairlyd can see");
    if (record_.db().path() == ":memory:") throw rpc_error(error_code::conflict, "an in-memory household has no file to back up");
    const int pages = store::backup_database(record_.db().path(), target);
    return json{{"path", target}, {"pages", pages}, {"bytes", std::filesystem::file_size(target, ec)}};
}

// ---------------------------------------------------------------- restore

namespace {

/// "household.db.before-restore-20261104T120000Z" beside the database: a
/// name that sorts by time and is never one already there.
std::string kept_copy_name(const std::string& database, sys_seconds now) {
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss time{now - day};
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    const std::string base = database + ".before-restore-" + stamp;
    std::error_code ec;
    std::string name = base;
    for (int n = 2; std::filesystem::exists(name, ec); ++n) name = base + "-" + std::to_string(n);
    return name;
}

[[noreturn]] void refuse_file(const std::string& why) {
    throw rpc_error(error_code::invalid_params, why + "; nothing was changed", json{{"field", "path"}});
}

} // namespace

json backup_restore_service::restore(const json& params, const request_context& ctx) {
    if (!ctx.privileged) {
        throw rpc_error(error_code::permission_denied,
                        "only root or the user fairlyd runs as can restore a backup, since it replaces everyone's record; "
                        "ask them to run `sudo fairly restore FILE`");
    }
    const std::string path = required_string(params, "path");
    if (path.front() != '/') bad_param("path", "give an absolute path of the backup file");
    if (record_.db().path() == ":memory:") throw rpc_error(error_code::conflict, "an in-memory household has no file to restore into");
    pending_restore_ = restore_request{path, ctx.who.uid};
    return json{{"restoring", path}}; // replaced by run_restore's reply once the round has committed
}

json backup_restore_service::run_restore() {
    namespace fs = std::filesystem;
    const restore_request request = std::move(*pending_restore_);
    pending_restore_.reset();
    store::database& db = record_.db();
    const std::string& path = request.path;

    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) refuse_file(path + " does not exist where fairlyd looks (with the system service, put it under /var/lib/fairly)");
    if (fs::is_directory(status)) refuse_file(path + " is a directory, not a backup file");
    if (!fs::is_regular_file(status)) refuse_file(path + " is not a regular file, so not a backup file");
    if (fs::equivalent(path, db.path(), ec)) {
        refuse_file(path + " is the household's database itself, not a backup");
    }
    const int newest = store::latest_schema_version();
    store::backup_facts facts;
    try {
        facts = store::inspect_backup(path, newest);
    } catch (const store::backup_refused& refused) {
        refuse_file(refused.what());
    }

    // The record as it is now, whole and consistent (the round before this
    // one has committed), beside the database: a restore undoes nothing for good.
    const std::string kept = kept_copy_name(db.path(), record_.now());
    store::backup_database(db.path(), kept);
    store::sync_directory_of(kept);

    record_.book().discard();
    record_.forget();
    const int pages = store::replace_database(db, path);
    int schema = facts.schema_version;
    if (schema < newest) {
        // An older backup is brought up to this fairlyd's schema, as at start.
        try {
            schema = store::apply_migrations(db);
        } catch (const std::exception& failed) {
            store::replace_database(db, kept);
            record_.forget();
            throw rpc_error(error_code::storage_error, std::string("the backup was restored but could not be brought up to this "
                                                                   "fairlyd's schema, so the record before was put back: ") +
                                                           failed.what());
        }
    }
    record_.forget();
    db.preallocate_wal();
    std::clog << "fairlyd: restored the household from " << path << " (" << facts.events << " events, schema " << facts.schema_version
              << (schema != facts.schema_version ? " migrated to " + std::to_string(schema) : std::string()) << ") for uid " << request.uid
              << "; the record before is kept in " << kept << std::endl;
    return json{{"path", path},
                {"kept", kept},
                {"events", facts.events},
                {"pages", pages},
                {"schema_of_backup", facts.schema_version},
                {"schema", schema}};
}

} // namespace fairly::daemon
