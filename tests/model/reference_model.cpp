// The reference model: every rule below is a sentence of docs/fairness.md,
// computed the slow, obvious way (minute by minute, day by day).
#include "reference_model.hpp"

#include <sstream>

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace fairly::model {

using namespace std::chrono;
using date::days;
using date::local_seconds;
using date::sys_days;

namespace {

constexpr seconds minute{60};

// ---------------------------------------------------------------- local time

/// A local date and time resolved "like any other": an ambiguous one (clocks
/// back) is the earlier instant, a nonexistent one (clocks forward) is moved
/// forward by the gap. In both cases that is the local time read with the
/// offset in force just before the change (info.first).
sys_seconds resolve(const date::time_zone* zone, local_seconds local) {
    const date::local_info info = zone->get_info(local);
    return sys_seconds{local.time_since_epoch() - info.first.offset};
}

sys_days local_date(const date::time_zone* zone, sys_seconds t) {
    return sys_days{date::floor<days>(zone->to_local(t)).time_since_epoch()};
}

sys_seconds midnight(const date::time_zone* zone, sys_days day) { return resolve(zone, local_seconds{day.time_since_epoch()}); }

std::string day_text(sys_days day) { return date::format("%F", day); }

struct span {
    sys_seconds begin, end;
    bool contains(sys_seconds t) const { return begin <= t && t < end; }
};

/// The night of local date D: from the night's start on D to its end (on D+1
/// when the window crosses midnight).
span night_of(const household& home, const date::time_zone* zone, sys_days day) {
    const sys_days end_day = home.night_to <= home.night_from ? day + days{1} : day;
    return {resolve(zone, local_seconds{day.time_since_epoch()} + minutes{home.night_from}),
            resolve(zone, local_seconds{end_day.time_since_epoch()} + minutes{home.night_to})};
}

/// The first local day of the household week containing `day`.
sys_days week_start_of(const household& home, sys_days day) {
    const unsigned weekday = date::weekday{day}.c_encoding(); // 0 = Sunday
    return day - days{(weekday + 7 - static_cast<unsigned>(home.week_start)) % 7};
}

/// The household week (by its first day) an instant falls in.
sys_days week_of_instant(const household& home, const date::time_zone* zone, sys_seconds t) {
    sys_days week = week_start_of(home, local_date(zone, t));
    while (t < midnight(zone, week)) week -= days{7};
    while (t >= midnight(zone, week + days{7})) week += days{7};
    return week;
}

// ---------------------------------------------------------------- what counts

bool is_load(const std::string& category) {
    return category == "care" || category == "household" || category == "logistics" || category == "thinking";
}

/// One counted event with everything the figures need, measured once.
struct counted {
    const event* source;
    const kind* what;
    sys_seconds start, end;
    bool load, thinking;
    std::string category;       ///< where its points are filed
    std::int64_t night_minutes; ///< minutes inside any night window
    double points;
};

std::vector<counted> counted_events(const household& home, const date::time_zone* zone) {
    std::vector<counted> out;
    for (const event& e : home.events) {
        if (e.status != "active" || e.review == "disputed") continue;
        const kind& k = home.kinds.at(e.kind);
        // An instant lasts its kind's usual length when it was done; noticed,
        // planned, decided or followed up, 5 minutes (or the usual length if shorter).
        const minutes instant = e.role == "did" ? minutes{k.usual_minutes} : std::min(minutes{k.usual_minutes}, minutes{5});
        counted c{&e, &k, e.start, e.end.value_or(e.start + instant), is_load(k.category), false, k.category, 0, 0};
        c.thinking = c.load && (e.role != "did" || k.category == "thinking");
        if (c.thinking) c.category = "thinking";
        // Walk the event minute by minute against the nights that could hold it.
        std::vector<span> nights;
        for (sys_days d = local_date(zone, c.start) - days{2}; d <= local_date(zone, c.end) + days{1}; d += days{1}) {
            nights.push_back(night_of(home, zone, d));
        }
        for (sys_seconds t = c.start; t < c.end; t += minute) {
            if (std::any_of(nights.begin(), nights.end(), [&](const span& n) { return n.contains(t); })) ++c.night_minutes;
        }
        const double hours = duration<double>(c.end - c.start).count() / 3600.0;
        const double night_hours = static_cast<double>(c.night_minutes) / 60.0;
        const double weight = k.night_applies ? home.multiplier : 1.0;
        c.points = k.points + k.per_hour * (hours - night_hours + night_hours * weight);
        out.push_back(c);
    }
    return out;
}

double hours_of(const counted& c) { return duration<double>(c.end - c.start).count() / 3600.0; }

std::size_t member_index(const household& home, const std::string& name) {
    return static_cast<std::size_t>(std::find(home.members.begin(), home.members.end(), name) - home.members.begin());
}

/// Points and hours of the load starting in [from, to), per member.
struct tally {
    std::vector<double> points, hours;
    double all_points = 0, all_hours = 0;
};

tally load_in(const household& home, const std::vector<counted>& events, span when) {
    tally t{std::vector<double>(home.members.size()), std::vector<double>(home.members.size())};
    for (const counted& c : events) {
        if (!c.load || !when.contains(c.start)) continue;
        const std::size_t m = member_index(home, c.source->member);
        t.points[m] += c.points;
        t.hours[m] += hours_of(c);
        t.all_points += c.points;
        t.all_hours += hours_of(c);
    }
    return t;
}

double share(const tally& t, std::size_t m) { return t.all_points > 0 ? t.points[m] / t.all_points : 0.0; }

/// The split agreed for `thing` (none: the load) in force in the week starting
/// `week`: the agreed one with the latest first week not after it (the later
/// agreed on a tie); else, for the load, the first agreement, and for a thing,
/// equal shares.
std::vector<double> agreed_in(const household& home, sys_days week, const std::optional<std::string>& thing = std::nullopt) {
    const agreement* found = nullptr;
    for (const agreement& a : home.agreements) {
        if (a.thing != thing || a.from > week) continue;
        if (!found || a.from > found->from || (a.from == found->from && a.id > found->id)) found = &a;
    }
    const std::size_t n = home.members.size();
    if (!found && thing) return std::vector<double>(n, 1.0 / static_cast<double>(n));
    std::vector<double> shares = home.agreed;
    if (found) {
        for (std::size_t m = 0; m < n; ++m) {
            auto it = found->shares.find(home.members[m]);
            shares[m] = it != found->shares.end() ? it->second : 0.0;
        }
    }
    if (thing) return shares;
    // Away: each member's share times the days of the week they were there,
    // the whole scaled back to 1 (unless nobody was there at all).
    std::vector<double> present(n);
    double total = 0;
    for (std::size_t m = 0; m < n; ++m) {
        int here = 0;
        for (int d = 0; d < 7; ++d) {
            const sys_days day = week + days{d};
            bool gone = false;
            for (const household::away& a : home.away_list) gone = gone || (a.member == home.members[m] && a.from <= day && day <= a.to);
            here += gone ? 0 : 1;
        }
        present[m] = shares[m] * here / 7.0;
        total += present[m];
    }
    if (total <= 0) return shares;
    for (double& p : present) p /= total;
    return present;
}

/// balance = (points - agreed share x all points) x all hours / all points; 0 without load.
double balance(const tally& t, std::size_t m, const std::vector<double>& agreed) {
    if (t.all_points <= 0) return 0.0;
    return (t.points[m] - agreed[m] * t.all_points) * t.all_hours / t.all_points;
}

json per_member(const household& home, const std::vector<double>& values) {
    json out = json::object();
    for (std::size_t m = 0; m < home.members.size(); ++m) out[home.members[m]] = values[m];
    return out;
}

/// Longest stretch of `window` not covered by any of `busy`, walked minute by minute.
std::int64_t longest_free_minutes(span window, const std::vector<span>& busy) {
    std::int64_t longest = 0, run = 0;
    for (sys_seconds t = window.begin; t < window.end; t += minute) {
        const bool covered = std::any_of(busy.begin(), busy.end(), [&](const span& b) { return b.contains(t); });
        run = covered ? 0 : run + 1;
        longest = std::max(longest, run);
    }
    return longest;
}

// ---------------------------------------------------------------- drift

/// One one-sided CUSUM: S = max(0, S + z - k), alert from S > h until S is back at 0.
struct cusum {
    std::size_t member;
    bool above;
    double s = 0;
    bool alert = false;
    sys_days since{}, detected{};
};

} // namespace

sys_seconds parse_instant(std::string_view text) {
    int y, mo, d, h, mi, s, oh = 0, om = 0;
    char sign = 'Z';
    const std::string copy(text);
    if (std::sscanf(copy.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign, &oh, &om) < 7) {
        throw std::runtime_error("not an ISO instant: " + copy);
    }
    const sys_seconds local = sys_days{date::year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
    const minutes offset = (sign == '-' ? -1 : 1) * (hours{oh} + minutes{om});
    return sign == 'Z' ? local : local - offset;
}

household read_household(const json& status, const json& kinds, const json& night, const json& events, const json& moved,
                         const json& thanks, std::vector<turn> turns, int week_start, std::vector<sys_seconds> talks) {
    household home;
    home.tz = status.at("tz");
    home.week_start = week_start;
    double total = 0;
    for (const json& m : status.at("members")) {
        home.members.push_back(m.at("name"));
        home.agreed.push_back(m.at("agreed_share"));
        total += home.agreed.back();
    }
    if (total > 1.5) {
        for (double& a : home.agreed) a /= 100.0; // still in percent
    }
    for (const json& k : kinds.at("kinds")) {
        home.kinds[k.at("name")] = kind{k.at("category"), k.at("points"), k.at("points_per_hour"), k.at("default_minutes"), k.at("night_applies")};
    }
    auto clock = [](const std::string& hhmm) { return std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2)); };
    home.night_from = clock(night.at("from"));
    home.night_to = clock(night.at("to"));
    home.multiplier = night.at("multiplier");
    for (const json& e : events.at("events")) {
        event row{e.at("id"), e.at("member"), e.at("kind"), e.at("role"), e.at("status"), std::nullopt, parse_instant(e.at("start_utc").get<std::string>()), std::nullopt};
        if (!e.at("review").is_null()) row.review = e.at("review").get<std::string>();
        if (!e.at("end").is_null()) row.end = parse_instant(e.at("end").get<std::string>());
        home.events.push_back(row);
    }
    for (const json& m : moved.at("moved")) home.moved_list.push_back({m.at("member"), m.at("impact"), parse_instant(m.at("at").get<std::string>())});
    for (const json& t : thanks.at("thanks")) home.thanks_list.push_back({t.at("from"), t.at("to"), t.at("note"), parse_instant(t.at("at").get<std::string>())});
    home.turns = std::move(turns);
    home.talks = std::move(talks);
    return home;
}

void read_agreements(household& home, const json& shown) {
    const json* thing = shown.contains("thing") ? &shown.at("thing") : nullptr;
    const std::optional<std::string> name = thing && thing->is_string() ? std::optional<std::string>(thing->get<std::string>()) : std::nullopt;
    if (!name) {
        home.agreed.clear();
        for (const std::string& member : home.members) home.agreed.push_back(shown.at("first").at(member).get<double>());
    }
    for (const json& a : shown.at("history")) {
        if (a.at("state") != "agreed") continue;
        agreement row;
        row.id = a.at("id");
        row.thing = name;
        std::istringstream from(a.at("from").get<std::string>());
        from >> date::parse("%F", row.from);
        for (const auto& [member, share] : a.at("shares").items()) row.shares[member] = share.get<double>();
        home.agreements.push_back(std::move(row));
    }
}

void read_away(household& home, const json& listed) {
    for (const json& a : listed.at("away")) {
        household::away row;
        row.member = a.at("member");
        std::istringstream from(a.at("from").get<std::string>()), to(a.at("to").get<std::string>());
        from >> date::parse("%F", row.from);
        to >> date::parse("%F", row.to);
        home.away_list.push_back(std::move(row));
    }
}

json report(const household& home, const period_request& asked) {
    const date::time_zone* zone = date::locate_zone(home.tz);
    const std::vector<counted> events = counted_events(home, zone);
    const std::size_t n = home.members.size();

    // The period, as local dates, and the weeks the trend shows.
    sys_days from, to;
    std::vector<sys_days> trend_weeks;
    if (asked.kind == period_request::shape::range) {
        from = asked.from;
        to = asked.to;
        for (sys_days w = week_start_of(home, from); w <= to; w += days{7}) trend_weeks.push_back(w);
    } else {
        const sys_days this_week = week_start_of(home, asked.week_of.value_or(local_date(zone, asked.reference)));
        const int weeks = asked.kind == period_request::shape::last ? asked.weeks : 1;
        from = this_week - days{7 * (weeks - 1)};
        to = this_week + days{6};
        // A week's report shows nine weeks of trend, ending with its own (not in the doc; see the report).
        const int shown = asked.kind == period_request::shape::last ? weeks : 9;
        for (int i = shown - 1; i >= 0; --i) trend_weeks.push_back(this_week - days{7 * i});
    }
    const span period{midnight(zone, from), midnight(zone, to + days{1})};

    // The household's first entry: the start of its earliest counted load event.
    std::optional<sys_seconds> first_entry;
    for (const counted& c : events) {
        if (c.load && (!first_entry || c.start < *first_entry)) first_entry = c.start;
    }

    json out;
    out["period"] = {{"from", day_text(from)}, {"to", day_text(to)}};
    out["fragile"] = json::array();

    // The weeks of a period; a week cut by from/to counts with the part inside.
    auto week_span = [&](sys_days week, bool cut) {
        span s{midnight(zone, week), midnight(zone, week + days{7})};
        if (cut) s = {std::max(s.begin, period.begin), std::min(s.end, period.end)};
        return s;
    };
    // Each week with its own agreement; the period's agreed share is theirs
    // weighted by the weeks' load (without load: the last week's).
    std::vector<double> period_balance(n, 0.0), agreed_points(n, 0.0);
    double load_points = 0;
    for (sys_days w = week_start_of(home, from); w <= to; w += days{7}) {
        const tally t = load_in(home, events, week_span(w, true));
        const std::vector<double> agreed = agreed_in(home, w);
        for (std::size_t m = 0; m < n; ++m) {
            period_balance[m] += balance(t, m, agreed);
            agreed_points[m] += agreed[m] * t.all_points;
        }
        load_points += t.all_points;
    }
    std::vector<double> period_agreed = agreed_in(home, week_start_of(home, to));
    if (load_points > 0) {
        for (std::size_t m = 0; m < n; ++m) period_agreed[m] = agreed_points[m] / load_points;
    }

    const tally whole = load_in(home, events, period);
    out["load_hours"] = whole.all_hours;
    out["members"] = json::array();
    for (std::size_t m = 0; m < n; ++m) {
        const std::string& name = home.members[m];
        json member{{"name", name}, {"agreed_share", period_agreed[m]}, {"share", share(whole, m)}, {"points", whole.points[m]},
                    {"hours", whole.hours[m]}, {"balance_hours", period_balance[m]}};
        std::int64_t load_events = 0, load_minutes = 0, night_minutes = 0, wakeups = 0;
        double thinking_points = 0, thinking_hours = 0, protected_hours = 0;
        json by_category = json::object();
        std::vector<span> busy; // all their counted load, whenever it started: for rest
        for (const counted& c : events) {
            if (c.source->member != name) continue;
            if (c.load) busy.push_back({c.start, c.end});
            if (!period.contains(c.start)) continue;
            if (c.what->category == "protected") protected_hours += hours_of(c);
            if (!c.load) continue;
            ++load_events;
            load_minutes += duration_cast<minutes>(c.end - c.start).count();
            night_minutes += c.night_minutes;
            if (c.night_minutes > 0) ++wakeups;
            by_category[c.category] = by_category.value(c.category, 0.0) + c.points;
            if (c.thinking) {
                thinking_points += c.points;
                thinking_hours += hours_of(c);
            }
        }
        member["events"] = load_events;
        member["minutes"] = load_minutes;
        member["night_minutes"] = night_minutes;
        member["wakeups"] = wakeups;
        member["points_by_category"] = by_category;
        member["thinking_points"] = thinking_points;
        member["thinking_hours"] = thinking_hours;
        member["protected_hours"] = protected_hours;

        // Rest: nights of the period that are over by the reference time and
        // end after the household's first entry.
        std::vector<std::int64_t> rests;
        for (sys_days d = from; d <= to; d += days{1}) {
            const span night = night_of(home, zone, d);
            if (night.end > asked.reference || !first_entry || night.end <= *first_entry) continue;
            rests.push_back(longest_free_minutes(night, busy));
        }
        std::sort(rests.begin(), rests.end());
        member["longest_rest_minutes"] = nullptr;
        member["shortest_rest_minutes"] = nullptr;
        if (!rests.empty()) {
            const std::size_t k = rests.size();
            const std::int64_t typical = k % 2 ? rests[k / 2] : (rests[k / 2 - 1] + rests[k / 2]) / 2; // floor: both >= 0
            member["longest_rest_minutes"] = typical;
            member["shortest_rest_minutes"] = rests.front();
        }

        json impact{{"minor", 0}, {"major", 0}, {"missed", 0}};
        std::int64_t moved_count = 0;
        for (const moved& mm : home.moved_list) {
            if (mm.member != name || !period.contains(mm.at)) continue;
            ++moved_count;
            impact[mm.impact] = impact[mm.impact].get<std::int64_t>() + 1;
        }
        member["meetings_moved"] = moved_count;
        member["meetings_moved_by_impact"] = impact;
        json turns = json::object();
        for (const turn& t : home.turns) {
            if (t.member == name && period.contains(t.at)) turns[t.thing] = turns.value(t.thing, 0) + 1;
        }
        member["turns"] = turns;
        std::int64_t received = 0, given = 0;
        for (const thanks& t : home.thanks_list) {
            if (!period.contains(t.at)) continue;
            received += t.to == name;
            given += t.from == name;
        }
        member["thanks_received"] = received;
        member["thanks_given"] = given;
        out["members"].push_back(member);
    }

    // Disputed events of the period, to talk about.
    json talk = json::array();
    for (const event& e : home.events) {
        if (e.status == "active" && e.review == "disputed" && period.contains(e.start)) talk.push_back(e.id);
    }
    out["to_talk_about"] = talk;

    // The trend, from the week of the household's first entry.
    struct judged_week {
        sys_days week;
        tally load;
    };
    std::vector<judged_week> evidence;
    out["trend"] = json::array();
    std::vector<double> running(n, 0.0);
    for (sys_days w : trend_weeks) {
        if (!first_entry || w < week_of_instant(home, zone, *first_entry)) continue;
        const span s = week_span(w, false); // the trend shows whole weeks (docs/fairness.md)
        const tally t = load_in(home, events, s);
        std::vector<double> shares(n), balances(n);
        const std::vector<double> agreed = agreed_in(home, w);
        for (std::size_t m = 0; m < n; ++m) {
            shares[m] = share(t, m);
            balances[m] = balance(t, m, agreed);
            running[m] += balances[m];
        }
        const bool complete = midnight(zone, w + days{7}) <= asked.reference;
        const bool cut = s.begin != midnight(zone, w) || s.end != midnight(zone, w + days{7});
        out["trend"].push_back({{"from", day_text(w)}, {"cut", cut}, {"complete", complete}, {"shares", per_member(home, shares)},
                                {"points", per_member(home, t.points)}, {"hours", per_member(home, t.hours)},
                                {"balance_hours", per_member(home, balances)}, {"balance_running_hours", per_member(home, running)},
                                {"agreed", per_member(home, agreed)}});
        if (cut) out["fragile"].push_back("cut weeks");
    }

    // The weeks that are evidence: from the week of the household's first
    // entry to the trend's last week, each whole, over by the reference time
    // (the week in progress is judged only once it ends) and with load.
    if (first_entry && !trend_weeks.empty()) {
        const sys_days first = week_of_instant(home, zone, *first_entry);
        for (sys_days w = first; w <= trend_weeks.back(); w += days{7}) {
            if (midnight(zone, w + days{7}) > asked.reference) break;
            // A first week the household began partway through is not evidence.
            if (w == first && *first_entry >= midnight(zone, first + days{1})) continue;
            const tally t = load_in(home, events, week_span(w, false));
            if (t.all_points > 0) evidence.push_back({w, t});
        }
    }
    auto near = [](double a, double b) { return std::fabs(a - b) < 1e-9; };
    auto deviation = [&](const judged_week& w, std::size_t m) { return share(w.load, m) - agreed_in(home, w.week)[m]; };
    // sigma from the first `count` evidence weeks: the mean moving range of
    // each member's deviation between consecutive weeks with load, pooled over
    // the members, / 1.128 x (1 + 1/sqrt(n)) with n ranges per member, at least
    // 2 points; none until six weeks with load have been seen.
    auto sigma_from = [&](std::size_t count) -> std::optional<double> {
        if (count < static_cast<std::size_t>(home.learning_weeks)) return std::nullopt;
        const std::size_t ranges = count - 1;
        double sum = 0;
        for (std::size_t m = 0; m < n; ++m) {
            for (std::size_t j = 1; j < count; ++j) sum += std::fabs(deviation(evidence[j], m) - deviation(evidence[j - 1], m));
        }
        const double mean = sum / static_cast<double>(n * ranges);
        const double sigma = mean / 1.128 * (1 + 1 / std::sqrt(static_cast<double>(ranges)));
        return std::max(home.sigma_floor, sigma);
    };

    // Talked about: the chart starts again from the week of the latest talk at
    // or before the reference time that lies before the trend's end.
    std::optional<sys_seconds> latest_talk;
    if (!trend_weeks.empty()) {
        for (sys_seconds t : home.talks) {
            if (t <= asked.reference && t < midnight(zone, trend_weeks.back() + days{7}) && (!latest_talk || t > *latest_talk)) latest_talk = t;
        }
    }
    const sys_days restart = latest_talk ? week_of_instant(home, zone, *latest_talk) : sys_days{}; // from the start: 1970

    // The detector: each evidence week judged, in order, against the sigma of
    // the evidence weeks before it.
    std::vector<cusum> sums;
    for (std::size_t m = 0; m < n; ++m) {
        sums.push_back({m, true});
        sums.push_back({m, false});
    }
    json bands = json::array();
    const std::set<sys_days> in_trend(trend_weeks.begin(), trend_weeks.end());
    std::optional<sys_days> last_judged;
    for (std::size_t i = 0; i < evidence.size(); ++i) {
        const judged_week& w = evidence[i];
        const std::optional<double> sigma = sigma_from(i);
        if (!sigma) continue; // still learning: not judged
        last_judged = w.week;
        if (w.week >= restart) {
            for (cusum& c : sums) {
                const double z = deviation(w, c.member) / *sigma;
                const double next = c.s + (c.above ? z : -z) - home.slack;
                if (near(next, 0) || near(next, home.threshold)) out["fragile"].push_back("drift");
                if (c.s == 0 && next > 0) c.since = w.week;
                c.s = std::max(0.0, next);
                if (c.s == 0) c.alert = false;
                else if (c.s > home.threshold && !c.alert) {
                    c.alert = true;
                    c.detected = w.week;
                }
            }
        }
        // The band: a trend week more than 3 sigma off the agreed share.
        if (!in_trend.count(w.week)) continue;
        for (std::size_t m = 0; m < n; ++m) {
            const double off = std::fabs(deviation(w, m));
            if (near(off, home.band * *sigma)) out["fragile"].push_back("band_alerts");
            if (off > home.band * *sigma) {
                bands.push_back({{"week", day_text(w.week)}, {"member", home.members[m]}, {"share", share(w.load, m)},
                                 {"agreed_share", agreed_in(home, w.week)[m]}});
            }
        }
    }
    out["band_alerts"] = bands;
    // The finding: the largest excess still in alert; on a tie the member above
    // (with two members, one's "above" is the other's "below"), then the first listed.
    const cusum* finding = nullptr;
    for (const cusum& c : sums) {
        if (!c.alert) continue;
        if (!finding || c.s > finding->s + 1e-9 || (near(c.s, finding->s) && c.above && !finding->above)) finding = &c;
    }
    const std::optional<double> sigma_now = sigma_from(evidence.size());
    json drift{{"alert", finding != nullptr}, {"member", nullptr}, {"direction", nullptr}, {"since", nullptr}, {"detected", nullptr}};
    if (finding) {
        // The member's share over the weeks from `since` to the last week judged.
        double mine = 0, all = 0;
        for (const judged_week& w : evidence) {
            if (w.week < finding->since || w.week > *last_judged) continue;
            mine += w.load.points[finding->member];
            all += w.load.all_points;
        }
        drift = {{"alert", true}, {"member", home.members[finding->member]}, {"direction", finding->above ? "above" : "below"},
                 {"since", day_text(finding->since)}, {"detected", day_text(finding->detected)}, {"excess", finding->s},
                 {"share_since", all > 0 ? mine / all : 0.0}};
    }
    drift["learning"] = !sigma_now.has_value();
    drift["weeks_learned"] = evidence.size();
    drift["learning_weeks"] = home.learning_weeks;
    drift["sigma"] = sigma_now ? json(*sigma_now) : json(nullptr);
    drift["slack"] = home.slack;
    drift["threshold"] = home.threshold;
    drift["talked"] = latest_talk ? json{{"from", day_text(restart)}} : json(nullptr);
    out["drift"] = drift;
    return out;
}

json whose_turn(const household& home, const std::string& thing, int last, sys_seconds reference) {
    std::vector<turn> at_thing;
    for (const turn& t : home.turns) {
        if (t.thing == thing) at_thing.push_back(t);
    }
    std::sort(at_thing.begin(), at_thing.end(), [](const turn& a, const turn& b) { return a.at > b.at; });
    if (at_thing.size() > static_cast<std::size_t>(last)) at_thing.resize(static_cast<std::size_t>(last));
    const std::size_t n = home.members.size();
    std::vector<std::int64_t> taken(n, 0);
    std::vector<std::optional<sys_seconds>> latest(n);
    for (const turn& t : at_thing) {
        const std::size_t m = member_index(home, t.member);
        ++taken[m];
        if (!latest[m] || t.at > *latest[m]) latest[m] = t.at;
    }
    // The thing's own split in force this week; none agreed: equal turns (docs/fairness.md, "Turns").
    const std::vector<double> agreed = agreed_in(home, week_of_instant(home, date::locate_zone(home.tz), reference), thing);
    const double total = static_cast<double>(at_thing.size());
    auto share_of = [&](std::size_t m) { return total > 0 ? static_cast<double>(taken[m]) / total : 0.0; };
    // Furthest below the agreed share; then whose last turn is longest ago
    // (never had one: first); then the member listed first.
    std::size_t next = 0;
    for (std::size_t m = 1; m < n; ++m) {
        const double gap = (agreed[m] - share_of(m)) - (agreed[next] - share_of(next));
        if (gap > 1e-9) next = m;
        else if (gap > -1e-9) {
            const bool older = !latest[m] ? latest[next].has_value() : (latest[next] && *latest[m] < *latest[next]);
            if (older) next = m;
        }
    }
    json members = json::array();
    for (std::size_t m = 0; m < n; ++m) {
        members.push_back({{"member", home.members[m]}, {"taken", taken[m]}, {"share", share_of(m)}, {"agreed_share", agreed[m]}});
    }
    return {{"next", home.members[next]}, {"turns", at_thing.size()}, {"members", members}};
}

std::int64_t protected_kept_minutes(const household& home, const std::string& who, sys_seconds reference) {
    const date::time_zone* zone = date::locate_zone(home.tz);
    const sys_days week = week_of_instant(home, zone, reference);
    const span when{midnight(zone, week), midnight(zone, week + days{7})};
    // A member's own protected time other than couple time, or the couple's
    // couple time; an overlap counted once (walk the minutes of the union).
    std::set<std::int64_t> kept;
    for (const counted& c : counted_events(home, zone)) {
        if (c.what->category != "protected" || !when.contains(c.start)) continue;
        const bool couple_time = c.source->kind == "couple-time";
        if (who == "couple" ? !couple_time : (couple_time || c.source->member != who)) continue;
        for (sys_seconds t = c.start; t < c.end; t += minute) kept.insert(t.time_since_epoch().count());
    }
    return static_cast<std::int64_t>(kept.size());
}

} // namespace fairly::model
