#include "commit_worker.hpp"

#include "protocol.hpp"

namespace fairly::daemon {

commit_worker::commit_worker(store::database& db, request_handler& handler, std::size_t max_batch)
    : db_(db), handler_(handler), max_batch_(max_batch) {}

commit_worker::~commit_worker() { stop(); }

void commit_worker::start() { thread_ = std::thread([this] { run(); }); }

void commit_worker::submit(std::string line, caller who, reply_fn done) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(job{std::move(line), who, std::move(done)});
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
    std::deque<job> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return; // stopping, and everything is answered
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        process(batch);
        batch.clear();
    }
}

void commit_worker::process(std::deque<job>& batch) {
    std::vector<json> replies;
    replies.reserve(batch.size());
    try {
        store::transaction tx(db_);
        for (job& request : batch) {
            json parsed = json::parse(request.line, nullptr, false);
            replies.push_back(parsed.is_discarded()
                                  ? rpc::make_error(nullptr, rpc::error_code::parse_error,
                                                    "parse error: a request is one JSON object on one line")
                                  : handler_.handle(parsed, request.who));
        }
        tx.commit();
    } catch (const std::exception& e) {
        // The commit (or BEGIN) failed: nothing in this round is stored, so
        // no request may be acknowledged as done.
        const std::string message = std::string("the database could not commit; nothing was stored: ") + e.what();
        handler_.forget_cached_state();
        replies.clear();
        for (const job& request : batch) {
            json parsed = json::parse(request.line, nullptr, false);
            const bool answered = parsed.is_object() && parsed.contains("id");
            replies.push_back(answered ? rpc::make_error(parsed["id"], rpc::error_code::storage_error, message) : json(nullptr));
        }
    }
    {
        std::lock_guard lock(mutex_);
        ++commits_;
        requests_ += batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].done(i < replies.size() && !replies[i].is_null() ? rpc::to_line(replies[i]) : std::string());
    }
}

} // namespace fairly::daemon
