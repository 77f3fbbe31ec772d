#include "duration.hpp"

#include "errors.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace fairly {
namespace {

using std::chrono::seconds;

// The longest length one entry may have. Longer is almost always a slip ("50d"
// for "50m"), and the bound keeps every sum below far from overflowing.
constexpr std::int64_t longest_length_s = 7 * 24 * 3600;

constexpr std::string_view length_examples = "35m, 1h20m or 1.5h";

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

[[noreturn]] void reject(std::string_view field, std::string_view text, std::string_view why) {
    std::string message{field};
    message += ": \"";
    message += text;
    message += "\" ";
    message += why;
    throw input_error(std::string(field), message);
}

// The words a length may use. The seconds also rank the units (d > h > m > s),
// which is how "20m1h" and "1h1h" are refused.
struct unit {
    std::string_view word;
    std::int64_t seconds;
};
constexpr std::array<unit, 18> units{{
    {"d", 86400}, {"day", 86400}, {"days", 86400},
    {"h", 3600}, {"hr", 3600}, {"hrs", 3600}, {"hour", 3600}, {"hours", 3600},
    {"m", 60}, {"min", 60}, {"mins", 60}, {"minute", 60}, {"minutes", 60},
    {"s", 1}, {"sec", 1}, {"secs", 1}, {"second", 1}, {"seconds", 1},
}};

/// Seconds in one unit word, or 0 when the word is not a unit.
std::int64_t unit_seconds(std::string_view word) {
    for (const auto& u : units) {
        if (u.word == word) return u.seconds;
    }
    return 0;
}

/// A number as typed: whole part (saturated, so "99999999999999999999" cannot
/// overflow) and up to nine fraction digits as numerator / denominator.
struct number {
    std::int64_t whole = 0;
    std::int64_t fraction = 0;
    std::int64_t fraction_scale = 1;
};

// Any whole part above this is already longer than 7 days in every unit, so
// saturating here changes no verdict and keeps later products small.
constexpr std::int64_t whole_cap = longest_length_s + 1;

/// Reads digits ['.' digits] at `pos`; false if there is no number there.
bool read_number(std::string_view s, std::size_t& pos, number& out) {
    const std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos])) {
        out.whole = out.whole * 10 + (s[pos] - '0');
        if (out.whole > whole_cap) out.whole = whole_cap;
        ++pos;
    }
    const bool had_whole = pos > start;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t fraction_start = pos;
        while (pos < s.size() && is_digit(s[pos])) {
            // Digits past the ninth cannot change the rounded seconds of a
            // length of at most a week, so they are read and dropped.
            if (out.fraction_scale < 1'000'000'000) {
                out.fraction = out.fraction * 10 + (s[pos] - '0');
                out.fraction_scale *= 10;
            }
            ++pos;
        }
        if (pos == fraction_start) return false; // "1." or "."
    }
    return had_whole || out.fraction_scale > 1;
}

/// The number times a unit, in milliseconds, rounded to the nearest millisecond.
std::int64_t to_milliseconds(const number& n, std::int64_t unit_s) {
    const std::int64_t unit_ms = unit_s * 1000;
    // whole <= whole_cap (~6e5) and unit_ms <= 8.64e7: the product fits easily.
    return n.whole * unit_ms + (n.fraction * unit_ms + n.fraction_scale / 2) / n.fraction_scale;
}

} // namespace

seconds parse_duration(std::string_view text, std::string_view field) {
    const std::string_view typed = trim(text);
    if (typed.empty()) {
        std::string message{field};
        message += ": a length of time is needed (try ";
        message += length_examples;
        message += ")";
        throw input_error(std::string(field), message);
    }

    std::string not_a_length = "is not a length of time (try ";
    not_a_length += length_examples;
    not_a_length += ")";

    if (typed.front() == '-') {
        std::string why = "is negative; a length is written without a sign (try ";
        why += length_examples;
        why += ")";
        reject(field, typed, why);
    }

    std::string s;
    s.reserve(typed.size());
    for (char c : typed) s += lower(c);

    std::int64_t total_ms = 0;
    std::int64_t previous_unit_s = 0; // 0: no component read yet
    std::size_t pos = 0;
    while (pos < s.size()) {
        number n;
        if (!read_number(s, pos, n)) reject(field, typed, not_a_length);
        while (pos < s.size() && is_space(s[pos])) ++pos;
        const std::size_t word_start = pos;
        while (pos < s.size() && is_alpha(s[pos])) ++pos;
        const std::string_view word = std::string_view(s).substr(word_start, pos - word_start);

        if (word.empty()) {
            // A number without a unit is minutes, but only on its own: "1h20"
            // is more likely a slip than 1h 20m, so it is refused.
            if (previous_unit_s != 0 || pos != s.size()) reject(field, typed, not_a_length);
            total_ms = to_milliseconds(n, 60);
            break;
        }
        const std::int64_t unit_s = unit_seconds(word);
        if (unit_s == 0) reject(field, typed, not_a_length);
        // Largest unit first, each once: "20m1h" and "1h1h" are refused.
        if (previous_unit_s != 0 && unit_s >= previous_unit_s) reject(field, typed, not_a_length);
        previous_unit_s = unit_s;
        total_ms += to_milliseconds(n, unit_s); // at most 4 terms, each <= ~5e13
        while (pos < s.size() && is_space(s[pos])) ++pos;
    }

    const std::int64_t total_s = (total_ms + 500) / 1000;
    if (total_s == 0) {
        std::string why = "is no time at all; a length must be more than zero (try ";
        why += length_examples;
        why += ")";
        reject(field, typed, why);
    }
    if (total_s > longest_length_s) {
        reject(field, typed, "is longer than 7 days, the longest length one entry can have");
    }
    return seconds{total_s};
}

std::string format_duration(seconds length) {
    const std::int64_t count = length.count();
    // The magnitude is taken unsigned so that seconds::min() cannot overflow.
    const std::uint64_t magnitude =
        count < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
    const std::string sign = count < 0 ? "-" : "";
    if (magnitude == 0) return "0m";
    if (magnitude < 60) return sign + std::to_string(magnitude) + "s";

    const std::uint64_t minutes = magnitude / 60 + (magnitude % 60 >= 30 ? 1 : 0);
    const std::uint64_t hours = minutes / 60;
    const std::uint64_t rest = minutes % 60;
    if (hours == 0) return sign + std::to_string(rest) + "m";
    if (rest == 0) return sign + std::to_string(hours) + "h";
    return sign + std::to_string(hours) + "h" + std::to_string(rest) + "m";
}

std::chrono::seconds parse_ahead(std::string_view text, std::string_view field) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.size() > 3 && (text[0] == 'i' || text[0] == 'I') && (text[1] == 'n' || text[1] == 'N') && text[2] == ' ') text.remove_prefix(3);
    return parse_duration(text, field);
}

} // namespace fairly
