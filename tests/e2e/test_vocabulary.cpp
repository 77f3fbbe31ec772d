// End to end: the household's vocabulary through the real CLI and daemon,
// with two real Unix users bound to the two members (the tests run as root in CI).
#include "process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace fairly::test;

namespace {

const std::map<std::string, std::string> monday_noon{{"FAIRLY_NOW", "2026-11-23T12:00:00Z"}};

/// A household of alex and sam whose Unix users are real and bound.
struct bound_household {
    temp_dir dir;
    daemon_process daemon{dir.path(), {}, monday_noon};
    unix_user alex_user{"a"};
    unix_user sam_user{"s"};

    bound_household() {
        REQUIRE(root({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
        REQUIRE(root({"member", "add", "alex", "--unix-user", alex_user.name()}).exit_code == 0);
        REQUIRE(root({"member", "add", "sam", "--unix-user", sam_user.name()}).exit_code == 0);
        open_to_others(dir.path(), daemon.socket());
    }
    run_result root(const std::vector<std::string>& args) { return run_fairly(dir.path(), daemon.socket(), args, monday_noon); }
    run_result as(const unix_user& user, const std::vector<std::string>& args) {
        run_options options;
        options.as_uid = user.uid();
        const auto home = user.home(dir.path() / "homes");
        options.env = {{"FAIRLY_SOCKET", daemon.socket().string()}, {"XDG_STATE_HOME", home.string()}, {"HOME", home.string()}};
        for (const auto& [k, v] : monday_noon) options.env[k] = v;
        return run(FAIRLY, args, options);
    }
    run_result alex(const std::vector<std::string>& args) { return as(alex_user, args); }
    run_result sam(const std::vector<std::string>& args) { return as(sam_user, args); }
};

} // namespace

TEST_CASE("logged for a partner: marked, pending for them, only they confirm or dispute", "[e2e][vocabulary][identity]") {
    require_root("create two Unix users");
    bound_household home;
    auto logged = home.alex({"log", "bath-time", "--member", "sam", "--json"});
    REQUIRE(logged.exit_code == 0);
    json event = logged.out_json();
    CHECK(event["member"] == "sam");
    CHECK(event["logged_by"] == "alex");
    CHECK(event["logged_for_other"] == true);
    const std::string id = std::to_string(event["id"].get<int>());

    json pending = home.sam({"pending", "--json"}).out_json();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0]["id"] == event["id"]);
    CHECK(home.alex({"pending", "--json"}).out_json().empty());

    // alex logged it, but it is sam's to confirm or dispute.
    auto not_alexs = home.alex({"dispute", id, "it was me"});
    CHECK(not_alexs.exit_code == 77);
    CHECK_THAT(not_alexs.err, Catch::Contains("only sam"));
    // Naming another member does not let a bound user act as them.
    CHECK(home.alex({"confirm", id, "--member", "sam"}).exit_code == 77);

    auto disputed = home.sam({"dispute", id, "that was me, not you", "--json"});
    REQUIRE(disputed.exit_code == 0);
    CHECK(disputed.out_json()["review"] == "disputed");
    CHECK(disputed.out_json()["dispute_reason"] == "that was me, not you");
    CHECK(home.sam({"pending", "--json"}).out_json().empty());
    CHECK_THAT(home.root({"events", "--since", "monday"}).out, Catch::Contains("DISPUTED: that was me, not you"));

    // sam may not void what alex logged; alex may.
    auto sam_voids = home.sam({"void", id, "--reason", "wrong"});
    CHECK(sam_voids.exit_code == 77);
    CHECK_THAT(sam_voids.err, Catch::Contains("dispute"));
    CHECK(home.alex({"void", id, "--reason", "sam did it"}).exit_code == 0);

    // A confirmation after a dispute is kept as the latest verdict.
    REQUIRE(home.alex({"log", "cooking", "--member", "sam"}).exit_code == 0);
    json second = home.sam({"pending", "--json"}).out_json();
    REQUIRE(second.size() == 1);
    auto confirmed = home.sam({"confirm", std::to_string(second[0]["id"].get<int>()), "--json"});
    REQUIRE(confirmed.exit_code == 0);
    CHECK(confirmed.out_json()["review"] == "confirmed");
}

TEST_CASE("a Unix user bound to no member is refused by every command", "[e2e][vocabulary][identity]") {
    require_root("create Unix users");
    bound_household home;
    unix_user stranger("x");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"log", "cooking"}, {"events"}, {"kinds"}, {"turn", "lie-in"}, {"whose-turn", "lie-in"}, {"thanks", "sam", "hi"},
             {"pending"}, {"night"}, {"moved", "standup"}, {"kind", "add", "x", "--category", "care"}}) {
        auto refused = home.as(stranger, args);
        INFO(args[0]);
        CHECK(refused.exit_code == 77);
        CHECK_THAT(refused.err, Catch::Contains("not bound"));
    }
    // Binding users is for root (or the daemon's user), not for members.
    CHECK(home.alex({"member", "add", "alex", "--unix-user", stranger.name()}).exit_code == 77);
}

TEST_CASE("thanks, turns and meetings moved, by the people themselves", "[e2e][vocabulary]") {
    require_root("create two Unix users");
    bound_household home;
    auto thanks = home.alex({"thanks", "sam", "got up twice so I could sleep", "--json"});
    REQUIRE(thanks.exit_code == 0);
    CHECK(thanks.out_json()["from"] == "alex");
    CHECK(thanks.out_json()["to"] == "sam");
    CHECK(home.alex({"thanks", "alex", "me"}).exit_code == 65);
    CHECK_THAT(home.sam({"thanks"}).out, Catch::Contains("alex to sam: got up twice so I could sleep"));

    REQUIRE(home.sam({"turn", "lie-in", "--at", "2026-11-21 09:00"}).exit_code == 0);
    REQUIRE(home.sam({"turn", "lie-in", "--at", "2026-11-22 09:00"}).exit_code == 0);
    auto whose = home.alex({"whose-turn", "lie-in"});
    REQUIRE(whose.exit_code == 0);
    CHECK_THAT(whose.out, Catch::StartsWith("lie-in: alex's turn. The last 2 lie-ins were shared 0/100 (alex/sam) against your agreed 50/50."));
    REQUIRE(home.alex({"turn", "lie-in"}).exit_code == 0);
    CHECK(home.sam({"whose-turn", "lie-in", "--json"}).out_json()["next"] == "alex");
    REQUIRE(home.alex({"turn", "lie-in", "--at", "-1m"}).exit_code == 0);
    json tie = home.sam({"whose-turn", "lie-in", "--json"}).out_json();
    CHECK(tie["next"] == "sam"); // 2 each: sam's last turn is longest ago
    CHECK_THAT(tie["reason"].get<std::string>(), Catch::Contains("longest ago"));

    auto moved = home.sam({"moved", "management meeting", "--for", "school-run", "--impact", "missed", "--at", "mon 09:00", "--json"});
    REQUIRE(moved.exit_code == 0);
    CHECK(moved.out_json()["member"] == "sam");
    CHECK(moved.out_json()["impact"] == "missed");
    CHECK(moved.out_json()["at"] == "2026-11-23T09:00:00+00:00");
    CHECK(home.sam({"moved", "standup", "--impact", "catastrophic"}).exit_code == 65);
    // A meeting moved is a career cost beside the load: it is not an event.
    CHECK(home.root({"events", "--json"}).out_json().empty());
}

TEST_CASE("kinds and the night: added, changed, and who changed them kept", "[e2e][vocabulary]") {
    require_root("create two Unix users");
    bound_household home;
    json kinds = home.sam({"kinds", "--json"}).out_json();
    CHECK(kinds.size() >= 14);
    auto added = home.alex({"kind", "add", "swimming-lessons", "--category", "logistics", "--points", "1", "--per-hour", "2", "--default-for",
                            "45m", "--json"});
    REQUIRE(added.exit_code == 0);
    CHECK(added.out_json()["default_minutes"] == 45);
    CHECK(home.alex({"kind", "add", "swimming-lessons", "--category", "logistics"}).exit_code == 65);
    CHECK(home.alex({"kind", "add", "x", "--category", "chores"}).exit_code == 65);

    // A weight moves every week's figures: sam proposes, and it is in force once alex accepts.
    auto edited = home.sam({"kind", "edit", "night-feed", "--per-hour", "3"});
    REQUIRE(edited.exit_code == 0);
    CHECK_THAT(edited.out, Catch::Contains("2 per hour") && Catch::Contains("3 per hour") && Catch::Contains("when alex accepts"));
    CHECK(home.alex({"kind", "history", "night-feed", "--json"}).out_json().empty());
    REQUIRE(home.alex({"agree", "--kind", "night-feed", "--accept"}).exit_code == 0);
    json history = home.alex({"kind", "history", "night-feed", "--json"}).out_json();
    REQUIRE(history.size() == 1);
    CHECK(history[0]["proposed_by"] == "sam");
    CHECK(history[0]["accepted_by"] == json::array({"alex"}));
    CHECK(history[0]["old"]["points_per_hour"] == 2.0);
    CHECK(history[0]["new"]["points_per_hour"] == 3.0);
    CHECK_THAT(home.sam({"kind", "history", "night-feed"}).out, Catch::Contains("night-feed by sam, accepted by alex: "));

    auto night = home.alex({"night", "--from", "21:30", "--to", "06:30", "--multiplier", "2", "--json"});
    REQUIRE(night.exit_code == 0);
    CHECK(night.out_json()["from"] == "22:00"); // the night in force, until sam accepts
    CHECK(night.out_json()["proposal"]["after"]["from"] == "21:30");
    REQUIRE(home.sam({"agree", "--night", "--accept"}).exit_code == 0);
    CHECK(home.sam({"night", "--json"}).out_json()["multiplier"] == 2.0);
    CHECK(home.sam({"night", "--from", "25:00"}).exit_code == 65);
    CHECK(home.sam({"night", "--multiplier", "0.5"}).exit_code == 65);
    CHECK(home.root({"kind", "history", "night", "--json"}).out_json()[0]["proposed_by"] == "alex");
}
