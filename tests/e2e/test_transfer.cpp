// End to end: `fairly export` and `fairly import` between real daemons.
// A household's whole record goes out as JSON and comes back in a new
// daemon so that every report reads the same; the CSV goes through a
// spreadsheet's hands and back; bad files import nothing unless told.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace fairly::test;

namespace {

// Wednesday 4 November 2026, 12:00 in London (GMT since 25 October).
const std::string wednesday_noon = "2026-11-04T12:00:00Z";

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

/// Lines of `text` (split on "\r\n" or "\n").
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

/// A fairlyd of its own on a temporary socket and database, with the clock
/// fixed; set up with `fairly init` only when asked.
struct home {
    temp_dir dir;
    std::map<std::string, std::string> clock;
    daemon_process daemon;

    explicit home(const std::string& now = wednesday_noon) : clock{{"FAIRLY_NOW", now}}, daemon(dir.path(), {}, clock) {}

    run_result cli(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
        for (const auto& [k, v] : clock) extra.emplace(k, v);
        extra.emplace("NO_COLOR", "1");
        return run_fairly(dir.path(), daemon.socket(), args, extra);
    }
    /// Runs fairly and requires success; returns its output.
    run_result ok(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
        auto result = cli(args, std::move(extra));
        INFO(joined(args) << "\nstdout: " << result.out << "\nstderr: " << result.err);
        REQUIRE(result.exit_code == 0);
        return result;
    }
    /// Logs an event and returns its number.
    std::string log(std::vector<std::string> args, std::map<std::string, std::string> extra = {}) {
        args.insert(args.begin(), "log");
        args.push_back("--json");
        return std::to_string(ok(args, std::move(extra)).out_json()["id"].get<int>());
    }
    void init(const std::string& split = "alex=60,sam=40") {
        ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", split});
    }
    json status() { return ok({"status", "--json"}).out_json(); }
    std::int64_t events_recorded() { return status()["events_recorded"].get<std::int64_t>(); }
    std::filesystem::path file(const std::string& name) const { return dir.path() / name; }
};

const std::map<std::string, std::string> as_alex{{"FAIRLY_MEMBER", "alex"}};
const std::map<std::string, std::string> as_sam{{"FAIRLY_MEMBER", "sam"}};

/// Five weeks of a household's life, through the real CLI: Monday 5 October
/// to Wednesday 4 November 2026, across the night the clocks went back.
///
///   Sun 25 Oct, Europe/London
///   00:00 BST   01:00 BST   01:30 BST   02:00 BST = 01:00 GMT   01:30 GMT   02:00 GMT
///   |-----------|-----------|-----------|·······················|-----------|
///                            sam's feed                          alex's feed
///                            (the first 01:30)                   (the second 01:30)
void build_rich_history(home& h) {
    h.init();
    // Every evening's cooking, the night feeds and the school runs (as
    // instants, counted with their usual length).
    for (int d = 0; d < 30; ++d) {
        const auto day = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::year{2026} / 10 / 5} + std::chrono::days{d}};
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                      static_cast<unsigned>(day.day()));
        const std::string on = date;
        h.log({"cooking", "--member", d % 3 == 0 ? "alex" : "sam", "--at", on + " 18:00", "--for", "1h"});
        if (d % 2 == 0) h.log({"night-feed", "--member", "sam", "--at", on + " 03:10", "--for", "35m"});
        if (d % 4 == 1) h.log({"school-run", "--member", "alex", "--at", on + " 08:30"});
        if (d % 7 == 2) h.log({"planning", "--member", "alex", "--role", "planned", "--at", on + " 21:00", "--for", "15m"});
    }
    h.log({"laundry", "--member", "alex", "--at", "2026-11-04 09:00", "--for", "30m"});
    // The hour that happens twice.
    h.log({"night-feed", "--member", "sam", "--at", "2026-10-25 01:30", "--for", "40m"});
    h.log({"night-feed", "--member", "alex", "--at", "2026-10-25T01:30:00+00:00", "--for", "30m"});
    // A note a spreadsheet would have to quote.
    h.log({"cooking", "--member", "sam", "--at", "2026-10-31 15:00", "--for", "90m", "--note", "birthday cake, \"the\" big one\nand the dishes"});

    // A mistake voided, a length corrected.
    const std::string twice = h.log({"laundry", "--member", "alex", "--at", "2026-10-22 10:00", "--for", "30m"});
    h.ok({"void", twice, "--reason", "logged twice"});
    const std::string school_run = h.log({"school-run", "--member", "sam", "--at", "2026-10-26 08:30", "--for", "20m"});
    const std::string corrected = std::to_string(h.ok({"edit", school_run, "--for", "45m", "--note", "roadworks", "--json"}).out_json()["id"].get<int>());

    // Logged by one for the other: one disputed, one confirmed, one pending.
    const std::string bath = h.log({"bath-time", "--member", "sam", "--at", "2026-10-20 19:00", "--for", "30m"}, as_alex);
    h.ok({"dispute", bath, "that was me, not you", "--member", "sam"});
    const std::string shopping = h.log({"shopping", "--member", "alex", "--at", "2026-10-21 11:00", "--for", "1h"}, as_sam);
    h.ok({"confirm", shopping, "--member", "alex"});
    h.log({"homework", "--member", "sam", "--at", "2026-11-03 17:00", "--for", "45m"}, as_alex);

    // The catalogue and the night changed, with the change log keeping both.
    h.ok({"kind", "edit", "night-feed", "--per-hour", "3"}, as_sam);
    h.ok({"agree", "--kind", "night-feed", "--accept"}, as_alex); // weights change by consent
    h.ok({"kind", "add", "swimming-lessons", "--category", "logistics", "--points", "1", "--per-hour", "2", "--default-for", "45m"}, as_alex);
    h.log({"swimming-lessons", "--member", "alex", "--at", "2026-10-17 10:00"});
    h.ok({"night", "--from", "21:30", "--to", "06:30", "--multiplier", "2"}, as_alex);
    h.ok({"agree", "--night", "--accept"}, as_sam);
    h.ok({"kind", "edit", "cooking", "--points", "2"}, as_alex); // still waiting for sam when the export is taken
    h.ok({"drift", "--slack", "3", "--threshold", "5"});

    // Turns, thanks, meetings moved.
    h.ok({"turn", "lie-in", "--member", "sam", "--at", "2026-10-24 09:00"});
    h.ok({"turn", "lie-in", "--member", "alex", "--at", "2026-10-31 09:00"});
    h.ok({"turn", "lie-in", "--member", "sam", "--at", "2026-11-01 09:00", "--note", "after the party"});
    h.ok({"thanks", "sam", "got up twice so I could sleep", "--from", "alex"});
    h.ok({"thanks", "alex", "took the early shift", "--from", "sam"});
    h.ok({"moved", "management meeting", "--for", "school-run", "--impact", "missed", "--at", "2026-10-27 09:00", "--member", "sam"});
    h.ok({"moved", "standup", "--for-event", corrected, "--impact", "minor", "--at", "2026-10-26 09:00", "--member", "sam"});

    // Protected time: goals, a slot kept, a slot removed, time taken.
    h.ok({"protect", "sam", "--weekly", "3h"});
    h.ok({"protect", "couple", "--weekly", "1h"});
    h.ok({"slot", "add", "sam", "sat 09:00", "2h", "long run"});
    const int dropped = h.ok({"slot", "add", "couple", "wed 20:30", "45m", "walk, no phones", "--json"}).out_json()["id"].get<int>();
    h.ok({"slot", "remove", std::to_string(dropped)});
    h.log({"gym", "--member", "sam", "--at", "2026-10-31 09:00", "--for", "2h"});
    h.log({"me-time", "--member", "sam", "--at", "2026-11-03 20:00", "--for", "1h"});

    // A timer still running when the export is taken.
    h.ok({"start", "night-feed", "--member", "alex", "--at", "11:00"});
}

/// What a user reads back from a household: every report and list that
/// the record feeds, each as the command prints it.
const std::vector<std::vector<std::string>> read_back{
    {"report"},
    {"report", "--format", "json"},
    {"report", "--last", "8w"},
    {"report", "--last", "8w", "--format", "json"},
    {"report", "--from", "2026-10-19", "--to", "2026-11-01", "--format", "md"},
    {"report", "--week", "2026-10-25", "--format", "csv"},
    {"events", "--all", "--json", "--since", "2026-09-01"},
    {"events", "--all", "--since", "2026-09-01"},
    {"pending", "--member", "sam", "--json"},
    {"kinds", "--json"},
    {"kind", "history", "night-feed", "--json"},
    {"kind", "history", "night", "--json"},
    {"night", "--json"},
    {"drift", "--json"},
    {"protect", "--json"},
    {"slots", "--json"},
    {"thanks", "--since", "2026-09-01", "--json"},
    {"whose-turn", "lie-in", "--json"},
    {"balance"},
    {"agree", "--json"},
    {"changes", "--json"},
};

/// The status as a user compares it: everything but the database's path.
json comparable_status(home& h) {
    json status = h.status();
    status.erase("database");
    return status;
}

} // namespace

TEST_CASE("a JSON export restores the whole household in a new daemon: every report reads the same", "[e2e][transfer]") {
    home first;
    build_rich_history(first);
    const auto exported = first.ok({"export", "-o", first.file("a.json").string()});
    CHECK(exported.out.empty());
    const std::string a = read_text(first.file("a.json"));

    // The file carries everything the record is made of.
    json file = json::parse(a);
    CHECK(file["format"] == "fairly-export");
    CHECK(file["exported_at"] == wednesday_noon);
    CHECK(file["household"]["tz"] == "Europe/London");
    CHECK(file["household"]["night"]["from"] == "21:30");
    CHECK(file["members"].size() == 2);
    CHECK(file["events"].size() == static_cast<std::size_t>(first.events_recorded()));
    std::set<std::string> statuses;
    bool disputed = false, confirmed = false, quoted_note = false;
    for (const json& event : file["events"]) {
        statuses.insert(event["status"].get<std::string>());
        for (const json& review : event["reviews"]) {
            disputed |= review["verdict"] == "disputed" && review["reason"] == "that was me, not you";
            confirmed |= review["verdict"] == "confirmed";
        }
        quoted_note |= event["note"] == "birthday cake, \"the\" big one\nand the dishes";
    }
    CHECK(statuses == std::set<std::string>{"active", "voided", "superseded"});
    CHECK(disputed);
    CHECK(confirmed);
    CHECK(quoted_note);
    CHECK(file["changes"].size() >= 3); // night-feed's weight, swimming-lessons added, the night
    CHECK(file["turns"].size() == 3);
    CHECK(file["thanks"].size() == 2);
    CHECK(file["meetings_moved"].size() == 2);
    CHECK(file["protected_goals"].size() == 2);
    CHECK(file["protected_slots"].size() == 2);
    CHECK(file["timers"].size() == 1);
    // Both 01:30s of the night the clocks went back, told apart by their offsets.
    CHECK_THAT(a, Catch::Contains("\"start\":\"2026-10-25T01:30:00+01:00\"") && Catch::Contains("\"start\":\"2026-10-25T01:30:00+00:00\""));

    // A daemon never set up: the file sets it up.
    home second;
    CHECK_FALSE(second.status()["initialized"].get<bool>());
    auto imported = second.ok({"import", first.file("a.json").string()});
    CHECK_THAT(imported.out, Catch::Contains("set up the household from the file"));
    CHECK_THAT(imported.out, Catch::StartsWith("Imported " + std::to_string(file["events"].size() + 7) + " of "));
    CHECK_THAT(imported.out, Catch::Contains("0 refused"));

    // The reports are not empty: the comparison below compares something.
    const std::string week = first.ok({"report", "--last", "8w"}).out;
    CHECK_THAT(week, Catch::Contains("To talk about") && Catch::Contains("that was me, not you"));
    CHECK_THAT(week, Catch::Contains("got up twice so I could sleep"));

    for (const auto& args : read_back) {
        auto mine = first.cli(args);
        auto theirs = second.cli(args);
        INFO(joined(args) << "\nfirst: " << mine.err << "\nsecond: " << theirs.err);
        CHECK(mine.exit_code == 0);
        CHECK(theirs.exit_code == 0);
        CHECK(mine.out == theirs.out);
    }
    CHECK(comparable_status(first) == comparable_status(second));
    CHECK(second.status()["timers_running"] == 1);

    // Exported again an hour later from the new daemon: the same file but for when.
    second.clock["FAIRLY_NOW"] = "2026-11-04T13:00:00Z";
    const std::string b = second.ok({"export"}).out;
    CHECK(json::parse(b)["exported_at"] == "2026-11-04T13:00:00Z");
    CHECK(without_exported_at(b) == without_exported_at(a));
    CHECK(b != a);
}

TEST_CASE("importing the same export again adds nothing", "[e2e][transfer]") {
    home first;
    build_rich_history(first);
    first.ok({"export", "-o", first.file("a.json").string()});
    const std::string a = read_text(first.file("a.json"));
    const std::size_t records = json::parse(a)["events"].size() + 7; // + 3 turns, 2 thanks, 2 meetings moved

    home second;
    second.ok({"import", first.file("a.json").string()});
    const auto events = second.events_recorded();
    const std::string report = second.ok({"report", "--last", "8w"}).out;

    auto again = second.ok({"import", first.file("a.json").string(), "--json"});
    json summary = again.out_json();
    CHECK(summary["added"] == 0);
    CHECK(summary["skipped"] == records);
    CHECK(summary["records"] == records);
    CHECK(summary["refused"].empty());
    CHECK(second.events_recorded() == events);
    auto text = second.ok({"import", first.file("a.json").string()});
    CHECK_THAT(text.out, Catch::StartsWith("Imported 0 of " + std::to_string(records) + " records") &&
                             Catch::Contains("(" + std::to_string(records) + " already recorded, 0 refused"));
    // Nothing doubled: not the slots, the goals, the change log nor the timer.
    CHECK(without_exported_at(second.ok({"export"}).out) == without_exported_at(a));
    CHECK(second.ok({"report", "--last", "8w"}).out == report);

    // And into the household it came from, too.
    auto home_again = first.ok({"import", first.file("a.json").string(), "--json"});
    CHECK(home_again.out_json()["added"] == 0);
    // Its settings, goals and history are the file's: nothing to remark on.
    CHECK(home_again.out_json()["notes"] == json::array());
    CHECK(without_exported_at(first.ok({"export"}).out) == without_exported_at(a));
}

TEST_CASE("a CSV export read back into a new household with the same members gives the same report", "[e2e][transfer][csv]") {
    home first;
    first.init("alex=50,sam=50");
    const std::string note = "birthday cake, \"the\" big one\nand the dishes";
    first.log({"cooking", "--member", "alex", "--at", "2026-10-20 18:00", "--for", "1h"});
    first.log({"night-feed", "--member", "sam", "--at", "2026-10-25 01:30", "--for", "40m"});
    first.log({"night-feed", "--member", "alex", "--at", "2026-10-25T01:30:00+00:00", "--for", "20m"});
    first.log({"laundry", "--member", "alex", "--at", "2026-10-28 10:00", "--for", "30m", "--note", note});
    first.log({"cooking", "--member", "sam", "--at", "2026-10-29 18:00", "--for", "75m"});
    const std::string run = first.log({"school-run", "--member", "sam", "--at", "2026-11-02 08:30", "--for", "20m"});
    first.ok({"edit", run, "--for", "45m"});
    const std::string wrong = first.log({"shopping", "--member", "alex", "--at", "2026-11-03 11:00", "--for", "1h"});
    first.ok({"void", wrong, "--reason", "logged twice"});
    const std::string bath = first.log({"bath-time", "--member", "sam", "--at", "2026-11-03 19:00", "--for", "30m"}, as_alex);
    first.ok({"confirm", bath, "--member", "sam"});
    first.log({"school-run", "--member", "alex", "--at", "2026-11-04 08:30"}); // an instant
    first.log({"planning", "--member", "sam", "--role", "planned", "--at", "2026-11-04 09:00", "--for", "20m"});

    const auto exported = first.ok({"export", "--format", "csv", "-o", first.file("c.csv").string()});
    CHECK(exported.out.empty());
    const std::string csv = read_text(first.file("c.csv"));
    const auto lines = lines_of(csv);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0] == "uuid,start,end,member,kind,category,minutes,role,status,review,review_reason,note,logged_by,source,supersedes,void_reason,created_at");
    // RFC 4180: the note quoted whole, its quotes doubled, its line break kept.
    CHECK_THAT(csv, Catch::Contains(",\"birthday cake, \"\"the\"\" big one\nand the dishes\","));
    CHECK_THAT(csv, Catch::Contains("\r\n"));
    // Times carry their offset: summer time before 25 October, GMT after.
    CHECK_THAT(csv, Catch::Contains(",2026-10-20T18:00:00+01:00,2026-10-20T19:00:00+01:00,alex,cooking,"));
    CHECK_THAT(csv, Catch::Contains(",2026-10-28T10:00:00+00:00,2026-10-28T10:30:00+00:00,alex,laundry,"));
    CHECK_THAT(csv, Catch::Contains(",2026-10-25T01:30:00+01:00,2026-10-25T01:10:00+00:00,sam,night-feed,"));
    CHECK_THAT(csv, Catch::Contains(",2026-10-25T01:30:00+00:00,2026-10-25T01:50:00+00:00,alex,night-feed,"));

    home second;
    second.init("alex=50,sam=50");
    auto imported = second.ok({"import", first.file("c.csv").string()});
    CHECK_THAT(imported.out, Catch::StartsWith("Imported 11 of 11 records"));

    for (const auto& args : std::vector<std::vector<std::string>>{{"report"},
                                                                   {"report", "--week", "2026-10-25", "--format", "json"},
                                                                   {"report", "--last", "4w"},
                                                                   {"report", "--format", "md"},
                                                                   {"report", "--from", "2026-10-19", "--to", "2026-11-04", "--format", "csv"},
                                                                   {"events", "--all", "--since", "2026-10-01"}}) {
        auto mine = first.cli(args);
        auto theirs = second.cli(args);
        INFO(joined(args));
        CHECK(mine.exit_code == 0);
        CHECK(mine.out == theirs.out);
    }
    // The note came back byte for byte, and the record kept who logged what.
    json events = second.ok({"events", "--all", "--json", "--since", "2026-10-01"}).out_json();
    json originals = first.ok({"events", "--all", "--json", "--since", "2026-10-01"}).out_json();
    REQUIRE(events.size() == originals.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        INFO(originals[i].dump());
        for (const char* field : {"uuid", "start", "end", "member", "kind", "minutes", "role", "status", "review", "note", "logged_by",
                                  "logged_for_other", "supersedes", "superseded_by", "void_reason", "instant", "created_at"}) {
            INFO(field);
            CHECK(events[i][field] == originals[i][field]);
        }
    }
    // The same CSV once more adds nothing.
    auto again = second.ok({"import", first.file("c.csv").string(), "--json"});
    CHECK(again.out_json()["added"] == 0);
    CHECK(again.out_json()["skipped"] == 11);
}

TEST_CASE("a CSV with bad rows imports nothing and names each bad line, unless --skip-bad", "[e2e][transfer][csv]") {
    home h;
    h.init();
    h.log({"cooking", "--member", "alex", "--at", "2026-11-01 18:00", "--for", "1h"});
    const auto before = h.events_recorded();
    // Typed by hand, no uuid column. Line 2's note runs onto line 3, so the
    // rows after it are one line further down than their record number.
    const std::string csv = "member,kind,start,end,note\r\n"                                    // 1
                            "alex,cooking,2026-11-02 18:00,2026-11-02 19:00,\"good, with\nbreak\"\r\n" // 2-3
                            "bob,cooking,2026-11-02 18:00,,\r\n"                                 // 4 unknown member
                            "alex,juggling,2026-11-02 18:00,,\r\n"                               // 5 unknown kind
                            "sam,laundry,2026-11-02 10:00,2026-11-02 09:00,\r\n"                 // 6 ends before it starts
                            "sam,laundry,half past ten,,\r\n"                                    // 7 not a time
                            "sam,laundry,2026-11-02 10:00\r\n"                                   // 8 three fields of five
                            "sam,laundry,2026-11-03 10:00,,ok\r\n"                               // 9
                            "alex,cooking,2026-11-03 18:00,,\"never closed\r\n"                  // 10 unterminated quote
                            "sam,shopping,2026-11-03 11:00,2026-11-03 12:00,after the bad quote\r\n"; // 11
    write_text(h.file("bad.csv"), csv);

    auto refused = h.cli({"import", h.file("bad.csv").string()});
    CHECK(refused.exit_code == 65);
    CHECK_THAT(refused.err, Catch::Contains("nothing was imported") && Catch::Contains("--skip-bad"));
    CHECK_THAT(refused.out, Catch::StartsWith("6 of 9 records in " + h.file("bad.csv").string() + " cannot be imported:"));
    const std::vector<std::pair<std::string, std::string>> expected{
        {"line 4: ", "bob"}, {"line 5: ", "juggling"}, {"line 6: ", "not after the start"},
        {"line 7: ", "half past ten"}, {"line 8: ", "3 fields"}, {"line 10: ", "quote"}};
    for (const auto& [where, why] : expected) {
        INFO(where << why << "\n" << refused.out);
        bool found = false;
        for (const auto& line : lines_of(refused.out)) found |= line.find("  " + where) == 0 && line.find(why) != std::string::npos;
        CHECK(found);
    }
    for (const char* good : {"line 2:", "line 3:", "line 9:", "line 11:"}) CHECK_THAT(refused.out, !Catch::Contains(good));
    CHECK(h.events_recorded() == before);

    auto skipped = h.ok({"import", h.file("bad.csv").string(), "--skip-bad"});
    CHECK_THAT(skipped.out, Catch::StartsWith("Imported 3 of 9 records") && Catch::Contains("6 refused and left out"));
    for (const auto& [where, why] : expected) CHECK_THAT(skipped.out, Catch::Contains("  " + where) && Catch::Contains(why));
    CHECK(h.events_recorded() == before + 3);
    json events = h.ok({"events", "--since", "2026-11-02", "--json"}).out_json();
    REQUIRE(events.size() == 3);
    CHECK(events[0]["note"] == "good, with\nbreak");
    CHECK(events[0]["start"] == "2026-11-02T18:00:00+00:00");
    CHECK(events[1]["note"] == "ok");
    CHECK(events[2]["note"] == "after the bad quote"); // the row after the unclosed quote
    for (const json& event : events) CHECK(event["source"] == "import");

    // Rows without a uuid are known again by what they say.
    auto again = h.ok({"import", h.file("bad.csv").string(), "--skip-bad", "--json"});
    CHECK(again.out_json()["added"] == 0);
    CHECK(again.out_json()["skipped"] == 3);
    CHECK(again.out_json()["refused"].size() == 6);
    CHECK(h.events_recorded() == before + 3);
}

TEST_CASE("import --dry-run says what would be added, skipped and refused, and writes nothing", "[e2e][transfer]") {
    home first;
    build_rich_history(first);
    first.ok({"export", "-o", first.file("a.json").string()});
    const std::size_t records = json::parse(read_text(first.file("a.json")))["events"].size() + 7;

    home second;
    auto looked = second.ok({"import", first.file("a.json").string(), "--dry-run"});
    CHECK_THAT(looked.out, Catch::Contains("would add " + std::to_string(records) + ", skip 0 already recorded, refuse 0."));
    CHECK_THAT(looked.out, Catch::Contains("would set up the household from the file"));
    CHECK_THAT(looked.out, Catch::EndsWith("Nothing was written.\n"));
    json summary = second.ok({"import", first.file("a.json").string(), "--dry-run", "--json"}).out_json();
    CHECK(summary["dry_run"] == true);
    CHECK(summary["would_add"] == records);
    CHECK(summary["would_skip"] == 0);
    CHECK(summary["refused"].empty());
    // Not even the household was set up.
    json status = second.status();
    CHECK_FALSE(status["initialized"].get<bool>());
    CHECK(status.value("events_recorded", 0) == 0);

    // Against the household it came from: all already there.
    json at_home = first.ok({"import", first.file("a.json").string(), "--dry-run", "--json"}).out_json();
    CHECK(at_home["would_add"] == 0);
    CHECK(at_home["would_skip"] == records);

    // A CSV with one good new row, one already recorded and one bad.
    const std::string csv = "member,kind,start,end\n"
                            "alex,cooking,2026-11-03 19:30,2026-11-03 20:00\n"
                            "sam,no-such-kind,2026-11-03 19:30,\n";
    write_text(first.file("few.csv"), csv);
    first.ok({"import", first.file("few.csv").string(), "--skip-bad"});
    write_text(first.file("few.csv"), csv + "sam,laundry,2026-11-03 08:00,2026-11-03 08:20\n");
    const auto before = first.events_recorded();
    const std::string export_before = first.ok({"export"}).out;
    auto csv_look = first.cli({"import", first.file("few.csv").string(), "--dry-run"});
    CHECK_THAT(csv_look.out, Catch::Contains("3 records; would add 1, skip 1 already recorded, refuse 1."));
    CHECK_THAT(csv_look.out, Catch::Contains("line 3: ") && Catch::Contains("no-such-kind"));
    CHECK_THAT(csv_look.out, Catch::EndsWith("Nothing was written.\n"));
    // It exits as the import would: 65, as a record would be refused; 0 with --skip-bad.
    CHECK(csv_look.exit_code == 65);
    CHECK(first.cli({"import", first.file("few.csv").string(), "--dry-run", "--skip-bad"}).exit_code == 0);
    CHECK(first.events_recorded() == before);
    CHECK(first.ok({"export"}).out == export_before);
}

TEST_CASE("export --from/--to takes only that period, -o writes the file alone, and nothing goes to a stderr that is not a terminal",
          "[e2e][transfer]") {
    home h;
    h.init();
    // Around local midnight at the start of Sunday 25 October (still BST).
    h.log({"cooking", "--member", "alex", "--at", "2026-10-24 23:30", "--for", "20m", "--note", "before"});
    h.log({"night-feed", "--member", "sam", "--at", "2026-10-25 00:10", "--for", "20m", "--note", "first in"});
    h.log({"laundry", "--member", "alex", "--at", "2026-10-31 23:50", "--for", "5m", "--note", "last in"});
    h.log({"laundry", "--member", "sam", "--at", "2026-11-01 00:00", "--for", "5m", "--note", "after"});
    h.ok({"turn", "lie-in", "--member", "sam", "--at", "2026-10-24 09:00"});
    h.ok({"turn", "lie-in", "--member", "alex", "--at", "2026-10-31 09:00"});
    h.ok({"moved", "standup", "--member", "sam", "--at", "2026-10-27 09:00"});
    h.ok({"thanks", "sam", "for the lie-in", "--from", "alex"}); // now, after the period

    const std::vector<std::string> period{"--from", "2026-10-25", "--to", "2026-11-01"};
    auto json_args = std::vector<std::string>{"export"};
    json_args.insert(json_args.end(), period.begin(), period.end());
    auto piped = h.ok(json_args);
    CHECK(piped.err.empty());
    json file = json::parse(piped.out);
    std::vector<std::string> notes;
    for (const json& event : file["events"]) notes.push_back(event["note"]);
    CHECK(notes == std::vector<std::string>{"first in", "last in"});
    REQUIRE(file["turns"].size() == 1);
    CHECK(file["turns"][0]["member"] == "alex");
    CHECK(file["meetings_moved"].size() == 1);
    CHECK(file["thanks"].empty());
    CHECK(file["members"].size() == 2); // the household's settings always go whole

    auto csv_args = json_args;
    csv_args.insert(csv_args.end(), {"--format", "csv"});
    auto csv = h.ok(csv_args);
    CHECK(csv.err.empty());
    const auto rows = lines_of(csv.out);
    REQUIRE(rows.size() == 3);
    CHECK_THAT(rows[1], Catch::Contains(",2026-10-25T00:10:00+01:00,") && Catch::Contains("first in"));
    CHECK_THAT(rows[2], Catch::Contains(",2026-10-31T23:50:00+00:00,") && Catch::Contains("last in"));

    // -o: the file gets the export, stdout and stderr stay empty, no leftovers.
    auto to_file = h.ok({"export", "--format", "csv", "--from", "2026-10-25", "--to", "2026-11-01", "-o", h.file("p.csv").string()});
    CHECK(to_file.out.empty());
    CHECK(to_file.err == "fairly: wrote " + h.file("p.csv").string() + "\n"); // as `report -o` says it
    CHECK(read_text(h.file("p.csv")) == csv.out);
    CHECK_FALSE(std::filesystem::exists(h.file("p.csv.partial")));

    // Where the file cannot be written, nothing is left under its name.
    auto nowhere = h.cli({"export", "-o", (h.file("no-such-dir") / "a.json").string()});
    CHECK(nowhere.exit_code == 74);
    CHECK_FALSE(nowhere.err.empty());
    CHECK(nowhere.out.empty());
    CHECK_FALSE(std::filesystem::exists(h.file("no-such-dir")));

    // Import with stderr to a file: the summary on stdout, no progress on stderr.
    home other;
    other.init();
    auto imported = other.ok({"import", h.file("p.csv").string()});
    CHECK(imported.err.empty());
    CHECK_THAT(imported.out, Catch::StartsWith("Imported 2 of 2 records"));

    // The same commands on a terminal do talk on stderr (so the silence above
    // is the terminal check, not a command that never says anything).
    auto env = cli_env(h.dir.path(), h.daemon.socket());
    env["FAIRLY_NOW"] = wednesday_noon;
    auto typed = run(FAIRLY, {"export", "-o", h.file("t.json").string()}, {env, std::nullopt, std::chrono::seconds(30), true});
    CHECK(typed.exit_code == 0);
    CHECK(typed.out.empty());
    CHECK_THAT(typed.err, Catch::Contains("wrote " + h.file("t.json").string()));
    auto other_env = cli_env(other.dir.path(), other.daemon.socket());
    other_env["FAIRLY_NOW"] = wednesday_noon;
    auto typed_import = run(FAIRLY, {"import", h.file("p.csv").string()}, {other_env, std::nullopt, std::chrono::seconds(30), true});
    CHECK(typed_import.exit_code == 0);
    CHECK_THAT(typed_import.err, Catch::Contains("records"));
    CHECK_THAT(typed_import.out, Catch::StartsWith("Imported 0 of 2 records"));
}

TEST_CASE("a member who is not root cannot set a household up from an export", "[e2e][transfer][identity]") {
    require_root("create a Unix user");
    home first;
    build_rich_history(first);
    first.ok({"export", "-o", first.file("a.json").string()});

    home second;
    unix_user alex("t");
    open_to_others(second.dir.path(), second.daemon.socket());
    const auto state = alex.home(second.dir.path() / "homes");
    const auto readable = state / "a.json";
    std::filesystem::copy_file(first.file("a.json"), readable);
    std::filesystem::permissions(readable, std::filesystem::perms::owner_read | std::filesystem::perms::others_read);
    run_options options;
    options.as_uid = alex.uid();
    options.env = {{"FAIRLY_SOCKET", second.daemon.socket().string()}, {"XDG_STATE_HOME", state.string()}, {"HOME", state.string()},
                   {"FAIRLY_NOW", wednesday_noon}};
    auto refused = run(FAIRLY, {"import", readable.string()}, options);
    CHECK(refused.exit_code == 77);
    CHECK_THAT(refused.err, Catch::Contains("root"));
    CHECK_FALSE(second.status()["initialized"].get<bool>());
}

// A void subtracts its event from fairlyd's weekly aggregates; the emptied
// week and kind must go, or the JSON report lists the category at 0 points
// and reads differently from the household the record is imported into.
TEST_CASE("a voided event leaves no emptied category in the JSON report, so an import reads the same",
          "[e2e][transfer]") {
    home first;
    first.init();
    first.log({"school-run", "--member", "alex", "--at", "2026-11-02 08:30", "--for", "20m"});
    const std::string wrong = first.log({"shopping", "--member", "alex", "--at", "2026-11-03 11:00", "--for", "1h"});
    first.ok({"void", wrong, "--reason", "logged twice"});
    first.ok({"export", "-o", first.file("a.json").string()});
    home second;
    second.ok({"import", first.file("a.json").string()});

    const auto mine = first.ok({"report", "--format", "json"}).out;
    json alex = json::parse(mine)["members"][0];
    REQUIRE(alex["name"] == "alex");
    CHECK(alex["points_by_category"] == json{{"logistics", 1.5}});
    CHECK(mine == second.ok({"report", "--format", "json"}).out);
}

TEST_CASE("what happened since an import (a void, a dispute, a correction) comes in with the next one", "[e2e][transfer]") {
    home first;
    first.init();
    const std::string feed = first.log({"night-feed", "--member", "sam", "--at", "2026-11-02 03:00", "--for", "30m"});
    const std::string cooking = first.log({"cooking", "--member", "sam", "--at", "2026-11-02 18:00", "--for", "1h"}, as_alex); // logged by alex for sam
    const std::string run = first.log({"school-run", "--member", "sam", "--at", "2026-11-03 08:30", "--for", "20m"});
    first.ok({"export", "-o", first.file("monday.json").string()});
    home second;
    second.ok({"import", first.file("monday.json").string()});

    // Where the record came from, the week goes on.
    first.ok({"void", feed, "--reason", "logged twice"});
    first.ok({"dispute", cooking, "alex cooked", "--member", "sam"});
    first.ok({"edit", run, "--for", "40m"});
    first.ok({"export", "-o", first.file("tuesday.json").string()});
    auto again = second.ok({"import", first.file("tuesday.json").string()});
    CHECK_THAT(again.out, Catch::StartsWith("Imported 1 of 4 records")); // the correction
    CHECK_THAT(again.out, Catch::Contains("brought 2 already recorded up to date"));
    for (const auto& args : std::vector<std::vector<std::string>>{{"report", "--format", "json"}, {"events", "--all", "--since", "2026-11-01"}}) {
        INFO(joined(args));
        CHECK(first.ok(args).out == second.ok(args).out);
    }
    // And once more: nothing left to bring.
    CHECK(second.ok({"import", first.file("tuesday.json").string(), "--json"}).out_json()["updated"] == 0);
}
