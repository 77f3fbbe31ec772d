#pragma once
/// fairlyd's own path, in-process, for the tests that drive its code without
/// a socket (the unit tests, the fuzzer, the report's reference model):
/// requests are submitted to the commit queue and committed in rounds, as the
/// socket's sessions and the HTTP side do (daemon/dispatch/commit_queue.hpp).
/// So every such test runs the queue's shared rounds (no savepoint per
/// request), its retry with savepoints when a write fails half-way, and the
/// one aggregate flush before each COMMIT.
#include "commit_queue.hpp"
#include "handler.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fairly::test {

using json = nlohmann::json;

class round_harness {
public:
    round_harness(fairly::store::database& db, fairly::daemon::handler_settings settings)
        : handler_(db, std::move(settings)), queue_(db, handler_) {}

    /// Queues a request; `done` gets its reply (null for a notification)
    /// once the round it is in has committed.
    void submit(json request, const fairly::daemon::caller& who, std::function<void(json)> done = {}) {
        queue_.submit_json(std::move(request), who, [done = std::move(done)](json reply) {
            if (done) done(std::move(reply));
        });
    }

    /// Queues a line as the socket's session does (commit_queue::submit_line):
    /// a line that is not JSON is answered as the session answers it.
    void submit_line(std::string_view line, const fairly::daemon::caller& who, std::function<void(std::string)> done) {
        queue_.submit_line(line, who, std::move(done));
    }

    /// Commits what is queued: one round, as fairlyd does when that many
    /// requests wait (more than the queue's round holds take more rounds).
    void commit() {
        while (!queue_.empty()) queue_.commit_round();
    }

    /// One request in a round of its own; its reply.
    json call(json request, const fairly::daemon::caller& who) {
        json reply;
        submit(std::move(request), who, [&](json r) { reply = std::move(r); });
        commit();
        return reply;
    }

    /// One line in a round of its own; the reply line as the socket sends it
    /// (empty for a notification).
    std::string call_line(std::string_view line, const fairly::daemon::caller& who) {
        std::string reply;
        submit_line(line, who, [&](std::string r) { reply = std::move(r); });
        commit();
        return reply;
    }

    /// Several requests in one round; their replies in order.
    std::vector<json> round(const std::vector<std::pair<json, fairly::daemon::caller>>& requests) {
        std::vector<json> replies(requests.size());
        for (std::size_t i = 0; i < requests.size(); ++i) {
            submit(requests[i].first, requests[i].second, [&replies, i](json r) { replies[i] = std::move(r); });
        }
        commit();
        return replies;
    }

    fairly::daemon::request_handler& handler() { return handler_; }
    fairly::daemon::commit_queue& queue() { return queue_; }

private:
    fairly::daemon::request_handler handler_;
    fairly::daemon::commit_queue queue_;
};

} // namespace fairly::test
