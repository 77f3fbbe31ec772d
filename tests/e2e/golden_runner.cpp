// Golden tests, one file a case (tests/golden/README.md): runs the fixture
// lines of a .test file against the real fairlyd and fairly and compares each
// `test` block's stdout, stderr and exit code, byte for byte.
//   golden_runner CASE.test            run the case (exit 0 when it matches)
//   golden_runner --words WORDING.md CASE.test...
//                                      no expected output uses a word the
//                                      wording document rules out
// With FAIRLY_UPDATE_GOLDEN=1 the first form rewrites the blocks instead.
#include "process.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

using namespace fairly::test;

namespace {

struct failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty()) return text;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw failure("cannot read " + path.string());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// Text as the lines of a block: each line ends in '\n'; output that does not
/// end in one is marked with a last line __NO_NEWLINE__.
std::vector<std::string> block_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    for (char c : text) {
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    if (!line.empty()) lines.push_back(line), lines.push_back("__NO_NEWLINE__");
    return lines;
}

/// A test block: the command, and what it must print.
struct expected_block {
    std::size_t first_line = 0; ///< the `test` line
    std::size_t end_line = 0;   ///< the `end test` line
    std::vector<std::string> out, err;
    int exit_code = 0;
};

expected_block parse_block(const std::vector<std::string>& lines, std::size_t at) {
    expected_block block;
    block.first_line = at;
    enum { out, err, after_exit } section = out;
    for (std::size_t i = at + 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line == "end test") {
            block.end_line = i;
            return block;
        }
        if (line == "__ERROR__") {
            section = err;
        } else if (line.rfind("__EXIT__ ", 0) == 0) {
            block.exit_code = std::stoi(line.substr(9));
            section = after_exit;
        } else if (section == out) {
            block.out.push_back(line);
        } else if (section == err) {
            block.err.push_back(line);
        } else {
            throw failure("line " + std::to_string(i + 1) + ": nothing may follow __EXIT__ before `end test`");
        }
    }
    throw failure("line " + std::to_string(at + 1) + ": `test` without `end test`");
}

std::string numbered(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "  | " + line + "\n";
    return text;
}

/// The first differing line of two blocks, for a readable failure.
std::string difference(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
    std::size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
    std::ostringstream out;
    out << "first difference at line " << i + 1 << ":\n  expected: " << (i < expected.size() ? expected[i] : "(end)")
        << "\n  actual:   " << (i < actual.size() ? actual[i] : "(end)") << "\nactual output:\n"
        << numbered(actual);
    return out.str();
}

int run_case(const std::filesystem::path& file) {
    std::vector<std::string> lines = read_lines(file);
    const bool update = [] {
        const char* value = std::getenv("FAIRLY_UPDATE_GOLDEN");
        return value && *value == '1';
    }();
    temp_dir scratch;
    const std::string dir = scratch.path().string();
    std::map<std::string, std::string> env{{"NO_COLOR", "1"}};
    std::unique_ptr<daemon_process> daemon;
    std::unique_ptr<raw_socket> socket;
    int request_id = 0, failures = 0, tests = 0;
    std::string batch;
    int pending = 0;
    std::vector<std::string> rewritten;

    auto now = [&] {
        if (!env.count("FAIRLY_NOW")) throw failure("a `now` line must come first");
        return env.at("FAIRLY_NOW");
    };
    auto start_daemon = [&] {
        daemon = std::make_unique<daemon_process>(scratch.path(), std::vector<std::string>{},
                                                  std::map<std::string, std::string>{{"FAIRLY_NOW", now()}});
    };
    auto flush = [&] {
        if (pending == 0) return;
        socket->send(batch);
        for (; pending > 0; --pending) {
            auto line = socket->read_line();
            if (!line) throw failure("the daemon did not answer a logged event");
            if (!json::parse(*line).contains("result")) throw failure("a fixture event was refused: " + *line);
        }
        batch.clear();
    };
    auto log_event = [&](const std::string& member, const std::string& kind, const std::string& at, const std::string& length,
                         const std::string& note) {
        if (!socket) socket = std::make_unique<raw_socket>(daemon->socket());
        json params{{"uuid", "00000000-0000-4000-8000-" + std::to_string(100000000000 + ++request_id)}, {"member", member},
                    {"kind", kind}, {"at", at}, {"reference_time", now()}, {"brief", true}};
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
    auto fairly = [&](std::vector<std::string> args) {
        if (!daemon) throw failure("`init` or `daemon` must come before a command");
        flush();
        for (auto& arg : args) arg = replace_all(arg, "$DIR", dir);
        run_options options;
        options.env = cli_env(scratch.path(), daemon->socket());
        for (const auto& [name, value] : env) options.env[name] = value;
        options.env["FAIRLY_NOW"] = now();
        auto result = run(FAIRLY, args, options);
        result.out = replace_all(result.out, dir, "$DIR");
        result.err = replace_all(result.err, dir, "$DIR");
        return result;
    };

    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        const auto where = file.filename().string() + ":" + std::to_string(i + 1);
        if (line.empty() || line[0] == '#') {
            rewritten.push_back(line);
            continue;
        }
        const auto words = words_of(line);
        const std::string& verb = words[0];
        if (verb == "file") {
            std::ofstream out(scratch.path() / words.at(1), std::ios::binary);
            rewritten.push_back(line);
            for (++i; i < lines.size() && lines[i] != "end file"; ++i) {
                out << replace_all(lines[i], "$DIR", dir) << '\n';
                rewritten.push_back(lines[i]);
            }
            if (i == lines.size()) throw failure(where + ": `file` without `end file`");
            rewritten.push_back(lines[i]);
            continue;
        }
        if (verb == "test") {
            const expected_block block = parse_block(lines, i);
            ++tests;
            const auto result = fairly(std::vector<std::string>(words.begin() + 1, words.end()));
            const auto out = block_lines(result.out), err = block_lines(result.err);
            if (update) {
                rewritten.push_back(line);
                rewritten.insert(rewritten.end(), out.begin(), out.end());
                if (!err.empty()) rewritten.push_back("__ERROR__"), rewritten.insert(rewritten.end(), err.begin(), err.end());
                if (result.exit_code != 0) rewritten.push_back("__EXIT__ " + std::to_string(result.exit_code));
                rewritten.push_back("end test");
            } else {
                if (out != block.out) {
                    ++failures;
                    std::cerr << where << ": `fairly " << join(words, 1) << "`: stdout differs\n" << difference(block.out, out);
                }
                if (err != block.err) {
                    ++failures;
                    std::cerr << where << ": `fairly " << join(words, 1) << "`: stderr differs\n" << difference(block.err, err);
                }
                if (result.exit_code != block.exit_code) {
                    ++failures;
                    std::cerr << where << ": `fairly " << join(words, 1) << "`: exit code " << result.exit_code << ", expected "
                              << block.exit_code << "\n";
                }
            }
            i = block.end_line;
            continue;
        }
        rewritten.push_back(line);
        if (verb == "now") {
            env["FAIRLY_NOW"] = words.at(1);
        } else if (verb == "daemon") {
            start_daemon();
        } else if (verb == "init") {
            start_daemon();
            const auto result = fairly(words);
            if (result.exit_code != 0) throw failure(where + ": fairly init failed: " + result.err);
        } else if (verb == "log") {
            // log DATE TIME LENGTH MEMBER KIND [NOTE] or log ISO LENGTH MEMBER KIND [NOTE]
            const bool iso = words.at(1).find('T') != std::string::npos;
            const std::size_t at = iso ? 2 : 3;
            log_event(words.at(at + 1), words.at(at + 2), iso ? words[1] : words[1] + " " + words[2], words.at(at), join(words, at + 3));
        } else if (verb == "week") {
            std::string kind = "cooking", length = "60m";
            std::vector<std::pair<std::string, int>> counts;
            for (std::size_t w = 2; w < words.size(); ++w) {
                const auto eq = words[w].find('=');
                const std::string key = words[w].substr(0, eq), value = words[w].substr(eq + 1);
                if (key == "kind") kind = value;
                else if (key == "length") length = value;
                else counts.emplace_back(key, std::stoi(value));
            }
            const auto monday = std::chrono::sys_days{std::chrono::year{std::stoi(words[1].substr(0, 4))} /
                                                      std::stoi(words[1].substr(5, 2)) / std::stoi(words[1].substr(8, 2))};
            for (const auto& [member, count] : counts) {
                for (int n = 0; n < count; ++n) {
                    const std::chrono::year_month_day day{monday + std::chrono::days{n % 7}};
                    char at[32];
                    std::snprintf(at, sizeof at, "%04d-%02u-%02u %02d:00", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                                  static_cast<unsigned>(day.day()), 17 + n / 7);
                    log_event(member, kind, at, length, "");
                }
            }
        } else if (verb == "as") {
            flush();
            if (words.at(1) == "-") env.erase("FAIRLY_MEMBER");
            else env["FAIRLY_MEMBER"] = words.at(1);
        } else if (verb == "env") {
            const auto eq = words.at(1).find('=');
            if (eq == std::string::npos) throw failure(where + ": env NAME=VALUE");
            env[words[1].substr(0, eq)] = replace_all(words[1].substr(eq + 1), "$DIR", dir);
        } else if (verb == "fairly") {
            const auto result = fairly(std::vector<std::string>(words.begin() + 1, words.end()));
            if (result.exit_code != 0) throw failure(where + ": `" + line + "` exited " + std::to_string(result.exit_code) + ": " + result.err);
        } else {
            throw failure(where + ": unknown line: " + line);
        }
    }
    if (tests == 0) throw failure(file.string() + " has no `test` block");
    if (update) {
        std::ofstream out(file, std::ios::binary);
        for (const auto& line : rewritten) out << line << '\n';
        std::cerr << "rewrote " << file.string() << " (" << tests << " tests)\n";
        return 0;
    }
    if (failures == 0) std::cout << file.filename().string() << ": " << tests << " commands as expected\n";
    return failures == 0 ? 0 : 1;
}

/// The words docs/wording.md rules out: the `code` items of the bullet list
/// under its heading "Words fairly does not use".
std::vector<std::string> ruled_out(const std::filesystem::path& wording) {
    std::vector<std::string> words;
    bool inside = false;
    for (const auto& line : read_lines(wording)) {
        if (line.rfind("## ", 0) == 0) inside = line == "## Words fairly does not use";
        if (!inside || line.rfind("- `", 0) != 0) continue;
        const auto end = line.find('`', 3);
        if (end != std::string::npos) words.push_back(line.substr(3, end - 3));
    }
    if (words.empty()) throw failure(wording.string() + " lists no ruled-out words");
    return words;
}

int check_words(const std::filesystem::path& wording, const std::vector<std::filesystem::path>& files) {
    const auto words = ruled_out(wording);
    std::vector<std::pair<std::string, std::regex>> patterns;
    for (const auto& word : words) {
        // A word is matched whole, any case; a word ending in * matches any ending.
        std::string pattern;
        for (char c : word) {
            if (c == '*') pattern += "[[:alnum:]-]*";
            else if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ') pattern += c;
            else pattern += std::string("\\") + c;
        }
        patterns.emplace_back(word, std::regex("(^|[^[:alnum:]_])" + pattern + "($|[^[:alnum:]_])", std::regex::icase));
    }
    int found = 0, blocks = 0;
    for (const auto& file : files) {
        const auto lines = read_lines(file);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (words_of(lines[i]).empty() || words_of(lines[i])[0] != "test") continue;
            const auto block = parse_block(lines, i);
            ++blocks;
            for (std::size_t n = block.first_line + 1; n < block.end_line; ++n) {
                // JSON is for programs; its keys and values are not sentences.
                const auto first = lines[n].find_first_not_of(' ');
                if (first != std::string::npos && std::string_view("\"{}[]").find(lines[n][first]) != std::string_view::npos) continue;
                for (const auto& [word, pattern] : patterns) {
                    if (std::regex_search(lines[n], pattern)) {
                        ++found;
                        std::cerr << file.filename().string() << ":" << n + 1 << ": uses `" << word << "`: " << lines[n] << '\n';
                    }
                }
            }
            i = block.end_line;
        }
    }
    if (blocks == 0) throw failure("no test blocks to check");
    std::cout << blocks << " expected outputs checked against " << words.size() << " ruled-out words: " << found << " found\n";
    return found == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    try {
        std::vector<std::string> args(argv + 1, argv + argc);
        if (args.size() >= 3 && args[0] == "--words") {
            return check_words(args[1], std::vector<std::filesystem::path>(args.begin() + 2, args.end()));
        }
        if (args.size() != 1) {
            std::cerr << "usage: golden_runner CASE.test | golden_runner --words WORDING.md CASE.test...\n";
            return 2;
        }
        // Rewriting the expectations is for a person reading `git diff`; in CI
        // it would make every golden test pass whatever fairly printed.
        const char* update = std::getenv("FAIRLY_UPDATE_GOLDEN");
        const char* ci = std::getenv("CI");
        if (update && *update == '1' && ci && *ci) {
            std::cerr << "golden_runner: FAIRLY_UPDATE_GOLDEN=1 rewrites the expected output, and CI is set: refused "
                         "(a CI run checks the golden files, it never writes them)\n";
            return 2;
        }
        return run_case(args[0]);
    } catch (const std::exception& error) {
        std::cerr << "golden_runner: " << error.what() << '\n';
        return 1;
    }
}
