#pragma once
/// Splits a byte stream into newline-terminated request lines with a size cap.
/// Socket-free, so the daemon's session and the tests share it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fairly {

class line_splitter {
public:
    explicit line_splitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

    /// Appends received bytes.
    void feed(std::string_view bytes) { pending_.append(bytes); }

    enum class status { line, need_more, too_long };

    /// Takes the next complete line (without "\n", and without a "\r" before
    /// it) into `line`. too_long: the pending line already exceeds the cap
    /// without a newline in reach, or a complete line is longer than the cap.
    status next(std::string& line);

    /// Bytes received but not yet part of a returned line.
    std::size_t pending_bytes() const { return pending_.size() - consumed_; }

private:
    std::size_t max_line_bytes_;
    std::string pending_;
    std::size_t consumed_ = 0;
};

} // namespace fairly
