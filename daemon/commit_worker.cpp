#include "commit_worker.hpp"

#include "protocol.hpp"

namespace fairly::daemon {

commit_worker::commit_worker(store::database& db, request_handler& handler, std::size_t max_batch)
    : db_(db), handler_(handler), max_batch_(max_batch) {}

commit_worker::~commit_worker() { stop(); }

void commit_worker::start() { thread_ = std::thread([this] { run(); }); }

void commit_worker::submit(json request, caller who, reply_fn done) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(job{std::move(request), who, std::move(done)});
    }
    wake_.notify_one();
}

void commit_worker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

std::uint64_t commit_worker::commits() const {
    std::lock_guard lock(mutex_);
    return commits_;
}

std::uint64_t commit_worker::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void commit_worker::run() {
    // SQLite would checkpoint the WAL inside the commit that crosses its
    // threshold, making that round wait; here it happens between rounds, when
    // nothing is queued, or when the WAL has grown large regardless.
    constexpr int checkpoint_when_idle = 1000;
    constexpr int checkpoint_anyway = 16000;
    db_.manage_checkpoints();
    std::deque<job> batch;
    for (;;) {
        bool idle = false;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) break; // stopping, and everything is answered
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        process(batch);
        batch.clear();
        {
            std::lock_guard lock(mutex_);
            idle = queue_.empty();
        }
        if ((idle && db_.wal_frames() >= checkpoint_when_idle) || db_.wal_frames() >= checkpoint_anyway) db_.checkpoint();
    }
    db_.checkpoint();
}

void commit_worker::process(std::deque<job>& batch) {
    std::vector<json> replies;
    replies.reserve(batch.size());
    try {
        store::transaction tx(db_);
        for (job& request : batch) {
            replies.push_back(request.request.is_discarded()
                                  ? rpc::make_error(nullptr, rpc::error_code::parse_error,
                                                    "parse error: a request is one JSON object on one line")
                                  : handler_.handle(request.request, request.who));
        }
        tx.commit();
    } catch (const std::exception& e) {
        // The commit (or BEGIN) failed: nothing in this round is stored, so
        // no request may be acknowledged as done.
        const std::string message = std::string("the database could not commit; nothing was stored: ") + e.what();
        handler_.forget_cached_state();
        replies.clear();
        for (const job& request : batch) {
            const bool answered = request.request.is_object() && request.request.contains("id");
            replies.push_back(answered ? rpc::make_error(request.request["id"], rpc::error_code::storage_error, message) : json(nullptr));
        }
    }
    {
        std::lock_guard lock(mutex_);
        ++commits_;
        requests_ += batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        std::string line = replies[i].is_null() ? std::string() : rpc::to_line(replies[i]);
        replies[i] = nullptr;
        batch[i].done(std::move(line), std::move(batch[i].request));
    }
}

} // namespace fairly::daemon
