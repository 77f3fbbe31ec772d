#pragma once
/// A deliberately naive reference model of the weekly report, written from
/// docs/fairness.md and nothing else: it shares no code with common/ or
/// daemon/, reads only what a user can see (the JSON of events.list,
/// kinds.list, status, night.get, moved.list, thanks.list, and the turns and
/// drift talks the test took), and recomputes every figure by walking minutes
/// and local days.
/// Test-only: slow on purpose, so that it is obviously right.
#include <date/date.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fairly::model {

using json = nlohmann::json;
using std::chrono::sys_seconds;

struct kind {
    std::string category;
    double points = 0, per_hour = 0;
    std::int64_t usual_minutes = 0;
    bool night_applies = false;
};

struct event {
    std::int64_t id = 0;
    std::string member, kind, role, status;
    std::optional<std::string> review; ///< the latest review's verdict
    sys_seconds start;
    std::optional<sys_seconds> end;    ///< none: an instant
};

struct moved { std::string member, impact; sys_seconds at; };
struct thanks { std::string from, to, note; sys_seconds at; };
struct turn { std::string thing, member; sys_seconds at; };

/// An agreed split in force from a household week on (docs/fairness.md, "The agreed split").
struct agreement {
    std::int64_t id = 0;
    std::optional<std::string> thing;    ///< none: the load
    date::sys_days from;                 ///< the first local day of its first week
    std::map<std::string, double> shares; ///< fractions; a member not named: 0
};

struct household {
    std::string tz;
    int week_start = 1;                  ///< 0 = Sunday
    std::vector<std::string> members;    ///< in the household's order
    std::vector<double> agreed;          ///< the first agreement: fractions, same order
    std::vector<agreement> agreements;   ///< agreed later (agree.show's history)
    struct away { std::string member; date::sys_days from, to; }; ///< local dates, both included (away.list)
    std::vector<away> away_list;
    int night_from = 22 * 60, night_to = 6 * 60; ///< minutes of the local day
    double multiplier = 1.5;
    /// The drift detector, in units of the household's own weekly variation (sigma).
    double slack = 0.5, threshold = 4, band = 3;
    int learning_weeks = 6;      ///< weeks with load before there is a sigma
    double sigma_floor = 0.02;   ///< "at least 2 points"
    std::map<std::string, kind> kinds;
    std::vector<event> events;
    std::vector<moved> moved_list;
    std::vector<thanks> thanks_list;
    std::vector<turn> turns;
    std::vector<sys_seconds> talks;      ///< when the household said it talked about the drift (drift.set talked)
};

/// The household as the user sees it: the replies of status, kinds.list,
/// night.get, events.list {since 1970, all}, moved.list and thanks.list.
household read_household(const json& status, const json& kinds, const json& night, const json& events,
                         const json& moved, const json& thanks, std::vector<turn> turns, int week_start,
                         std::vector<sys_seconds> talks = {});

/// Adds what `agree.show` replies (for the load and for each thing) to the household:
/// its first agreement and the agreed ones.
void read_agreements(household& home, const json& shown);

/// Adds away.list's reply to the household.
void read_away(household& home, const json& listed);

/// What a report is asked for.
struct period_request {
    enum class shape { week, last, range } kind = shape::week;
    std::optional<date::sys_days> week_of;   ///< shape::week: the week containing this local date (else the reference's)
    int weeks = 1;                           ///< shape::last
    date::sys_days from{}, to{};             ///< shape::range: local dates, both included
    sys_seconds reference;
};

/// The report's figures, unrounded, in the report's JSON shape. Weeks are
/// named by their first local day ("from"). `fragile` lists findings that sit
/// within rounding noise of a threshold (not comparable), and "cut weeks" when
/// from/to cuts a week (the doc leaves the trend of a cut week open: the model
/// shows the part inside the period, so the weeks add up to the period).
json report(const household& home, const period_request& asked);

/// whose-turn over the last `last` turns at `thing`.
json whose_turn(const household& home, const std::string& thing, int last, sys_seconds reference);

/// Minutes of protected time kept in the week containing `reference`, per goal owner (a member or "couple").
std::int64_t protected_kept_minutes(const household& home, const std::string& who, sys_seconds reference);

/// "2026-11-03T03:10:00Z" or "2026-11-03T03:10:00+01:00".
sys_seconds parse_instant(std::string_view text);

} // namespace fairly::model
