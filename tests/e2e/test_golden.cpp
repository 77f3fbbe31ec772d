// Golden report tests: fixture events, the command, and the exact expected
// output, kept together in tests/golden/CASE/ (see its README.md).
#include "process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace fairly::test;

namespace {

std::vector<std::string> words_of(const std::string& line) {
    // Splits on spaces, keeping "quoted phrases" together.
    std::vector<std::string> words;
    std::string word;
    bool quoted = false, have = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
            have = true;
        } else if (c == ' ' && !quoted) {
            if (have) words.push_back(word);
            word.clear();
            have = false;
        } else {
            word += c;
            have = true;
        }
    }
    if (have) words.push_back(word);
    return words;
}

std::string join(const std::vector<std::string>& words, std::size_t from) {
    std::string text;
    for (std::size_t i = from; i < words.size(); ++i) text += (text.empty() ? "" : " ") + words[i];
    return text;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Runs tests/golden/NAME/fixture and compares the command's output with expected.
void run_golden(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::path(FAIRLY_GOLDEN_DIR) / name;
    temp_dir scratch;
    std::map<std::string, std::string> env{{"NO_COLOR", "1"}};
    std::unique_ptr<daemon_process> daemon;
    std::unique_ptr<raw_socket> socket;
    int request_id = 0;
    std::string batch;
    int pending = 0;
    auto flush = [&] {
        if (pending == 0) return;
        socket->send(batch);
        for (; pending > 0; --pending) {
            auto line = socket->read_line();
            REQUIRE(line);
            INFO(*line);
            REQUIRE(json::parse(*line).contains("result"));
        }
        batch.clear();
    };
    auto log_event = [&](const std::string& member, const std::string& kind, const std::string& at, const std::string& length,
                         const std::string& note) {
        json params{{"uuid", "00000000-0000-4000-8000-" + std::to_string(100000000000 + ++request_id)}, {"member", member},
                    {"kind", kind}, {"at", at}, {"reference_time", env.at("FAIRLY_NOW")}, {"brief", true}};
        if (length.rfind("until=", 0) == 0) {
            std::string until = length.substr(6);
            std::replace(until.begin(), until.end(), '_', ' ');
            params["until"] = until;
        } else if (length != "-") {
            params["for"] = length;
        }
        if (!note.empty()) params["note"] = note;
        batch += json{{"jsonrpc", "2.0"}, {"id", request_id}, {"method", "event.log"}, {"params", params}}.dump() + "\n";
        if (++pending == 32) flush();
    };
    std::ifstream fixture(dir / "fixture");
    REQUIRE(fixture);
    std::string output;
    for (std::string line; std::getline(fixture, line);) {
        if (line.empty() || line[0] == '#') continue;
        const auto words = words_of(line);
        const std::string& verb = words[0];
        if (verb == "now") {
            env["FAIRLY_NOW"] = words.at(1);
        } else if (verb == "init") {
            daemon = std::make_unique<daemon_process>(scratch.path(), std::vector<std::string>{},
                                                      std::map<std::string, std::string>{{"FAIRLY_NOW", env.at("FAIRLY_NOW")}});
            std::vector<std::string> args(words.begin(), words.end());
            auto init = run_fairly(scratch.path(), daemon->socket(), args, env);
            INFO(init.err);
            REQUIRE(init.exit_code == 0);
            socket = std::make_unique<raw_socket>(daemon->socket());
        } else if (verb == "log") {
            // log DATE TIME LENGTH MEMBER KIND [NOTE] or log ISO LENGTH MEMBER KIND [NOTE]
            const bool iso = words.at(1).find('T') != std::string::npos;
            const std::size_t at = iso ? 2 : 3;
            log_event(words.at(at + 1), words.at(at + 2), iso ? words[1] : words[1] + " " + words[2], words.at(at), join(words, at + 3));
        } else if (verb == "week") {
            std::string kind = "cooking", length = "60m";
            std::vector<std::pair<std::string, int>> counts;
            for (std::size_t i = 2; i < words.size(); ++i) {
                const auto eq = words[i].find('=');
                const std::string key = words[i].substr(0, eq), value = words[i].substr(eq + 1);
                if (key == "kind") kind = value;
                else if (key == "length") length = value;
                else counts.emplace_back(key, std::stoi(value));
            }
            const auto monday = std::chrono::sys_days{std::chrono::year{std::stoi(words[1].substr(0, 4))} /
                                                      std::stoi(words[1].substr(5, 2)) / std::stoi(words[1].substr(8, 2))};
            for (const auto& [member, count] : counts) {
                for (int i = 0; i < count; ++i) {
                    const std::chrono::year_month_day day{monday + std::chrono::days{i % 7}};
                    char at[32];
                    std::snprintf(at, sizeof at, "%04d-%02u-%02u %02d:00", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                                  static_cast<unsigned>(day.day()), 17 + i / 7);
                    log_event(member, kind, at, length, "");
                }
            }
        } else if (verb == "as") {
            flush();
            env["FAIRLY_MEMBER"] = words.at(1);
        } else if (verb == "fairly" || verb == "command") {
            flush();
            std::vector<std::string> args(words.begin() + 1, words.end());
            auto result = run_fairly(scratch.path(), daemon->socket(), args, env);
            INFO(line << "\n" << result.err);
            REQUIRE(result.exit_code == 0);
            if (verb == "command") output = result.out;
        } else {
            FAIL("unknown fixture line: " << line);
        }
    }
    const auto expected_path = dir / "expected";
    if (const char* update = std::getenv("FAIRLY_UPDATE_GOLDEN"); update && *update == '1') {
        std::ofstream(expected_path, std::ios::binary) << output;
        WARN("rewrote " << expected_path.string());
        return;
    }
    REQUIRE(std::filesystem::exists(expected_path));
    CHECK(output == read_file(expected_path));
}

} // namespace

TEST_CASE("golden: a steady 50/50 household raises no alert", "[golden]") { run_golden("steady_5050"); }
TEST_CASE("golden: an agreed 60/40 kept to raises no alert (JSON)", "[golden]") { run_golden("agreed_6040"); }
TEST_CASE("golden: a slow drift is caught before any single week stands out", "[golden]") { run_golden("slow_drift"); }
TEST_CASE("golden: the week the clocks go back (Markdown)", "[golden]") { run_golden("dst_fall_back"); }
TEST_CASE("golden: disputed events are left out and listed", "[golden]") { run_golden("disputed"); }
TEST_CASE("golden: a night event across midnight and the week boundary (CSV)", "[golden]") { run_golden("night_across_week"); }
