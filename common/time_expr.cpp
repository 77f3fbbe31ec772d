#include "time_expr.hpp"

#include "duration.hpp"
#include "errors.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdint>

// Only <chrono> here: this file is linked into the static CLI, which carries no
// tz database. Zones are applied later by resolve_time() (zone.cpp).

namespace fairly {
namespace {

using namespace std::chrono;

constexpr std::string_view accepted_forms =
    "use now, 03:10, 3:10am, 9pm, \"yesterday 22:40\", \"yesterday 3am\", \"mon 09:00\", \"sat 9am\", -40m, \"in 10m\", "
    "2026-10-25, \"2026-10-25 00:30\" or ISO 8601 with an offset (2026-10-25T00:30:00+01:00)";

constexpr std::string_view instant_examples = "2026-11-23T09:00:00Z or 2026-11-23T09:00+01:00";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string lowered(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) out += lower(c);
    return out;
}

[[noreturn]] void reject(std::string_view field, std::string_view typed, std::string_view why) {
    std::string message{field};
    message += ": \"";
    message += typed;
    message += "\" ";
    message += why;
    throw input_error(std::string(field), message);
}

[[noreturn]] void reject_not_a_time(std::string_view field, std::string_view typed) {
    if (field == "week") {
        // `--week` takes a day of the week meant, and people type "last".
        reject(field, typed, "is not a day; name a day in the week you mean: -7d for last week, yesterday, mon or 2026-10-25 "
                             "(without --week: this week)");
    }
    std::string why = "is not a time; ";
    why += accepted_forms;
    reject(field, typed, why);
}

/// A read position in lower-cased text.
class cursor {
public:
    explicit cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ == text_.size(); }
    bool digit_next() const { return !at_end() && is_digit(text_[pos_]); }
    bool space_next() const { return !at_end() && is_space(text_[pos_]); }

    bool take(char c) {
        if (at_end() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }

    void skip_spaces() {
        while (space_next()) ++pos_;
    }

    /// Between `least` and `most` digits (most <= 9, so no overflow); nullopt
    /// when fewer than `least` are there.
    std::optional<int> digits(std::size_t least, std::size_t most) {
        std::size_t count = 0;
        int value = 0;
        while (count < most && digit_next()) {
            value = value * 10 + (text_[pos_] - '0');
            ++pos_;
            ++count;
        }
        if (count < least) return std::nullopt;
        return value;
    }

    /// Skips any number of digits; false when there was none.
    bool skip_digits() {
        const std::size_t start = pos_;
        while (digit_next()) ++pos_;
        return pos_ > start;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

/// "HH:MM" as typed, before its range is checked.
struct clock_text {
    int hours = 0;
    int minutes = 0;
};

/// "H:MM" or "HH:MM", or the same on a 12-hour clock ("3:10am", "3am",
/// "9 pm", "12am" is midnight), and nothing after it. A 12-hour clock reading
/// that cannot be ("13pm", "0am") comes back with hours 24, out of range.
std::optional<clock_text> scan_clock(std::string_view s) {
    cursor c(s);
    const auto hours = c.digits(1, 2);
    if (!hours) return std::nullopt;
    int minutes = 0;
    const bool has_minutes = c.take(':');
    if (has_minutes) {
        const auto typed = c.digits(2, 2);
        if (!typed) return std::nullopt;
        minutes = *typed;
    }
    c.skip_spaces();
    if (c.at_end()) {
        if (!has_minutes) return std::nullopt; // a bare "3" is not a time
        return clock_text{*hours, minutes};
    }
    bool pm = false;
    if (c.take('p')) {
        pm = true;
    } else if (!c.take('a')) {
        return std::nullopt;
    }
    c.take('.');
    if (!c.take('m')) return std::nullopt;
    c.take('.');
    if (!c.at_end()) return std::nullopt;
    if (*hours < 1 || *hours > 12) return clock_text{24, minutes};
    return clock_text{*hours % 12 + (pm ? 12 : 0), minutes};
}

/// "YYYY-MM-DD[( |T)HH:MM[:SS[.fff]][Z|±HH[:MM]]]" as typed, before its
/// ranges are checked.
struct date_time_text {
    int year = 0;
    int month = 0;
    int day = 0;
    bool has_time = false;
    int hours = 0;
    int minutes = 0;
    int seconds = 0;
    std::optional<int> offset_sign; // +1 east of UTC, -1 west; none: local
    int offset_hours = 0;
    int offset_minutes = 0;
};

std::optional<date_time_text> scan_date_time(std::string_view s) {
    cursor c(s);
    date_time_text out;
    // The year is read whole (up to 9 digits) so that "10000-01-01" and
    // "1-01-01" get a message about the year rather than a generic one.
    const auto year = c.digits(1, 9);
    if (!year || !c.take('-')) return std::nullopt;
    const auto month = c.digits(1, 2);
    if (!month || !c.take('-')) return std::nullopt;
    const auto day = c.digits(1, 2);
    if (!day) return std::nullopt;
    out.year = *year;
    out.month = *month;
    out.day = *day;
    if (c.at_end()) return out;

    if (!c.take('t')) {
        if (!c.space_next()) return std::nullopt;
        c.skip_spaces();
    }
    const auto hours = c.digits(1, 2);
    if (!hours || !c.take(':')) return std::nullopt;
    const auto minutes = c.digits(2, 2);
    if (!minutes) return std::nullopt;
    out.has_time = true;
    out.hours = *hours;
    out.minutes = *minutes;
    if (c.take(':')) {
        const auto seconds = c.digits(2, 2);
        if (!seconds) return std::nullopt;
        out.seconds = *seconds;
        // Fractions of a second are read and dropped: fairly counts in seconds.
        if ((c.take('.') || c.take(',')) && !c.skip_digits()) return std::nullopt;
    }
    c.skip_spaces();
    if (c.at_end()) return out;

    if (c.take('z')) {
        out.offset_sign = 1;
    } else {
        if (c.take('+')) {
            out.offset_sign = 1;
        } else if (c.take('-')) {
            out.offset_sign = -1;
        } else {
            return std::nullopt;
        }
        const auto offset_hours = c.digits(2, 2);
        if (!offset_hours) return std::nullopt;
        out.offset_hours = *offset_hours;
        if (c.take(':') || c.digit_next()) {
            const auto offset_minutes = c.digits(2, 2);
            if (!offset_minutes) return std::nullopt;
            out.offset_minutes = *offset_minutes;
        }
    }
    if (!c.at_end()) return std::nullopt;
    return out;
}

minutes checked_time_of_day(int hours, int minutes_, std::string_view field, std::string_view typed) {
    if (hours > 23 || minutes_ > 59) {
        reject(field, typed, "has no such time of day; hours go 0-23 and minutes 0-59");
    }
    return std::chrono::hours{hours} + std::chrono::minutes{minutes_};
}

/// The calendar date, the time and the offset of `t`, each range-checked.
struct checked_date_time {
    year_month_day date{};
    minutes time_of_day{0};
    seconds seconds_past_minute{0};
    std::optional<seconds> utc_offset;
};

checked_date_time check(const date_time_text& t, std::string_view field, std::string_view typed) {
    // Before 1970 nothing fairly tracks happened, and a year like 1 is a slip;
    // refusing it also keeps every instant inside what sys_seconds and the tz
    // database describe well.
    if (t.year < 1970 || t.year > 9999) {
        reject(field, typed, "has year " + std::to_string(t.year) + "; years go from 1970 to 9999");
    }
    checked_date_time out;
    out.date = year_month_day{year{t.year}, month{static_cast<unsigned>(t.month)},
                              day{static_cast<unsigned>(t.day)}};
    if (!out.date.ok()) {
        reject(field, typed, "is not a date on the calendar; write dates as YYYY-MM-DD, e.g. 2026-10-25");
    }
    out.time_of_day = checked_time_of_day(t.hours, t.minutes, field, typed);
    if (t.seconds > 59) reject(field, typed, "has no such time of day; seconds go 0-59");
    out.seconds_past_minute = seconds{t.seconds};
    if (t.offset_sign) {
        if (t.offset_hours > 23 || t.offset_minutes > 59) {
            reject(field, typed, "has an offset from UTC that cannot be; write it as Z, +01:00 or -0500");
        }
        out.utc_offset = *t.offset_sign * (hours{t.offset_hours} + minutes{t.offset_minutes});
    }
    return out;
}

sys_seconds to_instant(const checked_date_time& t) {
    return sys_days{t.date} + t.time_of_day + t.seconds_past_minute - *t.utc_offset;
}

/// "today" (0 days back), "yesterday" (1) or a weekday name.
struct day_word {
    std::string_view word;
    int days_back;
    std::optional<weekday> names;
};

constexpr std::array<day_word, 20> day_words{{
    {"today", 0, std::nullopt},
    {"yesterday", 1, std::nullopt},
    {"sun", 0, Sunday}, {"sunday", 0, Sunday},
    {"mon", 0, Monday}, {"monday", 0, Monday},
    {"tue", 0, Tuesday}, {"tues", 0, Tuesday}, {"tuesday", 0, Tuesday},
    {"wed", 0, Wednesday}, {"weds", 0, Wednesday}, {"wednesday", 0, Wednesday},
    {"thu", 0, Thursday}, {"thur", 0, Thursday}, {"thurs", 0, Thursday}, {"thursday", 0, Thursday},
    {"fri", 0, Friday}, {"friday", 0, Friday},
    {"sat", 0, Saturday}, {"saturday", 0, Saturday},
}};

const day_word* find_day_word(std::string_view word) {
    for (const auto& d : day_words) {
        if (d.word == word) return &d;
    }
    return nullptr;
}

void append_padded(std::string& out, long long value, int width) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    if (value < 0) out += '-';
    for (int i = static_cast<int>(digits.size()); i < width; ++i) out += '0';
    out += digits;
}

} // namespace

time_expr parse_time_expr(std::string_view text, std::string_view field) {
    const std::string_view typed = trim(text);
    if (typed.empty()) {
        std::string message{field};
        message += ": a time is needed; ";
        message += accepted_forms;
        throw input_error(std::string(field), message);
    }
    const std::string s = lowered(typed);
    time_expr expr;

    if (s == "now") {
        expr.kind = time_expr::form::now;
        return expr;
    }

    // "in 10m": a time ahead, for what may be ahead (a slot, `--within`);
    // where only the past makes sense, the caller refuses it as in the future.
    if (s.size() > 3 && s.compare(0, 3, "in ") == 0) {
        expr.kind = time_expr::form::ahead;
        try {
            expr.offset = parse_duration(trim(std::string_view(s).substr(3)), field);
        } catch (const input_error&) {
            reject(field, typed, "is not a time ahead; after \"in\" write a length of at most 7 days, e.g. \"in 10m\" or \"in 1h30m\"");
        }
        return expr;
    }

    if (s.front() == '-') {
        expr.kind = time_expr::form::relative;
        try {
            expr.offset = parse_duration(std::string_view(s).substr(1), field);
        } catch (const input_error&) {
            reject(field, typed,
                   "is not a time before now; after the minus sign write a length of at most 7 days, "
                   "e.g. -40m, -1h20m or -1.5h");
        }
        return expr;
    }

    if (is_digit(s.front())) {
        const std::size_t after_digits = s.find_first_not_of("0123456789");
        if (after_digits != std::string::npos && s[after_digits] == '-') {
            const auto raw = scan_date_time(s);
            if (!raw) reject_not_a_time(field, typed);
            const checked_date_time t = check(*raw, field, typed);
            expr.date = t.date;
            if (!raw->has_time) {
                expr.kind = time_expr::form::local_date;
            } else if (!t.utc_offset) {
                expr.kind = time_expr::form::local_date_time;
                expr.time_of_day = t.time_of_day;
                expr.seconds_past_minute = t.seconds_past_minute;
            } else {
                expr.kind = time_expr::form::instant;
                expr.at = to_instant(t);
            }
            return expr;
        }
        const auto clock = scan_clock(s);
        if (!clock) reject_not_a_time(field, typed);
        expr.kind = time_expr::form::clock;
        expr.time_of_day = checked_time_of_day(clock->hours, clock->minutes, field, typed);
        return expr;
    }

    // "yesterday", "mon", "yesterday 22:40", "mon 09:00".
    const std::size_t word_end = std::min(s.find_first_of(" \t"), s.size());
    const day_word* day = find_day_word(std::string_view(s).substr(0, word_end));
    if (day == nullptr) reject_not_a_time(field, typed);
    expr.days_back = day->days_back;
    expr.weekday = day->names;
    if (word_end == s.size()) {
        expr.kind = time_expr::form::day;
        return expr;
    }
    const auto clock = scan_clock(trim(std::string_view(s).substr(word_end)));
    if (!clock) reject_not_a_time(field, typed);
    expr.kind = time_expr::form::day_clock;
    expr.time_of_day = checked_time_of_day(clock->hours, clock->minutes, field, typed);
    return expr;
}

sys_seconds parse_iso_instant(std::string_view text, std::string_view field) {
    const std::string_view typed = trim(text);
    const auto raw = scan_date_time(lowered(typed));
    if (!raw || !raw->has_time || !raw->offset_sign) {
        std::string why = "is not an ISO 8601 instant; write it with Z or an offset, e.g. ";
        why += instant_examples;
        reject(field, typed, why);
    }
    return to_instant(check(*raw, field, typed));
}

std::string format_iso_utc(sys_seconds t) {
    const sys_days day = floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss<seconds> time{t - day};
    std::string out;
    out.reserve(20);
    append_padded(out, static_cast<int>(date.year()), 4);
    out += '-';
    append_padded(out, static_cast<unsigned>(date.month()), 2);
    out += '-';
    append_padded(out, static_cast<unsigned>(date.day()), 2);
    out += 'T';
    append_padded(out, time.hours().count(), 2);
    out += ':';
    append_padded(out, time.minutes().count(), 2);
    out += ':';
    append_padded(out, time.seconds().count(), 2);
    out += 'Z';
    return out;
}

std::string date_as_said(std::chrono::sys_days date, bool weekday) {
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    const std::chrono::year_month_day day{date};
    std::string said = std::to_string(static_cast<unsigned>(day.day())) + " " + months[static_cast<unsigned>(day.month()) - 1];
    return weekday ? std::string(weekdays[std::chrono::weekday{date}.c_encoding()]) + " " + said : said;
}

std::string date_as_said(std::string_view iso_date, bool weekday) {
    int year = 0;
    unsigned month = 0, day = 0;
    const std::string text(iso_date);
    char rest = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &rest) != 3) return text;
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
    if (!date.ok()) return text;
    return date_as_said(std::chrono::sys_days{date}, weekday);
}

} // namespace fairly
