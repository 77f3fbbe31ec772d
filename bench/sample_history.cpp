// fairly-sample: writes a made-up household history (or plain load, for the
// benchmark) into a running fairlyd over its socket. The household must be
// set up already, with `fairly init` and the same members. The history is
// the whole picture, sent with the methods the CLI uses: protected-time goals
// and slots (protect.set, slot.add), the events (event.log, moved.log, some
// logged by a partner), the partner's answers (event.confirm, event.dispute),
// turns at a lie-in (turn.take) and thanks (thanks.give). Plain load
// (--events N) is events alone, as before.
#include "client.hpp"
#include "history.hpp"
#include "paths.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <latch>
#include <memory>
#include <span>
#include <thread>

namespace {

using fairly::bench::planned_event;
using json = nlohmann::json;
using std::chrono::seconds;
using std::chrono::sys_seconds;

// Exit codes, as the fairly CLI's (sysexits.h).
constexpr int exit_usage = 64;
constexpr int exit_refused = 65;
constexpr int exit_unavailable = 69;

struct sample_options {
    std::string socket;
    int weeks = 8;
    std::string end;
    std::uint32_t seed = 1;
    std::vector<std::string> members{"alex", "sam"};
    std::string tz = "Europe/London";
    std::size_t events = 0; ///< 0: the household story; otherwise this many events of plain load
    std::size_t clients = 1;
    std::size_t window = 32;
    bool quiet = false;
};

/// What one connection got stored, and the first thing that went wrong.
struct send_outcome {
    std::size_t stored = 0;
    std::size_t failed = 0;
    bool unreachable = false;
    std::string first_failure;
    /// Stored events a partner logged that their member answers, with the ids the daemon gave them.
    std::vector<std::pair<const planned_event*, std::int64_t>> to_answer;

    void fail(std::size_t count, std::string why) {
        failed += count;
        if (first_failure.empty()) first_failure = std::move(why);
    }
};

/// "35m", or "1234s" when the length is not whole minutes.
std::string length_text(seconds length) {
    if (length.count() % 60 == 0) return std::to_string(length.count() / 60) + "m";
    return std::to_string(length.count()) + "s";
}

/// A meeting moved is its own record (`fairly moved`), not an event.
bool is_meeting_moved(const planned_event& event) { return event.kind == "meeting-moved"; }

json moved_log_params(const planned_event& event, const std::string& reference_time) {
    return json{{"uuid", fairly::make_uuid()},
                {"member", event.member},
                {"what", event.note.empty() ? std::string("a meeting") : event.note},
                {"impact", event.length >= std::chrono::minutes{60} ? "major" : "minor"},
                {"at", fairly::format_iso_utc(event.start)},
                {"reference_time", reference_time}};
}

json event_log_params(const planned_event& event, const std::string& reference_time) {
    json params{
        {"uuid", fairly::make_uuid()},
        {"kind", event.kind},
        {"member", event.member},
        {"at", fairly::format_iso_utc(event.start)},
        {"for", length_text(event.length)},
        {"source", "sample"},
        {"reference_time", reference_time},
        {"brief", true},
    };
    if (!event.note.empty()) params["note"] = event.note;
    if (!event.role.empty()) params["role"] = event.role;
    // As `fairly log --member` run by the partner: recorded as logged by them.
    if (!event.logged_by.empty()) params["default_member"] = event.logged_by;
    return params;
}

/// Sends `events` over one connection with up to `window` requests in flight
/// (1: strictly one at a time), and checks every reply. Updates `outcome` as
/// it goes, so a connection lost halfway still counts what was stored.
void send_events(fairly::cli::client& connection, std::span<const planned_event> events, const std::string& reference_time,
                 std::size_t window, send_outcome& outcome) {
    std::vector<json> requests;
    requests.reserve(window);
    std::int64_t next_id = 1;
    for (std::size_t first = 0; first < events.size(); first += window) {
        const std::size_t last = std::min(events.size(), first + window);
        requests.clear();
        for (std::size_t i = first; i < last; ++i) {
            requests.push_back(is_meeting_moved(events[i])
                                   ? fairly::rpc::make_request(next_id++, "moved.log", moved_log_params(events[i], reference_time))
                                   : fairly::rpc::make_request(next_id++, "event.log", event_log_params(events[i], reference_time)));
        }
        const std::vector<json> replies = connection.call_many(requests);
        for (std::size_t i = 0; i < replies.size(); ++i) {
            const json& reply = replies[i];
            if (auto error = reply.find("error"); error != reply.end()) {
                const planned_event& event = events[first + i];
                outcome.fail(1, event.kind + " for " + event.member + " at " + fairly::format_iso_utc(event.start) + ": " +
                                    (error->is_object() ? error->value("message", std::string("error")) : error->dump()));
            } else if (reply.value("id", json()) != requests[i]["id"]) {
                outcome.fail(1, "a reply came back out of order (id " + reply.value("id", json()).dump() + ")");
            } else {
                ++outcome.stored;
                const planned_event& event = events[first + i];
                if (!event.review.empty() && !is_meeting_moved(event)) {
                    const json& result = reply.value("result", json::object());
                    if (result.contains("id") && result["id"].is_number_integer()) outcome.to_answer.emplace_back(&event, result["id"].get<std::int64_t>());
                }
            }
        }
    }
}

/// Sends `requests` in windows of up to `window`, and counts what failed
/// (`what` names each, for the first failure).
void send_all(fairly::cli::client& connection, const std::vector<json>& requests, const std::vector<std::string>& what, std::size_t window,
              send_outcome& outcome) {
    for (std::size_t first = 0; first < requests.size(); first += window) {
        const std::vector<json> chunk(requests.begin() + static_cast<std::ptrdiff_t>(first),
                                      requests.begin() + static_cast<std::ptrdiff_t>(std::min(requests.size(), first + window)));
        const std::vector<json> replies = connection.call_many(chunk);
        for (std::size_t i = 0; i < replies.size(); ++i) {
            if (auto error = replies[i].find("error"); error != replies[i].end()) {
                outcome.fail(1, what[first + i] + ": " + (error->is_object() ? error->value("message", std::string("error")) : error->dump()));
            } else {
                ++outcome.stored;
            }
        }
    }
}

/// The household's goals and slots, as `fairly protect` and `fairly slot
/// add` set them, before anything is logged. A slot already there (a second
/// run into the same household) is not added again.
void send_settings(fairly::cli::client& connection, const fairly::bench::household_story& story, const std::string& reference_time,
                   send_outcome& outcome) {
    std::vector<json> requests;
    std::vector<std::string> what;
    std::int64_t next_id = 1;
    for (const auto& goal : story.goals) {
        requests.push_back(fairly::rpc::make_request(next_id++, "protect.set",
                                                     {{"who", goal.who}, {"weekly", goal.weekly}, {"reference_time", reference_time}}));
        what.push_back("the weekly goal of " + goal.who);
    }
    const json existing = connection.call("slot.list", {{"reference_time", reference_time}}).value("slots", json::array());
    for (const auto& slot : story.slots) {
        const bool there = std::any_of(existing.begin(), existing.end(), [&](const json& s) {
            return s.value("who", "") == slot.who && s.value("label", "") == slot.label;
        });
        if (there) continue;
        requests.push_back(fairly::rpc::make_request(next_id++, "slot.add",
                                                     {{"who", slot.who}, {"when", slot.when}, {"for", slot.length}, {"label", slot.label},
                                                      {"reference_time", reference_time}}));
        what.push_back("the slot \"" + slot.label + "\" of " + slot.who);
    }
    send_all(connection, requests, what, 32, outcome);
}

/// After the events: the answers to what partners logged (confirm or
/// dispute, by the member it is for), the turns and the thanks, each said at
/// its own time, as the CLI sends them.
void send_the_rest(fairly::cli::client& connection, const fairly::bench::household_story& story,
                   const std::vector<std::pair<const planned_event*, std::int64_t>>& to_answer, const std::string& reference_time,
                   send_outcome& outcome) {
    std::vector<json> requests;
    std::vector<std::string> what;
    std::int64_t next_id = 1;
    for (const auto& [event, id] : to_answer) {
        json params{{"id", id}, {"member", event->member}, {"default_member", event->member}, {"reference_time", reference_time}};
        if (event->review == "disputed") params["reason"] = event->review_reason;
        requests.push_back(fairly::rpc::make_request(next_id++, event->review == "disputed" ? "event.dispute" : "event.confirm", params));
        what.push_back(event->member + "'s answer to event " + std::to_string(id));
    }
    for (const auto& turn : story.turns) {
        json params{{"uuid", fairly::make_uuid()}, {"thing", turn.thing}, {"member", turn.member}, {"default_member", turn.member},
                    {"at", fairly::format_iso_utc(turn.at)}, {"reference_time", reference_time}};
        if (!turn.note.empty()) params["note"] = turn.note;
        requests.push_back(fairly::rpc::make_request(next_id++, "turn.take", params));
        what.push_back(turn.member + "'s turn at " + turn.thing + " at " + fairly::format_iso_utc(turn.at));
    }
    for (const auto& thanks : story.thanks) {
        // Thanks are said "now": the moment they were said is the request's reference time.
        requests.push_back(fairly::rpc::make_request(next_id++, "thanks.give",
                                                     {{"uuid", fairly::make_uuid()}, {"to", thanks.to}, {"member", thanks.from},
                                                      {"default_member", thanks.from}, {"note", thanks.note},
                                                      {"reference_time", fairly::format_iso_utc(thanks.at)}}));
        what.push_back("thanks from " + thanks.from + " to " + thanks.to + " at " + fairly::format_iso_utc(thanks.at));
    }
    send_all(connection, requests, what, 32, outcome);
}

/// Week by week, the share of `kind` done by `member`: the drift the demo shows.
std::string weekly_share(const std::vector<planned_event>& events, std::string_view kind, std::string_view member, int weeks,
                         sys_seconds end) {
    std::vector<int> done(static_cast<std::size_t>(weeks)), total(static_cast<std::size_t>(weeks));
    const sys_seconds start = end - std::chrono::days{7 * weeks};
    for (const planned_event& event : events) {
        if (event.kind != kind) continue;
        const auto week = std::clamp<long>((event.start - start) / std::chrono::days{7}, 0, weeks - 1);
        ++total[static_cast<std::size_t>(week)];
        if (event.member == member) ++done[static_cast<std::size_t>(week)];
    }
    std::string line;
    for (std::size_t week = 0; week < total.size(); ++week) {
        line += total[week] == 0 ? std::string(" -") : " " + std::to_string((100 * done[week] + total[week] / 2) / total[week]) + "%";
    }
    return line;
}

int run(const sample_options& options) {
    const sys_seconds end = options.end.empty()
                                ? std::chrono::time_point_cast<seconds>(std::chrono::system_clock::now())
                                : fairly::parse_iso_instant(options.end, "end");
    const std::string reference_time = fairly::format_iso_utc(end);
    const fairly::bench::history_settings settings{options.members, options.weeks, end, options.seed, options.tz};
    // Plain load is events alone; the story also has goals, slots, answers, turns and thanks.
    const bool plain_load = options.events > 0;
    fairly::bench::household_story story;
    if (plain_load) {
        story.events = fairly::bench::synthetic_load(settings, options.events);
    } else {
        story = fairly::bench::tell_household_story(settings);
    }
    const std::vector<planned_event>& events = story.events;

    if (!options.quiet && !plain_load && options.members.size() > 1) {
        const std::string& second = options.members[1];
        std::cout << "night feeds done by " << second << ", week by week:"
                  << weekly_share(events, "night-feed", second, options.weeks, end) << '\n'
                  << "school runs done by " << second << ", week by week:"
                  << weekly_share(events, "school-run", second, options.weeks, end) << '\n';
    }
    send_outcome extras; // goals, slots, answers, turns, thanks: not timed, not counted as events
    auto story_part = [&](auto&& send) {
        if (plain_load || extras.unreachable) return;
        try {
            fairly::cli::client connection(options.socket);
            send(connection);
        } catch (const std::exception& e) {
            extras.unreachable = true;
            extras.fail(1, e.what());
        }
    };
    story_part([&](fairly::cli::client& connection) { send_settings(connection, story, reference_time, extras); });

    // Each client gets a contiguous slice and its own connection; the clock
    // starts once all are connected and stops when the last reply is in.
    const std::size_t clients = options.clients;
    std::vector<send_outcome> outcomes(clients);
    std::latch connected(static_cast<std::ptrdiff_t>(clients) + 1);
    std::chrono::steady_clock::time_point started;
    {
        std::vector<std::jthread> threads;
        for (std::size_t k = 0; k < clients; ++k) {
            const std::span<const planned_event> slice(events.data() + k * events.size() / clients,
                                                       events.data() + (k + 1) * events.size() / clients);
            threads.emplace_back([&, k, slice] {
                send_outcome& outcome = outcomes[k];
                std::unique_ptr<fairly::cli::client> connection;
                try {
                    connection = std::make_unique<fairly::cli::client>(options.socket);
                } catch (const fairly::error& e) {
                    outcome.unreachable = true;
                    outcome.fail(slice.size(), e.what());
                }
                connected.arrive_and_wait();
                if (!connection) return;
                try {
                    send_events(*connection, slice, reference_time, options.window, outcome);
                } catch (const std::exception& e) {
                    outcome.unreachable = true;
                    outcome.fail(slice.size() - outcome.stored - outcome.failed, e.what());
                }
            });
        }
        connected.arrive_and_wait();
        started = std::chrono::steady_clock::now();
    } // joins
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    send_outcome total;
    std::vector<std::pair<const planned_event*, std::int64_t>> to_answer;
    for (const send_outcome& outcome : outcomes) {
        total.stored += outcome.stored;
        total.unreachable = total.unreachable || outcome.unreachable;
        if (outcome.failed > 0) total.fail(outcome.failed, outcome.first_failure);
        to_answer.insert(to_answer.end(), outcome.to_answer.begin(), outcome.to_answer.end());
    }
    if (!total.unreachable) {
        story_part([&](fairly::cli::client& connection) { send_the_rest(connection, story, to_answer, reference_time, extras); });
    }
    if (total.failed > 0) {
        std::cerr << "fairly-sample: " << total.failed << " of " << events.size() << " events were not stored; the first: "
                  << total.first_failure << '\n';
        if (total.unreachable) {
            std::cerr << "fairly-sample: is fairlyd running at " << options.socket << "? Start it, or pass --socket.\n";
            return exit_unavailable;
        }
        std::cerr << "fairly-sample: was the household set up with `fairly init` and the members "
                  << CLI::detail::join(options.members, ",") << "?\n";
        return exit_refused;
    }
    if (extras.failed > 0) {
        std::cerr << "fairly-sample: " << extras.failed << " of the goals, slots, answers, turns and thanks were not stored; the first: "
                  << extras.first_failure << '\n';
        if (extras.unreachable) {
            std::cerr << "fairly-sample: is fairlyd running at " << options.socket << "? Start it, or pass --socket.\n";
            return exit_unavailable;
        }
        return exit_refused;
    }
    char summary[200];
    std::snprintf(summary, sizeof summary, "fairly-sample: wrote %zu events over %d weeks (%zu clients) in %.2f s, %.0f events/s",
                  total.stored, options.weeks, clients, elapsed, elapsed > 0 ? static_cast<double>(total.stored) / elapsed : 0.0);
    if (!plain_load && !options.quiet) {
        std::cout << "fairly-sample: and " << story.goals.size() << " goals, " << story.slots.size() << " slots, " << story.turns.size()
                  << " turns, " << story.thanks.size() << " thanks, " << to_answer.size() << " answers to entries a partner logged\n";
    }
    std::cout << summary << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    sample_options options;
    options.socket = fairly::default_socket_path().string();
    if (const char* now = std::getenv("FAIRLY_NOW"); now && *now) options.end = now;

    CLI::App app{"fairly-sample: writes a realistic, repeatable household history into a running fairlyd (for the demo\n"
                 "and the benchmark). Set the household up first: fairly init --member alex --member sam --tz Europe/London",
                 "fairly-sample"};
    app.add_option("--socket", options.socket, "fairlyd's socket (env FAIRLY_SOCKET)")->capture_default_str();
    app.add_option("--weeks", options.weeks, "weeks of history, ending at --end")->capture_default_str()->check(CLI::Range(1, 520));
    app.add_option("--end", options.end, "the history ends at this ISO 8601 instant (default: env FAIRLY_NOW, else now)");
    app.add_option("--seed", options.seed, "the same seed gives the same history (event ids aside)")->capture_default_str();
    app.add_option("--members", options.members, "the household's members, as given to `fairly init`")
        ->delimiter(',')->capture_default_str();
    app.add_option("--tz", options.tz, "the household's time zone, for local times of day")->capture_default_str();
    app.add_option("--events", options.events, "instead of the story: exactly N events of plain load, spread over --weeks")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
    app.add_option("--clients", options.clients, "concurrent connections, each a thread with its share of the events")
        ->capture_default_str()->check(CLI::Range(1, 64));
    // The client library never has more than 32 requests on the wire at once
    // (below fairlyd's per-connection cap), so a larger window would not be one.
    app.add_option("--window", options.window, "requests in flight per connection (1: strictly one at a time)")
        ->capture_default_str()->check(CLI::Range(1, 32));
    app.add_flag("--quiet", options.quiet, "print only the final line");
    CLI11_PARSE(app, argc, argv);

    try {
        return run(options);
    } catch (const fairly::input_error& e) {
        std::cerr << "fairly-sample: " << e.what() << '\n';
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "fairly-sample: " << e.what() << '\n';
        return 1;
    }
}
