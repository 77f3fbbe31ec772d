#include "catalogue.hpp"

#include "spelling.hpp"

#include <algorithm>
#include <cctype>

namespace fairly {

using namespace std::chrono_literals;

const std::vector<std::string_view>& categories() {
    static const std::vector<std::string_view> all{"care", "household", "logistics", "thinking", "career", "protected"};
    return all;
}

bool is_category(std::string_view name) {
    return std::find(categories().begin(), categories().end(), name) != categories().end();
}

const std::vector<std::string_view>& load_categories() {
    static const std::vector<std::string_view> load{"care", "household", "logistics", "thinking"};
    return load;
}

bool is_load_category(std::string_view category) {
    return std::find(load_categories().begin(), load_categories().end(), category) != load_categories().end();
}

bool is_thinking_work(std::string_view role, std::string_view category) { return role != "did" || category == "thinking"; }

std::string_view filed_category(std::string_view role, std::string_view category) {
    return is_thinking_work(role, category) ? std::string_view("thinking") : category;
}

bool is_loggable_category(std::string_view category) { return category != career_category; }

std::chrono::seconds instant_length(std::chrono::seconds usual, std::string_view role) {
    return role == "did" ? usual : std::min(usual, thinking_instant_length);
}

std::string event_end_sql(std::string_view start, std::string_view end, std::string_view role, std::string_view usual) {
    // instant_length() in SQL: min() of two arguments is SQLite's scalar min.
    const std::string thought = std::to_string(thinking_instant_length.count());
    return "coalesce(" + std::string(end) + ", " + std::string(start) + " + CASE WHEN " + std::string(role) + " = 'did' THEN " +
           std::string(usual) + " ELSE min(" + std::string(usual) + ", " + thought + ") END)";
}

const std::vector<std::string_view>& roles() {
    static const std::vector<std::string_view> all{"noticed", "planned", "decided", "followed-up", "did"};
    return all;
}

bool is_role(std::string_view name) { return std::find(roles().begin(), roles().end(), name) != roles().end(); }

const std::vector<kind_definition>& default_kinds() {
    // Weights: an hour of hands-on care is worth about 2 points; a trip or a
    // chore has a point for the occurrence (the interruption) plus its time.
    static const std::vector<kind_definition> all{
        {"night-feed", "care", 1.0, 2.0, 30min, true},
        {"bedtime", "care", 0.5, 2.0, 45min, false},
        {"bath-time", "care", 0.5, 2.0, 30min, false},
        {"sick-day", "care", 2.0, 1.0, 480min, false},
        {"homework", "care", 0.5, 1.5, 30min, false},
        {"school-run", "logistics", 1.0, 1.5, 30min, false},
        {"nursery-run", "logistics", 1.0, 1.5, 30min, false},
        {"appointment", "logistics", 1.0, 1.5, 60min, false},
        {"shopping", "household", 0.5, 1.5, 60min, false},
        {"cooking", "household", 0.5, 1.5, 45min, false},
        {"laundry", "household", 0.5, 1.0, 30min, false},
        {"cleaning", "household", 0.5, 1.0, 45min, false},
        {"planning", "thinking", 1.0, 1.5, 15min, false},
        {"meeting-moved", "career", 0.0, 0.0, 60min, false},
        {"gym", "protected", 0.0, 0.0, 60min, false},
        {"couple-time", "protected", 0.0, 0.0, 45min, false},
        {"me-time", "protected", 0.0, 0.0, 60min, false},
    };
    return all;
}

bool is_valid_name(std::string_view name) {
    if (name.empty() || name.front() == '-') return false;
    const auto letters = utf8_decode(name);
    if (!letters || letters->size() > longest_name) return false;
    return std::all_of(letters->begin(), letters->end(), [](char32_t c) { return is_name_letter(c) || c == '.' || c == '_' || c == '-'; });
}

bool is_reserved_name(std::string_view name) { return same_name(name, couple_name); }

std::string note_too_long(std::string_view note, std::string_view field) {
    const std::size_t length = utf8_length(note).value_or(note.size());
    if (length <= longest_note_characters) return std::string();
    return std::string(field) + ": a " + (field == "reason" ? "reason" : "note") + " holds up to " + std::to_string(longest_note_characters) +
           " characters; this one has " + std::to_string(length) + ", so keep the gist here";
}

std::chrono::seconds plausible_length(const std::chrono::seconds usual) {
    using namespace std::chrono_literals;
    return std::clamp<std::chrono::seconds>(12 * usual, 4h, 16h);
}

std::chrono::seconds forgotten_after(const std::chrono::seconds usual) {
    using namespace std::chrono_literals;
    return std::min(plausible_length(usual), std::max<std::chrono::seconds>(3 * usual, usual + 1h));
}

} // namespace fairly
