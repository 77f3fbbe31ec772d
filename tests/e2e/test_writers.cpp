// End to end: one writer per table, with its checks, on every path. A
// member's import adds only what that member could add with the live
// commands, as that member; names are distinct whatever the case and
// "couple" is no member's; a correction's reason survives an export.
#include "household.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <sstream>

using namespace fairly::test;

namespace {

const std::string wednesday = "2026-11-25T20:00:00Z";

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_json(const std::filesystem::path& path, const json& value) {
    std::ofstream(path, std::ios::binary) << value.dump(2);
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                           std::filesystem::perms::others_read);
}

/// The export's event row with this note.
json& event_row(json& file, const std::string& note) {
    for (json& row : file["events"]) {
        if (row["note"] == note) return row;
    }
    FAIL("no event with note " << note << " in the export");
    return file;
}

/// An export without the moment it was made: two exports of the same record compare equal.
json without_time(json file) {
    file.erase("exported_at");
    return file;
}

} // namespace

TEST_CASE("rename to a case variant of another member is refused", "[e2e][writers][members]") {
    household home(wednesday);
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    auto refused = home.fairly({"member", "rename", "alex", "SAM"});
    CHECK(refused.exit_code != 0);
    CHECK_THAT(refused.err, Catch::Contains("differ only in case"));
    // One's own name in another case is still one's own.
    home.ok({"member", "rename", "alex", "ALEX"});
    const json status = home.ok({"status", "--json"}).out_json();
    std::vector<std::string> names;
    for (const json& member : status["members"]) names.push_back(member["name"]);
    CHECK(names == std::vector<std::string>{"ALEX", "sam"});
}

TEST_CASE("\"couple\" is no member's name, whatever the case: on init, add, rename and import", "[e2e][writers][members]") {
    for (const std::string couple : {"couple", "Couple", "COUPLE"}) {
        INFO(couple);
        household fresh(wednesday);
        auto init = fresh.fairly({"init", "--member", "alex", "--member", couple, "--tz", "Europe/London"});
        CHECK(init.exit_code != 0);
        CHECK_THAT(init.err, Catch::Contains("names the two of you together"));
    }
    household home(wednesday);
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    for (const std::string couple : {"couple", "Couple"}) {
        INFO(couple);
        auto added = home.fairly({"member", "add", couple});
        CHECK(added.exit_code != 0);
        CHECK_THAT(added.err, Catch::Contains("names the two of you together"));
        auto renamed = home.fairly({"member", "rename", "sam", couple});
        CHECK(renamed.exit_code != 0);
        CHECK_THAT(renamed.err, Catch::Contains("names the two of you together"));
    }
    // An export naming a member "Couple" sets up no household.
    const auto file = home.dir.path() / "couple.json";
    home.ok({"export", "-o", file.string()});
    json exported = json::parse(read_text(file));
    exported["members"][1]["name"] = "Couple";
    write_json(file, exported);
    household other(wednesday);
    auto imported = other.fairly({"import", file.string()});
    CHECK(imported.exit_code != 0);
    CHECK_THAT(imported.err + imported.out, Catch::Contains("names the two of you together"));
    CHECK_FALSE(other.ok({"status", "--json"}).out_json()["initialized"].get<bool>());
}

TEST_CASE("guess --member for another is refused", "[e2e][writers][guess][identity]") {
    require_root("create two Unix users");
    two_users home;
    auto refused = home.alex(wednesday, {"guess", "60", "--member", "sam"});
    CHECK(refused.exit_code == 77); // as `fairly void` of another's entry
    CHECK_THAT(refused.err, Catch::Contains("a guess is one's own"));
    // Nothing was recorded, for either of them.
    CHECK(home.alex(wednesday, {"guess", "--json"}).out_json()["guesses"].empty());
    CHECK(home.sam(wednesday, {"guess", "--json"}).out_json()["guesses"].empty());
    // Naming oneself is fine.
    CHECK(home.alex(wednesday, {"guess", "60", "--member", "alex"}).exit_code == 0);
}

TEST_CASE("correction reasons survive an export/import round trip", "[e2e][writers][transfer]") {
    household first(wednesday);
    first.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    const std::string id = first.ok({"log", "school-run", "--member", "sam", "--at", "2026-11-24 08:30", "--for", "20m", "--json"})
                               .out_json()["id"]
                               .dump();
    first.ok({"edit", id, "--for", "40m", "--reason", "it took twice as long"});
    const auto a = first.dir.path() / "a.json";
    first.ok({"export", "-o", a.string()});
    const json exported = json::parse(read_text(a));
    bool had_reason = false;
    for (const json& row : exported["events"]) had_reason = had_reason || row["void_reason"] == "it took twice as long";
    REQUIRE(had_reason);

    household second(wednesday);
    second.ok({"import", a.string()});
    const auto b = second.dir.path() / "b.json";
    second.ok({"export", "-o", b.string()});
    CHECK(without_time(json::parse(read_text(b))) == without_time(exported));
}

// The side doors of `fairly import`: each row that speaks for another member
// is refused by name and rule, and nothing of the file is written; root
// importing the same file brings it all in.
TEST_CASE("import by a member obeys the live rules: nothing in the partner's name", "[e2e][writers][transfer][identity]") {
    require_root("create two Unix users");
    two_users home;
    REQUIRE(home.sam(wednesday, {"log", "night-feed", "--at", "2026-11-24 03:00", "--for", "30m", "--note", "to void"}).exit_code == 0);
    REQUIRE(home.sam(wednesday, {"log", "school-run", "--at", "2026-11-24 08:30", "--for", "20m", "--note", "to correct"}).exit_code == 0);
    REQUIRE(home.alex(wednesday, {"log", "cooking", "--member", "sam", "--at", "2026-11-24 18:00", "--for", "1h", "--note", "to confirm"})
                .exit_code == 0);
    const auto alex_home = home.alex_user.home(home.dir.path() / "homes");
    const auto exported_path = home.dir.path() / "export.json";
    REQUIRE(home.root(wednesday, {"export", "-o", exported_path.string()}).exit_code == 0);
    const json exported = json::parse(read_text(exported_path));
    auto events_now = [&] { return home.root(wednesday, {"events", "--all", "--since", "2026-11-23", "--json"}).out; };
    const std::string events_before = events_now();
    const std::string guesses_before = home.sam(wednesday, {"guess", "--json"}).out;
    const std::string away_before = home.root(wednesday, {"away", "--json"}).out;

    // The export of this very household imports as alex: it adds nothing.
    write_json(alex_home / "same.json", exported);
    CHECK(home.alex(wednesday, {"import", (alex_home / "same.json").string()}).exit_code == 0);

    struct side_door {
        std::string name, says;
        std::function<void(json&)> edit;
    };
    const std::vector<side_door> doors{
        {"a void of sam's entry", "a void of sam's entry",
         [](json& f) {
             json& row = event_row(f, "to void");
             row["status"] = "voided";
             row["void_reason"] = "logged twice";
         }},
        {"a correction of sam's entry", "a correction of sam's entry",
         [](json& f) {
             json row = event_row(f, "to correct");
             row["supersedes"] = row["uuid"];
             row["uuid"] = "0f2b7d9e-1c3a-4e5f-8a6b-7c8d9e0f1a2b";
             row["end"] = "2026-11-24T09:10:00+00:00";
             f["events"].push_back(row);
         }},
        {"a confirmation in sam's name", "in sam's name",
         [](json& f) {
             event_row(f, "to confirm")["reviews"] =
                 json::array({{{"member", "sam"}, {"verdict", "confirmed"}, {"reason", ""}, {"created_at", "2026-11-25T19:00:00Z"}}});
         }},
        {"a thanks from sam", "a thanks from sam to alex",
         [](json& f) {
             f["thanks"].push_back({{"uuid", "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"}, {"from", "sam"}, {"to", "alex"}, {"note", "thank you"},
                                    {"at", "2026-11-25T19:00:00+00:00"}});
         }},
        {"sam's guess", "sam's guess",
         [](json& f) { f["guesses"].push_back({{"member", "sam"}, {"week_day", 20780}, {"share", 0.2}, {"created_at", "2026-11-25T19:00:00Z"}}); }},
        {"time away recorded by sam", "recorded by sam",
         [](json& f) { f["away"].push_back({{"member", "sam"}, {"from_day", 20784}, {"to_day", 20786}, {"note", "trip"}, {"by", "sam"}}); }},
        {"a drift talk recorded as sam's", "recorded as sam's",
         [](json& f) { f["drift_talks"].push_back({{"at", "2026-11-25T19:00:00Z"}, {"note", "we talked"}, {"by", "sam"}}); }},
    };
    json everything = exported;
    for (const side_door& door : doors) {
        INFO(door.name);
        json file = exported;
        door.edit(file);
        door.edit(everything);
        const auto path = alex_home / "door.json";
        write_json(path, file);
        auto refused = home.alex(wednesday, {"import", path.string()});
        CHECK(refused.exit_code == 77);
        CHECK_THAT(refused.err, Catch::Contains(door.says));
        // Nothing of the file was written.
        CHECK(events_now() == events_before);
        CHECK(home.sam(wednesday, {"guess", "--json"}).out == guesses_before);
        CHECK(home.root(wednesday, {"away", "--json"}).out == away_before);
    }
    // `fairly void` of the same entry is refused the same way.
    const json sams = json::parse(events_before);
    CHECK(home.alex(wednesday, {"void", sams[0]["id"].dump(), "--reason", "logged twice"}).exit_code == 77);

    // Root brings the same file in, every row of it.
    const auto all = home.dir.path() / "all.json";
    write_json(all, everything);
    auto accepted = home.root(wednesday, {"import", all.string()});
    INFO(accepted.out << accepted.err);
    REQUIRE(accepted.exit_code == 0);
    const std::string events_after = events_now();
    CHECK(events_after != events_before);
    CHECK_THAT(events_after, Catch::Contains("logged twice"));
    CHECK(home.root(wednesday, {"away", "--json"}).out != away_before);
}
