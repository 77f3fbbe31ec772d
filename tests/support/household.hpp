#pragma once
/// Test support for end-to-end tests: a household on a temporary fairlyd
/// with a fixed clock, driven through the real `fairly`.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

namespace fairly::test {

/// A household on a temporary daemon, its clock fixed at `now`.
struct household {
    explicit household(std::string now_at) : now(std::move(now_at)) {}
    std::string now;
    temp_dir dir;
    daemon_process daemon{dir.path(), {}, {{"FAIRLY_NOW", now}}};

    run_result fairly(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
        extra.emplace("FAIRLY_NOW", now);
        return run_fairly(dir.path(), daemon.socket(), args, extra);
    }
    run_result ok(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
        auto result = fairly(args, std::move(extra));
        INFO("fairly " << joined(args) << "\nstdout: " << result.out << "\nstderr: " << result.err);
        REQUIRE(result.exit_code == 0);
        return result;
    }
    json report(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"report", "--format", "json"});
        return ok(args).out_json();
    }
    json member(const json& report, const std::string& name) {
        for (const json& m : report["members"]) {
            if (m["name"] == name) return m;
        }
        FAIL("no member " << name << " in the report");
        return json();
    }
    static std::string joined(const std::vector<std::string>& args) {
        std::string text;
        for (const auto& a : args) text += (text.empty() ? "" : " ") + a;
        return text;
    }
};

/// `fairly` run as a real Unix user (with a home of its own under `dir`)
/// against `socket`, its clock fixed at `now`.
inline run_result run_as(const unix_user& user, const std::filesystem::path& dir, const std::filesystem::path& socket,
                         const std::string& now, const std::vector<std::string>& args) {
    run_options options;
    options.as_uid = user.uid();
    const auto home = user.home(dir / "homes");
    options.env = {{"FAIRLY_SOCKET", socket.string()}, {"XDG_STATE_HOME", home.string()}, {"HOME", home.string()}, {"FAIRLY_NOW", now}};
    return run(FAIRLY, args, options);
}

/// alex and sam, each bound to a real Unix user; every call names its clock.
struct two_users {
    temp_dir dir;
    daemon_process daemon{dir.path()};
    unix_user alex_user{"ra"};
    unix_user sam_user{"rs"};

    two_users() {
        REQUIRE(root("2026-11-23T08:00:00Z", {"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
        REQUIRE(root("2026-11-23T08:00:00Z", {"member", "add", "alex", "--unix-user", alex_user.name()}).exit_code == 0);
        REQUIRE(root("2026-11-23T08:00:00Z", {"member", "add", "sam", "--unix-user", sam_user.name()}).exit_code == 0);
        open_to_others(dir.path(), daemon.socket());
    }
    run_result root(const std::string& now, const std::vector<std::string>& args) {
        return run_fairly(dir.path(), daemon.socket(), args, {{"FAIRLY_NOW", now}});
    }
    run_result as(const unix_user& user, const std::string& now, const std::vector<std::string>& args) {
        return run_as(user, dir.path(), daemon.socket(), now, args);
    }
    run_result alex(const std::string& now, const std::vector<std::string>& args) { return as(alex_user, now, args); }
    run_result sam(const std::string& now, const std::vector<std::string>& args) { return as(sam_user, now, args); }
    /// What the member's own cron job would mail: `fairly remind`'s output (and it must succeed).
    std::string cron(const unix_user& user, const std::string& now) {
        auto result = as(user, now, {"remind"});
        INFO("fairly remind as " << user.name() << " at " << now << ": " << result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        return result.out;
    }
};


} // namespace fairly::test
