#include "csv.hpp"

#include "errors.hpp"

#include <algorithm>

namespace fairly {
namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool needs_quotes(std::string_view value) {
    if (value.empty()) return false;
    if (is_blank(value.front()) || is_blank(value.back())) return true;
    return value.find_first_of(",\"\r\n") != std::string_view::npos;
}

void append_field(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    for (;;) {
        const auto quote = value.find('"');
        if (quote == std::string_view::npos) break;
        out += value.substr(0, quote + 1);
        out += '"';
        value.remove_prefix(quote + 1);
    }
    out += value;
    out += '"';
}

} // namespace

std::string csv_field(std::string_view value) {
    std::string out;
    append_field(out, value);
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    if (fields.size() == 1 && fields.front().empty()) return "\"\"\r\n";
    std::size_t size = fields.size() + 2;
    for (const auto& field : fields) size += field.size() + 2;
    out.reserve(size);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i != 0) out += ',';
        append_field(out, fields[i]);
    }
    out += "\r\n";
    return out;
}

csv_reader::csv_reader(std::string_view text) : text_(text) {
    if (text_.substr(0, byte_order_mark.size()) == byte_order_mark) pos_ = byte_order_mark.size();
}

void csv_reader::fail(std::size_t resume_from, std::size_t resume_line, const std::string& why) {
    // Resynchronise at the next line end, ignoring quotes: a stray quote must not
    // swallow the rows after it.
    const auto newline = text_.find('\n', resume_from);
    if (newline == std::string_view::npos) {
        pos_ = text_.size();
        line_ = resume_line;
    } else {
        pos_ = newline + 1;
        line_ = resume_line + 1;
    }
    std::string field = "line " + std::to_string(record_line_);
    throw input_error(field, field + ": " + why);
}

bool csv_reader::next(std::vector<std::string>& fields) {
    const char* const data = text_.data();
    const std::size_t size = text_.size();

    // Empty lines are no records.
    for (;;) {
        if (pos_ < size && data[pos_] == '\n') {
            ++pos_;
            ++line_;
        } else if (pos_ + 1 < size && data[pos_] == '\r' && data[pos_ + 1] == '\n') {
            pos_ += 2;
            ++line_;
        } else {
            break;
        }
    }
    if (pos_ >= size || (pos_ + 1 == size && data[pos_] == '\r')) {
        pos_ = size;
        return false;
    }
    record_line_ = line_;

    std::size_t count = 0;
    for (;;) {
        // Take the next slot, clearing a string already there so its buffer is reused.
        if (count < fields.size()) {
            fields[count].clear();
        } else {
            fields.emplace_back();
        }
        std::string& field = fields[count++];

        if (pos_ < size && data[pos_] == '"') {
            const std::size_t opening = pos_;
            const std::size_t opening_line = line_;
            ++pos_;
            for (;;) {
                const auto quote = text_.find('"', pos_);
                if (quote == std::string_view::npos) {
                    fail(opening, opening_line,
                         "field " + std::to_string(count) +
                             " opens a quote that is never closed; end the field with \" and write "
                             "a quote inside a quoted field as \"\"");
                }
                const auto piece = text_.substr(pos_, quote - pos_);
                line_ += static_cast<std::size_t>(std::count(piece.begin(), piece.end(), '\n'));
                field += piece;
                if (quote + 1 < size && data[quote + 1] == '"') { // "" stands for one quote
                    field += '"';
                    pos_ = quote + 2;
                } else {
                    pos_ = quote + 1;
                    break;
                }
            }
            const bool at_separator = pos_ == size || data[pos_] == ',' || data[pos_] == '\n' ||
                                      (data[pos_] == '\r' && (pos_ + 1 == size || data[pos_ + 1] == '\n'));
            if (!at_separator) {
                fail(pos_, line_,
                     "field " + std::to_string(count) +
                         " has text after its closing quote; put the whole field in quotes and write "
                         "each quote inside it as \"\"");
            }
        } else {
            // Unquoted: up to a comma or a line end. A lone "\r" is data.
            const std::size_t start = pos_;
            while (pos_ < size) {
                const char c = data[pos_];
                if (c == ',' || c == '\n') break;
                if (c == '\r' && (pos_ + 1 == size || data[pos_ + 1] == '\n')) break;
                ++pos_;
            }
            field.append(data + start, pos_ - start);
        }

        // pos_ is at a comma, a line end or the end of the input.
        if (pos_ == size) break;
        if (data[pos_] == ',') {
            ++pos_;
            continue;
        }
        pos_ += data[pos_] == '\r' ? std::min<std::size_t>(2, size - pos_) : 1;
        ++line_;
        break;
    }
    fields.resize(count);
    return true;
}

} // namespace fairly
