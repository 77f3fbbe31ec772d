// The weekly report: validate the period, read the aggregates (and the raw
// events of partial edge weeks), build one report object as JSON. Renderers
// (text, CSV, Markdown, HTML) live with the CLI and read only this object.
#include "report_service.hpp"

#include "change_log.hpp"

#include "settings_service.hpp"

#include "catalogue.hpp"
#include "fairness.hpp"
#include "night.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "zone.hpp"
#include "catalogue.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

namespace {

constexpr int default_trend_weeks = 8;
constexpr int longest_report_weeks = 52 * 50;

/// The instant local day `day` begins.
sys_seconds day_start(std::int64_t day, const std::string& tz) {
    return local_time_on(sys_days{std::chrono::days{day}}, std::chrono::minutes{0}, tz);
}

struct kind_weights {
    std::string name;
    std::string category;
    double points = 0;
    double per_hour = 0;
    bool night_applies = false;
};

/// Totals of one member (or one member in one week).
struct load_totals {
    double points = 0;
    std::int64_t seconds = 0;         // load categories
    std::int64_t night_seconds = 0;   // load categories
    std::int64_t wakeups = 0;
    std::int64_t events = 0;
    double thinking_points = 0;
    std::int64_t thinking_seconds = 0;
    std::int64_t protected_seconds = 0;
    std::map<std::string, double> category_points; // load category -> points
};

void add_row(load_totals& totals, const kind_weights& kind, bool thinking, std::int64_t events, std::int64_t secs,
             std::int64_t night, std::int64_t wakeups, double multiplier) {
    if (kind.category == "protected") {
        totals.protected_seconds += secs;
        return;
    }
    if (!is_load_category(kind.category)) return; // career costs are reported beside the load, never in it
    const double points =
        event_points(kind.points * static_cast<double>(events), kind.per_hour, kind.night_applies, seconds{secs}, seconds{night}, multiplier);
    totals.points += points;
    totals.seconds += secs;
    totals.night_seconds += night;
    totals.wakeups += wakeups;
    totals.events += events;
    // Thinking work (a role other than did, or a thinking kind) is filed under thinking.
    const bool thinking_work = is_thinking_work(thinking ? "planned" : "did", kind.category);
    totals.category_points[std::string(thinking_work ? "thinking" : kind.category)] += points;
    if (thinking_work) {
        totals.thinking_points += points;
        totals.thinking_seconds += secs;
    }
}

/// Rounds to the given step (0.01, 0.0001) so JSON shows 0.5216, not 0.52160000000000006.
double round_to(double value, double step) {
    const double scale = std::round(1.0 / step);
    return std::round(value * scale) / scale;
}

} // namespace

json report_service::report(const report_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    return build(request, ctx.reference);
}

json report_service::balance(report_request request, const request_context& ctx) {
    record_.require_access(ctx);
    if (!request.last) request.last = "4w";
    return build(request, ctx.reference);
}

json report_service::weekly(std::chrono::sys_seconds reference) { return build(report_request{}, reference); }

json report_service::build(const report_request& asked, const sys_seconds reference) {
    const household_info& house = record_.household();
    record_.book().flush(house.load); // what this round changed counts in the report too
    const std::string& tz = house.tz;
    const std::int64_t this_week = week_day_of(reference, house.load);

    // ---- validate: the period [from_day, to_day) in local days, and the trend weeks
    std::int64_t from_day = this_week, to_day = this_week + 7;
    int trend_weeks = default_trend_weeks;
    const auto& week = asked.week;
    const auto& last = asked.last;
    const auto& from = asked.from;
    const auto& to = asked.to;
    if ((week ? 1 : 0) + (last ? 1 : 0) + (from || to ? 1 : 0) > 1) bad_param("week", "give one of --week, --last or --from/--to");
    auto day_of = [&](const std::string& text, const char* field) {
        return local_date_of(checked_input([&] { return resolve_time(parse_time_expr(text, field), reference, tz, field); }), tz)
            .time_since_epoch()
            .count();
    };
    std::int64_t trend_from = 0, trend_to = 0;
    if (week) {
        from_day = week_day_of(day_start(day_of(*week, "week"), tz), house.load);
        to_day = from_day + 7;
    } else if (last) {
        std::string count = *last;
        if (!count.empty() && (count.back() == 'w' || count.back() == 'W')) count.pop_back();
        if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos || count.size() > 4) {
            bad_param("last", "a number of weeks, e.g. 12w");
        }
        const int weeks = std::stoi(count);
        if (weeks < 1 || weeks > longest_report_weeks) bad_param("last", "from 1w to " + std::to_string(longest_report_weeks) + "w");
        from_day = this_week - 7 * (weeks - 1);
        to_day = this_week + 7;
        trend_from = from_day;
        trend_to = to_day;
    } else if (from || to) {
        if (!from || !to) bad_param(from ? "to" : "from", "give both --from and --to");
        from_day = day_of(*from, "from");
        to_day = day_of(*to, "to") + 1; // --to is the last day, inclusive
        if (to_day <= from_day) bad_param("to", "the end " + date_text(to_day - 1) + " is before the start " + date_text(from_day));
        if (to_day - from_day > 7 * longest_report_weeks) bad_param("to", "a report covers at most 50 years");
        trend_from = week_day_of(day_start(from_day, tz), house.load);
        trend_to = week_day_of(day_start(to_day - 1, tz), house.load) + 7;
    }
    if (trend_to == 0) {
        if (const auto weeks = asked.trend_weeks) {
            if (*weeks < 0 || *weeks > longest_report_weeks) bad_param("trend_weeks", "0 to " + std::to_string(longest_report_weeks));
            trend_weeks = static_cast<int>(*weeks);
        }
        trend_from = from_day - 7 * trend_weeks;
        trend_to = to_day;
    }

    // ---- query: members, weights, and the load by week
    const std::vector<member_entry> members = record_.names().members;
    // The agreement in force in each household week (docs/fairness.md, "The agreed split").
    std::map<std::int64_t, std::vector<double>> agreed_cache;
    auto agreed_in_week = [&](std::int64_t week_day) -> const std::vector<double>& {
        auto found = agreed_cache.find(week_day);
        if (found == agreed_cache.end()) found = agreed_cache.emplace(week_day, record_.agreed_shares(week_day)).first;
        return found->second;
    };
    std::map<std::int64_t, std::size_t> member_index;
    for (std::size_t i = 0; i < members.size(); ++i) member_index[members[i].id] = i;
    // The household's first entry: the trend, the detector and rest start there.
    std::optional<std::int64_t> first_entry;
    {
        store::statement_use query(record_.db().cached("SELECT min(start_utc) FROM counted_event WHERE is_load"));
        if (query->step() && !query->is_null(0)) first_entry = query->int64(0);
    }
    const std::optional<std::int64_t> first_week =
        first_entry ? std::optional<std::int64_t>(week_day_of(sys_seconds{seconds{*first_entry}}, house.load)) : std::nullopt;
    std::map<std::int64_t, kind_weights> weights;
    {
        store::statement_use query(record_.db().cached("SELECT id, name, category, points, points_per_hour, night_applies FROM kind"));
        while (query->step()) {
            weights[query->int64(0)] = {query->text(1), query->text(2), query->real(3), query->real(4), query->int64(5) != 0};
        }
    }
    const double multiplier = house.load.night.multiplier;

    // The trend starts at the week of the first entry, not before the household existed.
    if (first_week) trend_from = std::max(trend_from, std::min(*first_week, trend_to));
    else trend_from = trend_to;
    // The detector reads the household's whole history, from its first entry.
    const std::int64_t read_from = std::min({trend_from, week_day_of(day_start(from_day, tz), house.load), first_week.value_or(trend_from)});
    const std::int64_t read_to = std::max(trend_to, week_day_of(day_start(to_day - 1, tz), house.load) + 7);
    // week -> per member totals, from the aggregates
    std::map<std::int64_t, std::vector<load_totals>> by_week;
    {
        store::statement_use query(record_.db().cached(
            "SELECT week_day, member_id, kind_id, thinking, events, seconds, night_seconds, wakeups FROM load_week "
            "WHERE week_day >= ? AND week_day < ?"));
        query->bind(1, read_from).bind(2, read_to);
        while (query->step()) {
            auto& week_totals = by_week[query->int64(0)];
            week_totals.resize(members.size());
            add_row(week_totals[member_index[query->int64(1)]], weights[query->int64(2)], query->int64(3) != 0, query->int64(4),
                    query->int64(5), query->int64(6), query->int64(7), multiplier);
        }
    }

    // The period: whole weeks from the aggregates; the part of a week cut by
    // --from or --to from its events (an event belongs where it starts).
    std::vector<load_totals> period(members.size());
    // The balance of the period is the sum of its weeks' (docs/fairness.md):
    // each whole week, and the part of a week the period cuts.
    std::vector<double> period_balance(members.size(), 0.0);
    // The period's agreed share: its weeks' agreements weighted by their load.
    std::vector<double> agreed_points(members.size(), 0.0);
    double period_points = 0;
    std::vector<std::int64_t> period_agreements; // ids (0: the first agreement) in force in the period's weeks, in order
    auto add_balance = [&](const std::vector<load_totals>& week, std::int64_t week_day) {
        const std::vector<double>& agreed = agreed_in_week(week_day);
        std::vector<double> week_points(members.size());
        std::int64_t week_seconds = 0;
        double total = 0;
        for (std::size_t m = 0; m < members.size(); ++m) {
            week_points[m] = week[m].points;
            week_seconds += week[m].seconds;
            total += week[m].points;
        }
        const std::vector<double> hours = balance_hours(week_points, agreed, static_cast<double>(week_seconds) / 3600.0);
        for (std::size_t m = 0; m < members.size(); ++m) {
            period_balance[m] += hours[m];
            agreed_points[m] += agreed[m] * total;
        }
        period_points += total;
    };
    auto merge = [](load_totals& into, const load_totals& add) {
        into.points += add.points;
        into.seconds += add.seconds;
        into.night_seconds += add.night_seconds;
        into.wakeups += add.wakeups;
        into.events += add.events;
        into.thinking_points += add.thinking_points;
        into.thinking_seconds += add.thinking_seconds;
        into.protected_seconds += add.protected_seconds;
        for (const auto& [category, points] : add.category_points) into.category_points[category] += points;
    };
    const sys_seconds period_start = day_start(from_day, tz), period_end = day_start(to_day, tz);
    for (std::int64_t w = week_day_of(period_start, house.load); w < to_day; w += 7) {
        const agreement_entry* in_force = record_.agreement_in_force(w);
        const std::int64_t agreement_id = in_force ? in_force->id : 0;
        if (period_agreements.empty() || period_agreements.back() != agreement_id) period_agreements.push_back(agreement_id);
        if (w >= from_day && w + 7 <= to_day) {
            if (auto found = by_week.find(w); found != by_week.end()) {
                for (std::size_t m = 0; m < members.size(); ++m) merge(period[m], found->second[m]);
                add_balance(found->second, w);
            }
            continue;
        }
        std::vector<load_totals> part(members.size());
        const sys_seconds cut_from = std::max(period_start, day_start(w, tz)), cut_to = std::min(period_end, day_start(w + 7, tz));
        store::statement_use query(record_.db().cached(
            "SELECT member_id, kind_id, role_thinking, start_utc, end_utc FROM counted_event WHERE start_utc >= ? AND start_utc < ?"));
        query->bind(1, cut_from.time_since_epoch().count()).bind(2, cut_to.time_since_epoch().count());
        while (query->step()) {
            const std::int64_t start = query->int64(3), end = query->int64(4);
            const std::int64_t night = night_seconds(sys_seconds{seconds{start}}, sys_seconds{seconds{end}}, house.load.night, tz).count();
            const kind_weights& kind = weights[query->int64(1)];
            add_row(part[member_index[query->int64(0)]], kind, query->int64(2) != 0, 1, end - start, night,
                    is_wake_up(is_load_category(kind.category), seconds{night}) ? 1 : 0, multiplier);
        }
        for (std::size_t m = 0; m < members.size(); ++m) merge(period[m], part[m]);
        add_balance(part, w);
    }
    const std::int64_t last_week = week_day_of(day_start(to_day - 1, tz), house.load);
    std::vector<double> period_agreed = agreed_in_week(last_week);
    if (period_points > 0) {
        for (std::size_t m = 0; m < members.size(); ++m) period_agreed[m] = agreed_points[m] / period_points;
    }

    // Rest: for each night of the period, each member's longest undisturbed
    // stretch of the night window (a night without load is whole).
    std::vector<std::vector<seconds>> rest(members.size());
    {
        std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> disturbed;
        store::statement_use query(record_.db().cached("SELECT night_day, member_id, longest_seconds FROM rest_night WHERE night_day >= ? AND night_day < ?"));
        query->bind(1, from_day).bind(2, to_day);
        while (query->step()) disturbed[{query->int64(0), query->int64(1)}] = query->int64(2);
        const auto nights = night_intervals(period_start, period_end, house.load.night, tz);
        for (const night_interval& night : nights) {
            const std::int64_t day = local_date_of(night.begin, tz).time_since_epoch().count();
            if (day < from_day || day >= to_day) continue;
            // Only nights that are over, and not before the household's first entry.
            if (night.end > reference || !first_entry || night.end.time_since_epoch().count() <= *first_entry) continue;
            const std::int64_t whole = (night.end - night.begin).count();
            for (std::size_t m = 0; m < members.size(); ++m) {
                auto found = disturbed.find({day, members[m].id});
                rest[m].push_back(seconds{found == disturbed.end() ? whole : found->second});
            }
        }
    }

    // Meetings moved, turns, thanks, disputes in the period.
    const std::int64_t from_utc = period_start.time_since_epoch().count(), to_utc = period_end.time_since_epoch().count();
    std::vector<json> moved(members.size(), json::array());
    {
        store::statement_use query(record_.db().cached(
            "SELECT mm.member_id, mm.what, k.name, mm.impact, mm.at_utc FROM meeting_moved mm LEFT JOIN kind k ON k.id = mm.for_kind_id "
            "WHERE mm.at_utc >= ? AND mm.at_utc < ? ORDER BY mm.at_utc"));
        query->bind(1, from_utc).bind(2, to_utc);
        while (query->step()) {
            moved[member_index[query->int64(0)]].push_back(
                {{"what", query->text(1)}, {"for", query->optional_text(2) ? json(*query->optional_text(2)) : json(nullptr)},
                 {"impact", query->text(3)}, {"at", format_local_iso(sys_seconds{seconds{query->int64(4)}}, tz)}});
        }
    }
    std::vector<json> turns(members.size(), json::object());
    {
        store::statement_use query(record_.db().cached(
            "SELECT member_id, thing, count(*) FROM turn WHERE at_utc >= ? AND at_utc < ? GROUP BY member_id, thing ORDER BY thing"));
        query->bind(1, from_utc).bind(2, to_utc);
        while (query->step()) turns[member_index[query->int64(0)]][query->text(1)] = query->int64(2);
    }
    std::vector<std::int64_t> thanks_given(members.size()), thanks_received(members.size());
    std::vector<json> thanks_notes(members.size(), json::array());
    {
        store::statement_use query(record_.db().cached(
            "SELECT t.from_member_id, t.to_member_id, f.name, t.note, t.at_utc FROM thanks t JOIN member f ON f.id = t.from_member_id "
            "WHERE t.at_utc >= ? AND t.at_utc < ? ORDER BY t.at_utc DESC, t.id DESC"));
        query->bind(1, from_utc).bind(2, to_utc);
        while (query->step()) {
            ++thanks_given[member_index[query->int64(0)]];
            const std::size_t to_member = member_index[query->int64(1)];
            ++thanks_received[to_member];
            if (thanks_notes[to_member].size() < 3) {
                thanks_notes[to_member].push_back({{"from", query->text(2)}, {"note", query->text(3)},
                                                    {"at", format_local_iso(sys_seconds{seconds{query->int64(4)}}, tz)}});
            }
        }
    }
    json to_talk_about = json::array();
    {
        store::statement_use query(record_.db().cached(
            std::string(event_columns) +
            // From the (few) reviews, not from every event of a long period.
            "WHERE e.id IN (SELECT id FROM disputed_event) AND e.start_utc >= ?1 AND e.start_utc < ?2 ORDER BY e.start_utc"));
        query->bind(1, from_utc).bind(2, to_utc);
        while (query->step()) {
            to_talk_about.push_back(event_json(event_from_row(*query), tz));
        }
    }

    // Time away in the period (docs/fairness.md, "Away"): days per member, and why.
    std::vector<std::int64_t> away_days(members.size(), 0);
    std::vector<json> away_notes(members.size(), json::array());
    {
        store::statement_use query(record_.db().cached(
            "SELECT member_id, max(from_day, ?1), min(to_day, ?2 - 1), note FROM away WHERE from_day < ?2 AND to_day >= ?1 ORDER BY from_day"));
        query->bind(1, from_day).bind(2, to_day);
        std::vector<std::set<std::int64_t>> days(members.size());
        while (query->step()) {
            const std::size_t m = member_index[query->int64(0)];
            for (std::int64_t d = query->int64(1); d <= query->int64(2); ++d) days[m].insert(d);
            if (!query->text(3).empty()) away_notes[m].push_back(query->text(3));
        }
        for (std::size_t m = 0; m < members.size(); ++m) away_days[m] = static_cast<std::int64_t>(days[m].size());
    }

    // Each member's guess of their own share, shown once its week is over (a guess is private until then).
    std::map<std::pair<std::int64_t, std::size_t>, std::pair<double, std::optional<double>>> guesses; // (week, member) -> share, night
    {
        store::statement_use query(record_.db().cached("SELECT week_day, member_id, share, night_share FROM guess WHERE week_day >= ? AND week_day < ?"));
        query->bind(1, std::min(trend_from, from_day - 6)).bind(2, std::max(trend_to, to_day));
        while (query->step()) {
            const std::int64_t week = query->int64(0);
            if (day_start(week + 7, tz) > reference) continue; // the week is not over
            guesses[{week, member_index[query->int64(1)]}] = {query->real(2), query->optional_real(3)};
        }
    }
    const std::int64_t period_week = week_day_of(period_start, house.load);
    const bool one_week = period_week == from_day && to_day - from_day == 7;

    // ---- build: members, trend, drift
    std::vector<double> points(members.size());
    std::int64_t load_seconds = 0;
    for (std::size_t m = 0; m < members.size(); ++m) {
        points[m] = period[m].points;
        load_seconds += period[m].seconds;
    }
    const std::vector<double> shares = shares_of(points);
    const std::vector<double>& balance = period_balance;
    json member_rows = json::array();
    std::int64_t night_total = 0;
    for (const load_totals& t : period) night_total += t.night_seconds;
    for (std::size_t m = 0; m < members.size(); ++m) {
        const load_totals& t = period[m];
        const rest_summary nights = summarize_rest(rest[m]);
        json categories = json::object();
        for (const auto& [category, category_points] : t.category_points) categories[category] = round_to(category_points, 0.01);
        json moved_by_impact{{"minor", 0}, {"major", 0}, {"missed", 0}};
        for (const json& item : moved[m]) moved_by_impact[item["impact"].get<std::string>()] = moved_by_impact[item["impact"].get<std::string>()].get<int>() + 1;
        member_rows.push_back({
            {"name", members[m].name},
            {"share", round_to(shares[m], 0.0001)},
            {"agreed_share", round_to(period_agreed[m], 0.0001)},
            {"points", round_to(t.points, 0.01)},
            {"hours", round_to(static_cast<double>(t.seconds) / 3600.0, 0.01)},
            {"minutes", t.seconds / 60},
            {"events", t.events},
            {"balance_hours", round_to(balance[m], 0.01)},
            {"points_by_category", std::move(categories)},
            {"night_minutes", t.night_seconds / 60},
            {"wakeups", t.wakeups},
            {"longest_rest_minutes", nights.typical ? json(nights.typical->count() / 60) : json(nullptr)},
            {"shortest_rest_minutes", nights.shortest ? json(nights.shortest->count() / 60) : json(nullptr)},
            {"nights", rest[m].size()},
            {"thinking_points", round_to(t.thinking_points, 0.01)},
            {"thinking_hours", round_to(static_cast<double>(t.thinking_seconds) / 3600.0, 0.01)},
            {"protected_hours", round_to(static_cast<double>(t.protected_seconds) / 3600.0, 0.01)},
            {"meetings_moved", moved[m].size()},
            {"meetings_moved_by_impact", std::move(moved_by_impact)},
            {"meetings_moved_list", std::move(moved[m])},
            {"turns", std::move(turns[m])},
            {"thanks_given", thanks_given[m]},
            {"thanks_received", thanks_received[m]},
            {"thanks_notes", std::move(thanks_notes[m])},
            {"away_days", away_days[m]},
            {"night_share", night_total > 0 ? json(round_to(static_cast<double>(t.night_seconds) / static_cast<double>(night_total), 0.0001)) : json(nullptr)},
            {"guess", one_week && guesses.count({period_week, m}) ? json(round_to(guesses[{period_week, m}].first, 0.0001)) : json(nullptr)},
            {"night_guess", one_week && guesses.count({period_week, m}) && guesses[{period_week, m}].second
                                ? json(round_to(*guesses[{period_week, m}].second, 0.0001))
                                : json(nullptr)},
            {"away_notes", std::move(away_notes[m])},
        });
    }

    json trend = json::array();
    std::vector<double> running(members.size(), 0.0);
    for (std::int64_t w = trend_from; w < trend_to; w += 7) {
        week_points entry{household_week::starting(w).label(), std::vector<double>(members.size(), 0.0)};
        std::int64_t week_seconds = 0;
        std::vector<std::int64_t> member_seconds(members.size(), 0);
        if (auto found = by_week.find(w); found != by_week.end()) {
            for (std::size_t m = 0; m < members.size(); ++m) {
                entry.points[m] = found->second[m].points;
                member_seconds[m] = found->second[m].seconds;
                week_seconds += found->second[m].seconds;
            }
        }
        const std::vector<double> week_shares = shares_of(entry.points);
        const std::vector<double>& week_agreed = agreed_in_week(w);
        const std::vector<double> week_balance = balance_hours(entry.points, week_agreed, static_cast<double>(week_seconds) / 3600.0);
        json shares_json = json::object(), points_json = json::object(), balance_json = json::object(), hours_json = json::object();
        json running_json = json::object(), agreed_json = json::object(), guess_json = json::object();
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (auto found = guesses.find({w, m}); found != guesses.end()) guess_json[members[m].name] = round_to(found->second.first, 0.0001);
            agreed_json[members[m].name] = round_to(week_agreed[m], 0.0001);
            running[m] += week_balance[m];
            running_json[members[m].name] = round_to(running[m], 0.01);
            shares_json[members[m].name] = round_to(week_shares[m], 0.0001);
            points_json[members[m].name] = round_to(entry.points[m], 0.01);
            balance_json[members[m].name] = round_to(week_balance[m], 0.01);
            hours_json[members[m].name] = round_to(static_cast<double>(member_seconds[m]) / 3600.0, 0.01);
        }
        const bool complete = day_start(w + 7, tz) <= reference;
        trend.push_back({{"week", entry.week}, {"from", date_text(w)}, {"complete", complete}, {"shares", std::move(shares_json)},
                         {"agreed", std::move(agreed_json)}, {"guesses", std::move(guess_json)},
                         {"points", std::move(points_json)}, {"hours", std::move(hours_json)}, {"balance_hours", std::move(balance_json)},
                         {"balance_running_hours", std::move(running_json)}});
    }

    // The detector: every week of the history that is over, from the first
    // entry to the trend's last week, each judged against the household's
    // variation known before it; after a talk about an alert, the chart starts
    // again from that week.
    std::vector<week_points> history;
    std::vector<std::int64_t> history_days;
    if (first_week) {
        // A first week begun partway through is shown in the trend but is not
        // evidence: a few days are not a week's share (docs/fairness.md).
        const bool partial = local_date_of(sys_seconds{seconds{*first_entry}}, tz).time_since_epoch().count() > *first_week;
        for (std::int64_t w = *first_week + (partial ? 7 : 0); w < trend_to && day_start(w + 7, tz) <= reference; w += 7) {
            week_points entry{household_week::starting(w).label(), std::vector<double>(members.size(), 0.0), agreed_in_week(w)};
            if (auto found = by_week.find(w); found != by_week.end()) {
                for (std::size_t m = 0; m < members.size(); ++m) entry.points[m] = found->second[m].points;
            }
            history.push_back(std::move(entry));
            history_days.push_back(w);
        }
    }
    json talked = nullptr;
    std::size_t restart = 0;
    {
        store::statement_use query(record_.db().cached(
            "SELECT t.at_utc, t.note, coalesce(m.name, 'uid ' || t.uid) FROM drift_talk t LEFT JOIN member m ON m.id = t.member_id "
            "WHERE t.at_utc <= ?1 AND t.at_utc < ?2 ORDER BY t.at_utc DESC, t.id DESC LIMIT 1"));
        // A talk counts once it has happened, and only for reports whose weeks it falls in or follows.
        query->bind(1, reference.time_since_epoch().count()).bind(2, day_start(trend_to, tz).time_since_epoch().count());
        if (query->step()) {
            const sys_seconds at{seconds{query->int64(0)}};
            const std::int64_t week = week_day_of(at, house.load);
            talked = {{"at", format_local_iso(at, tz)}, {"week", household_week::starting(week).label()}, {"week_from", date_text(week)},
                      {"note", query->text(1)}, {"by", query->text(2)}};
            while (restart < history_days.size() && history_days[restart] < week) ++restart;
        }
    }
    const std::vector<double>& agreed = agreed_in_week(last_week); // each history week carries its own; this is the fallback
    const drift_finding drift = detect_drift(history, agreed, house.drift, std::nullopt, restart);
    // The member's share over the weeks the drift has lasted: the figure the sentence gives.
    json share_since = nullptr, since_from = nullptr, detected_from = nullptr;
    std::int64_t weeks_since = 0;
    for (std::size_t w = 0; w < history.size() && drift.alert; ++w) {
        if (history[w].week == drift.since) since_from = date_text(history_days[w]);
        if (history[w].week == drift.detected) detected_from = date_text(history_days[w]);
    }
    if (drift.alert && drift.member) {
        double mine = 0, all = 0;
        bool counting = false;
        for (std::size_t w = restart; w < history.size(); ++w) {
            const week_points& week = history[w];
            if (week.week == drift.since) counting = true;
            if (!counting) continue;
            double total = 0;
            for (double p : week.points) total += p;
            if (total <= 0) continue;
            mine += week.points[*drift.member];
            all += total;
            ++weeks_since;
        }
        if (all > 0) share_since = round_to(mine / all, 0.0001);
    }
    // The band: a trend week far off the agreed share, measured against the variation known before it.
    json bands = json::array();
    for (std::size_t w = 0; w < history.size(); ++w) {
        if (history_days[w] < trend_from) continue;
        const std::vector<week_points> before(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(w));
        const std::optional<double> known = estimate_sigma(before, agreed, house.drift);
        if (!known) continue;
        for (const band_finding& band : band_alerts({history[w]}, agreed, house.drift, *known)) {
            bands.push_back({{"week", band.week}, {"from", date_text(history_days[w])}, {"member", members[band.member].name},
                             {"share", round_to(band.share, 0.0001)},
                             {"agreed_share", round_to(band.agreed, 0.0001)}});
        }
    }

    json weights_note = nullptr;
    {
        static const std::string last_reweighing = std::string(change_columns) + "WHERE c.subject IN " +
                                                   change_subjects_sql(&change_subject::reweighs_history) + " ORDER BY c.id DESC LIMIT 1";
        store::statement_use query(record_.db().cached(last_reweighing));
        if (query->step()) {
            const json change = change_json(*query, tz, record_);
            weights_note = {{"name", change["name"]},
                            {"by", change["by"].is_string() ? change["by"] : json("uid " + std::to_string(change["by_uid"].get<std::int64_t>()))},
                            {"at", change["at"]}};
            if (change.contains("accepted_by")) {
                weights_note["proposed_by"] = change["proposed_by"].is_string()
                                                  ? change["proposed_by"]
                                                  : json("uid " + std::to_string(change["proposed_by_uid"].get<std::int64_t>()));
                weights_note["accepted_by"] = change["accepted_by"];
            }
        }
    }

    // What changed in the household's settings during the period, once a
    // change, when it came into force (`fairly changes` has them all, with
    // the proposals).
    json changes = json::array();
    {
        store::statement_use query(record_.db().cached(std::string(change_columns) +
                                                       "WHERE c.changed_at >= ? AND c.changed_at < ? ORDER BY c.changed_at, c.id"));
        query->bind(1, from_utc).bind(2, to_utc);
        while (query->step()) {
            json change = change_json(*query, tz, record_);
            if (change["in_force"].get<bool>()) changes.push_back(std::move(change));
        }
    }

    // The agreements in force over the period: more than one when the split changed in it.
    json agreements = json::array();
    for (const std::int64_t id : period_agreements) {
        json shares = json::object();
        const agreement_entry* found = nullptr;
        for (const agreement_entry& agreement : record_.names().agreements) {
            if (agreement.id == id) found = &agreement;
        }
        for (const member_entry& member : members) {
            double share = member.agreed_share;
            if (found) share = found->shares.count(member.id) ? found->shares.at(member.id) : 0.0;
            shares[member.name] = round_to(share, 0.0001);
        }
        agreements.push_back({{"from", found ? json(date_text(found->from_day)) : json(nullptr)}, {"shares", std::move(shares)}});
    }

    return json{
        {"period", {{"from", date_text(from_day)}, {"to", date_text(to_day - 1)}, {"tz", tz}, {"days", to_day - from_day},
                    {"agreements", std::move(agreements)}, {"changes", std::move(changes)},
                    {"week", from_day == week_day_of(period_start, house.load) && to_day - from_day == 7 ? json(household_week::starting(from_day).label()) : json(nullptr)}}},
        {"generated_at", format_local_iso(reference, tz)},
        {"members", std::move(member_rows)},
        {"load_hours", round_to(static_cast<double>(load_seconds) / 3600.0, 0.01)},
        {"trend", std::move(trend)},
        {"drift", {{"alert", drift.alert},
                   {"member", drift.member ? json(members[*drift.member].name) : json(nullptr)},
                   {"direction", drift.alert ? json(drift.direction) : json(nullptr)},
                   {"since", drift.alert ? json(drift.since) : json(nullptr)},
                   {"detected", drift.alert ? json(drift.detected) : json(nullptr)},
                   {"since_from", since_from},
                   {"detected_from", detected_from},
                   {"excess", round_to(drift.excess, 0.0001)},
                   {"share_since", share_since},
                   {"weeks_since", weeks_since},
                   {"learning", drift.learning},
                   {"weeks_learned", drift.weeks_with_load},
                   {"learning_weeks", house.drift.learning_weeks},
                   {"sigma", drift.learning ? json(nullptr) : json(round_to(drift.sigma, 0.0001))},
                   {"slack", house.drift.slack},
                   {"threshold", house.drift.threshold},
                   {"band", house.drift.band},
                   {"talked", std::move(talked)}}},
        {"band_alerts", std::move(bands)},
        {"to_talk_about", std::move(to_talk_about)},
        {"night", {{"from", clock_text(house.load.night.start.count())},
                   {"to", clock_text(house.load.night.end.count())},
                   {"multiplier", multiplier}}},
        {"weights", {{"in_force", "now"}, {"last_change", std::move(weights_note)}}},
    };
}

json report_service::drift_set(const drift_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& before = record_.household();
    const double old_slack = before.drift.slack, old_threshold = before.drift.threshold;
    const auto& slack = request.slack;
    const auto& threshold = request.threshold;
    if (slack || threshold) {
        record_.set_drift(slack, threshold);
        const household_info& after = record_.household();
        if (after.drift.slack != old_slack || after.drift.threshold != old_threshold) {
            record_.log_change("drift", "settings", json{{"slack", old_slack}, {"threshold", old_threshold}},
                               json{{"slack", after.drift.slack}, {"threshold", after.drift.threshold}}, ctx);
        }
    }
    if (request.talked) {
        const json now = build(report_request{}, ctx.reference);
        if (!now["drift"].value("alert", false)) {
            throw rpc_error(error_code::conflict, "there is no drift alert this week to have talked about; `fairly report` shows the weeks");
        }
        const std::string& note = request.note;
        record_.insert_talk(ctx.reference.time_since_epoch().count(), note, household_record::logger(ctx, std::nullopt), ctx.who.uid,
                            record_.now_utc());
        record_.log_change("drift", "talked", nullptr,
                           json{{"at", format_local_iso(ctx.reference, record_.household().tz)}, {"alert", now["drift"]}, {"note", note}},
                           ctx);
    }
    const household_info& house = record_.household();
    const json weekly = build(report_request{}, ctx.reference);
    const json& drift = weekly["drift"];
    json result{{"slack", house.drift.slack},
                {"threshold", house.drift.threshold},
                {"band", house.drift.band},
                {"sigma", drift["sigma"]},
                {"learning", drift["learning"]},
                {"weeks_learned", drift["weeks_learned"]},
                {"learning_weeks", drift["learning_weeks"]},
                {"alert", drift["alert"]},
                {"talked", drift["talked"]},
                // What the settings mean: the average weeks between false alerts
                // in a steady household, and to find a steady change of 5 points.
                {"weeks_between_false_alerts", round_to(cusum_run_length(house.drift.slack, house.drift.threshold, 0), 1)}};
    if (drift["sigma"].is_number()) {
        const double sigma = drift["sigma"].get<double>();
        result["weeks_to_find_5_points"] = round_to(cusum_run_length(house.drift.slack, house.drift.threshold, 0.05 / sigma), 0.1);
    } else {
        result["weeks_to_find_5_points"] = nullptr;
    }
    return result;
}

} // namespace fairly::daemon
