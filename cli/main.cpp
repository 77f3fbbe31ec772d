// fairly: log the household's load in one short command, and read it back.
// main() registers the commands and turns errors into exit codes, once.
#include "commands/commands.hpp"
#include "mistakes.hpp"
#include "spelling.hpp"

#include <algorithm>
#include <iostream>
#include <string_view>
#include <utility>
#include <vector>

#ifndef FAIRLY_VERSION
#define FAIRLY_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
    using namespace fairly::cli;
    try {
        context ctx(std::cout, std::cerr);
        CLI::App app{"fairly: who carried which part of the household's load, logged in one short command.", "fairly"};
        app.set_version_flag("--version", "fairly " FAIRLY_VERSION);
        app.add_option("--socket", ctx.socket, "fairlyd's socket (env FAIRLY_SOCKET)")->capture_default_str();
        app.require_subcommand(1);
        app.footer("Times: now, 03:10, 3:10am, 9pm, \"yesterday 22:40\", \"yesterday 3am\", \"mon 09:00\", \"sat 9am\", -40m, 2026-10-25,\n"
                   "\"2026-10-25 00:30\", ISO 8601; \"in 10m\" where a time ahead makes sense (slots, --within).\n"
                   "Lengths: 35m, 1h20m, 1.5h. Environment: FAIRLY_SOCKET, FAIRLY_MEMBER, FAIRLY_NOW.\n"
                   "Exit codes: 0 ok, 64 usage, 65 refused input, 69 fairlyd not running, 74 not stored, 75 busy (try again),\n"
                   "77 not allowed.");
        // Which setup registers which command. Building every command's
        // options costs more than a log round trip to fairlyd, so when the
        // first argument names a command only that one is set up; anything
        // else (--help, a typo, a global option first) gets them all.
        using setup_fn = void (*)(CLI::App&, context&);
        static constexpr std::pair<std::string_view, setup_fn> commands[] = {
            {"init", setup_init},       {"member", setup_member},    {"log", setup_log},          {"start", setup_timer},
            {"stop", setup_timer},      {"events", setup_events},    {"void", setup_void},        {"edit", setup_edit},
            {"status", setup_status},   {"kinds", setup_kinds},      {"kind", setup_kind},        {"night", setup_night},
            {"moved", setup_moved},     {"turn", setup_turn},        {"whose-turn", setup_turn},  {"thanks", setup_thanks},
            {"pending", setup_review},  {"confirm", setup_review},   {"dispute", setup_review},   {"report", setup_report},
            {"balance", setup_report},  {"drift", setup_report},    {"protect", setup_protect},  {"slot", setup_protect},
            {"slots", setup_protect},   {"export-ics", setup_protect}, {"remind", setup_remind},   {"backup", setup_backup},
            {"export", setup_export},   {"import", setup_import},    {"cancel", setup_timer},     {"timers", setup_timer},
            {"agree", setup_agree},     {"changes", setup_changes},   {"away", setup_away},     {"guess", setup_guess},
            {"pair", setup_pair},       {"devices", setup_pair},     {"unpair", setup_pair},       {"restore", setup_restore},
        };
        setup_fn only = nullptr;
        std::string typed_command;
        if (argc > 1) {
            typed_command = argv[1];
            for (const auto& [name, setup] : commands) {
                if (name == typed_command) only = setup;
            }
            // A command matches whatever its case: `fairly LOG` is `fairly log`.
            for (const auto& [name, setup] : commands) {
                if (!only && fairly::same_name(name, typed_command)) {
                    only = setup;
                    argv[1] = const_cast<char*>(name.data()); // the table's names are NUL-terminated literals
                }
            }
            if (!only && !typed_command.empty() && typed_command.front() != '-') {
                std::vector<std::string> names;
                for (const auto& command : commands) names.emplace_back(command.first);
                throw command_error(exit_usage, unknown_command(typed_command, names));
            }
        }
        if (only) {
            only(app, ctx);
        } else {
            for (std::size_t i = 0; i < std::size(commands); ++i) {
                const bool seen = std::any_of(commands, commands + i, [&](const auto& c) { return c.second == commands[i].second; });
                if (!seen) commands[i].second(app, ctx);
            }
        }
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            // An option or subcommand typed slightly wrong: the nearest one
            // (before "a subcommand is required", which is what it leads to).
            if (e.get_exit_code() != 0) {
                if (const auto message = unexpected_arguments(app)) throw command_error(exit_usage, *message);
            }
            const int code = app.exit(e);
            return code == 0 ? exit_ok : exit_usage;
        }
        return exit_ok;
    } catch (const command_error& e) {
        std::cerr << "fairly: " << e.what() << '\n';
        return e.exit_status;
    } catch (const fairly::rpc::rpc_error& e) {
        std::cerr << "fairly: " << e.what() << '\n';
        switch (e.code) {
        case fairly::rpc::error_code::permission_denied: return exit_permission;
        case fairly::rpc::error_code::storage_error: return exit_io;
        case fairly::rpc::error_code::busy: return exit_tempfail;
        case fairly::rpc::error_code::internal_error: return exit_software;
        default: return exit_data;
        }
    } catch (const socket_permission& e) {
        std::cerr << "fairly: " << e.what() << '\n';
        return exit_permission;
    } catch (const std::exception& e) {
        std::cerr << "fairly: " << e.what() << '\n';
        return exit_software;
    }
}
