#pragma once
/// RFC 4180 CSV: writing fields and records, and reading records from text held
/// in memory. Standard library only, so the static CLI can link it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fairly {

/// Quotes one field when needed (comma, quote, CR or LF inside, or leading/trailing
/// space or tab, which spreadsheets would trim): a"b becomes "a""b". Other fields,
/// including the empty one, come back unchanged.
std::string csv_field(std::string_view value);

/// Joins fields into one record terminated by "\r\n" (RFC 4180). A record of one
/// empty field is written as "\"\"\r\n", since an empty line is no record to
/// csv_reader; a record of no fields is just "\r\n" and reads back as nothing.
std::string csv_record(const std::vector<std::string>& fields);

/// Reads CSV records from text held in memory (the whole file), one at a time.
/// The text must outlive the reader. Fields are taken as they stand: no spaces are
/// trimmed, and a quote inside an unquoted field (a"b) is kept as an ordinary
/// character. A "\r" is a line end only before "\n" or at the end of the input.
class csv_reader {
public:
    explicit csv_reader(std::string_view text);

    /// The next record's fields; false at the end of input. Throws
    /// fairly::input_error (field "line N") for an unterminated quoted field or text
    /// after a closing quote ("a"b), naming the line where the record starts.
    /// Accepts "\r\n" and "\n" line ends, a final record without a line end, a UTF-8
    /// byte-order mark at the very start (skipped), and quoted fields that span
    /// lines. A completely empty line is skipped (not a record with one empty field).
    ///
    /// The strings already in `fields` are cleared and refilled, so their capacity
    /// is reused from record to record.
    ///
    /// After an input_error the reader stays usable, so a caller can report several
    /// bad rows: the next call resumes after the line end that follows the fault
    /// (for text after a closing quote, the end of the line holding that text; for
    /// an unterminated quote, the end of the line where that quote opens, since the
    /// rest of the input is most likely ordinary rows). `fields` is then unspecified.
    bool next(std::vector<std::string>& fields);

    /// 1-based line number where the record last returned by next() starts (for
    /// error messages "line 12: ..."); after an input_error, the bad record's line.
    /// 0 before the first call.
    std::size_t line() const { return record_line_; }

    /// Bytes consumed so far, the byte-order mark included (for progress reporting).
    std::size_t offset() const { return pos_; }

private:
    [[noreturn]] void fail(std::size_t resume_from, std::size_t resume_line, const std::string& why);

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;        // line of text_[pos_]
    std::size_t record_line_ = 0; // line where the last record started
};

} // namespace fairly
