#include "framing.hpp"

namespace fairly {

line_splitter::status line_splitter::next(std::string& line) {
    const auto newline = pending_.find('\n', consumed_);
    if (newline == std::string::npos) {
        const bool over = pending_bytes() > max_line_bytes_;
        // Compact now and then so a long-lived connection does not grow.
        if (consumed_ > 0 && consumed_ >= pending_.size() / 2) {
            pending_.erase(0, consumed_);
            consumed_ = 0;
        }
        return over ? status::too_long : status::need_more;
    }
    std::size_t length = newline - consumed_;
    if (length > max_line_bytes_) return status::too_long;
    line.assign(pending_, consumed_, length);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    consumed_ = newline + 1;
    if (consumed_ == pending_.size()) {
        pending_.clear();
        consumed_ = 0;
    }
    return status::line;
}

} // namespace fairly
