#include "commands.hpp"

#include "duration.hpp"
#include "time_expr.hpp"

namespace fairly::cli {

void check_time(const std::string& text, const char* option) {
    try {
        parse_time_expr(text, option);
    } catch (const input_error& e) {
        throw command_error(exit_usage, e.what());
    }
}

void check_length(const std::string& text, const char* option) {
    try {
        parse_duration(text, option);
    } catch (const input_error& e) {
        throw command_error(exit_usage, e.what());
    }
}

std::string describe_event(const json& event) {
    std::string text = "#" + std::to_string(event.value("id", 0)) + " " + event.value("kind", "") + " for " +
                       event.value("member", "") + ", " + short_local(event.value("start", ""));
    const double minutes = event.value("minutes", 0.0);
    text += event.value("instant", false) ? " (counted as " + length_text(minutes) + ")" : ", " + length_text(minutes);
    if (event.value("role", "did") != "did") text += ", " + event.value("role", "");
    if (const std::string note = event.value("note", ""); !note.empty()) text += ": " + note;
    if (event.value("logged_for_other", false) && event["logged_by"].is_string()) {
        text += " (logged by " + event["logged_by"].get<std::string>() + ")";
    }
    return text;
}

} // namespace fairly::cli
