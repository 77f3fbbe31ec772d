#pragma once
/// Entries written while fairlyd could not be reached. Each line is a complete
/// JSON-RPC request (with the event's UUID and the time it was typed), so a
/// replay is exactly the request that would have been sent, and a replay that
/// is repeated changes nothing.
#include "client.hpp"

#include <filesystem>
#include <ostream>

namespace fairly::cli {

class spool {
public:
    explicit spool(std::filesystem::path directory);

    /// Appends a request durably (fsync) under an exclusive lock.
    void append(const json& request);

    /// True when entries wait (cheap: one stat).
    bool has_entries() const;

    /// Sends waiting entries through `connection`. Accepted ones (and retries
    /// the daemon recognises) leave the spool; ones the daemon rejects move to
    /// spool.rejected.jsonl with the reason, and are reported on `err`. If the
    /// connection breaks, the unsent rest stays. Returns how many were sent.
    std::size_t flush(client& connection, std::ostream& err);

    std::filesystem::path file() const { return directory_ / "spool.jsonl"; }
    std::filesystem::path rejected_file() const { return directory_ / "spool.rejected.jsonl"; }

private:
    std::filesystem::path directory_;
};

} // namespace fairly::cli
