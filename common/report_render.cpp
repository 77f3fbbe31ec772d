#include "report_render.hpp"

#include "catalogue.hpp"
#include "change_log.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>
#include <sstream>

// Every sentence here is listed, with the rule it follows, in docs/wording.md.
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

std::string hours_minutes(std::int64_t minutes) {
    return std::to_string(minutes / 60) + "h" + (minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60);
}

/// An amount of load as people say it: "25 minutes", "1.6 hours".
std::string amount(double hours) {
    const auto minutes = static_cast<std::int64_t>(std::lround(hours * 60));
    if (minutes < 60) return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
    return number(hours) + " hours";
}

/// "2026-10-12" as people say it: "12 Oct" (with the year when `with_year`).
std::string spoken_date(const std::string& iso, bool with_year = false) {
    const std::string said = date_as_said(iso);
    return with_year && said != iso ? said + " " + iso.substr(0, 4) : said;
}

/// "Mon 12 Oct" for a date "2026-10-12".
std::string spoken_day(const std::string& iso) { return date_as_said(iso, true); }

/// How many columns `text` takes in a terminal: its characters, not bytes ("Zoë" is 3).
std::size_t shown_width(const std::string& text) { return utf8_length(text).value_or(text.size()); }

/// "the week of 12 Oct", for the week starting on the date `iso`.
std::string week_of(const std::string& iso) { return "the week of " + spoken_date(iso); }

std::string period_title(const json& report) {
    const json& period = report.at("period");
    const std::string from = period.value("from", ""), to = period.value("to", "");
    const bool same_year = from.substr(0, 4) == to.substr(0, 4);
    std::string title = period["week"].is_string() ? week_of(from) + " " + to.substr(0, 4) + " (" + spoken_day(from) + " to " + spoken_day(to) + ")"
                                                   : spoken_date(from, !same_year) + " to " + spoken_date(to, true);
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

std::string member_name(const json& name) { return name.is_string() ? name.get<std::string>() : std::string(); }

std::vector<std::string> names_of(const json& report) {
    std::vector<std::string> names;
    for (const json& member : report.at("members")) names.push_back(member.value("name", ""));
    return names;
}

/// Shares as a split, in the members' order: "41/59".
std::string split_of(const std::vector<double>& shares) {
    std::string split;
    for (double share : shares) split += (split.empty() ? "" : "/") + std::to_string(static_cast<int>(std::lround(share * 100)));
    return split;
}

/// "(alex/sam)": who the numbers of a split are.
std::string split_names(const json& report) {
    std::string names;
    for (const std::string& name : names_of(report)) names += (names.empty() ? "" : "/") + name;
    return "(" + names + ")";
}

std::vector<double> member_values(const json& report, const char* key) {
    std::vector<double> values;
    for (const json& member : report.at("members")) values.push_back(member.value(key, 0.0));
    return values;
}

/// The shares of one member-keyed object ({"alex": 0.4, "sam": 0.6}) in member order.
std::vector<double> keyed_values(const json& report, const json& by_name) {
    std::vector<double> values;
    for (const std::string& name : names_of(report)) values.push_back(by_name.is_object() ? by_name.value(name, 0.0) : 0.0);
    return values;
}

std::string agreed_split(const json& report) { return split_of(member_values(report, "agreed_share")); }

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
}

/// What would meet the agreement: "about 25 minutes of load moving from sam
/// to alex". `balance` is each member's hours against the agreed split
/// (positive: carried more than agreed); the amounts are plain and positive.
std::string move_text(const std::vector<std::string>& names, const std::vector<double>& balance) {
    std::vector<std::string> from, to;
    double moving = 0;
    for (std::size_t m = 0; m < names.size(); ++m) {
        if (balance[m] > 0) from.push_back(names[m]), moving += balance[m];
    }
    std::vector<std::string> takers;
    for (std::size_t m = 0; m < names.size(); ++m) {
        if (balance[m] >= 0) continue;
        to.push_back(names[m]);
        takers.push_back(amount(-balance[m]) + " to " + names[m]);
    }
    if (to.size() == 1) return "about " + amount(moving) + " of load moving from " + list_text(from) + " to " + to[0];
    return "about " + list_text(takers) + " moving from " + list_text(from);
}

/// The largest amount any member is off the agreed split, in hours.
double furthest(const std::vector<double>& balance) {
    double most = 0;
    for (double hours : balance) most = std::max(most, std::fabs(hours));
    return most;
}

/// One row of the figures table.
struct row {
    std::string label;
    std::string (*cell)(const json& member);
};

const std::vector<row>& member_rows() {
    static const std::vector<row> rows{
        {"load hours", [](const json& m) { return number(m.value("hours", 0.0)); }},
        {"points", [](const json& m) { return number(m.value("points", 0.0)); }},
        {"share (agreed)", [](const json& m) { return percent(m.value("share", 0.0)) + " (" + percent(m.value("agreed_share", 0.0)) + ")"; }},
        {"night minutes", [](const json& m) { return std::to_string(m.value("night_minutes", 0)); }},
        {"wake-ups", [](const json& m) { return std::to_string(m.value("wakeups", 0)); }},
        {"longest rest, a typical night", [](const json& m) {
             return m["longest_rest_minutes"].is_number() ? hours_minutes(m["longest_rest_minutes"].get<std::int64_t>()) : std::string("-");
         }},
        {"thinking work", [](const json& m) { return number(m.value("thinking_hours", 0.0)) + " h"; }},
        {"meetings moved", [](const json& m) { return std::to_string(m.value("meetings_moved", 0)); }},
        {"protected time", [](const json& m) { return number(m.value("protected_hours", 0.0)) + " h"; }},
    };
    return rows;
}

/// One thanks, as said: who thanked whom, and their words.
struct thanks_said {
    std::string from, to, note;
};

std::vector<thanks_said> thanks_of(const json& report) {
    std::vector<thanks_said> said;
    for (const json& member : report.at("members")) {
        for (const json& note : member.at("thanks_notes")) said.push_back({note.value("from", ""), member.value("name", ""), note.value("note", "")});
    }
    return said;
}

/// "sam to alex: “took the early shift”", or "sam thanked alex" with no words.
std::string thanks_line(const thanks_said& thanks) {
    if (thanks.note.empty()) return thanks.from + " thanked " + thanks.to;
    return thanks.from + " to " + thanks.to + ": \"" + thanks.note + "\"";
}

/// A disputed entry, to talk about: "#3 bath-time for sam, Thu 26 Nov 19:00,
/// logged by alex: “that was me, not you”".
std::string dispute_line(const json& event) {
    std::string line = "#" + std::to_string(event.value("id", 0)) + " " + event.value("kind", "") + " for " + event.value("member", "") + ", " +
                       (event.contains("when") ? event.value("when", "") : event.value("start", "").substr(0, 16));
    if (event["logged_by"].is_string() && event["logged_by"] != event["member"]) line += ", logged by " + event["logged_by"].get<std::string>();
    if (event["dispute_reason"].is_string() && !event["dispute_reason"].get<std::string>().empty()) {
        line += ": \"" + event["dispute_reason"].get<std::string>() + "\"";
    }
    return line;
}

/// The words of the report, by section, shared by every format.
struct report_words {
    std::vector<std::string> carried; ///< what the household carried, first
    std::vector<thanks_said> thanks;  ///< in their words
    std::vector<std::string> shows;   ///< what the record shows, about the split
    std::string opener;               ///< a way to start the conversation, when something stands out
};

report_words words_of(const json& report) {
    report_words words;
    const json& members = report.at("members");
    const std::vector<std::string> names = names_of(report);
    const std::string when = weeks_phrase(report);
    double total_points = 0, total_hours = 0, protected_hours = 0;
    std::int64_t night_minutes = 0, wakeups = 0;
    for (const json& member : members) {
        total_points += member.value("points", 0.0);
        total_hours += member.value("hours", 0.0);
        protected_hours += member.value("protected_hours", 0.0);
        night_minutes += member.value("night_minutes", 0);
        wakeups += member.value("wakeups", 0);
    }

    // ---- what the household carried
    if (total_points <= 0) {
        words.carried.push_back("Nothing was logged " + when + ".");
    } else {
        words.carried.push_back("Together you carried " + number(total_hours) + " hours of load " + when + " (" + number(total_points) + " points).");
    }
    if (night_minutes > 0) {
        words.carried.push_back("Nights: " + (night_minutes < 120 ? std::to_string(night_minutes) + " minutes" : number(static_cast<double>(night_minutes) / 60) + " hours") +
                                " of care in the night, " + std::to_string(wakeups) + (wakeups == 1 ? " wake-up." : " wake-ups."));
    }
    for (const json& member : members) {
        const std::int64_t moved = member.value("meetings_moved", 0);
        if (moved <= 0) continue;
        const json& impact = member["meetings_moved_by_impact"];
        std::string sentence = capitalised(member.value("name", "")) + " moved " + (moved == 1 ? std::string("a meeting") : std::to_string(moved) + " meetings") +
                               " for care";
        const std::int64_t missed = impact.value("missed", 0), major = impact.value("major", 0);
        std::vector<std::string> costs;
        if (moved == 1) {
            if (missed > 0) costs.push_back("it was missed");
            if (major > 0) costs.push_back("a major change");
        } else {
            if (missed > 0) costs.push_back(std::to_string(missed) + " missed");
            if (major > 0) costs.push_back(std::to_string(major) + " with a major change");
        }
        words.carried.push_back(sentence + (costs.empty() ? "" : " (" + list_text(costs) + ")") + ".");
    }
    if (protected_hours > 0) {
        std::vector<std::string> kept;
        for (const json& member : members) {
            if (member.value("protected_hours", 0.0) > 0) kept.push_back(member.value("name", "") + " " + number(member.value("protected_hours", 0.0)) + " h");
        }
        words.carried.push_back("Protected time kept: " + list_text(kept) + ".");
    }
    words.thanks = thanks_of(report);

    // ---- what the record shows, about the split
    const std::vector<double> shares = member_values(report, "share"), balance = member_values(report, "balance_hours");
    const std::string agreed = agreed_split(report), who = split_names(report);
    if (total_points > 0) {
        const std::string split = "The load " + when + " was " + split_of(shares) + " " + who;
        if (furthest(balance) < 0.5) {
            words.shows.push_back(split + (split_of(shares) == agreed ? ", as agreed." : ", within half an hour of your agreed " + agreed + "."));
        } else {
            words.shows.push_back(split + " against your agreed " + agreed + "; " + move_text(names, balance) + " would meet it.");
        }
    }
    if (night_minutes > 0 && members.size() > 1) {
        std::vector<double> night;
        for (const json& member : members) night.push_back(member["night_share"].is_number() ? member["night_share"].get<double>() : 0.0);
        words.shows.push_back("The night load " + when + " was " + split_of(night) + " " + who + " against your agreed " + agreed + ".");
    }
    // Each partner's guess beside the record, once the week is over: curiosity, not a verdict.
    {
        std::vector<std::string> guessed;
        for (const json& member : members) {
            if (!member.contains("guess") || !member.at("guess").is_number()) continue;
            std::string guess = member.value("name", "") + " guessed " + percent(member.at("guess").get<double>()) + " (the record shows " +
                                percent(member.value("share", 0.0));
            if (member.contains("night_guess") && member.at("night_guess").is_number() && member["night_share"].is_number()) {
                guess += "; of the nights, " + percent(member.at("night_guess").get<double>()) + " guessed and " +
                         percent(member.at("night_share").get<double>()) + " in the record";
            }
            guessed.push_back(guess + ")");
        }
        if (!guessed.empty()) words.shows.push_back("Of their own share, " + list_text(guessed) + ". What surprised you?");
    }
    // Away is not drift: who was away, and that the split counted the days present.
    for (const json& member : members) {
        const std::int64_t away = member.value("away_days", 0);
        if (away <= 0) continue;
        std::vector<std::string> why;
        for (const json& note : member.value("away_notes", json::array())) why.push_back(note.get<std::string>());
        words.shows.push_back(capitalised(member.value("name", "")) + " was away " + std::to_string(away) + (away == 1 ? " day" : " days") +
                              (why.empty() ? "" : " (" + list_text(why) + ")") + " " + when +
                              "; the agreed split counts only the days each of you was here.");
    }
    const json& period = report.at("period");
    if (period.contains("agreements") && period.at("agreements").size() > 1) {
        std::vector<std::string> changes;
        for (const json& agreement : period.at("agreements")) {
            changes.push_back(split_of(keyed_values(report, agreement.at("shares"))) +
                              (agreement.at("from").is_string() ? " from " + week_of(agreement.at("from").get<std::string>()) : std::string()));
        }
        std::string listed;
        for (std::size_t i = 0; i < changes.size(); ++i) listed += (i == 0 ? "" : ", then ") + changes[i];
        words.shows.push_back("Your agreed split changed in this time (" + listed + "); each week is read against the split agreed for it.");
    }
    if (period.contains("changes") && !period.at("changes").empty()) {
        std::vector<std::string> listed;
        std::size_t shown = 0;
        for (const json& change : period.at("changes")) {
            // Only what changes a figure (change_log.hpp); goals, slots and bindings are in
            // `fairly changes`, and the drift talk is said on its own, below.
            const std::string what = change_label(change.value("subject", ""), change.value("name", ""));
            if (what.empty()) continue;
            if (++shown > 4) continue;
            // A change by consent names who proposed it and who accepted it, once, when it came into force.
            if (change.contains("accepted_by") && !change["accepted_by"].empty()) {
                const std::string proposer = change["proposed_by"].is_string() ? change["proposed_by"].get<std::string>()
                                                                                : "uid " + std::to_string(change.value("proposed_by_uid", -1));
                std::vector<std::string> accepters;
                for (const json& name : change["accepted_by"]) accepters.push_back(name.get<std::string>());
                listed.push_back(what + " (proposed by " + proposer + ", accepted by " + list_text(accepters) + ")");
                continue;
            }
            listed.push_back(what + (change["by"].is_string() ? " (by " + change["by"].get<std::string>() + ")" : std::string()));
        }
        if (shown > 4) listed.push_back(std::to_string(shown - 4) + " more");
        std::string joined;
        for (std::size_t i = 0; i < listed.size(); ++i) joined += (i == 0 ? "" : "; ") + listed[i];
        if (!listed.empty()) words.shows.push_back("Changed " + when + ": " + joined + ". `fairly changes` has who, when and from what to what.");
    }
    const json& drift = report.at("drift");
    if (drift.value("alert", false)) {
        // The daemon's figure: the member's share of the load over the weeks the drift has lasted.
        const std::string name = member_name(drift["member"]);
        const double share_now = drift.value("share_since", 0.0);
        const int weeks = drift.value("weeks_since", 0);
        const std::string since = drift["since_from"].is_string() ? week_of(drift["since_from"].get<std::string>()) : drift.value("since", "");
        // Against the split agreed for the weeks of the drift: one, or several when it changed.
        std::set<std::string> agreed_then;
        for (const json& week : report.at("trend")) {
            if (week.contains("agreed") && drift["since_from"].is_string() && week.value("from", "") >= drift["since_from"].get<std::string>()) {
                agreed_then.insert(split_of(keyed_values(report, week["agreed"])));
            }
        }
        const std::string against = agreed_then.size() > 1 ? "the splits you agreed for those weeks"
                                    : agreed_then.size() == 1 ? "your agreed " + *agreed_then.begin()
                                                              : "your agreed " + agreed;
        std::string sentence;
        if (members.size() == 2) {
            std::vector<double> split(2);
            for (std::size_t m = 0; m < 2; ++m) split[m] = names[m] == name ? share_now : 1 - share_now;
            sentence = "Since " + since + ", the load has been " + split_of(split) + " " + who + (weeks == 1 ? "" : " on average") + " against " + against;
        } else {
            double mine = 0;
            for (const json& member : members) {
                if (member.value("name", "") == name) mine = member.value("agreed_share", 0.0);
            }
            sentence = "Since " + since + ", " + name + "'s part of the load has been " + percent(share_now) + " on average against the agreed " +
                       percent(mine);
        }
        sentence += " (" + std::to_string(weeks) + (weeks == 1 ? " week" : " weeks") + ")";
        if (drift.value("detected", "") != drift.value("since", "")) {
            const std::string detected =
                drift["detected_from"].is_string() ? week_of(drift["detected_from"].get<std::string>()) : drift.value("detected", "");
            sentence += "; the weeks added up to a drift by " + detected + ", before any single week had to look unusual";
        }
        words.shows.push_back(sentence + ".");
        words.opener = "I've noticed the load has been moving away from what we agreed; how has it felt for you?";
    } else if (drift.value("learning", false) && total_points > 0) {
        const int learned = drift.value("weeks_learned", 0), needed = drift.value("learning_weeks", 6);
        words.shows.push_back(learned == 0 ? "This is your first week with fairly: it needs " + std::to_string(needed) +
                                                 " weeks to learn how much your weeks vary before it speaks of a drift."
                                           : "fairly is still learning how much your weeks vary (" + std::to_string(learned) + " of " +
                                                 std::to_string(needed) + " weeks so far), so it does not speak of a drift yet.");
    }
    if (drift.contains("talked") && drift["talked"].is_object()) {
        const json& talked = drift["talked"];
        std::string sentence = "You last talked about the drift in " +
                               (talked["week_from"].is_string() ? week_of(talked["week_from"].get<std::string>()) : talked.value("week", ""));
        if (!talked.value("note", "").empty()) sentence += " (\"" + talked.value("note", "") + "\")";
        words.shows.push_back(sentence + "; fairly counts again from that week.");
    }
    for (const json& band : report.at("band_alerts")) {
        if (band.value("share", 0.0) < band.value("agreed_share", 0.0)) continue; // the same week, seen from the other side
        std::string in = band.contains("from") ? week_of(band.value("from", "")) : band.value("week", "");
        std::string split = percent(band.value("share", 0.0)) + " for " + band.value("member", "");
        std::string agreed_then = percent(band.value("agreed_share", 0.0)) + " for " + band.value("member", "");
        for (const json& week : report.at("trend")) {
            if (week.value("week", "") != band.value("week", "")) continue;
            split = split_of(keyed_values(report, week["shares"])) + " " + who;
            if (week.contains("agreed")) agreed_then = split_of(keyed_values(report, week["agreed"])); // that week's own agreement
        }
        words.shows.push_back("In " + in + ", the load was " + split + " against your agreed " + agreed_then +
                              ", further off than your weeks usually are.");
        if (words.opener.empty()) words.opener = "That week looked different from our usual; what was going on for you?";
    }
    for (const json& member : members) {
        const std::int64_t up = member.value("wakeups", 0);
        if (up >= 3) {
            words.shows.push_back(capitalised(member.value("name", "")) + " was up " + std::to_string(up) + " times in the night " + when + " (" +
                                  std::to_string(member.value("night_minutes", 0)) + " minutes).");
        }
    }
    // A week far from the split, once it is over, is worth a word too.
    const json& trend = report.at("trend");
    const bool over = !trend.empty() && trend.back().value("complete", true);
    if (words.opener.empty() && over && total_points > 0 && furthest(balance) >= 0.5 && report.at("period").value("days", 7) <= 7 &&
        std::fabs(shares.front() - member_values(report, "agreed_share").front()) >= 0.1) {
        words.opener = "I noticed this week's split was different from what we agreed; how did the week feel for you?";
    }
    return words;
}

/// The trend's scale: a week's share of the first member, from 0 to 100%, as
/// 41 cells of 2.5%: `o` the week, `|` the agreed share, `-` the range the
/// household's weeks usually stay in (the band, when fairly has learned it).
std::string trend_scale(double share, double agreed, double band) {
    constexpr int cells = 41;
    auto cell_of = [](double fraction) { return static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * (cells - 1))); };
    std::string scale(cells, '.');
    if (band > 0) {
        for (int c = cell_of(agreed - band); c <= cell_of(agreed + band); ++c) scale[static_cast<std::size_t>(c)] = '-';
    }
    scale[static_cast<std::size_t>(cell_of(agreed))] = '|';
    if (share >= 0) scale[static_cast<std::size_t>(cell_of(share))] = 'o';
    return scale;
}

/// The band's half-width as a share (0 while fairly is still learning).
double band_width(const json& report) {
    const json& drift = report.at("drift");
    if (!drift["sigma"].is_number()) return 0;
    return drift["sigma"].get<double>() * drift.value("band", 3.0);
}

/// The widest "week of 12 Oct" of the trend, for lining up its lines.
std::size_t week_label_width(const json& trend) {
    std::size_t width = 0;
    for (const json& week : trend) width = std::max(width, week_of(week.value("from", "")).size() - 4);
    return width;
}

/// "  week of 12 Oct  ", padded to `width` (week_label_width) and two spaces.
std::string week_label(const json& week, std::size_t width) {
    const std::string label = "week of " + spoken_date(week.value("from", ""));
    return "  " + label + std::string(width - label.size() + 2, ' ');
}

bool week_is_empty(const json& week) {
    return std::all_of(week["shares"].begin(), week["shares"].end(), [](const json& s) { return s.get<double>() == 0; });
}

std::string trend_title(const json& report) {
    return "Weekly split of the load " + split_names(report) + ", against your agreed " + agreed_split(report);
}

} // namespace

std::vector<std::string> observations(const json& report) {
    const report_words words = words_of(report);
    std::vector<std::string> said = words.carried;
    for (const thanks_said& thanks : words.thanks) said.push_back("Thanks: " + thanks_line(thanks) + ".");
    said.insert(said.end(), words.shows.begin(), words.shows.end());
    if (!words.opener.empty()) said.push_back("A way to start: \"" + words.opener + "\"");
    return said;
}

std::string text(const json& report, bool colour) {
    const std::string bold = colour ? "\033[1m" : "", dim = colour ? "\033[2m" : "", reset = colour ? "\033[0m" : "";
    std::ostringstream out;
    const json& members = report.at("members");
    const report_words words = words_of(report);
    out << bold << "fairly: " << period_title(report) << reset << "\n\n";

    out << bold << "What you carried" << reset << '\n';
    for (const std::string& sentence : words.carried) out << "- " << sentence << '\n';
    if (!words.thanks.empty()) {
        out << '\n' << bold << "Thanks" << reset << '\n';
        for (const thanks_said& thanks : words.thanks) out << "- " << thanks_line(thanks) << '\n';
    }

    if (!words.shows.empty()) {
        out << '\n' << bold << "What the record shows" << reset << '\n';
        for (const std::string& sentence : words.shows) out << "- " << sentence << '\n';
    }

    const json& trend = report.at("trend");
    if (!trend.empty()) {
        out << '\n' << bold << trend_title(report) << reset << '\n';
        const double band = band_width(report);
        const std::vector<std::string> names = names_of(report);
        const std::size_t label_width = week_label_width(trend);
        for (const json& week : trend) {
            out << week_label(week, label_width);
            const std::vector<double> shares = keyed_values(report, week["shares"]);
            const double agreed = week.contains("agreed") && week["agreed"].is_object() && !names.empty()
                                      ? week["agreed"].value(names[0], members[0].value("agreed_share", 0.0))
                                      : members[0].value("agreed_share", 0.0);
            if (week_is_empty(week)) {
                out << std::string(7, ' ') << trend_scale(-1, agreed, band) << dim
                    << (week.value("complete", true) ? "  nothing logged" : "  nothing logged yet") << reset;
            } else {
                const std::string split = split_of(shares);
                out << split << std::string(split.size() < 7 ? 7 - split.size() : 1, ' ') << trend_scale(shares[0], agreed, band);
                if (!week.value("complete", true)) out << dim << "  so far" << reset;
            }
            // The guesses made that week, beside what the record shows.
            if (week.contains("guesses") && week["guesses"].is_object() && !week["guesses"].empty()) {
                std::vector<std::string> guessed;
                for (const auto& [name, guess] : week["guesses"].items()) guessed.push_back(name + " " + percent(guess.get<double>()));
                out << dim << "  (guessed: " << list_text(guessed) << ")" << reset;
            }
            out << '\n';
        }
        out << dim << "  o is " << names[0] << "'s share that week, | your agreed share"
            << (band > 0 ? ", - the range your weeks usually stay in" : "") << reset << '\n';
    }

    out << '\n' << bold << "In figures" << reset << '\n';
    std::size_t label_width = 0;
    for (const row& r : member_rows()) label_width = std::max(label_width, r.label.size());
    std::vector<std::size_t> widths;
    for (const json& member : members) {
        std::size_t width = shown_width(member.value("name", ""));
        for (const row& r : member_rows()) width = std::max(width, r.cell(member).size());
        widths.push_back(width + 2);
    }
    out << std::string(label_width + 2, ' ');
    for (std::size_t m = 0; m < members.size(); ++m) {
        const std::string name = members[m].value("name", "");
        out << bold << std::string(widths[m] - shown_width(name), ' ') << name << reset;
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

    const json& disputes = report.at("to_talk_about");
    if (!disputes.empty() || !words.opener.empty()) {
        out << '\n' << bold << "To talk about" << reset << '\n';
        if (!words.opener.empty()) out << "- A way to start: \"" << words.opener << "\"\n";
        if (!disputes.empty()) out << "- Entries one of you questioned, left out of every figure until you settle them:\n";
        for (const json& event : disputes) out << "  " << dispute_line(event) << '\n';
    }
    out << '\n' << dim << "Points use the weights in force now";
    const json& change = report.at("weights").at("last_change");
    if (change.is_object()) {
        out << " (last change: " << change.value("name", "");
        if (change.contains("accepted_by") && !change["accepted_by"].empty()) {
            std::vector<std::string> accepters;
            for (const json& name : change["accepted_by"]) accepters.push_back(name.get<std::string>());
            out << ", proposed by " << change.value("proposed_by", "") << " and accepted by " << list_text(accepters);
        } else {
            out << " by " << change.value("by", "");
        }
        out << ", " << spoken_date(change.value("at", "").substr(0, 10)) << ")";
    }
    out << ". Night " << report["night"].value("from", "") << "-" << report["night"].value("to", "") << ", x" << number(report["night"].value("multiplier", 1.0))
        << " for night kinds." << reset << '\n';
    return out.str();
}

std::string markdown(const json& report) {
    std::ostringstream out;
    const json& members = report.at("members");
    const report_words words = words_of(report);
    out << "# fairly: " << period_title(report) << "\n\n## What you carried\n\n";
    for (const std::string& sentence : words.carried) out << "- " << sentence << '\n';
    if (!words.thanks.empty()) {
        out << "\n## Thanks\n\n";
        for (const thanks_said& thanks : words.thanks) out << "- " << thanks_line(thanks) << '\n';
    }
    if (!words.shows.empty()) {
        out << "\n## What the record shows\n\n";
        for (const std::string& sentence : words.shows) out << "- " << sentence << '\n';
    }
    const json& trend = report.at("trend");
    if (!trend.empty()) {
        out << "\n## " << trend_title(report) << "\n\n| week | split | agreed |\n|---|---:|---:|\n";
        for (const json& week : trend) {
            out << "| week of " << spoken_date(week.value("from", "")) << " | "
                << (week_is_empty(week) ? std::string("nothing logged") : split_of(keyed_values(report, week["shares"])))
                << (week.value("complete", true) ? "" : " so far") << " | "
                << split_of(week.contains("agreed") ? keyed_values(report, week["agreed"]) : member_values(report, "agreed_share")) << " |\n";
        }
    }
    out << "\n## In figures\n\n| |";
    for (const json& member : members) out << ' ' << member.value("name", "") << " |";
    out << "\n|---|";
    for (std::size_t m = 0; m < members.size(); ++m) out << "---:|";
    out << '\n';
    for (const row& r : member_rows()) {
        out << "| " << r.label << " |";
        for (const json& member : members) out << ' ' << r.cell(member) << " |";
        out << '\n';
    }
    const json& disputes = report.at("to_talk_about");
    if (!disputes.empty() || !words.opener.empty()) {
        out << "\n## To talk about\n\n";
        if (!words.opener.empty()) out << "- A way to start: \"" << words.opener << "\"\n";
        if (!disputes.empty()) out << "- Entries one of you questioned, left out of every figure until you settle them:\n";
        for (const json& event : disputes) out << "  - " << dispute_line(event) << '\n';
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
           "meetings_moved,protected_hours\r\n";
    const json& period = report.at("period");
    for (const json& m : report.at("members")) {
        out << "period," << csv_field(period["week"].is_string() ? period["week"].get<std::string>() : "") << ',' << period.value("from", "") << ','
            << period.value("to", "") << ',' << csv_field(m.value("name", "")) << ',' << m.value("share", 0.0) << ','
            << m.value("agreed_share", 0.0) << ',' << m.value("points", 0.0) << ',' << m.value("hours", 0.0) << ','
            << m.value("balance_hours", 0.0) << ',' << m.value("night_minutes", 0) << ',' << m.value("wakeups", 0) << ','
            << m.value("thinking_hours", 0.0) << ',' << m.value("meetings_moved", 0) << ','
            << m.value("protected_hours", 0.0) << "\r\n";
    }
    for (const json& week : report.at("trend")) {
        for (const json& m : report.at("members")) {
            const std::string name = m.value("name", "");
            out << "trend," << week.value("week", "") << ',' << week.value("from", "") << ",," << csv_field(name) << ','
                << week["shares"].value(name, 0.0) << ',' << m.value("agreed_share", 0.0) << ',' << week["points"].value(name, 0.0) << ','
                << week["hours"].value(name, 0.0) << ',' << week["balance_hours"].value(name, 0.0) << ",,,,,\r\n";
        }
    }
    return out.str();
}

std::string escape_html(std::string_view text) {
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

namespace {

/// The colour of the i-th member, wherever that member appears on the page:
/// the legend, their line in the trend, their bar in a one-measure chart.
const char* palette(std::size_t i) {
    static const char* colours[] = {"#3b7dd8", "#d8823b", "#2e9e6e", "#a05cc9", "#c94f5c", "#6b6b6b", "#b08a1e", "#1f8fa8"};
    return colours[i % std::size(colours)];
}

/// The colour of a category, in a family of its own (light and muted) so a
/// category is never mistaken for a member: in the category chart the row's
/// label says whose bar it is and the colours say what it was.
const char* category_colour(const std::string& category) {
    static const std::pair<const char*, const char*> colours[] = {
        {"care", "#f2a7b8"}, {"household", "#c7b98a"}, {"logistics", "#8fd0e0"}, {"thinking", "#b9b3e8"},
        {"career", "#d9d0c1"}, {"protected", "#b7dfa5"},
    };
    for (const auto& [name, colour] : colours) {
        if (category == name) return colour;
    }
    return "#cfcfcf";
}

/// How wide `text` is drawn at `font_size`, over-estimated: every code point
/// (not byte: "Zoë" is three) as 0.64 em, wider than the average glyph of a
/// sans-serif face, so what is laid out by it is never cut off.
double text_width(const std::string& text, double font_size) {
    std::size_t code_points = 0;
    for (unsigned char c : text) {
        if ((c & 0xC0) != 0x80) ++code_points;
    }
    return static_cast<double>(code_points) * 0.64 * font_size;
}

/// A chart's canvas: 360 units wide, the width of a phone, so at phone width
/// a unit is about a pixel and 11-unit text reads as 10 px; the CSS caps how
/// wide it grows on a large screen.
constexpr double chart_width = 360;

/// Weekly share of each member as a line in the member's colour, with the
/// share agreed for each week dashed in the same colour; the week still
/// going is an open circle.
std::string share_chart(const json& report) {
    const json& trend = report.at("trend");
    const json& members = report.at("members");
    const double axis_font = 11;
    const double width = chart_width, height = 200, top = 10, bottom = 26;
    const double left = text_width("100%", axis_font) + 8;
    const std::size_t n = trend.size();
    // Week labels ("2 Nov", the week's first day): as many as fit side by side, counted back from the latest week.
    double label_w = 0;
    for (const json& week : trend) label_w = std::max(label_w, text_width(spoken_date(week.value("from", "")), axis_font));
    const double right = label_w / 2 + 6;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    // Every step-th week is labelled, so neighbouring labels are a label and a gap apart.
    const std::size_t step =
        n <= 1 ? 1 : std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((label_w + 8) * static_cast<double>(n - 1) / plot_w)));
    auto x = [&](std::size_t i) { return left + (n <= 1 ? plot_w / 2 : plot_w * static_cast<double>(i) / static_cast<double>(n - 1)); };
    auto y = [&](double share) { return top + plot_h * (1 - std::clamp(share, 0.0, 1.0)); };
    std::ostringstream svg;
    svg << "<svg class=\"chart\" id=\"share-chart\" viewBox=\"0 0 " << width << ' ' << height
        << "\" role=\"img\" aria-label=\"Weekly share of the load against the agreed share\">";
    for (double grid : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        svg << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << y(grid) << "\" y2=\"" << y(grid)
            << "\" stroke=\"#ddd\"/><text x=\"" << left - 4 << "\" y=\"" << y(grid) + 4 << "\" text-anchor=\"end\" font-size=\"" << axis_font
            << "\">" << percent(grid) << "</text>";
    }
    // The agreed lines first, so the shares are drawn over them; members
    // with the same agreed share take turns along the dashes, so each
    // colour shows.
    const std::size_t count = std::max<std::size_t>(1, members.size());
    const std::size_t dash_gap = count == 1 ? 4 : 5 * (count - 1);
    for (std::size_t m = 0; m < members.size(); ++m) {
        const std::string name = members[m].value("name", "");
        const double fallback = members[m].value("agreed_share", 0.0);
        auto agreed = [&](std::size_t i) {
            const json& week = trend[i];
            return week.contains("agreed") && week["agreed"].is_object() ? week["agreed"].value(name, fallback) : fallback;
        };
        svg << "<polyline class=\"agreed\" data-member=\"" << escape_html(name) << "\" fill=\"none\" stroke=\"" << palette(m)
            << "\" stroke-width=\"1.5\" stroke-dasharray=\"5 " << dash_gap << "\" stroke-dashoffset=\""
            << -5.0 * static_cast<double>(m) << "\" points=\"";
        if (n <= 1) {
            const double share = n == 1 ? agreed(0) : fallback;
            svg << left << ',' << y(share) << ' ' << width - right << ',' << y(share);
        } else {
            for (std::size_t i = 0; i < n; ++i) svg << x(i) << ',' << y(agreed(i)) << ' ';
        }
        svg << "\"><title>" << escape_html(name) << ": agreed " << percent(fallback) << "</title></polyline>";
    }
    for (std::size_t m = 0; m < members.size(); ++m) {
        const std::string name = members[m].value("name", "");
        svg << "<polyline class=\"share\" data-member=\"" << escape_html(name) << "\" fill=\"none\" stroke=\"" << palette(m)
            << "\" stroke-width=\"2.5\" points=\"";
        for (std::size_t i = 0; i < n; ++i) svg << x(i) << ',' << y(trend[i]["shares"].value(name, 0.0)) << ' ';
        svg << "\"/>";
        for (std::size_t i = 0; i < n; ++i) {
            const bool going = !trend[i].value("complete", true);
            svg << "<circle cx=\"" << x(i) << "\" cy=\"" << y(trend[i]["shares"].value(name, 0.0)) << "\" r=\"3\" fill=\""
                << (going ? "#fff" : palette(m)) << "\" stroke=\"" << palette(m) << "\" stroke-width=\"1.5\"><title>" << escape_html(name) << ' '
                << week_of(trend[i].value("from", "")) << ": " << percent(trend[i]["shares"].value(name, 0.0)) << (going ? " so far" : "")
                << "</title></circle>";
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if ((n - 1 - i) % step != 0) continue;
        svg << "<text x=\"" << x(i) << "\" y=\"" << height - 8 << "\" text-anchor=\"middle\" font-size=\"" << axis_font << "\">"
            << escape_html(spoken_date(trend[i].value("from", ""))) << "</text>";
    }
    svg << "</svg>";
    return svg.str();
}

/// Horizontal bars, one row per member: the member's name above the bar,
/// the total after it. One measure (night minutes) is drawn in each
/// member's own colour; several (the categories) are stacked in the
/// categories' colours, with a legend under the chart that wraps like text.
std::string bar_chart(const char* id, const char* label, const json& members, const std::vector<std::pair<std::string, std::vector<double>>>& series,
                      const std::string& unit) {
    const bool by_member = series.size() == 1;
    const int decimals = unit == "min" ? 0 : 1;
    const double name_font = 12, value_font = 11;
    double largest = 0, value_w = 0;
    std::vector<double> totals;
    for (std::size_t m = 0; m < members.size(); ++m) {
        double total = 0;
        for (const auto& [name, values] : series) total += values[m];
        totals.push_back(total);
        largest = std::max(largest, total);
        value_w = std::max(value_w, text_width(number(total, decimals) + ' ' + unit, value_font));
    }
    const double width = chart_width, bar_h = 18, name_h = 16, gap = 10;
    const double bar_room = std::max(width / 3, width - value_w - 6);
    const double height = static_cast<double>(members.size()) * (name_h + bar_h + gap);
    std::ostringstream svg;
    svg << "<svg class=\"chart\" id=\"" << id << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" aria-label=\"" << label << "\">";
    for (std::size_t m = 0; m < members.size(); ++m) {
        const std::string name = members[m].value("name", "");
        const double row_top = static_cast<double>(m) * (name_h + bar_h + gap);
        const double bar_y = row_top + name_h;
        svg << "<text class=\"member\" x=\"0\" y=\"" << row_top + name_font << "\" font-size=\"" << name_font << "\">" << escape_html(name)
            << "</text>";
        double at = 0;
        for (std::size_t s = 0; s < series.size(); ++s) {
            const double value = series[s].second[m];
            const double w = largest > 0 ? bar_room * value / largest : 0;
            svg << "<rect class=\"bar\" data-member=\"" << escape_html(name) << '"';
            if (!by_member) svg << " data-category=\"" << escape_html(series[s].first) << '"';
            svg << " x=\"" << at << "\" y=\"" << bar_y << "\" width=\"" << w << "\" height=\"" << bar_h << "\" fill=\""
                << (by_member ? palette(m) : category_colour(series[s].first)) << "\"><title>" << escape_html(name) << ", "
                << escape_html(series[s].first) << ": " << number(value, decimals) << ' ' << unit << "</title></rect>";
            at += w;
        }
        // The total after the bar; the bars leave room for the longest.
        svg << "<text class=\"value\" x=\"" << at + 4 << "\" y=\"" << bar_y + bar_h / 2 + value_font / 2 - 1 << "\" font-size=\"" << value_font
            << "\">" << number(totals[m], decimals) << ' ' << unit << "</text>";
    }
    svg << "</svg>";
    if (!by_member) {
        svg << "\n<p class=\"legend\" id=\"" << id << "-legend\">";
        for (const auto& [name, values] : series) {
            svg << "<span data-category=\"" << escape_html(name) << "\"><i style=\"background:" << category_colour(name) << "\"></i>"
                << escape_html(name) << "</span>";
        }
        svg << "</p>";
    }
    return svg.str();
}

} // namespace

std::string html_style() {
    return "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#222;line-height:1.45;"
           "overflow-wrap:break-word}"
           // The members table scrolls inside itself when it is wider than a phone, and long names wrap.
           "h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.6rem}table{display:block;max-width:100%;overflow-x:auto;font-size:.92rem}"
           "tbody{display:table;width:100%;border-collapse:collapse}"
           "td,th{padding:.3rem .4rem;border-bottom:1px solid #eee;text-align:right;overflow-wrap:anywhere}"
           "td:first-child,th:first-child{text-align:left}"
           ".chart{display:block;width:100%;max-width:34rem;height:auto}.chart text{fill:#222}ul{padding-left:1.2rem}"
           ".note{color:#666;font-size:.85rem}"
           ".legend span{display:inline-block;max-width:100%;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;"
           "margin-right:.3rem;vertical-align:middle;border:1px solid rgba(0,0,0,.15)}";
}

std::string html_body(const json& report) {
    const json& members = report.at("members");
    std::ostringstream out;
    const report_words words = words_of(report);
    out << "<h1>fairly: " << escape_html(period_title(report)) << "</h1>\n<h2>What you carried</h2>\n<ul>";
    for (const std::string& sentence : words.carried) out << "<li>" << escape_html(sentence) << "</li>";
    out << "</ul>\n";
    if (!words.thanks.empty()) {
        out << "<h2>Thanks</h2>\n<ul>";
        for (const thanks_said& thanks : words.thanks) out << "<li>" << escape_html(thanks_line(thanks)) << "</li>";
        out << "</ul>\n";
    }
    if (!words.shows.empty()) {
        out << "<h2>What the record shows</h2>\n<ul>";
        for (const std::string& sentence : words.shows) out << "<li>" << escape_html(sentence) << "</li>";
        out << "</ul>\n";
    }
    out << "<h2>" << escape_html(trend_title(report)) << "</h2>\n<p class=\"legend\">";
    for (std::size_t m = 0; m < members.size(); ++m) {
        out << "<span><i style=\"background:" << palette(m) << "\"></i>" << escape_html(members[m].value("name", "")) << " (dashed: agreed "
            << percent(members[m].value("agreed_share", 0.0)) << ")</span>";
    }
    out << "</p>\n" << share_chart(report) << '\n';

    std::vector<std::pair<std::string, std::vector<double>>> categories;
    for (const std::string_view category : load_categories()) {
        std::vector<double> values;
        for (const json& member : members) values.push_back(member["points_by_category"].value(std::string(category), 0.0));
        categories.emplace_back(std::string(category), values);
    }
    out << "<h2>Load by category (points)</h2>\n" << bar_chart("category-chart", "Load by category per member", members, categories, "pts") << '\n';
    std::vector<double> night;
    for (const json& member : members) night.push_back(static_cast<double>(member.value("night_minutes", 0)));
    out << "<h2>Night minutes</h2>\n" << bar_chart("night-chart", "Night minutes per member", members, {{"night", night}}, "min") << '\n';

    out << "<h2>In figures</h2>\n<table><tr><th></th>";
    for (const json& member : members) out << "<th>" << escape_html(member.value("name", "")) << "</th>";
    out << "</tr>\n";
    for (const row& r : member_rows()) {
        out << "<tr><td>" << escape_html(r.label) << "</td>";
        for (const json& member : members) out << "<td>" << escape_html(r.cell(member)) << "</td>";
        out << "</tr>\n";
    }
    out << "</table>\n";
    const json& disputes = report.at("to_talk_about");
    if (!disputes.empty() || !words.opener.empty()) {
        out << "<h2>To talk about</h2>\n<ul>";
        if (!words.opener.empty()) out << "<li>A way to start: &ldquo;" << escape_html(words.opener) << "&rdquo;</li>";
        if (!disputes.empty()) {
            out << "<li>Entries one of you questioned, left out of every figure until you settle them:<ul>";
            for (const json& event : disputes) out << "<li>" << escape_html(dispute_line(event)) << "</li>";
            out << "</ul></li>";
        }
        out << "</ul>\n";
    }
    out << "<p class=\"note\">Points use the weights in force now. Made " << escape_html(report.value("generated_at", "").substr(0, 10)) << ".</p>\n";
    return out.str();
}

std::string html(const json& report) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>fairly: " +
           escape_html(period_title(report)) + "</title><style>" + html_style() + "</style></head><body>\n" + html_body(report) +
           "</body></html>\n";
}

std::string balance_text(const json& report, bool colour) {
    const std::string bold = colour ? "\033[1m" : "", reset = colour ? "\033[0m" : "";
    std::ostringstream out;
    const std::vector<std::string> names = names_of(report);
    out << bold << "What would meet your agreed " << agreed_split(report) << " " << split_names(report) << ", week by week" << reset << '\n';
    const json& trend = report.at("trend");
    const std::size_t label_width = week_label_width(trend);
    for (const json& week : trend) {
        out << week_label(week, label_width);
        const std::vector<double> hours = keyed_values(report, week["balance_hours"]);
        const bool going = !week.value("complete", true);
        if (week_is_empty(week)) out << (going ? "nothing logged yet" : "nothing logged");
        else if (furthest(hours) < 0.05) out << "as agreed" << (going ? " (so far)" : "");
        else out << move_text(names, hours) << (going ? " (so far)" : "");
        out << '\n';
    }
    // The period's figure is the daemon's (the sum of the unrounded weeks).
    const std::vector<double> balance = member_values(report, "balance_hours");
    // Over the weeks shown: a household younger than --last has fewer.
    const std::size_t shown = trend.size();
    const std::string over = shown <= 1 ? "This week" : "Over these " + std::to_string(shown) + " weeks";
    if (furthest(balance) < 0.05) out << over << ", the load was shared as agreed.\n";
    else out << over << ", " << move_text(names, balance) << " would meet the agreement.\n";
    return out.str();
}

} // namespace fairly::render
