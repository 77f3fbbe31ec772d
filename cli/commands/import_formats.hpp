#pragma once
/// The formats `fairly import` reads, each as a source of rows for
/// import.records: a fairly export (JSON, streamed), CSV, and what
/// `timew export` prints.
#include "../context.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fairly::cli {

/// Where a record is in the file, for messages: "line 12", "events #3".
using emit_fn = std::function<void(std::string where, json row)>;
using reject_fn = std::function<void(std::string where, std::string reason)>;

/// One format's reading of the file: emits rows in file order, the same
/// rows in the same order every time it is run.
struct record_source {
    std::function<void(const emit_fn&, const reject_fn&)> read;
    std::optional<json> household;   ///< a fairly export's settings, members, kinds, ...
    std::vector<std::string> notes;  ///< what the reader noticed (ignored columns, unmapped tags)
};


/// A fairly export: the household part up front, the records streamed.
record_source json_source(std::string_view text);

/// CSV with a header naming its columns (those `fairly export --format csv` writes).
record_source csv_source(std::string_view text);

/// How Timewarrior's tags name fairly's members and kinds.
struct timewarrior_mapping {
    std::vector<std::string> member_tags; ///< TAG=MEMBER
    std::vector<std::string> kind_map;    ///< TAG=KIND
    std::string member;                   ///< for intervals no tag assigns
};

/// What `timew export` prints; asks fairlyd for the members and kinds.
record_source timewarrior_source(std::string_view text, const timewarrior_mapping& mapping, context& ctx);

/// Lower case (ASCII).
std::string lowered(std::string text);

/// 1234567 -> "1,234,567".
std::string with_commas(std::size_t n);

} // namespace fairly::cli
