#pragma once
/// The one thread that touches the database. Requests queue up while a commit
/// is in flight; the next round takes them all into one transaction (each in
/// its own savepoint) and one durable COMMIT: group commit. Replies are handed
/// back only after that commit, so an acknowledgement means it is on disk.
#include "handler.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace fairly::daemon {

class commit_worker {
public:
    /// Receives the reply line (empty for a notification) and the request
    /// back. Called on the worker thread: hand both to the connection's own
    /// executor. The request goes back to be freed on the thread that made
    /// it; malloc's per-thread caches then recycle its memory.
    using reply_fn = std::function<void(std::string reply, json request)>;

    commit_worker(store::database& db, request_handler& handler, std::size_t max_batch = 4096);
    ~commit_worker();
    commit_worker(const commit_worker&) = delete;
    commit_worker& operator=(const commit_worker&) = delete;

    void start();
    /// Queues a request parsed by the connection (discarded JSON: a parse
    /// error in its place, so replies keep the order of the requests).
    void submit(json request, caller who, reply_fn done);
    /// Answers everything already queued, then ends the thread.
    void stop();

    std::uint64_t commits() const;
    std::uint64_t requests() const;

private:
    struct job {
        json request;
        caller who;
        reply_fn done;
    };
    void run();
    void process(std::deque<job>& batch);

    store::database& db_;
    request_handler& handler_;
    std::size_t max_batch_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> queue_;
    bool stopping_ = false;
    std::uint64_t commits_ = 0;
    std::uint64_t requests_ = 0;
    std::thread thread_;
};

} // namespace fairly::daemon
