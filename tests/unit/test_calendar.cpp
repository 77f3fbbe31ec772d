#include "calendar.hpp"
#include "errors.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

// Every instant below is fixed; nothing reads the clock or the machine's zone.
//
// Europe/London, autumn 2026: a "sat 09:00" slot agreed on Tue 2026-10-20.
//
//   local date  Tue 20  ...  Sat 24 | Sun 25 ...  Sat 31
//   ------------+-------------------+---------------------------
//   slot                09:00 BST   |             09:00 GMT
//   UTC                 08:00Z      |             09:00Z
//               <-- BST, +01:00 --> | <-- GMT, +00:00 -->
//                                   ^ 01:00Z: clocks go back
//
// The export writes wall time, DTSTART;TZID=Europe/London:20261024T090000,
// and the VTIMEZONE's rules carry the offsets; tests/ics_check.py expands the
// recurrence with an independent parser and checks 09:00 local on both sides.

using fairly::daemon::protected_slot;
using fairly::daemon::slots_to_ics;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view london = "Europe/London";
constexpr std::string_view household = "smith.fairly";

/// 2026-10-20 (a Tuesday) at `time`, UTC.
sys_seconds tue_20(seconds time = 12h) { return sys_days{2026y / 10 / 20} + time; }

const sys_seconds export_time = sys_days{2026y / 11 / 2} + 7h + 15min + 30s;

protected_slot slot(std::int64_t id, std::string owner, std::string label, unsigned weekday, minutes start,
                    seconds length, sys_seconds created = tue_20()) {
    protected_slot s;
    s.id = id;
    s.owner = std::move(owner);
    s.label = std::move(label);
    s.weekday = weekday;
    s.start = start;
    s.length = length;
    s.created = created;
    return s;
}

protected_slot long_run() { return slot(1, "sam", "long run", 6, 9h, 2h); }
protected_slot walk() { return slot(2, "couple", "walk, no phones", 3, 20h + 30min, 45min); }

std::string export_one(const protected_slot& s, sys_seconds now = export_time) {
    return slots_to_ics({s}, london, household, now);
}

/// The physical lines, each without its CRLF; fails the test if the text
/// has a CR or LF that is not part of a CRLF, or does not end with one.
std::vector<std::string> physical_lines(const std::string& ics) {
    std::vector<std::string> lines;
    std::size_t from = 0;
    while (from < ics.size()) {
        const std::size_t crlf = ics.find("\r\n", from);
        REQUIRE(crlf != std::string::npos);
        std::string line = ics.substr(from, crlf - from);
        REQUIRE(line.find_first_of("\r\n") == std::string::npos);
        lines.push_back(std::move(line));
        from = crlf + 2;
    }
    return lines;
}

/// The content lines: folded lines joined again (RFC 5545 3.1: a CRLF
/// followed by one space or tab is removed).
std::vector<std::string> content_lines(const std::string& ics) {
    std::vector<std::string> lines;
    for (std::string& line : physical_lines(ics)) {
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            REQUIRE_FALSE(lines.empty());
            lines.back() += line.substr(1);
        } else {
            lines.push_back(std::move(line));
        }
    }
    return lines;
}

/// The content lines whose name (before ':' or ';') is `name`.
std::vector<std::string> named(const std::vector<std::string>& lines, std::string_view name) {
    std::vector<std::string> found;
    for (const std::string& line : lines) {
        const std::size_t end = line.find_first_of(":;");
        if (line.substr(0, end) == name) found.push_back(line);
    }
    return found;
}

std::vector<std::string> named(const std::string& ics, std::string_view name) {
    return named(content_lines(ics), name);
}

/// The content lines inside the VEVENTs, which the VTIMEZONE's DTSTART and
/// RRULE lines would otherwise be mistaken for.
std::vector<std::string> event_lines(const std::string& ics) {
    std::vector<std::string> lines;
    bool inside = false;
    for (const std::string& line : content_lines(ics)) {
        if (line == "BEGIN:VEVENT") inside = true;
        if (inside) lines.push_back(line);
        if (line == "END:VEVENT") inside = false;
    }
    return lines;
}

/// The one line named `name` in the calendar's one VEVENT (or, for calendar
/// and time zone properties, in the whole calendar); fails the test unless
/// there is exactly one.
std::string the(const std::string& ics, std::string_view name) {
    std::vector<std::string> found = named(event_lines(ics), name);
    if (found.empty()) found = named(ics, name);
    REQUIRE(found.size() == 1);
    return found.front();
}

/// The lines of the component that begins at the `nth` (from 0) "BEGIN:<name>".
std::vector<std::string> component(const std::string& ics, std::string_view name, std::size_t nth = 0) {
    const std::string begin = "BEGIN:" + std::string{name}, end = "END:" + std::string{name};
    std::vector<std::string> lines;
    std::size_t seen = 0;
    bool inside = false;
    for (const std::string& line : content_lines(ics)) {
        if (!inside && line == begin && seen++ == nth) inside = true;
        if (inside) lines.push_back(line);
        if (inside && line == end) break;
    }
    return lines;
}

bool has(const std::vector<std::string>& lines, std::string_view line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

/// True when `text` is valid UTF-8 on its own (no sequence cut at either end).
bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        }
        i += length;
    }
    return true;
}

std::string repeated(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

} // namespace

TEST_CASE("slots_to_ics writes one VCALENDAR with the household's VTIMEZONE and one VEVENT per slot", "[calendar]") {
    const std::string ics = slots_to_ics({long_run(), walk(), slot(3, "alex", "swim", 0, 7h, 1h)}, london, household,
                                         export_time);
    const std::vector<std::string> lines = content_lines(ics);

    // BEGIN and END pair up and nest, inside one VCALENDAR.
    std::vector<std::string> open;
    std::size_t events = 0, zones = 0;
    for (const std::string& line : lines) {
        if (line.rfind("BEGIN:", 0) == 0) {
            if (open.empty()) CHECK(line == "BEGIN:VCALENDAR");
            open.push_back(line.substr(6));
            events += line == "BEGIN:VEVENT";
            zones += line == "BEGIN:VTIMEZONE";
        } else if (line.rfind("END:", 0) == 0) {
            REQUIRE_FALSE(open.empty());
            CHECK(line.substr(4) == open.back());
            open.pop_back();
        } else {
            CHECK_FALSE(open.empty()); // no property outside the calendar
        }
    }
    CHECK(open.empty());
    CHECK(lines.front() == "BEGIN:VCALENDAR");
    CHECK(lines.back() == "END:VCALENDAR");
    CHECK(events == 3);
    CHECK(zones == 1);

    CHECK(the(ics, "VERSION") == "VERSION:2.0");
    CHECK(the(ics, "PRODID") == "PRODID:-//fairly//protected time//EN");
    CHECK(the(ics, "CALSCALE") == "CALSCALE:GREGORIAN");
    CHECK(the(ics, "TZID") == "TZID:Europe/London");
    const std::vector<std::string> starts = named(event_lines(ics), "DTSTART");
    CHECK(starts.size() == 3);
    for (const std::string& start : starts) CHECK(start.rfind("DTSTART;TZID=Europe/London:", 0) == 0);
    CHECK(named(event_lines(ics), "CATEGORIES") == std::vector<std::string>(3, "CATEGORIES:protected time"));
}

TEST_CASE("the VTIMEZONE carries London's rules from the system tz database", "[calendar]") {
    const std::string ics = export_one(long_run());
    // Summer time begins the last Sunday of March at 01:00 GMT and ends the
    // last Sunday of October at 02:00 BST (both 01:00 UTC).
    const std::vector<std::string> daylight = component(ics, "DAYLIGHT");
    CHECK(has(daylight, "TZOFFSETFROM:+0000"));
    CHECK(has(daylight, "TZOFFSETTO:+0100"));
    CHECK(has(daylight, "TZNAME:BST"));
    const std::vector<std::string> standard = component(ics, "STANDARD");
    CHECK(has(standard, "TZOFFSETFROM:+0100"));
    CHECK(has(standard, "TZOFFSETTO:+0000"));
    CHECK(has(standard, "TZNAME:GMT"));
    bool spring = false, autumn = false;
    for (const std::string& rule : named(ics, "RRULE")) {
        if (rule.rfind("RRULE:FREQ=YEARLY", 0) != 0) continue;
        spring = spring || rule.find("BYDAY=-1SU;BYMONTH=3") != std::string::npos;
        autumn = autumn || rule.find("BYDAY=-1SU;BYMONTH=10") != std::string::npos;
    }
    CHECK(spring);
    CHECK(autumn);
    // Cut down to the years that matter: no observance from the 1940s.
    CHECK(ics.find("DTSTART:1941") == std::string::npos);
}

TEST_CASE("a slot's UID stays the same across exports, and only DTSTAMP changes", "[calendar]") {
    const std::string monday = slots_to_ics({long_run(), walk()}, london, household, export_time);
    const std::string later = slots_to_ics({long_run(), walk()}, london, household, export_time + days{9} + 3h);
    CHECK(named(monday, "UID") == std::vector<std::string>{"UID:slot-1@smith.fairly", "UID:slot-2@smith.fairly"});
    CHECK(named(later, "UID") == named(monday, "UID"));
    CHECK(named(monday, "DTSTAMP") == std::vector<std::string>(2, "DTSTAMP:20261102T071530Z"));
    CHECK(named(later, "DTSTAMP") == std::vector<std::string>(2, "DTSTAMP:20261111T101530Z"));

    std::vector<std::string> monday_rest, later_rest;
    for (const std::string& line : content_lines(monday)) {
        if (line.rfind("DTSTAMP:", 0) != 0) monday_rest.push_back(line);
    }
    for (const std::string& line : content_lines(later)) {
        if (line.rfind("DTSTAMP:", 0) != 0) later_rest.push_back(line);
    }
    CHECK(monday_rest == later_rest);

    CHECK(the(slots_to_ics({long_run()}, london, "jones.fairly", export_time), "UID") == "UID:slot-1@jones.fairly");
}

TEST_CASE("every weekday gets its BYDAY and a first DTSTART on that weekday", "[calendar]") {
    // Created Tue 2026-10-20 at noon: Tuesday's slot starts that day, the
    // others within the next six days.
    const char* const byday[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    const char* const first[] = {"20261025", "20261026", "20261020", "20261021", "20261022", "20261023", "20261024"};
    for (unsigned weekday = 0; weekday <= 6; ++weekday) {
        INFO("weekday " << weekday);
        const std::string ics = export_one(slot(10 + weekday, "sam", "gym", weekday, 18h, 1h));
        CHECK(the(ics, "RRULE") == std::string{"RRULE:FREQ=WEEKLY;BYDAY="} + byday[weekday]);
        CHECK(the(ics, "DTSTART") == std::string{"DTSTART;TZID=Europe/London:"} + first[weekday] + "T180000");
    }
}

TEST_CASE("a Saturday slot agreed on a Wednesday starts that Saturday", "[calendar]") {
    protected_slot saturday = long_run();
    saturday.created = sys_days{2026y / 10 / 21} + 15h; // Wed 16:00 BST
    const std::string ics = export_one(saturday);
    CHECK(the(ics, "DTSTART") == "DTSTART;TZID=Europe/London:20261024T090000");
    CHECK(the(ics, "RRULE") == "RRULE:FREQ=WEEKLY;BYDAY=SA");
    CHECK(the(ics, "DURATION") == "DURATION:PT2H");
}

TEST_CASE("a slot agreed on its own weekday after its time has passed still starts that day", "[calendar]") {
    // Agreed Wed 2026-10-21 at 18:00 BST for "wed 07:00": the recurrence
    // starts that Wednesday morning, in the past, not a week later.
    const std::string ics = export_one(slot(5, "sam", "yoga", 3, 7h, 1h, sys_days{2026y / 10 / 21} + 17h));
    CHECK(the(ics, "DTSTART") == "DTSTART;TZID=Europe/London:20261021T070000");
}

TEST_CASE("the first date counts from the household's local date of `created`, not the UTC date", "[calendar]") {
    // 2026-10-20 23:30Z is already Wed 00:30 in London: a Tuesday slot waits a week.
    CHECK(the(export_one(slot(6, "sam", "run", 2, 10h, 1h, tue_20(23h + 30min))), "DTSTART") ==
          "DTSTART;TZID=Europe/London:20261027T100000");
    // 2026-10-21 02:00Z is still Tue 22:00 in New York: a Tuesday slot starts that day.
    const std::string ics = slots_to_ics({slot(7, "sam", "run", 2, 23h, 1h, sys_days{2026y / 10 / 21} + 2h)},
                                         "America/New_York", household, export_time);
    CHECK(the(ics, "DTSTART") == "DTSTART;TZID=America/New_York:20261020T230000");
    CHECK(the(ics, "TZID") == "TZID:America/New_York");
}

TEST_CASE("SUMMARY and DESCRIPTION are escaped as RFC 5545 TEXT", "[calendar]") {
    const std::string ics = export_one(slot(1, "sam", "long run, then; coffee\\", 6, 9h, 2h));
    CHECK(the(ics, "SUMMARY") == "SUMMARY:sam: long run\\, then\\; coffee\\\\");
    CHECK(the(ics, "DESCRIPTION") == "DESCRIPTION:Protected time for sam\\, kept by fairly");

    CHECK(the(export_one(walk()), "SUMMARY") == "SUMMARY:couple: walk\\, no phones");
    // Newlines of any kind become \n; a quote and a tab need no escape; other
    // control characters cannot be written as TEXT and are dropped.
    CHECK(the(export_one(slot(1, "sam", "one\ntwo\r\nthree\rfour \"five\"\tsix\x01\x7f", 6, 9h, 2h)), "SUMMARY") ==
          "SUMMARY:sam: one\\ntwo\\nthree\\nfour \"five\"\tsix");
    // Bytes that are not UTF-8 become U+FFFD, so no line can hold a broken sequence.
    CHECK(the(export_one(slot(1, "sam", "caf\xe9 \xe2\x82", 6, 9h, 2h)), "SUMMARY") ==
          "SUMMARY:sam: caf\xef\xbf\xbd \xef\xbf\xbd");
}

TEST_CASE("lines are at most 75 octets, end with CRLF, and unfold to the label", "[calendar]") {
    std::string ascii;
    for (int i = 0; ascii.size() < 300; ++i) ascii += "step " + std::to_string(i) + " ";
    ascii.resize(300);
    const std::string accents = repeated("\xc3\xa9", 100);                 // é, two octets
    const std::string japanese = repeated("\xe6\x97\xa5\xe6\x9c\xac", 50); // 日本, three octets each
    const std::string runners = repeated("\xf0\x9f\x8f\x83", 60);          // 🏃, four octets
    const std::string mixed = "a" + repeated("\xc3\xa9\xe6\x97\xa5\xf0\x9f\x8f\x83,;", 30);
    const std::string ics =
        slots_to_ics({slot(1, "sam", ascii, 6, 9h, 2h), slot(2, "sam", accents, 6, 9h, 2h),
                      slot(3, "sam", japanese, 6, 9h, 2h), slot(4, "sam", runners, 6, 9h, 2h),
                      slot(5, "\xc3\xa9milie", mixed, 6, 9h, 2h)},
                     london, household, export_time);

    REQUIRE(ics.size() >= 2);
    CHECK(ics.substr(ics.size() - 2) == "\r\n");
    std::size_t folded = 0;
    for (const std::string& line : physical_lines(ics)) {
        INFO(line);
        CHECK(line.size() <= 75); // octets, the CRLF not counted (RFC 5545 3.1)
        CHECK(valid_utf8(line));      // no UTF-8 sequence split across a fold
        folded += !line.empty() && line[0] == ' ';
    }
    CHECK(folded >= 5 * 3);

    const std::vector<std::string> summaries = named(ics, "SUMMARY");
    REQUIRE(summaries.size() == 5);
    CHECK(summaries[0] == "SUMMARY:sam: " + ascii);
    CHECK(summaries[1] == "SUMMARY:sam: " + accents);
    CHECK(summaries[2] == "SUMMARY:sam: " + japanese);
    CHECK(summaries[3] == "SUMMARY:sam: " + runners);
    CHECK(summaries[4] == "SUMMARY:\xc3\xa9milie: a" + repeated("\xc3\xa9\xe6\x97\xa5\xf0\x9f\x8f\x83\\,\\;", 30));
}

TEST_CASE("DURATION is the exact length, never in days", "[calendar]") {
    CHECK(the(export_one(long_run()), "DURATION") == "DURATION:PT2H");
    CHECK(the(export_one(walk()), "DURATION") == "DURATION:PT45M");
    CHECK(the(export_one(slot(3, "sam", "nap", 0, 14h, 90min + 30s)), "DURATION") == "DURATION:PT1H30M30S");
    // A weekend away across a clock change lasts 48 hours, not two calendar days.
    CHECK(the(export_one(slot(4, "sam", "away", 6, 9h, 48h)), "DURATION") == "DURATION:PT48H");
}

TEST_CASE("a household with no slots still gets a valid calendar", "[calendar]") {
    const std::string ics = slots_to_ics({}, london, household, export_time);
    CHECK(component(ics, "VEVENT").empty());
    CHECK(the(ics, "TZID") == "TZID:Europe/London"); // RFC 5545 wants one component at least
    CHECK(content_lines(ics).back() == "END:VCALENDAR");
}

TEST_CASE("slots_to_ics refuses what it cannot write, naming the field", "[calendar]") {
    const auto field_of = [](const std::vector<protected_slot>& slots, std::string_view tz,
                             std::string_view domain = household) -> std::string {
        try {
            slots_to_ics(slots, tz, domain, export_time);
        } catch (const fairly::input_error& e) {
            return e.field;
        }
        return "no error";
    };
    CHECK(field_of({long_run()}, "Europe/Londres") == "tz");
    CHECK(field_of({}, "../../etc/passwd") == "tz");
    CHECK(field_of({long_run()}, london, "") == "uid_domain");
    CHECK(field_of({slot(1, "sam", "run", 7, 9h, 1h)}, london) == "weekday");
    CHECK(field_of({slot(1, "sam", "run", 6, 24h, 1h)}, london) == "start");
    CHECK(field_of({slot(1, "sam", "run", 6, -1min, 1h)}, london) == "start");
    CHECK(field_of({slot(1, "sam", "run", 6, 9h, 0s)}, london) == "length");
    CHECK(field_of({long_run()}, london) == "no error");
}
