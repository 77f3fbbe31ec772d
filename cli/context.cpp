#include "context.hpp"

#include "duration.hpp"
#include "paths.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"

#include <date/date.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace fairly::cli {
namespace {

std::chrono::sys_seconds clock_now() {
    if (const char* fixed = std::getenv("FAIRLY_NOW"); fixed && *fixed) {
        try {
            return parse_iso_instant(fixed, "FAIRLY_NOW");
        } catch (const input_error& e) {
            throw command_error(exit_usage, std::string("FAIRLY_NOW: ") + e.what());
        }
    }
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::optional<std::string> env_member() {
    const char* member = std::getenv("FAIRLY_MEMBER");
    if (member && *member) return std::string(member);
    return std::nullopt;
}

/// fairlyd is not there: say how to start it.
command_error not_running(const unreachable& e) {
    return command_error(exit_unavailable,
                         std::string(e.what()) + ".\nStart it with `systemctl --user start fairlyd` (or `sudo systemctl start fairlyd`),"
                                                 " or run `fairlyd` in a terminal; set FAIRLY_SOCKET or --socket if it serves another socket.");
}

} // namespace

context::context(std::ostream& out_stream, std::ostream& err_stream)
    : out(out_stream), err(err_stream), socket(default_socket_path().string()), default_member(env_member()), now_(clock_now()),
      spool_(state_directory()) {}

client& context::connection() {
    if (!client_) {
        client_ = std::make_unique<client>(socket);
        if (spool_.has_entries()) spool_.flush(*client_, err);
    }
    return *client_;
}

json context::call(std::string_view method, json params) {
    // FAIRLY_MEMBER goes with every request, reads too: who asks, and who is recorded as changing a setting.
    if (default_member && params.is_object() && !params.contains("default_member")) params["default_member"] = *default_member;
    try {
        return connection().call(method, std::move(params));
    } catch (const unreachable& e) {
        throw not_running(e);
    }
}

client& context::daemon() {
    try {
        return connection();
    } catch (const unreachable& e) {
        throw not_running(e);
    }
}

std::optional<json> context::write(std::string_view method, json params) {
    if (!params.contains("uuid")) params["uuid"] = make_uuid();
    params["reference_time"] = format_iso_utc(now_);
    if (default_member && !params.contains("default_member")) params["default_member"] = *default_member;
    try {
        return connection().call(method, params);
    } catch (const unreachable& e) {
        params["source"] = "spool";
        spool_.append(rpc::make_request(params["uuid"], method, params));
        err << "fairly: " << e.what() << ";\n  kept it in " << spool_.file().string()
            << " — it will be sent (once) by the next fairly command that reaches fairlyd.\n";
        client_.reset();
        return std::nullopt;
    }
}

std::string short_local(std::string_view local_iso) {
    // YYYY-MM-DDTHH:MM...
    if (local_iso.size() < 16) return std::string(local_iso);
    int year = std::atoi(std::string(local_iso.substr(0, 4)).c_str());
    unsigned month = static_cast<unsigned>(std::atoi(std::string(local_iso.substr(5, 2)).c_str()));
    unsigned day = static_cast<unsigned>(std::atoi(std::string(local_iso.substr(8, 2)).c_str()));
    date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
    if (!ymd.ok()) return std::string(local_iso);
    static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto weekday = date::weekday{date::sys_days{ymd}}.c_encoding();
    return std::string(weekdays[weekday]) + " " + std::to_string(day) + " " + months[month - 1] + " " + std::string(local_iso.substr(11, 5));
}

std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", std::round(value * 100) / 100);
    return text;
}

std::string share_text(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g%%", std::round(fraction * 1000) / 10);
    return text;
}

std::string length_text(double minutes) {
    return format_duration(std::chrono::seconds{static_cast<long long>(std::llround(minutes * 60.0))});
}

} // namespace fairly::cli
