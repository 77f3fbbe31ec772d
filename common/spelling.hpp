#pragma once
/// Names as people type them: any letters (Zoë, José), compared without
/// regard to case, and the nearest known name for a slip ("nightfeed" ->
/// "night-feed"). UTF-8 throughout, with no locale: the CLI is static.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fairly {

/// The number of characters (code points) in valid UTF-8; nullopt when `text`
/// is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

/// True for a code point that may be part of a name: a letter or digit in
/// any script (and combining marks), not punctuation, symbols, spaces or
/// controls. ASCII punctuation is decided by the caller.
bool is_name_letter(char32_t c);

/// The code points of valid UTF-8 (nullopt when it is not).
std::optional<std::u32string> utf8_decode(std::string_view text);

/// Appends the code point `c` to `out` as UTF-8.
void append_utf8(std::string& out, char32_t c);

/// Lower case for comparison: ASCII, Latin-1, Latin Extended-A, Greek and
/// Cyrillic capitals are folded; anything else is kept as it is.
std::string fold_case(std::string_view text);

/// True when the two names are the same but for case ("Zoë" and "zoë").
bool same_name(std::string_view a, std::string_view b);

/// The known name nearest to `typed`, if one is near enough to be what was
/// meant (a few slips: a letter missed, doubled, swapped or wrong, a dash
/// left out). Case does not count.
std::optional<std::string> nearest_name(std::string_view typed, const std::vector<std::string>& known);

/// "; did you mean night-feed?" or "" when nothing is near.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known);

} // namespace fairly
