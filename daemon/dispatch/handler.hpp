#pragma once
/// The socket-free request handler: one JSON-RPC request line in, one reply
/// line out. A thin dispatcher: the method table maps a name to a service
/// call, reads the params into the request (and its context: who asks, for
/// whom, at what time) once at the edge, converts the typed result to JSON,
/// and keeps a failed write from leaving a trace (see isolation). The
/// meaning lives in the services; the session and server only move bytes.
/// Unit tests drive it on an in-memory database.
#include "agreement_service.hpp"
#include "device_service.hpp"
#include "event_service.hpp"
#include "protected_service.hpp"
#include "record.hpp"
#include "reminder_service.hpp"
#include "report_service.hpp"
#include "away_service.hpp"
#include "backup_restore_service.hpp"
#include "export_service.hpp"
#include "import_service.hpp"
#include "guess_service.hpp"
#include "household_service.hpp"
#include "settings_service.hpp"
#include "turns_thanks_moved_service.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fairly::daemon {

using json = nlohmann::json;

/// How a write that fails is kept from leaving a trace in its round.
enum class isolation {
    /// Each write runs in a savepoint of its own (handle_line; and a round
    /// that went wrong once, run again).
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

/// Who may call a method: declared with it in the method table
/// (handler.cpp), the one list. A socket caller (`fairly`) reaches the
/// socket's methods; a paired phone (over HTTP, as its member) reaches the
/// phone's; some are both.
enum class reach { socket, phone, both };

/// A field a phone's request carries: text, or (integer) a whole number.
struct phone_field {
    const char* name;
    bool integer;
};

/// How a phone calls a method over HTTP: its path under /api/, GET (reads)
/// or POST with the JSON fields it may send. Declared with the method in the
/// method table; the HTTP server serves exactly these.
struct phone_route {
    std::string_view method;
    std::string_view path;
    bool post = false;
    std::vector<phone_field> fields;
    /// Whether the route's body may carry `field`.
    bool takes(std::string_view field) const;
};

/// Every route of the phone's API, from the method table (docs/phone.md).
const std::vector<phone_route>& phone_routes();

/// Whether a caller over HTTP (a phone) or on the socket may call `method`,
/// by the method table's `reach`; false for an unknown method.
bool reachable(std::string_view method, bool over_http);

/// The services a method may call, over one household record.
struct services {
    explicit services(household_record& record)
        : events(record), household(record), settings(record), away(record), guess(record), acts(record), reports(record), protected_time(record), reminders(record, reports, protected_time),
          exports(record), imports(record), backups(record), agreements(record), devices(record) {}
    event_service events;
    household_service household;
    settings_service settings;
    away_service away;
    guess_service guess;
    turns_thanks_moved_service acts;
    report_service reports;
    protected_service protected_time;
    reminder_service reminders;
    export_service exports;
    import_service imports;
    backup_restore_service backups;
    agreement_service agreements;
    device_service devices;
};

class request_handler {
public:
    request_handler(store::database& db, handler_settings settings);

    /// Parses and answers one request line. Returns the reply line (with its
    /// newline), or an empty string for a notification (a request without id).
    /// Each request that writes runs in its own savepoint: a failed one leaves no trace.
    std::string handle_line(std::string_view line, const caller& who);

    /// Answers a parsed request (see handle_line and isolation).
    json handle(const json& request, const caller& who, isolation mode = isolation::savepoint);

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
