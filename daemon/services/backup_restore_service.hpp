#pragma once
/// The online backup (`fairly backup`) and restore (`fairly restore`), which
/// replaces the household's database once its round has committed.
#include "record.hpp"

#include <optional>
#include <string>

namespace fairly::daemon {

class backup_restore_service {
public:
    explicit backup_restore_service(household_record& record) : record_(record) {}

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
    household_record& record_;
    struct restore_request {
        std::string path;
        std::int64_t uid = 0;
    };
    std::optional<restore_request> pending_restore_; ///< asked for in this round, run after its commit
};

} // namespace fairly::daemon
