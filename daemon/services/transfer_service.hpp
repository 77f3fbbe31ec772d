#pragma once
/// Export and import: the household taken out whole (JSON, CSV through the
/// CLI), a history kept elsewhere brought in idempotently by uuid through
/// the record's own writers and checks, and the online backup.
#include "record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fairly::daemon {

class transfer_service {
public:
    explicit transfer_service(household_record& record) : record_(record) {}

    json export_household(const json& params, const request_context& ctx);
    json export_records(const json& params, const request_context& ctx);
    json import_household(const json& params, const request_context& ctx);
    json import_records(const json& params, const request_context& ctx);
    json backup(const json& params, const request_context& ctx);

    /// `restore` as its round sees it: checks who asks and the path, then
    /// waits for the round to commit (restore_pending), since SQLite replaces
    /// a database only with no transaction open on it.
    json restore(const json& params, const request_context& ctx);
    bool restore_pending() const { return pending_restore_.has_value(); }
    /// The round committed: checks the file, keeps the record as it is beside
    /// the database, replaces it by the file's, migrates it if older and
    /// forgets what was cached. Returns the reply's result; throws what was refused.
    json run_restore();
    /// The round failed: the restore is not run.
    void drop_restore() { pending_restore_.reset(); }

private:
    /// Sets up a new household from an export's household part, or merges it
    /// into this one (members, kinds, goals, slots, timers); returns what it did.
    json apply_household(const json& file, const request_context& ctx);
    /// One imported row each: true when added, false when already recorded
    /// (same uuid); throws what is wrong with the row.
    bool import_event(const json& row, const request_context& ctx);
    /// An event of a career kind in the file: recorded as the meeting moved it was.
    bool import_career_event(const json& row, const request_context& ctx, std::int64_t member, const kind_entry& kind,
                             std::chrono::sys_seconds start);
    /// An event already recorded: what happened to it since (a void, new
    /// reviews) is brought in. True when that changed something.
    bool catch_up_event(const recorded_event& event, const json& row, const request_context& ctx);
    struct imported_review {
        std::int64_t member;
        std::string verdict, reason;
        std::int64_t uid, at;
    };
    /// The row's reviews after the first `skip`, checked.
    std::vector<imported_review> import_reviews(const json& row, std::size_t skip, const request_context& ctx);
    /// A voided row's reason; refuses a void without one.
    std::string import_void_reason(const json& row);
    /// The change log as an export holds it.
    json change_log();
    bool import_turn(const json& row, const request_context& ctx);
    bool import_thanks(const json& row, const request_context& ctx);
    bool import_moved(const json& row, const request_context& ctx);
    /// An imported row's time: ISO 8601 with an offset, or a local date and time.
    std::chrono::sys_seconds import_time(const json& row, const char* field, bool required);
    /// A row's creation time as recorded, or now.
    std::int64_t import_created(const json& row, const char* field);
    std::optional<std::int64_t> import_logger(const json& row, const request_context& ctx, std::int64_t fallback);
    std::int64_t import_uid(const json& row, const char* field, const request_context& ctx);

    household_record& record_;
    struct restore_request {
        std::string path;
        std::int64_t uid = 0;
    };
    std::optional<restore_request> pending_restore_; ///< asked for in this round, run after its commit
    bool checking_import_ = false;    ///< import.records with dry_run: rows may name originals earlier in the file
    std::int64_t import_updated_ = 0; ///< records of this batch already here, brought up to date
};

} // namespace fairly::daemon
