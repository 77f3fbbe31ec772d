#pragma once
/// The request handler: answers one parsed request inside the commit queue's
/// round. It finds the method in the method table (method_table.hpp), refuses
/// a caller the method is not for, reads the request's context once (who
/// asks, for whom, at what time), runs the method (its params read by
/// read_requests.hpp, its result built by replies.hpp) and keeps a failed
/// write from leaving a trace (see isolation). The meaning lives in the
/// services; transport only moves bytes.
#include "method_table.hpp"
#include "service_set.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fairly::daemon {

using json = nlohmann::json;

/// How a write that fails is kept from leaving a trace in its round.
enum class isolation {
    /// Each write runs in a savepoint of its own (a round that went wrong
    /// once, run again).
    savepoint,
    /// No savepoint: a write that fails having changed nothing is answered
    /// as usual; one that fails after changing rows (or after SQLite gave up
    /// the transaction) throws round_retry, and the commit queue rolls the
    /// round back and runs it again with savepoints. A savepoint per request
    /// costs an eighth of fairlyd's time under bulk logging, for the rare
    /// request that fails half-way.
    shared_round,
};

/// Thrown by handle() in isolation::shared_round when the round can no
/// longer be committed as it is.
struct round_retry : std::exception {
    const char* what() const noexcept override { return "a write failed half-way; the round runs again with savepoints"; }
};





class request_handler {
public:
    request_handler(store::database& db, handler_settings settings);

    /// Answers a parsed request inside the commit queue's round (see isolation).
    json handle(const json& request, const caller& who, isolation mode);

    /// Writes what the round's requests changed in the report's aggregates;
    /// the commit queue calls it just before COMMIT.
    void before_commit() { record_.before_commit(); }

    /// Drops what the handler remembers of the database (the household's
    /// zone, the names, pending aggregates): called when a request or a
    /// commit failed, so nothing uncommitted is trusted.
    void forget_cached_state() { record_.forget(); }
    void commit_failed() {
        services_.backups.drop_restore();
        record_.commit_failed();
    }

    /// A request that must run once its round has committed, with no
    /// transaction open (`restore`: SQLite replaces a database only then).
    /// The commit queue ends the round at such a request, commits, then
    /// calls run_deferred with the reply handle() gave for it.
    bool has_deferred() const { return services_.backups.restore_pending(); }
    /// Runs it and puts its reply (or its error) in place of `reply`.
    void run_deferred(json& reply);

    /// Where phones reach the page (`fairly pair`'s links); empty: not served.
    void set_http_base_url(std::string url) { record_.set_http_base_url(std::move(url)); }

private:
    static json error_reply(const json& id, const std::exception& failure);
    household_record record_;
    services services_{record_};
};

} // namespace fairly::daemon
