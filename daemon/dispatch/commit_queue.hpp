#pragma once
/// Group commit. Requests read from every connection wait here; each round
/// takes all of them into one transaction and one durable COMMIT, then hands
/// out the replies. A reply therefore always follows its commit to disk.
///
/// The server's loop runs a round whenever requests wait and nothing else is
/// ready, on its one thread. While a round's fsync runs, new requests pile up
/// in the sockets and make up the next round: the busier the household, the
/// bigger the rounds. With no threads there are no hand-offs, which is most
/// of the latency of a single `fairly log`.
#include "handler.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace fairly::daemon {

class commit_queue {
public:
    /// Receives the reply line, or an empty string for a notification.
    using reply_fn = std::function<void(std::string reply)>;

    commit_queue(store::database& db, request_handler& handler, std::size_t max_round = 4096);

    /// Queues a request parsed by the connection (discarded JSON: a parse
    /// error is answered in its place, so replies keep the order of requests).
    void submit(json request, caller who, reply_fn done);

    /// Queues a line as a session read it: a line that is not JSON is
    /// answered with a parse error in its turn (the socket's sessions, and
    /// the tests that drive fairlyd's code in-process, read lines this way).
    void submit_line(std::string_view line, caller who, reply_fn done);

    /// The same, for a client that reads the reply as JSON (the HTTP side):
    /// `done` gets the reply object, or null for a notification.
    using json_reply_fn = std::function<void(json reply)>;
    void submit_json(json request, caller who, json_reply_fn done);

    bool empty() const { return queue_.empty(); }

    /// Answers up to max_round queued requests in one transaction.
    void commit_round();

    /// Between rounds: checkpoints the WAL when it has grown (SQLite's own
    /// checkpoint-on-commit is off, so no round waits for one).
    void maintain(bool idle);

    /// Once the household has gone quiet after a burst (an import, a sync, a
    /// run of reports): gives back what the burst left in memory, the page
    /// cache above its hot pages and the heap malloc keeps free.
    void settle();

    std::uint64_t commits() const { return commits_; }
    std::uint64_t requests() const { return requests_; }
    /// Rounds run a second time, with savepoints (see isolation).
    std::uint64_t retried() const { return retried_; }

private:
    struct job {
        json request;
        caller who;
        reply_fn done;
        json_reply_fn done_json;
    };

    /// One transaction over the round, committed; the replies in order.
    std::vector<json> run_round(std::vector<job>& round, isolation mode);

    store::database& db_;
    request_handler& handler_;
    std::size_t max_round_;
    std::deque<job> queue_;
    std::uint64_t commits_ = 0;
    std::uint64_t requests_ = 0;
    std::uint64_t retried_ = 0;
};

} // namespace fairly::daemon
