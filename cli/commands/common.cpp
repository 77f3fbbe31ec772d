#include "commands.hpp"

#include <cerrno>
#include <cstring>
#include <sstream>

#include "catalogue.hpp"
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

void check_note(const std::string& text, const char* option) {
    if (const std::string message = note_too_long(text, option); !message.empty()) throw command_error(exit_data, message);
}

command_error cannot_write(const std::string& path) {
    const int why = errno;
    std::string message = "cannot write " + path;
    if (why != 0) message += std::string(": ") + std::strerror(why);
    // What to do next: the usual causes, each with its fix.
    if (why == ENOENT) message += " (make the folder first, or choose another path)";
    else if (why == EACCES || why == EPERM || why == EROFS) message += " (choose a folder you may write to)";
    else if (why == ENOSPC) message += " (free some space, or choose another disk)";
    return command_error(exit_io, message);
}

std::string describe_event(const json& event) {
    std::string text = "#" + std::to_string(event.value("id", 0)) + " " + event.value("kind", "") + " for " +
                       event.value("member", "") + ", " + event.value("when", short_local(event.value("start", "")));
    const double minutes = event.value("minutes", 0.0);
    text += event.value("instant", false) ? " (counted as " + length_text(minutes) + ")" : ", " + length_text(minutes);
    if (event.value("role", "did") != "did") text += ", " + event.value("role", "");
    if (const std::string note = event.value("note", ""); !note.empty()) text += ": " + note;
    if (event.value("logged_for_other", false) && event["logged_by"].is_string()) {
        text += " (logged by " + event["logged_by"].get<std::string>() + ")";
    }
    return text;
}

CLI::Validator percent_sign() {
    return CLI::Validator(
        [](std::string& text) {
            while (!text.empty() && text.back() == ' ') text.pop_back();
            if (!text.empty() && text.back() == '%') text.pop_back();
            return std::string();
        },
        "", "percent");
}

json parse_split(const std::string& text, const char* option) {
    json split = json::object();
    std::stringstream items(text);
    for (std::string item; std::getline(items, item, ',');) {
        const auto equals = item.find('=');
        if (equals == std::string::npos) throw command_error(exit_usage, std::string(option) + ": \"" + item + "\" is not a share; write NAME=PERCENT,NAME=PERCENT, e.g. alex=60,sam=40 or alex=60%,sam=40%");
        const std::string name = item.substr(0, equals);
        // "zoe=60%" is read as people write it.
        std::string percent = item.substr(equals + 1);
        while (!percent.empty() && percent.back() == ' ') percent.pop_back();
        if (!percent.empty() && percent.back() == '%') percent.pop_back();
        try {
            std::size_t used = 0;
            const double share = std::stod(percent, &used);
            if (used != percent.size() || percent.empty()) throw std::invalid_argument("trailing");
            split[name] = share;
        } catch (const std::exception&) {
            throw command_error(exit_usage, std::string(option) + ": \"" + item.substr(equals + 1) + "\" is not a percentage; write it as 60 or 60%, e.g. " + name + "=60");
        }
    }
    return split;
}

std::string names_text(const json& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i].get<std::string>();
    }
    return text;
}

} // namespace fairly::cli
