#include "commands.hpp"

#include <sstream>

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

json parse_split(const std::string& text, const char* option) {
    json split = json::object();
    std::stringstream items(text);
    for (std::string item; std::getline(items, item, ',');) {
        const auto equals = item.find('=');
        if (equals == std::string::npos) throw command_error(exit_usage, std::string(option) + ": expected NAME=PERCENT,NAME=PERCENT (e.g. alex=60,sam=40)");
        const std::string name = item.substr(0, equals);
        try {
            std::size_t used = 0;
            const double share = std::stod(item.substr(equals + 1), &used);
            if (used != item.size() - equals - 1) throw std::invalid_argument("trailing");
            split[name] = share;
        } catch (const std::exception&) {
            throw command_error(exit_usage, std::string(option) + ": \"" + item.substr(equals + 1) + "\" is not a percentage");
        }
    }
    return split;
}

} // namespace fairly::cli
