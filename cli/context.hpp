#pragma once
/// What every command receives: where the daemon is, the clock, the output
/// streams, and the two ways to talk to fairlyd (reading and writing).
#include "client.hpp"
#include "spool.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace fairly::cli {

/// Exit codes scripts and cron can rely on (from sysexits.h).
enum exit_status : int {
    exit_ok = 0,
    exit_usage = 64,       ///< a wrong option or argument
    exit_data = 65,        ///< fairlyd refused the input (unknown member, bad time, ...)
    exit_unavailable = 69, ///< fairlyd is not running (reading commands only)
    exit_software = 70,    ///< a bug
    exit_io = 74,          ///< the database could not store it
    exit_tempfail = 75,    ///< fairlyd is busy; try again
    exit_permission = 77,  ///< this user may not do that
};

/// An error to report with a given exit status.
struct command_error : fairly::error {
    command_error(int status, const std::string& message) : fairly::error(message), exit_status(status) {}
    int exit_status;
};

class context {
public:
    context(std::ostream& out, std::ostream& err);

    std::ostream& out;
    std::ostream& err;
    std::string socket;                        ///< --socket, FAIRLY_SOCKET or the default
    std::optional<std::string> default_member; ///< FAIRLY_MEMBER

    /// The instant the command was typed: FAIRLY_NOW, else the clock.
    std::chrono::sys_seconds now() const { return now_; }

    /// A reading command's call: needs the daemon (exit 69 without it).
    json call(std::string_view method, json params);

    /// A writing command's call. Adds the UUID (if the caller did not), the
    /// reference time and FAIRLY_MEMBER. When fairlyd cannot be reached the
    /// request goes to the spool and the result is empty.
    std::optional<json> write(std::string_view method, json params);

    /// The connection itself, for a command that streams many requests
    /// (import); exit 69 when fairlyd cannot be reached.
    client& daemon();

private:
    client& connection(); // throws unreachable
    std::chrono::sys_seconds now_;
    std::unique_ptr<client> client_;
    spool spool_;
};

/// "2026-11-23T03:10:00+00:00" -> "Mon 23 Nov 03:10": local wall time as the
/// daemon formatted it, shown without a time-zone database.
std::string short_local(std::string_view local_iso);

/// 1.5 -> "1.5", 2 -> "2": weights and shares as people write them.
std::string number_text(double value);

/// 0.6 -> "60%", 1/3 -> "33.3%": a share (a fraction, as every JSON answer gives it) as people say it.
std::string share_text(double fraction);

/// "35m", "1h20m" from minutes.
std::string length_text(double minutes);

} // namespace fairly::cli
