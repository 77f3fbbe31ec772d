#include "report_render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace fairly::render {
namespace {

std::string percent(double fraction) {
    char text[16];
    std::snprintf(text, sizeof text, "%.0f%%", std::round(fraction * 100));
    return text;
}

std::string number(double value, int decimals = 1) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string signed_hours(double hours) {
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f h", std::fabs(hours) < 0.05 ? 0.0 : hours);
    return text;
}

std::string hours_minutes(std::int64_t minutes) {
    return std::to_string(minutes / 60) + "h" + (minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60);
}

std::string period_title(const json& report) {
    const json& period = report.at("period");
    std::string title = period.value("from", "") + " to " + period.value("to", "");
    if (period["week"].is_string()) title = "week " + period["week"].get<std::string>() + " (" + title + ")";
    return title + ", " + period.value("tz", "");
}

std::string weeks_phrase(const json& report) {
    const std::int64_t days = report.at("period").value("days", 7);
    if (days % 7 == 0) return days == 7 ? "this week" : "these " + std::to_string(days / 7) + " weeks";
    return "these " + std::to_string(days) + " days";
}

std::string capitalised(std::string text) {
    if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

std::string agreed_split(const json& report) {
    std::string split;
    for (const json& member : report.at("members")) split += (split.empty() ? "" : "/") + percent(member.value("agreed_share", 0.0));
    return split;
}

/// One row of the members table.
struct row {
    std::string label;
    std::string (*cell)(const json& member);
};

const std::vector<row>& member_rows() {
    static const std::vector<row> rows{
        {"load hours", [](const json& m) { return number(m.value("hours", 0.0)); }},
        {"points", [](const json& m) { return number(m.value("points", 0.0)); }},
        {"share (agreed)", [](const json& m) { return percent(m.value("share", 0.0)) + " (" + percent(m.value("agreed_share", 0.0)) + ")"; }},
        {"against the split", [](const json& m) { return signed_hours(m.value("balance_hours", 0.0)); }},
        {"night minutes", [](const json& m) { return std::to_string(m.value("night_minutes", 0)); }},
        {"wake-ups", [](const json& m) { return std::to_string(m.value("wakeups", 0)); }},
        {"longest rest, a typical night", [](const json& m) {
             return m["longest_rest_minutes"].is_number() ? hours_minutes(m["longest_rest_minutes"].get<std::int64_t>()) : std::string("-");
         }},
        {"thinking work", [](const json& m) { return number(m.value("thinking_hours", 0.0)) + " h"; }},
        {"meetings moved", [](const json& m) { return std::to_string(m.value("meetings_moved", 0)); }},
        {"protected time", [](const json& m) { return number(m.value("protected_hours", 0.0)) + " h"; }},
        {"thanks given / received", [](const json& m) {
             return std::to_string(m.value("thanks_given", 0)) + " / " + std::to_string(m.value("thanks_received", 0));
         }},
    };
    return rows;
}

std::string member_name(const json& name) { return name.is_string() ? name.get<std::string>() : std::string(); }

} // namespace

std::vector<std::string> observations(const json& report) {
    std::vector<std::string> said;
    const json& members = report.at("members");
    const std::string when = weeks_phrase(report);
    double total_points = 0;
    for (const json& member : members) total_points += member.value("points", 0.0);
    if (total_points <= 0) {
        said.push_back("Nothing was logged " + when + ", so there is nothing to compare with the agreement.");
    } else {
        // The balance, as one sentence for the member furthest from the split.
        const json* furthest = nullptr;
        for (const json& member : members) {
            if (!furthest || std::fabs(member.value("balance_hours", 0.0)) > std::fabs((*furthest).value("balance_hours", 0.0))) furthest = &member;
        }
        const double hours = furthest->value("balance_hours", 0.0);
        if (std::fabs(hours) < 0.5) {
            said.push_back("The load " + when + " is within half an hour of the agreed split (" + agreed_split(report) + ").");
        } else {
            said.push_back(capitalised(furthest->value("name", "")) + " carried " + number(std::fabs(hours)) + " h " +
                           (hours > 0 ? "more" : "less") + " than the agreed split " + when + " (" + percent(furthest->value("share", 0.0)) +
                           " of the load against an agreed " + percent(furthest->value("agreed_share", 0.0)) + ").");
        }
    }
    // Each partner's guess beside the record, once the week is over: curiosity, not a verdict.
    {
        std::string guessed;
        for (const json& member : members) {
            if (!member.contains("guess") || !member.at("guess").is_number()) continue;
            guessed += (guessed.empty() ? "" : "; ") + member.value("name", "") + " guessed " + percent(member.at("guess").get<double>()) +
                       ", the record shows " + percent(member.value("share", 0.0));
            if (member.contains("night_guess") && member.at("night_guess").is_number() && member.contains("night_share") &&
                member.at("night_share").is_number()) {
                guessed += " (nights: guessed " + percent(member.at("night_guess").get<double>()) + ", the record shows " +
                           percent(member.at("night_share").get<double>()) + ")";
            }
        }
        if (!guessed.empty()) said.push_back("Before seeing the record, " + guessed + ". What surprised you?");
    }
    // Away is not drift: say who was away, and that their share counted the days present.
    for (const json& member : members) {
        const std::int64_t away = member.value("away_days", 0);
        if (away <= 0) continue;
        std::string why;
        for (const json& note : member.value("away_notes", json::array())) why += (why.empty() ? "" : ", ") + note.get<std::string>();
        said.push_back(capitalised(member.value("name", "")) + " was away " + std::to_string(away) + (away == 1 ? " day" : " days") +
                       (why.empty() ? "" : " (" + why + ")") + " " + when + "; their agreed share counts only the days they were here.");
    }
    // A period spanning a change of the agreed split says so: each week used its own.
    if (const json* period = report.contains("period") ? &report.at("period") : nullptr;
        period && period->contains("agreements") && period->at("agreements").size() > 1) {
        std::string changes;
        for (const json& agreement : period->at("agreements")) {
            std::string split;
            for (const auto& [name, share] : agreement.at("shares").items()) split += (split.empty() ? "" : "/") + percent(share.get<double>());
            changes += (changes.empty() ? "" : ", then ") + split +
                       (agreement.at("from").is_string() ? " from the week of " + agreement.at("from").get<std::string>() : std::string());
        }
        said.push_back("The agreed split changed in this period (" + changes + "); each week is read against the split agreed for it.");
    }
    if (const json* period = report.contains("period") ? &report.at("period") : nullptr;
        period && period->contains("changes") && !period->at("changes").empty()) {
        std::string listed;
        std::size_t shown = 0;
        for (const json& change : period->at("changes")) {
            if (++shown > 4) continue;
            const std::string subject = change.value("subject", ""), name = change.value("name", "");
            const std::string what = subject == "agreement" ? (name == "load" ? "the agreed split" : "the split of " + name.substr(name.find(' ') + 1))
                                   : subject == "kind"    ? "the kind " + name
                                   : subject == "night"   ? "the night window"
                                   : subject == "drift"   ? "the drift settings"
                                   : subject == "timer"   ? "a " + name + " timer (cancelled)"
                                                          : subject + " " + name;
            listed += (listed.empty() ? "" : "; ") + what + (change["by"].is_string() ? " (" + change["by"].get<std::string>() + ")" : std::string());
        }
        if (shown > 4) listed += "; and " + std::to_string(shown - 4) + " more";
        said.push_back("Changed " + when + ": " + listed + ". `fairly changes` has who, when and from what to what.");
    }
    const json& drift = report.at("drift");
    if (drift.value("alert", false)) {
        const std::string name = member_name(drift["member"]);
        double agreed = 0;
        for (const json& member : members) {
            if (member.value("name", "") == name) agreed = member.value("agreed_share", 0.0);
        }
        // The daemon's own figure: the member's share of the load over the weeks the drift has lasted.
        const double share_now = drift.value("share_since", 0.0);
        const int weeks = drift.value("weeks_since", 0);
        std::string sentence = "Since " + drift.value("since", "") + ", " + name + "'s share of the load has been " +
                               drift.value("direction", "above") + " the agreed " + percent(agreed) + " (" + percent(share_now) +
                               " on average over " + std::to_string(weeks) + (weeks == 1 ? " week" : " weeks") + ")";
        if (drift.value("detected", "") != drift.value("since", "")) {
            sentence += "; it added up to a drift by " + drift.value("detected", "") + ", before any single week had to look bad";
        }
        said.push_back(sentence + ". It might be worth asking how it feels.");
    } else if (drift.value("learning", false) && total_points > 0) {
        const int learned = drift.value("weeks_learned", 0), needed = drift.value("learning_weeks", 6);
        said.push_back(learned == 0 ? "This is the household's first week with fairly: it needs " + std::to_string(needed) +
                                          " weeks to learn how much the household's weeks vary before it speaks of a drift."
                                    : "fairly is still learning how much this household's weeks vary (" + std::to_string(learned) + " of " +
                                          std::to_string(needed) + " weeks so far), so it does not speak of a drift yet.");
    }
    if (drift.contains("talked") && drift["talked"].is_object()) {
        const json& talked = drift["talked"];
        std::string sentence = "You last talked about the drift in " + talked.value("week", "");
        if (!talked.value("note", "").empty()) sentence += " (\"" + talked.value("note", "") + "\")";
        said.push_back(sentence + "; the detector counts again from that week.");
    }
    for (const json& band : report.at("band_alerts")) {
        if (band.value("share", 0.0) < band.value("agreed_share", 0.0)) continue; // the same week, seen from the other side
        said.push_back("In " + band.value("week", "") + ", " + band.value("member", "") + " did " + percent(band.value("share", 0.0)) +
                       " of the load against an agreed " + percent(band.value("agreed_share", 0.0)) + ".");
    }
    for (const json& member : members) {
        const std::int64_t wakeups = member.value("wakeups", 0);
        if (wakeups >= 3) {
            said.push_back(capitalised(member.value("name", "")) + " was up " + std::to_string(wakeups) + " times in the night " + when + " (" +
                           std::to_string(member.value("night_minutes", 0)) + " minutes).");
        }
        if (member.value("meetings_moved", 0) > 0) {
            const json& impact = member["meetings_moved_by_impact"];
            said.push_back(capitalised(member.value("name", "")) + " moved " + std::to_string(member.value("meetings_moved", 0)) +
                           (member.value("meetings_moved", 0) == 1 ? " meeting" : " meetings") + " for care (" +
                           std::to_string(impact.value("missed", 0)) + " missed, " + std::to_string(impact.value("major", 0)) + " major).");
        }
    }
    return said;
}

std::string text(const json& report, bool colour) {
    const std::string bold = colour ? "\033[1m" : "", dim = colour ? "\033[2m" : "", accent = colour ? "\033[33m" : "",
                      reset = colour ? "\033[0m" : "";
    std::ostringstream out;
    const json& members = report.at("members");
    out << bold << "fairly: " << period_title(report) << reset << "\n\n";

    std::size_t label_width = 0;
    for (const row& r : member_rows()) label_width = std::max(label_width, r.label.size());
    std::vector<std::size_t> widths;
    for (const json& member : members) {
        std::size_t width = member.value("name", "").size();
        for (const row& r : member_rows()) width = std::max(width, r.cell(member).size());
        widths.push_back(width + 2);
    }
    out << std::string(label_width + 2, ' ');
    for (std::size_t m = 0; m < members.size(); ++m) {
        const std::string name = members[m].value("name", "");
        out << bold << std::string(widths[m] - name.size(), ' ') << name << reset;
    }
    out << '\n';
    for (const row& r : member_rows()) {
        out << r.label << std::string(label_width + 2 - r.label.size(), ' ');
        for (std::size_t m = 0; m < members.size(); ++m) {
            const std::string cell = r.cell(members[m]);
            out << std::string(widths[m] - cell.size(), ' ') << cell;
        }
        out << '\n';
    }

    out << '\n' << bold << "What the record shows" << reset << '\n';
    for (const std::string& sentence : observations(report)) out << "- " << sentence << '\n';

    const json& trend = report.at("trend");
    if (!trend.empty()) {
        out << '\n' << bold << "Weekly share of the load" << reset << dim << " (agreed " << agreed_split(report) << ")" << reset << '\n';
        const std::string drift_member = report["drift"].value("alert", false) ? member_name(report["drift"]["member"]) : "";
        const std::string since = report["drift"].value("alert", false) ? report["drift"].value("since", "") : "";
        bool in_drift = false;
        for (const json& week : trend) {
            if (week.value("week", "") == since) in_drift = true;
            out << "  " << week.value("week", "");
            double first_share = -1;
            for (const json& member : members) {
                const std::string name = member.value("name", "");
                const double share = week["shares"].value(name, 0.0);
                if (first_share < 0) first_share = share;
                out << "  " << name << ' ' << std::string(4 - std::min<std::size_t>(4, percent(share).size()), ' ') << percent(share);
            }
            const bool empty = std::all_of(week["shares"].begin(), week["shares"].end(), [](const json& s) { return s.get<double>() == 0; });
            if (empty) {
                out << dim << "  (nothing logged)" << reset;
            } else {
                const int bar = static_cast<int>(std::lround(first_share * 20));
                out << "  " << std::string(static_cast<std::size_t>(bar), '#') << std::string(static_cast<std::size_t>(20 - bar), '.');
            }
            // A week in progress is not judged yet, so it is not marked as part of a drift.
            if (in_drift && !drift_member.empty() && week.value("complete", true)) out << accent << "  <- " << drift_member << " above agreed" << reset;
            // The guesses made that week, beside what the record shows.
            if (week.contains("guesses") && week["guesses"].is_object() && !week["guesses"].empty()) {
                std::string guessed;
                for (const auto& [name, guess] : week["guesses"].items()) guessed += (guessed.empty() ? "" : ", ") + name + " " + percent(guess.get<double>());
                out << dim << "  (guessed: " << guessed << ")" << reset;
            }
            out << '\n';
        }
        out << dim << "  (# is " << members[0].value("name", "") << "'s share, out of 20)" << reset << '\n';
    }

    const json& disputes = report.at("to_talk_about");
    if (!disputes.empty()) {
        out << '\n' << bold << "To talk about" << reset << " (disputed, left out of every figure)\n";
        for (const json& event : disputes) {
            out << "- #" << event.value("id", 0) << ' ' << event.value("kind", "") << " for " << event.value("member", "") << ", "
                << event.value("start", "").substr(0, 16) << ", logged by "
                << (event["logged_by"].is_string() ? event["logged_by"].get<std::string>() : std::string("?")) << ": \""
                << (event["dispute_reason"].is_string() ? event["dispute_reason"].get<std::string>() : std::string()) << "\"\n";
        }
    }
    bool any_thanks = false;
    for (const json& member : members) {
        for (const json& note : member.at("thanks_notes")) {
            if (!any_thanks) out << '\n' << bold << "Thanks" << reset << '\n';
            any_thanks = true;
            out << "- " << note.value("from", "") << " to " << member.value("name", "") << ": " << note.value("note", "") << '\n';
        }
    }
    out << '\n' << dim << "Points use the weights in force now";
    const json& change = report.at("weights").at("last_change");
    if (change.is_object()) out << " (last change: " << change.value("name", "") << " by " << change.value("by", "") << ", " << change.value("at", "").substr(0, 10) << ")";
    out << ". Night " << report["night"].value("from", "") << "-" << report["night"].value("to", "") << ", x" << number(report["night"].value("multiplier", 1.0))
        << " for night kinds." << reset << '\n';
    return out.str();
}

std::string markdown(const json& report) {
    std::ostringstream out;
    const json& members = report.at("members");
    out << "# fairly: " << period_title(report) << "\n\n| |";
    for (const json& member : members) out << ' ' << member.value("name", "") << " |";
    out << "\n|---|";
    for (std::size_t m = 0; m < members.size(); ++m) out << "---:|";
    out << '\n';
    for (const row& r : member_rows()) {
        out << "| " << r.label << " |";
        for (const json& member : members) out << ' ' << r.cell(member) << " |";
        out << '\n';
    }
    out << "\n## What the record shows\n\n";
    for (const std::string& sentence : observations(report)) out << "- " << sentence << '\n';
    const json& trend = report.at("trend");
    if (!trend.empty()) {
        out << "\n## Weekly share of the load (agreed " << agreed_split(report) << ")\n\n| week |";
        for (const json& member : members) out << ' ' << member.value("name", "") << " |";
        out << "\n|---|";
        for (std::size_t m = 0; m < members.size(); ++m) out << "---:|";
        out << '\n';
        for (const json& week : trend) {
            out << "| " << week.value("week", "") << " |";
            for (const json& member : members) out << ' ' << percent(week["shares"].value(member.value("name", ""), 0.0)) << " |";
            out << '\n';
        }
    }
    const json& disputes = report.at("to_talk_about");
    if (!disputes.empty()) {
        out << "\n## To talk about\n\nDisputed, and left out of every figure:\n\n";
        for (const json& event : disputes) {
            out << "- #" << event.value("id", 0) << ' ' << event.value("kind", "") << " for " << event.value("member", "") << ", "
                << event.value("start", "").substr(0, 16) << ": \""
                << (event["dispute_reason"].is_string() ? event["dispute_reason"].get<std::string>() : std::string()) << "\"\n";
        }
    }
    bool any_thanks = false;
    for (const json& member : members) {
        for (const json& note : member.at("thanks_notes")) {
            if (!any_thanks) out << "\n## Thanks\n\n";
            any_thanks = true;
            out << "- " << note.value("from", "") << " to " << member.value("name", "") << ": " << note.value("note", "") << '\n';
        }
    }
    out << "\n_Points use the weights in force now._\n";
    return out.str();
}

namespace {

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

} // namespace

std::string csv(const json& report) {
    std::ostringstream out;
    out << "section,week,from,to,member,share,agreed_share,points,hours,balance_hours,night_minutes,wakeups,thinking_hours,"
           "meetings_moved,thanks_received,protected_hours\r\n";
    const json& period = report.at("period");
    for (const json& m : report.at("members")) {
        out << "period," << csv_field(period["week"].is_string() ? period["week"].get<std::string>() : "") << ',' << period.value("from", "") << ','
            << period.value("to", "") << ',' << csv_field(m.value("name", "")) << ',' << m.value("share", 0.0) << ','
            << m.value("agreed_share", 0.0) << ',' << m.value("points", 0.0) << ',' << m.value("hours", 0.0) << ','
            << m.value("balance_hours", 0.0) << ',' << m.value("night_minutes", 0) << ',' << m.value("wakeups", 0) << ','
            << m.value("thinking_hours", 0.0) << ',' << m.value("meetings_moved", 0) << ',' << m.value("thanks_received", 0) << ','
            << m.value("protected_hours", 0.0) << "\r\n";
    }
    for (const json& week : report.at("trend")) {
        for (const json& m : report.at("members")) {
            const std::string name = m.value("name", "");
            out << "trend," << week.value("week", "") << ',' << week.value("from", "") << ",," << csv_field(name) << ','
                << week["shares"].value(name, 0.0) << ',' << m.value("agreed_share", 0.0) << ',' << week["points"].value(name, 0.0) << ','
                << week["hours"].value(name, 0.0) << ',' << week["balance_hours"].value(name, 0.0) << ",,,,,,\r\n";
        }
    }
    return out.str();
}

namespace {

std::string escape_html(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

const char* palette(std::size_t i) {
    static const char* colours[] = {"#3b7dd8", "#d8823b", "#3bb08f", "#a05cc9", "#c94f5c", "#7a7a7a"};
    return colours[i % 6];
}

/// Weekly share of each member as a line, with the agreed share dashed.
std::string share_chart(const json& report) {
    const json& trend = report.at("trend");
    const json& members = report.at("members");
    const double width = 600, height = 220, left = 40, right = 10, top = 10, bottom = 30;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const std::size_t n = trend.size();
    auto x = [&](std::size_t i) { return left + (n <= 1 ? plot_w / 2 : plot_w * static_cast<double>(i) / static_cast<double>(n - 1)); };
    auto y = [&](double share) { return top + plot_h * (1 - share); };
    std::ostringstream svg;
    svg << "<svg class=\"chart\" id=\"share-chart\" viewBox=\"0 0 " << width << ' ' << height
        << "\" role=\"img\" aria-label=\"Weekly share of the load against the agreed share\">";
    for (double grid : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        svg << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << y(grid) << "\" y2=\"" << y(grid)
            << "\" stroke=\"#ddd\"/><text x=\"" << left - 4 << "\" y=\"" << y(grid) + 4 << "\" text-anchor=\"end\" font-size=\"10\">"
            << percent(grid) << "</text>";
    }
    for (std::size_t m = 0; m < members.size(); ++m) {
        const std::string name = members[m].value("name", "");
        const double agreed = members[m].value("agreed_share", 0.0);
        svg << "<line class=\"agreed\" x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << y(agreed) << "\" y2=\"" << y(agreed)
            << "\" stroke=\"" << palette(m) << "\" stroke-dasharray=\"4 4\" stroke-width=\"1\"/>";
        svg << "<polyline class=\"share\" data-member=\"" << escape_html(name) << "\" fill=\"none\" stroke=\"" << palette(m)
            << "\" stroke-width=\"2.5\" points=\"";
        for (std::size_t i = 0; i < n; ++i) svg << x(i) << ',' << y(trend[i]["shares"].value(name, 0.0)) << ' ';
        svg << "\"/>";
        for (std::size_t i = 0; i < n; ++i) {
            svg << "<circle cx=\"" << x(i) << "\" cy=\"" << y(trend[i]["shares"].value(name, 0.0)) << "\" r=\"3\" fill=\"" << palette(m)
                << "\"><title>" << escape_html(name) << ' ' << trend[i].value("week", "") << ": "
                << percent(trend[i]["shares"].value(name, 0.0)) << "</title></circle>";
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (n > 12 && i % (n / 12 + 1) != 0 && i + 1 != n) continue;
        svg << "<text x=\"" << x(i) << "\" y=\"" << height - 10 << "\" text-anchor=\"middle\" font-size=\"10\">"
            << trend[i].value("week", "").substr(5) << "</text>";
    }
    svg << "</svg>";
    return svg.str();
}

/// Horizontal bars, one group per member.
std::string bar_chart(const char* id, const char* label, const json& members, const std::vector<std::pair<std::string, std::vector<double>>>& series,
                      const std::string& unit) {
    double largest = 0;
    for (std::size_t m = 0; m < members.size(); ++m) {
        double total = 0;
        for (const auto& [name, values] : series) total += values[m];
        largest = std::max(largest, total);
    }
    const double width = 600, bar_h = 26, left = 80, right = 60;
    const double height = static_cast<double>(members.size()) * (bar_h + 10) + 30;
    std::ostringstream svg;
    svg << "<svg class=\"chart\" id=\"" << id << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" aria-label=\"" << label << "\">";
    for (std::size_t m = 0; m < members.size(); ++m) {
        const double y = 5 + static_cast<double>(m) * (bar_h + 10);
        svg << "<text x=\"" << left - 6 << "\" y=\"" << y + bar_h / 2 + 4 << "\" text-anchor=\"end\" font-size=\"12\">"
            << escape_html(members[m].value("name", "")) << "</text>";
        double at = left, total = 0;
        for (std::size_t s = 0; s < series.size(); ++s) {
            const double value = series[s].second[m];
            const double w = largest > 0 ? (width - left - right) * value / largest : 0;
            svg << "<rect class=\"bar\" x=\"" << at << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << bar_h << "\" fill=\""
                << palette(s) << "\"><title>" << escape_html(series[s].first) << ": " << number(value) << ' ' << unit << "</title></rect>";
            at += w;
            total += value;
        }
        svg << "<text x=\"" << at + 4 << "\" y=\"" << y + bar_h / 2 + 4 << "\" font-size=\"11\">" << number(total) << ' ' << unit << "</text>";
    }
    if (series.size() > 1) {
        double at = left;
        const double y = height - 12;
        for (std::size_t s = 0; s < series.size(); ++s) {
            svg << "<rect x=\"" << at << "\" y=\"" << y - 9 << "\" width=\"10\" height=\"10\" fill=\"" << palette(s) << "\"/><text x=\"" << at + 14
                << "\" y=\"" << y << "\" font-size=\"11\">" << escape_html(series[s].first) << "</text>";
            at += 24 + 7.0 * static_cast<double>(series[s].first.size());
        }
    }
    svg << "</svg>";
    return svg.str();
}

} // namespace

std::string html(const json& report) {
    const json& members = report.at("members");
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>fairly: "
        << escape_html(period_title(report))
        << "</title><style>"
           "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#222;line-height:1.45}"
           "h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.6rem}table{border-collapse:collapse;width:100%;font-size:.92rem}"
           "td,th{padding:.3rem .4rem;border-bottom:1px solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}"
           ".chart{width:100%;height:auto}ul{padding-left:1.2rem}.note{color:#666;font-size:.85rem}"
           ".legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;"
           "vertical-align:middle}"
           "</style></head><body>\n";
    out << "<h1>fairly: " << escape_html(period_title(report)) << "</h1>\n<table><tr><th></th>";
    for (const json& member : members) out << "<th>" << escape_html(member.value("name", "")) << "</th>";
    out << "</tr>\n";
    for (const row& r : member_rows()) {
        out << "<tr><td>" << escape_html(r.label) << "</td>";
        for (const json& member : members) out << "<td>" << escape_html(r.cell(member)) << "</td>";
        out << "</tr>\n";
    }
    out << "</table>\n<h2>What the record shows</h2>\n<ul>";
    for (const std::string& sentence : observations(report)) out << "<li>" << escape_html(sentence) << "</li>";
    out << "</ul>\n<h2>Weekly share of the load</h2>\n<p class=\"legend\">";
    for (std::size_t m = 0; m < members.size(); ++m) {
        out << "<span><i style=\"background:" << palette(m) << "\"></i>" << escape_html(members[m].value("name", "")) << " (dashed: agreed "
            << percent(members[m].value("agreed_share", 0.0)) << ")</span>";
    }
    out << "</p>\n" << share_chart(report) << '\n';

    std::vector<std::pair<std::string, std::vector<double>>> categories;
    for (const char* category : {"care", "household", "logistics", "thinking"}) {
        std::vector<double> values;
        for (const json& member : members) values.push_back(member["points_by_category"].value(category, 0.0));
        categories.emplace_back(category, values);
    }
    out << "<h2>Load by category (points)</h2>\n" << bar_chart("category-chart", "Load by category per member", members, categories, "pts") << '\n';
    std::vector<double> night;
    for (const json& member : members) night.push_back(static_cast<double>(member.value("night_minutes", 0)));
    out << "<h2>Night minutes</h2>\n" << bar_chart("night-chart", "Night minutes per member", members, {{"night", night}}, "min") << '\n';

    const json& disputes = report.at("to_talk_about");
    if (!disputes.empty()) {
        out << "<h2>To talk about</h2>\n<p class=\"note\">Disputed, and left out of every figure.</p><ul>";
        for (const json& event : disputes) {
            out << "<li>#" << event.value("id", 0) << ' ' << escape_html(event.value("kind", "")) << " for " << escape_html(event.value("member", ""))
                << ", " << escape_html(event.value("start", "").substr(0, 16)) << ": &ldquo;"
                << escape_html(event["dispute_reason"].is_string() ? event["dispute_reason"].get<std::string>() : std::string()) << "&rdquo;</li>";
        }
        out << "</ul>\n";
    }
    bool any_thanks = false;
    for (const json& member : members) {
        for (const json& note : member.at("thanks_notes")) {
            if (!any_thanks) out << "<h2>Thanks</h2>\n<ul>";
            any_thanks = true;
            out << "<li>" << escape_html(note.value("from", "")) << " to " << escape_html(member.value("name", "")) << ": "
                << escape_html(note.value("note", "")) << "</li>";
        }
    }
    if (any_thanks) out << "</ul>\n";
    out << "<p class=\"note\">Points use the weights in force now. Generated " << escape_html(report.value("generated_at", "")) << ".</p>\n"
        << "</body></html>\n";
    return out.str();
}

std::string balance_text(const json& report, bool colour) {
    const std::string bold = colour ? "\033[1m" : "", reset = colour ? "\033[0m" : "";
    std::ostringstream out;
    const json& members = report.at("members");
    out << bold << "Balance against the agreed split (" << agreed_split(report) << "), in hours" << reset << '\n';
    out << "week      ";
    for (const json& member : members) out << std::string(std::max<std::size_t>(2, 18 - member.value("name", "").size()), ' ') << member.value("name", "");
    out << '\n';
    for (const json& week : report.at("trend")) {
        out << week.value("week", "");
        for (std::size_t m = 0; m < members.size(); ++m) {
            const std::string name = members[m].value("name", "");
            const double hours = week["balance_hours"].value(name, 0.0);
            // The running total is the daemon's (the sum of the unrounded weeks), so it ends at the period's balance.
            const double running = week.contains("balance_running_hours") ? week["balance_running_hours"].value(name, 0.0) : 0.0;
            const std::string cell = signed_hours(hours) + " (" + signed_hours(running) + ")";
            out << std::string(std::max<std::size_t>(2, 18 - cell.size()), ' ') << cell;
        }
        out << '\n';
    }
    out << "(each week, then running total in brackets)\n";
    for (const std::string& sentence : observations(report)) {
        out << "- " << sentence << '\n';
        break; // the balance sentence
    }
    return out.str();
}

} // namespace fairly::render
