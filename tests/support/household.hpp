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

} // namespace fairly::test
