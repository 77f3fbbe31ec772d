#include "commit_queue.hpp"

#include "protocol.hpp"

#include <malloc.h>

#include <exception>
#include <vector>

namespace fairly::daemon {

namespace {
constexpr int checkpoint_when_idle = 1000; // WAL frames (pages)
constexpr int checkpoint_anyway = 16000;
constexpr int settled_cache_kib = 1024; // enough for a `fairly log` and this week's report
} // namespace

commit_queue::commit_queue(store::database& db, request_handler& handler, std::size_t max_round)
    : db_(db), handler_(handler), max_round_(max_round) {
    db_.manage_checkpoints();
}

void commit_queue::submit(json request, caller who, reply_fn done) {
    queue_.push_back(job{std::move(request), std::move(who), std::move(done), nullptr});
}

void commit_queue::submit_line(std::string_view line, caller who, reply_fn done) {
    submit(json::parse(line, nullptr, false), std::move(who), std::move(done));
}

void commit_queue::submit_json(json request, caller who, json_reply_fn done) {
    queue_.push_back(job{std::move(request), std::move(who), nullptr, std::move(done)});
}

void commit_queue::commit_round() {
    std::vector<job> round;
    round.reserve(std::min(queue_.size(), max_round_));
    while (!queue_.empty() && round.size() < max_round_) {
        round.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    std::vector<json> replies;
    try {
        try {
            replies = run_round(round, isolation::shared_round);
        } catch (const round_retry&) {
            // A write failed half-way with no savepoint to undo it: the
            // transaction is rolled back (nothing was answered yet) and the
            // round runs again, each write in a savepoint of its own.
            handler_.commit_failed();
            ++retried_;
            replies = run_round(round, isolation::savepoint);
        }
    } catch (const std::exception& e) {
        // The commit (or BEGIN) failed: nothing in this round is stored, so
        // no request may be acknowledged as done.
        const std::string message = std::string("the database could not commit; nothing was stored: ") + e.what();
        handler_.commit_failed();
        replies.clear();
        for (const job& request : round) {
            const bool answered = request.request.is_object() && request.request.contains("id");
            replies.push_back(answered ? rpc::make_error(request.request["id"], rpc::error_code::storage_error, message) : json(nullptr));
        }
    }
    if (handler_.has_deferred()) handler_.run_deferred(replies.back()); // committed: now the restore, then its reply
    ++commits_;
    requests_ += round.size();
    for (std::size_t i = 0; i < round.size(); ++i) {
        if (round[i].done_json) round[i].done_json(std::move(replies[i]));
        else round[i].done(replies[i].is_null() ? std::string() : rpc::to_line(replies[i]));
    }
}

std::vector<json> commit_queue::run_round(std::vector<job>& round, isolation mode) {
    std::vector<json> replies;
    replies.reserve(round.size());
    store::transaction tx(db_);
    for (std::size_t i = 0; i < round.size(); ++i) {
        job& request = round[i];
        replies.push_back(request.request.is_discarded()
                              ? rpc::make_error(nullptr, rpc::error_code::parse_error,
                                                "parse error: a request is one JSON object on one line")
                              : handler_.handle(request.request, request.who, mode));
        if (handler_.has_deferred()) {
            // A restore ends its round: what came after it waits for the next one.
            for (std::size_t later = round.size(); later-- > i + 1;) queue_.push_front(std::move(round[later]));
            round.erase(round.begin() + static_cast<std::ptrdiff_t>(i + 1), round.end());
            break;
        }
    }
    handler_.before_commit();
    tx.commit();
    return replies;
}

void commit_queue::maintain(bool idle) {
    const int frames = db_.wal_frames();
    if ((idle && frames >= checkpoint_when_idle) || frames >= checkpoint_anyway) db_.checkpoint();
}

void commit_queue::settle() {
    try {
        db_.shrink_cache(settled_cache_kib);
    } catch (const std::exception&) {
        // Only memory is at stake: the record and the serving carry on.
    }
    // main.cpp keeps 8 MiB free at the top of the heap for the next round;
    // after a quiet spell that is memory the household's machine can use.
    ::malloc_trim(0);
}

} // namespace fairly::daemon
