#pragma once
/// Every `fairly` command registers itself with one setup_x(); main() calls them.
#include "../context.hpp"
#include "time_expr.hpp"

#include <CLI/CLI.hpp>

namespace fairly::cli {

void setup_init(CLI::App& app, context& ctx);
void setup_member(CLI::App& app, context& ctx);
void setup_log(CLI::App& app, context& ctx);
void setup_timer(CLI::App& app, context& ctx);   // start, stop, cancel, timers
void setup_events(CLI::App& app, context& ctx);
void setup_void(CLI::App& app, context& ctx);
void setup_edit(CLI::App& app, context& ctx);
void setup_status(CLI::App& app, context& ctx);
void setup_kinds(CLI::App& app, context& ctx);
void setup_kind(CLI::App& app, context& ctx);    // kind add, edit, history
void setup_night(CLI::App& app, context& ctx);
void setup_moved(CLI::App& app, context& ctx);
void setup_turn(CLI::App& app, context& ctx);    // turn, whose-turn
void setup_thanks(CLI::App& app, context& ctx);
void setup_review(CLI::App& app, context& ctx);  // pending, confirm, dispute
void setup_report(CLI::App& app, context& ctx);  // report, balance, drift
void setup_protect(CLI::App& app, context& ctx); // protect, slot, slots, export-ics
void setup_remind(CLI::App& app, context& ctx);
void setup_backup(CLI::App& app, context& ctx);
void setup_restore(CLI::App& app, context& ctx);
void setup_export(CLI::App& app, context& ctx);
void setup_import(CLI::App& app, context& ctx);
void setup_agree(CLI::App& app, context& ctx);
void setup_changes(CLI::App& app, context& ctx);
void setup_away(CLI::App& app, context& ctx);
void setup_guess(CLI::App& app, context& ctx);
void setup_pair(CLI::App& app, context& ctx);    // pair, devices, unpair

/// Checks a time expression or a length here, before anything is sent or
/// spooled, so a typo is caught at once (exit 64) and never parked in the spool.
void check_time(const std::string& text, const char* option);
void check_length(const std::string& text, const char* option);
/// A note (or reason) over the limit is refused here with the note-length
/// message (exit 65, as fairlyd would), before a long one outgrows a request.
void check_note(const std::string& text, const char* option);

/// "cannot write /x/report.html: No such file or directory" (exit 74), from
/// errno just after the failed open or write.
command_error cannot_write(const std::string& path);

/// One line about an event: "#42 night-feed for sam, Mon 23 Nov 03:10, 35m: teething".
std::string describe_event(const json& event);

/// Lets a percent option be typed as people write it: "40%" is 40.
CLI::Validator percent_sign();

/// "alex=60,sam=40" -> {"alex": 60, "sam": 40}; a usage error names `option`.
json parse_split(const std::string& text, const char* option);

/// ["sam"] -> "sam"; ["sam", "kim"] -> "sam and kim".
std::string names_text(const json& names);
/// A kind's category and weights: "care, 1 points + 2 per hour, usually 30m, night multiplier applies" (kind.cpp).
std::string weights_text(const json& kind);
/// The night window and multiplier: "22:00 to 06:00, x1.5" (night.cpp).
std::string night_text(const json& night);

} // namespace fairly::cli
