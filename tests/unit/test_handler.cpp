// The request handler with no socket, on an in-memory database: each request
// submitted to the commit queue and committed in a round, as fairlyd does.
#include "handler.hpp"
#include "round_harness.hpp"
#include "migrations.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"

#include <catch2/catch.hpp>

#include <set>

using fairly::daemon::caller;
using fairly::daemon::json;

namespace {

constexpr std::int64_t root = 0;
constexpr std::int64_t daemon_uid = 990;
constexpr std::int64_t sams_uid = 1001;
constexpr std::int64_t strangers_uid = 1002;

class handler_fixture {
public:
    handler_fixture()
        : db_(":memory:"),
          harness_(db_, {daemon_uid, "test", [] { return fairly::parse_iso_instant("2026-11-23T12:00:00Z"); }, {}}) {
        fairly::store::apply_migrations(db_);
    }

    json call(const std::string& method, json params, std::int64_t uid = root) {
        json request{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", std::move(params)}};
        return harness_.call(std::move(request), caller{uid, 1});
    }

    json ok(const std::string& method, json params, std::int64_t uid = root) {
        json reply = call(method, std::move(params), uid);
        INFO(reply.dump());
        REQUIRE(reply.contains("result"));
        return reply["result"];
    }

    /// A change consent governs (a kind's weights, the night), proposed by
    /// root for nobody and accepted by every member it waits for.
    json agreed(const std::string& method, json params) {
        json result = ok(method, std::move(params));
        if (result.contains("proposal")) {
            const json proposal = result["proposal"];
            for (const json& member : proposal["awaiting"]) {
                ok("proposal.answer", {{"subject", proposal["subject"]}, {"name", proposal["name"]}, {"answer", "accept"}, {"member", member}});
            }
        }
        return result;
    }

    int error_code(const json& reply) { return reply.at("error").at("code").get<int>(); }
    std::string error_message(const json& reply) { return reply.at("error").at("message").get<std::string>(); }

    void set_up_household() {
        ok("init", {{"members", {"alex", "sam"}}, {"tz", "Europe/London"}, {"split", {{"alex", 50}, {"sam", 50}}}});
        ok("member.add", {{"name", "sam"}, {"unix_uid", sams_uid}});
    }

    json log(json params, std::int64_t uid = root) {
        if (!params.contains("uuid")) params["uuid"] = fairly::make_uuid();
        return ok("event.log", std::move(params), uid)["event"];
    }

    std::size_t count_events(bool all = true) {
        return ok("events.list", {{"since", "2026-01-01"}, {"all", all}})["events"].size();
    }

    fairly::store::database db_;
    fairly::test::round_harness harness_;
    int id_ = 0;
};

} // namespace

TEST_CASE_METHOD(handler_fixture, "before init the household says how to set it up", "[handler]") {
    json reply = call("event.log", {{"uuid", fairly::make_uuid()}, {"kind", "cooking"}});
    CHECK(error_code(reply) == -32004);
    CHECK_THAT(error_message(reply), Catch::Contains("fairly init"));
    CHECK(ok("status", json::object())["initialized"] == false);
}

TEST_CASE_METHOD(handler_fixture, "an event is logged with its times in UTC and the household's zone", "[handler]") {
    set_up_household();
    json event = log({{"kind", "night-feed"}, {"member", "sam"}, {"at", "03:10"}, {"for", "35m"}, {"note", "teething"}});
    CHECK(event["start_utc"] == "2026-11-23T03:10:00Z");
    CHECK(event["start"] == "2026-11-23T03:10:00+00:00");
    CHECK(event["end"] == "2026-11-23T03:45:00+00:00");
    CHECK(event["minutes"] == 35.0);
    CHECK(event["member"] == "sam");
    CHECK(event["note"] == "teething");
    CHECK(event["status"] == "active");
    CHECK(event["role"] == "did");
}

TEST_CASE_METHOD(handler_fixture, "a length without a start is something that just ended", "[handler]") {
    set_up_household();
    json event = log({{"kind", "cooking"}, {"member", "alex"}, {"for", "1h20m"}});
    CHECK(event["start_utc"] == "2026-11-23T10:40:00Z");
    CHECK(event["end"] == "2026-11-23T12:00:00+00:00");
}

TEST_CASE_METHOD(handler_fixture, "an instant is counted with its kind's usual length", "[handler]") {
    set_up_household();
    json event = log({{"kind", "school-run"}, {"member", "alex"}});
    CHECK(event["instant"] == true);
    CHECK(event["end"].is_null());
    CHECK(event["minutes"] == 30.0);
}

TEST_CASE_METHOD(handler_fixture, "a retry with the same UUID returns the original, never a duplicate", "[handler]") {
    set_up_household();
    const std::string uuid = fairly::make_uuid();
    json first = ok("event.log", {{"uuid", uuid}, {"kind", "cooking"}, {"member", "alex"}});
    json again = ok("event.log", {{"uuid", uuid}, {"kind", "laundry"}, {"member", "sam"}});
    CHECK(first["duplicate"] == false);
    CHECK(again["duplicate"] == true);
    CHECK(again["event"]["id"] == first["event"]["id"]);
    CHECK(again["event"]["kind"] == "cooking");
    CHECK(count_events() == 1);
}

TEST_CASE_METHOD(handler_fixture, "who logged it comes from the peer credentials, never the request", "[handler]") {
    set_up_household();
    json event = log({{"kind", "bath-time"}, {"member", "alex"}, {"logged_by", "alex"}, {"logged_by_uid", 0}}, sams_uid);
    CHECK(event["member"] == "alex");
    CHECK(event["logged_by"] == "sam");
    CHECK(event["logged_by_uid"] == sams_uid);
    CHECK(event["logged_for_other"] == true);
    json own = log({{"kind", "bath-time"}}, sams_uid);
    CHECK(own["member"] == "sam"); // a bound uid acts as its member
    CHECK(own["logged_for_other"] == false);
}

TEST_CASE_METHOD(handler_fixture, "a uid bound to no member is refused with what to do", "[handler]") {
    set_up_household();
    json reply = call("event.log", {{"uuid", fairly::make_uuid()}, {"kind", "cooking"}}, strangers_uid);
    CHECK(error_code(reply) == -32001);
    CHECK_THAT(error_message(reply), Catch::Contains("member add"));
    CHECK(error_code(call("events.list", json::object(), strangers_uid)) == -32001);
    CHECK(count_events() == 0);
    // The daemon's own uid may act for anyone, like root.
    CHECK(log({{"kind", "cooking"}, {"member", "alex"}}, daemon_uid)["member"] == "alex");
}

TEST_CASE_METHOD(handler_fixture, "with several members and no one named, the error says how to choose", "[handler]") {
    set_up_household();
    json reply = call("event.log", {{"uuid", fairly::make_uuid()}, {"kind", "cooking"}});
    CHECK(error_code(reply) == -32602);
    CHECK(reply["error"]["data"]["field"] == "member");
    CHECK_THAT(error_message(reply), Catch::Contains("FAIRLY_MEMBER"));
    CHECK(log({{"kind", "cooking"}, {"default_member", "alex"}})["member"] == "alex");
}

TEST_CASE_METHOD(handler_fixture, "bad params name the field", "[handler]") {
    set_up_household();
    auto field_of = [&](json params) {
        params["uuid"] = fairly::make_uuid();
        json reply = call("event.log", params);
        INFO(reply.dump());
        REQUIRE(reply.contains("error"));
        return reply["error"]["data"].value("field", std::string());
    };
    CHECK(field_of({{"member", "alex"}}) == "kind");
    CHECK(field_of({{"member", "alex"}, {"kind", 7}}) == "kind");
    CHECK(field_of({{"member", "alex"}, {"kind", "no-such-kind"}}) == "kind");
    CHECK(field_of({{"member", "nobody"}, {"kind", "cooking"}}) == "member");
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"at", "tomorrowish"}}) == "at");
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"for", "-5m"}}) == "for");
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"for", "0m"}}) == "for");
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"at", "10:00"}, {"until", "09:00"}}) == "until");
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"at", "2026-11-24 09:00"}}) == "at"); // future
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"role", "supervised"}}) == "role");
    CHECK(field_of({{"member", "alex"}, {"kind", "cooking"}, {"at", "10:00"}, {"for", "1h"}, {"until", "now"}}) == "for");
    json reply = call("event.log", {{"uuid", "not-a-uuid"}, {"kind", "cooking"}, {"member", "alex"}});
    CHECK(reply["error"]["data"]["field"] == "uuid");
    CHECK(count_events() == 0);
}

TEST_CASE_METHOD(handler_fixture, "protocol errors: parse, invalid request, unknown method", "[handler]") {
    json parse = json::parse(harness_.call_line("{not json", caller{root, 1}));
    CHECK(error_code(parse) == -32700);
    CHECK(parse["id"].is_null());
    CHECK(error_code(json::parse(harness_.call_line("[1,2]", caller{root, 1}))) == -32600);
    CHECK(error_code(json::parse(harness_.call_line(R"({"jsonrpc":"2.0","id":1})", caller{root, 1}))) == -32600);
    json unknown = call("event.delete", json::object());
    CHECK(error_code(unknown) == -32601);
    CHECK(unknown["id"] == id_);
    CHECK(error_code(json::parse(harness_.call_line(R"({"jsonrpc":"2.0","id":1,"method":"status","params":[1]})", caller{root, 1}))) == -32602);
    // A notification (no id) gets no reply.
    CHECK(harness_.call_line(R"({"jsonrpc":"2.0","method":"status"})", caller{root, 1}).empty());
}

TEST_CASE_METHOD(handler_fixture, "void keeps the event with its reason, and only its people may void it", "[handler]") {
    set_up_household();
    json alexs = log({{"kind", "cooking"}, {"member", "alex"}});
    json denied = call("event.void", {{"id", alexs["id"]}, {"reason", "not mine"}}, sams_uid);
    CHECK(error_code(denied) == -32001);
    json voided = ok("event.void", {{"id", alexs["id"]}, {"reason", "logged twice"}})["event"];
    CHECK(voided["status"] == "voided");
    CHECK(voided["void_reason"] == "logged twice");
    CHECK(count_events(false) == 0);
    CHECK(count_events(true) == 1);
    CHECK(error_code(call("event.void", {{"id", alexs["id"]}, {"reason", "again"}})) == -32003);
    CHECK(ok("event.void", {{"id", alexs["id"]}, {"reason", "logged twice"}})["duplicate"] == true);
    CHECK(error_code(call("event.void", {{"id", 999}, {"reason", "x"}})) == -32002);
    CHECK(call("event.void", {{"id", alexs["id"]}})["error"]["data"]["field"] == "reason");
}

TEST_CASE_METHOD(handler_fixture, "a correction supersedes: history keeps both", "[handler]") {
    set_up_household();
    json original = log({{"kind", "night-feed"}, {"member", "sam"}, {"at", "03:10"}, {"for", "35m"}, {"note", "teething"}});
    const std::string uuid = fairly::make_uuid();
    json corrected = ok("event.edit", {{"id", original["id"]}, {"uuid", uuid}, {"for", "50m"}})["event"];
    CHECK(corrected["supersedes"] == original["id"]);
    CHECK(corrected["minutes"] == 50.0);
    CHECK(corrected["start_utc"] == original["start_utc"]);
    CHECK(corrected["note"] == "teething");
    json listed = ok("events.list", {{"since", "2026-01-01"}, {"all", true}})["events"];
    REQUIRE(listed.size() == 2);
    CHECK(listed[0]["status"] == "superseded");
    CHECK(listed[0]["superseded_by"] == corrected["id"]);
    CHECK(ok("events.list", {{"since", "2026-01-01"}})["events"].size() == 1);
    // A retried edit is recognised; editing the superseded one is refused.
    CHECK(ok("event.edit", {{"id", original["id"]}, {"uuid", uuid}, {"for", "50m"}})["duplicate"] == true);
    CHECK(error_code(call("event.edit", {{"id", original["id"]}, {"uuid", fairly::make_uuid()}, {"for", "5m"}})) == -32003);
    // Moving the start keeps the length.
    json moved = ok("event.edit", {{"id", corrected["id"]}, {"uuid", fairly::make_uuid()}, {"at", "02:50"}})["event"];
    CHECK(moved["start_utc"] == "2026-11-23T02:50:00Z");
    CHECK(moved["minutes"] == 50.0);
}

TEST_CASE_METHOD(handler_fixture, "a timer becomes an event when stopped", "[handler]") {
    set_up_household();
    ok("timer.start", {{"uuid", fairly::make_uuid()}, {"kind", "night-feed"}, {"at", "11:20"}}, sams_uid);
    json again = call("timer.start", {{"uuid", fairly::make_uuid()}, {"kind", "night-feed"}}, sams_uid);
    CHECK(error_code(again) == -32003);
    CHECK(ok("status", json::object())["timers_running"] == 1);
    json event = ok("timer.stop", {{"uuid", fairly::make_uuid()}}, sams_uid)["event"];
    CHECK(event["member"] == "sam");
    CHECK(event["minutes"] == 40.0);
    CHECK(ok("status", json::object())["timers_running"] == 0);
    CHECK(error_code(call("timer.stop", {{"uuid", fairly::make_uuid()}}, sams_uid)) == -32002);
}

TEST_CASE_METHOD(handler_fixture, "events are filtered by member, kind and time", "[handler]") {
    set_up_household();
    log({{"kind", "night-feed"}, {"member", "sam"}, {"at", "2026-11-20 03:00"}, {"for", "30m"}});
    log({{"kind", "night-feed"}, {"member", "alex"}, {"at", "2026-11-23 02:00"}, {"for", "30m"}});
    log({{"kind", "cooking"}, {"member", "sam"}, {"at", "2026-11-23 08:00"}, {"for", "30m"}});
    CHECK(ok("events.list", json::object())["events"].size() == 2); // default: this week (Monday 23rd)
    CHECK(ok("events.list", {{"since", "2026-11-16"}, {"member", "sam"}})["events"].size() == 2);
    CHECK(ok("events.list", {{"since", "2026-11-16"}, {"kind", "night-feed"}})["events"].size() == 2);
    CHECK(ok("events.list", {{"since", "2026-11-16"}, {"until", "2026-11-21"}})["events"].size() == 1);
}

TEST_CASE_METHOD(handler_fixture, "init checks the split and refuses a second init", "[handler]") {
    CHECK(call("init", {{"members", {"alex", "sam"}}, {"tz", "Europe/London"}, {"split", {{"alex", 60}, {"sam", 30}}}})["error"]["data"]["field"] == "split");
    CHECK(call("init", {{"members", {"alex", "sam"}}, {"tz", "Mars/Olympus"}})["error"]["data"]["field"] == "tz");
    CHECK(error_code(call("init", {{"members", {"alex"}}, {"tz", "Europe/London"}}, sams_uid)) == -32001);
    json status = ok("init", {{"members", {"alex", "sam"}}, {"tz", "Europe/London"}, {"split", {{"alex", 60}, {"sam", 40}}}});
    CHECK(status["members"][0]["agreed_share"] == 0.6); // shares are fractions in every answer
    CHECK(status["kinds"].get<int>() >= 14);
    CHECK(error_code(call("init", {{"members", {"alex"}}, {"tz", "Europe/London"}})) == -32003);
}

TEST_CASE_METHOD(handler_fixture, "whose-turn with three members weighs the agreed split, then who waited longest", "[handler][turns]") {
    ok("init", {{"members", {"alex", "sam", "kim"}}, {"tz", "Europe/London"}});
    // The lie-in's own split, agreed by all three (the load's split does not apply to turns).
    ok("agree.propose", {{"uuid", fairly::make_uuid()}, {"thing", "lie-in"}, {"split", {{"alex", 50}, {"sam", 25}, {"kim", 25}}},
                         {"member", "alex"}, {"from", "2026-11-01"}});
    for (const char* member : {"sam", "kim"}) ok("agree.answer", {{"thing", "lie-in"}, {"answer", "accept"}, {"member", member}});
    auto take = [&](const char* member, const char* at) {
        ok("turn.take", {{"uuid", fairly::make_uuid()}, {"thing", "lie-in"}, {"member", member}, {"at", at}});
    };
    // No turns yet: alex, agreed the most, is furthest below their share.
    CHECK(ok("turn.whose", {{"thing", "lie-in"}})["next"] == "alex");
    take("alex", "2026-11-16 08:00");
    take("sam", "2026-11-17 08:00");
    take("kim", "2026-11-18 08:00");
    take("alex", "2026-11-19 08:00");
    // 2/1/1 of 4 is exactly 50/25/25: a tie, and sam's last turn is longest ago.
    json tie = ok("turn.whose", {{"thing", "lie-in"}});
    CHECK(tie["next"] == "sam");
    CHECK_THAT(tie["reason"].get<std::string>(), Catch::StartsWith("The last 4 lie-ins were shared 50/25/25 (alex/sam/kim), as agreed; sam's last one was longest ago ("));
    take("sam", "2026-11-20 08:00");
    // 2/2/1 of 5: kim is at 20% against 25%, alex at 40% against 50% (10 below).
    CHECK(ok("turn.whose", {{"thing", "lie-in"}})["next"] == "alex");
    // Only the last N turns count when asked.
    CHECK(ok("turn.whose", {{"thing", "lie-in"}, {"last", 1}})["next"] == "alex");
    // A thing nobody took a turn at has no standing to give ("0 of the last
    // 0" would answer a typo with confidence): said, with the nearest thing.
    const json none = call("turn.whose", {{"thing", "gym-slot"}});
    CHECK(error_message(none) == "no turns at gym-slot yet; `fairly turn gym-slot` records the first");
    CHECK(error_message(call("turn.whose", {{"thing", "liein"}})) == "no turns at liein yet; did you mean lie-in?");
}

TEST_CASE_METHOD(handler_fixture, "a brief event.log reply carries the id and still never duplicates", "[handler]") {
    set_up_household();
    const std::string uuid = fairly::make_uuid();
    json first = ok("event.log", {{"uuid", uuid}, {"kind", "cooking"}, {"member", "alex"}, {"brief", true}});
    CHECK(first["duplicate"] == false);
    CHECK(first["id"].is_number_integer());
    CHECK_FALSE(first.contains("event"));
    json again = ok("event.log", {{"uuid", uuid}, {"kind", "cooking"}, {"member", "alex"}, {"brief", true}});
    CHECK(again["duplicate"] == true);
    CHECK(again["id"] == first["id"]);
    CHECK(count_events() == 1);
}

TEST_CASE_METHOD(handler_fixture, "the report's aggregates kept at write time equal a rebuild from the events", "[handler][report]") {
    set_up_household();
    auto snapshot = [&] {
        std::vector<std::string> rows;
        fairly::store::statement weeks(db_.handle(), "SELECT week_day, member_id, kind_id, thinking, events, seconds, night_seconds, wakeups "
                                                    "FROM load_week WHERE events <> 0 ORDER BY 1, 2, 3, 4");
        while (weeks.step()) {
            std::string row;
            for (int c = 0; c < 8; ++c) row += std::to_string(weeks.int64(c)) + ",";
            rows.push_back(row);
        }
        fairly::store::statement rest(db_.handle(), "SELECT night_day, member_id, longest_seconds FROM rest_night ORDER BY 1, 2");
        while (rest.step()) rows.push_back("rest " + std::to_string(rest.int64(0)) + "," + std::to_string(rest.int64(1)) + "," + std::to_string(rest.int64(2)));
        return rows;
    };
    // Nights, an instant, thinking work, a night across midnight, a void, an edit, a dispute and a confirmation.
    json feed = log({{"kind", "night-feed"}, {"member", "sam"}, {"at", "2026-11-20 23:40"}, {"for", "50m"}});
    log({{"kind", "night-feed"}, {"member", "sam"}, {"at", "2026-11-21 03:10"}, {"for", "20m"}});
    json second = log({{"kind", "night-feed"}, {"member", "alex"}, {"at", "2026-11-22 02:00"}, {"for", "30m"}});
    log({{"kind", "school-run"}, {"member", "alex"}, {"at", "2026-11-19 08:20"}});
    log({{"kind", "appointment"}, {"member", "sam"}, {"role", "planned"}, {"at", "2026-11-18 12:00"}, {"for", "15m"}});
    json bath = log({{"kind", "bath-time"}, {"member", "alex"}, {"at", "2026-11-18 19:00"}, {"for", "30m"}}, sams_uid);
    json cooking = log({{"kind", "cooking"}, {"member", "sam"}, {"default_member", "alex"}, {"at", "2026-11-17 18:00"}, {"for", "1h"}});
    ok("event.void", {{"id", second["id"]}, {"reason", "logged twice"}});
    ok("event.edit", {{"id", feed["id"]}, {"uuid", fairly::make_uuid()}, {"for", "1h10m"}});
    ok("event.dispute", {{"id", bath["id"]}, {"reason", "that was sam"}, {"member", "alex"}});
    ok("event.dispute", {{"id", cooking["id"]}, {"reason", "no"}, {"member", "sam"}});
    ok("event.confirm", {{"id", cooking["id"]}, {"member", "sam"}, {"change", true}});
    const auto incremental = snapshot();
    REQUIRE_FALSE(incremental.empty());
    // Changing the night and changing it back rebuilds everything from the events.
    agreed("night.set", {{"from", "21:00"}});
    CHECK(snapshot() != incremental);
    agreed("night.set", {{"from", "22:00"}});
    CHECK(snapshot() == incremental);
}

TEST_CASE_METHOD(handler_fixture, "the report follows the JSON contract", "[handler][report]") {
    set_up_household();
    log({{"kind", "night-feed"}, {"member", "sam"}, {"at", "2026-11-23 03:10"}, {"for", "35m"}});
    log({{"kind", "cooking"}, {"member", "alex"}, {"at", "2026-11-23 08:00"}, {"for", "1h"}});
    json report = ok("report", json::object());
    CHECK(report["period"]["from"] == "2026-11-23");
    CHECK(report["period"]["to"] == "2026-11-29");
    CHECK(report["period"]["tz"] == "Europe/London");
    REQUIRE(report["members"].size() == 2);
    double share_sum = 0;
    for (const json& member : report["members"]) {
        for (const char* field : {"name", "share", "agreed_share", "points", "hours", "night_minutes", "wakeups", "meetings_moved", "thanks_received"}) {
            INFO(field);
            CHECK(member.contains(field));
        }
        share_sum += member["share"].get<double>();
    }
    CHECK(share_sum == Approx(1.0));
    // 35 night minutes of a night-feed: 1 + 2 x 35/60 x 1.5 = 2.75 points.
    CHECK(report["members"][1]["points"] == 2.75);
    CHECK(report["members"][1]["night_minutes"] == 35);
    CHECK(report["members"][1]["wakeups"] == 1);
    // The trend starts at the household's first entry, this week.
    REQUIRE(report["trend"].size() == 1);
    CHECK(report["trend"][0]["week"] == "2026-W48");
    CHECK(report["trend"][0]["complete"] == false);
    CHECK(report["trend"][0]["shares"].contains("sam"));
    CHECK(report["drift"].contains("alert"));
    CHECK(report["drift"].contains("member"));
    CHECK(report["drift"].contains("since"));
    // A weight changed now applies to the past too, and the report says so.
    agreed("kind.edit", {{"name", "night-feed"}, {"per_hour", 4}});
    json after = ok("report", json::object());
    CHECK(after["members"][1]["points"] == 4.5); // 1 + 4 x 35/60 x 1.5
    CHECK(after["weights"]["last_change"]["name"] == "night-feed");
}

TEST_CASE_METHOD(handler_fixture, "report periods: a week, the last weeks, and exact dates", "[handler][report]") {
    set_up_household();
    log({{"kind", "cooking"}, {"member", "alex"}, {"at", "2026-11-10 18:00"}, {"for", "1h"}});
    log({{"kind", "cooking"}, {"member", "sam"}, {"at", "2026-11-12 18:00"}, {"for", "1h"}});
    json week = ok("report", {{"week", "2026-11-11"}});
    CHECK(week["period"]["from"] == "2026-11-09");
    CHECK(week["period"]["week"] == "2026-W46");
    CHECK(week["members"][0]["hours"] == 1.0);
    json last = ok("report", {{"last", "3w"}});
    CHECK(last["period"]["from"] == "2026-11-09");
    CHECK(last["trend"].size() == 3);
    // A period that cuts a week is counted from the events themselves.
    json cut = ok("report", {{"from", "2026-11-11"}, {"to", "2026-11-30"}});
    CHECK(cut["members"][0]["hours"] == 0.0);
    CHECK(cut["members"][1]["hours"] == 1.0);
    CHECK(call("report", {{"week", "2026-11-11"}, {"last", "2w"}})["error"]["code"] == -32602);
    CHECK(call("report", {{"last", "many"}})["error"]["data"]["field"] == "last");
    CHECK(call("report", {{"from", "2026-11-11"}})["error"]["data"]["field"] == "to");
}

// ---------------------------------------------------------------- import and export

namespace {

json import_row(const std::string& kind, const std::string& start, const std::string& end, json extra = json::object()) {
    json row{{"type", "event"}, {"uuid", fairly::make_uuid()}, {"member", "sam"}, {"kind", kind}, {"start", start}, {"end", end}};
    for (auto& [key, value] : extra.items()) row[key] = value;
    return row;
}

} // namespace

TEST_CASE_METHOD(handler_fixture, "an import batch writes all its rows or none, and names each refused row", "[handler][import]") {
    set_up_household();
    const json good = import_row("night-feed", "2026-11-20T03:00:00Z", "2026-11-20T03:30:00Z");
    const json bad = import_row("feeding", "2026-11-20T04:00:00Z", "2026-11-20T04:30:00Z");
    const json also_good = import_row("cooking", "2026-11-20 18:00", "2026-11-20 19:00"); // local time
    json reply = ok("import.records", {{"rows", {good, bad, also_good}}});
    CHECK(reply["written"] == false);
    REQUIRE(reply["refused"].size() == 1);
    CHECK(reply["refused"][0]["index"] == 1);
    CHECK_THAT(reply["refused"][0]["reason"].get<std::string>(), Catch::Contains("no kind feeding"));
    CHECK(count_events() == 0);

    reply = ok("import.records", {{"rows", {good, also_good}}});
    CHECK(reply["written"] == true);
    CHECK(reply["added"] == 2);
    CHECK(count_events() == 2);
    reply = ok("import.records", {{"rows", {good, also_good}}});
    CHECK(reply["added"] == 0);
    CHECK(reply["skipped"] == 2);
    CHECK(count_events() == 2);
}

TEST_CASE_METHOD(handler_fixture, "an import check reads every field and writes nothing", "[handler][import]") {
    set_up_household();
    const json good = import_row("night-feed", "2026-11-20T03:00:00Z", "2026-11-20T03:30:00Z");
    const json backwards = import_row("night-feed", "2026-11-20T05:00:00Z", "2026-11-20T04:00:00Z");
    const json future = import_row("cooking", "2026-12-20T05:00:00Z", "2026-12-20T06:00:00Z");
    const json voided_without_reason = import_row("cooking", "2026-11-19T05:00:00Z", "2026-11-19T06:00:00Z", {{"status", "voided"}});
    json reply = ok("import.records", {{"rows", {good, backwards, future, voided_without_reason}}, {"dry_run", true}});
    CHECK(reply["added"] == 1);
    CHECK(reply["written"] == false);
    REQUIRE(reply["refused"].size() == 3);
    CHECK(reply["refused"][0]["field"] == "end");
    CHECK(reply["refused"][1]["field"] == "start");
    CHECK(reply["refused"][2]["field"] == "void_reason");
    CHECK(count_events() == 0);
}

TEST_CASE_METHOD(handler_fixture, "an imported correction supersedes its original and the report's figures follow", "[handler][import]") {
    set_up_household();
    const json original = import_row("night-feed", "2026-11-20T03:00:00Z", "2026-11-20T03:30:00Z");
    const json correction = import_row("night-feed", "2026-11-20T03:00:00Z", "2026-11-20T04:30:00Z", {{"supersedes", original["uuid"]}});
    const json orphan = import_row("night-feed", "2026-11-20T03:00:00Z", "2026-11-20T04:30:00Z", {{"supersedes", fairly::make_uuid()}});
    // In a check the client vouches for an original earlier in the file;
    // nothing else may point at an event that is not there.
    CHECK(ok("import.records", {{"rows", {orphan}}, {"dry_run", true}})["refused"].size() == 1);
    json vouched = orphan;
    vouched["earlier_in_file"] = true;
    CHECK(ok("import.records", {{"rows", {vouched}}, {"dry_run", true}})["refused"].empty());
    CHECK(ok("import.records", {{"rows", {vouched}}})["refused"].size() == 1);

    ok("import.records", {{"rows", {original}}});
    const json week = ok("report", {{"week", "2026-11-16"}});
    ok("import.records", {{"rows", {correction}}});
    const json events = ok("events.list", {{"since", "2026-11-01"}, {"all", true}})["events"];
    REQUIRE(events.size() == 2);
    CHECK(events[0]["status"] == "superseded");
    CHECK(events[1]["supersedes"] == events[0]["id"]);
    const json after = ok("report", {{"week", "2026-11-16"}});
    CHECK(after != week);
    // The figures kept at import equal those counted anew from the events
    // (changing the night and back rebuilds them; it also notes the change).
    agreed("night.set", {{"from", "21:00"}});
    agreed("night.set", {{"from", "22:00"}});
    json rebuilt = ok("report", {{"week", "2026-11-16"}});
    CHECK(rebuilt["weights"] != after["weights"]);
    rebuilt.erase("weights");
    json kept = after;
    kept.erase("weights");
    CHECK(rebuilt == kept);
}

TEST_CASE_METHOD(handler_fixture, "a member who imports is recorded as having logged what they import", "[handler][import]") {
    set_up_household();
    const json row = import_row("cooking", "2026-11-20T18:00:00Z", "2026-11-20T19:00:00Z",
                                {{"member", "alex"}, {"logged_by", "alex"}, {"logged_by_uid", 0}});
    CHECK(ok("import.records", {{"rows", {row}}}, sams_uid)["added"] == 1);
    const json event = ok("events.list", {{"since", "2026-11-01"}})["events"][0];
    CHECK(event["logged_by"] == "sam");
    CHECK(event["logged_by_uid"] == sams_uid);
    CHECK(event["logged_for_other"] == true);
    CHECK(error_code(call("import.records", {{"rows", {row}}}, strangers_uid)) == -32001);
}

TEST_CASE_METHOD(handler_fixture, "an export's household part sets up a new household as it was, by root only", "[handler][import]") {
    set_up_household();
    agreed("kind.edit", {{"name", "night-feed"}, {"per_hour", 3}});
    agreed("night.set", {{"from", "21:30"}, {"multiplier", 2}});
    ok("protect.set", {{"who", "couple"}, {"weekly", "2h"}});
    ok("slot.add", {{"who", "sam"}, {"label", "swim"}, {"when", "sat 07:00"}, {"for", "1h"}});
    const json exported = ok("export.household", json::object());

    handler_fixture fresh;
    CHECK(error_code(fresh.call("import.household", {{"household", exported}}, sams_uid)) == -32001);
    const json checked = fresh.ok("import.household", {{"household", exported}, {"dry_run", true}});
    CHECK(checked["created"] == true);
    CHECK(fresh.ok("status", json::object())["initialized"] == false);
    fresh.ok("import.household", {{"household", exported}});
    CHECK(fresh.ok("export.household", json::object()) == exported);
    // Merged into a household that exists: nothing is added twice.
    const json again = fresh.ok("import.household", {{"household", exported}});
    CHECK(again["created"] == false);
    CHECK(again["kinds_added"] == 0);
    CHECK(again["slots_added"] == 0);
    CHECK(fresh.ok("export.household", json::object()) == exported);
}

TEST_CASE_METHOD(handler_fixture, "an event imported again takes a void and reviews made since, and nothing else", "[handler][import]") {
    set_up_household();
    json row = import_row("night-feed", "2026-11-20T03:00:00Z", "2026-11-20T03:30:00Z", {{"member", "alex"}});
    ok("import.records", {{"rows", {row}}});
    const json before = ok("report", {{"week", "2026-11-16"}});

    // The same event, disputed and then voided where it came from.
    row["reviews"] = json::array({{{"member", "alex"}, {"verdict", "disputed"}, {"reason", "that was sam"}}});
    json checked = ok("import.records", {{"rows", {row}}, {"dry_run", true}});
    CHECK(checked["updated"] == 1);
    CHECK(ok("events.list", {{"since", "2026-11-01"}})["events"][0]["review"].is_null());
    json reply = ok("import.records", {{"rows", {row}}});
    CHECK(reply["added"] == 0);
    CHECK(reply["updated"] == 1);
    json event = ok("events.list", {{"since", "2026-11-01"}})["events"][0];
    CHECK(event["review"] == "disputed");
    CHECK(ok("report", {{"week", "2026-11-16"}}) != before);
    // Imported again: the review is there already.
    CHECK(ok("import.records", {{"rows", {row}}})["updated"] == 0);

    row["status"] = "voided";
    CHECK(ok("import.records", {{"rows", {row}}})["refused"].size() == 1); // a void says why
    row["void_reason"] = "logged twice";
    CHECK(ok("import.records", {{"rows", {row}}})["updated"] == 1);
    event = ok("events.list", {{"since", "2026-11-01"}, {"all", true}})["events"][0];
    CHECK(event["status"] == "voided");
    CHECK(event["void_reason"] == "logged twice");
    // A void is final: the file saying "active" again changes nothing.
    row["status"] = "active";
    CHECK(ok("import.records", {{"rows", {row}}})["updated"] == 0);
    CHECK(ok("events.list", {{"since", "2026-11-01"}, {"all", true}})["events"][0]["status"] == "voided");
}

TEST_CASE_METHOD(handler_fixture, "an end alone is something finished then, lasting its kind's usual length", "[handler]") {
    set_up_household();
    // bath-time's usual length is 30 minutes; a phone's queued tap sends the time of the tap as the end.
    json tapped = log({{"kind", "bath-time"}, {"member", "alex"}, {"until", "2026-11-23T11:40:00Z"}});
    CHECK(tapped["start_utc"] == "2026-11-23T11:10:00Z");
    CHECK(tapped["minutes"] == 30.0);
    json chip = log({{"kind", "bath-time"}, {"member", "alex"}, {"until", "2026-11-23T11:00:00Z"}, {"for", "20m"}});
    CHECK(chip["start_utc"] == "2026-11-23T10:40:00Z");
    CHECK(chip["minutes"] == 20.0);
}

TEST_CASE("who may call a method is declared once, in the method table, and the phone's routes follow from it", "[handler]") {
    using fairly::daemon::phone_routes;
    using fairly::daemon::reachable;
    // The socket's own: not over HTTP.
    for (const char* socket_only : {"init", "kind.edit", "night.set", "agree.propose", "backup", "device.pair", "export.records"}) {
        CHECK(reachable(socket_only, false));
        CHECK_FALSE(reachable(socket_only, true));
    }
    // A phone's own: not on the socket.
    for (const char* phone_only : {"device.claim", "device.check", "phone.state", "phone.events"}) {
        CHECK(reachable(phone_only, true));
        CHECK_FALSE(reachable(phone_only, false));
    }
    CHECK(reachable("event.log", true));
    CHECK(reachable("event.log", false));
    CHECK_FALSE(reachable("no.such.method", false));
    // Every route a phone has is to a method it may call, and every route is listed once.
    std::set<std::string> paths;
    for (const auto& route : phone_routes()) {
        CHECK(reachable(route.method, true));
        CHECK(paths.insert(std::string(route.path)).second);
    }
    CHECK(paths == std::set<std::string>{"/api/confirm", "/api/dispute", "/api/edit", "/api/events", "/api/log", "/api/report",
                                         "/api/start", "/api/state", "/api/stop", "/api/thanks", "/api/void"});
}

TEST_CASE_METHOD(handler_fixture, "a weight root changes for nobody waits for every member, and a household of one changes it at once",
                 "[handler][consent]") {
    set_up_household();
    const json proposed = ok("kind.edit", {{"name", "night-feed"}, {"per_hour", 4}});
    CHECK(proposed["changed"] == false);
    CHECK(proposed["kind"]["points_per_hour"] == 2.0); // the weight in force
    CHECK(proposed["proposal"]["proposed_by"].is_null());
    CHECK(proposed["proposal"]["awaiting"] == json::array({"alex", "sam"}));
    const json answer{{"subject", "kind"}, {"name", "night-feed"}, {"answer", "accept"}};
    CHECK(ok("proposal.answer", answer, sams_uid)["proposal"]["awaiting"] == json::array({"alex"}));
    CHECK(ok("proposals.list", json::object())["proposals"].size() == 1);
    json as_alex = answer;
    as_alex["member"] = "alex";
    CHECK(ok("proposal.answer", as_alex)["proposal"]["state"] == "agreed");
    CHECK(ok("proposals.list", json::object())["proposals"].empty());
    const json change = ok("changes", json::object())["changes"].back();
    CHECK(change["proposed_by"].is_null());
    CHECK(change["proposed_by_uid"] == 0);
    CHECK(change["accepted_by"] == json::array({"alex", "sam"})); // answered at the same instant: in member order
    // Nothing left to answer.
    CHECK(error_code(call("proposal.answer", answer, sams_uid)) == error_code(call("agree.answer", {{"answer", "accept"}}, sams_uid)));

    handler_fixture alone;
    alone.ok("init", {{"members", {"alex"}}, {"tz", "Europe/London"}});
    const json made = alone.ok("night.set", {{"from", "21:00"}});
    CHECK_FALSE(made.contains("proposal"));
    CHECK(made["from"] == "21:00");
    CHECK(alone.ok("kind.edit", {{"name", "night-feed"}, {"per_hour", 4}})["kind"]["points_per_hour"] == 4.0);
}

TEST_CASE_METHOD(handler_fixture, "in one shared round a write refused half-way leaves nothing, the writes beside it are stored, and the round ran again once",
                 "[handler][round]") {
    set_up_household();
    auto log_request = [&](const std::string& note) {
        return json{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", "event.log"},
                    {"params", {{"uuid", fairly::make_uuid()}, {"member", "alex"}, {"kind", "cooking"}, {"at", "2026-11-23 09:00"}, {"for", "20m"}, {"note", note}}}};
    };
    const std::int64_t first = log({{"member", "alex"}, {"kind", "cooking"}, {"at", "2026-11-23 08:00"}, {"for", "20m"}, {"note", "first"}})["id"];
    // A rule of the record refuses a note, as a CHECK would: the refused edit
    // has already marked #first superseded when its new version is refused.
    db_.exec("CREATE TRIGGER refuse_for_test BEFORE INSERT ON event WHEN NEW.note = 'refused' "
             "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;");
    const std::uint64_t retried = harness_.queue().retried(), commits = harness_.queue().commits();
    const std::vector<json> replies = harness_.round({
        {log_request("kept before"), caller{root, 1}},
        {log_request("refused"), caller{root, 1}},
        {json{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", "event.edit"},
              {"params", {{"uuid", fairly::make_uuid()}, {"id", first}, {"note", "refused"}}}},
         caller{root, 1}},
        {json{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", "moved.log"},
              {"params", {{"uuid", fairly::make_uuid()}, {"member", "sam"}, {"what", "standup"}, {"for", "school-run"}}}},
         caller{root, 1}},
        {log_request("kept after"), caller{root, 1}},
    });
    INFO(json(replies).dump());
    CHECK(replies[0].contains("result"));
    CHECK(error_code(replies[1]) == -32003);
    CHECK(error_code(replies[2]) == -32003);
    CHECK(replies[3].contains("result"));
    CHECK(replies[4].contains("result"));
    // One round, run a second time with savepoints: the edit had changed a row.
    CHECK(harness_.queue().commits() == commits + 1);
    CHECK(harness_.queue().retried() == retried + 1);
    db_.exec("DROP TRIGGER refuse_for_test");
    // #first is still the active entry; the figures count the three entries once each.
    const json events = ok("events.list", {{"since", "2026-01-01"}})["events"];
    CHECK(events.size() == 3);
    for (const json& event : events) CHECK(event["note"] != "refused");
    const json alex = ok("report", {{"week", "2026-11-23"}});
    std::int64_t counted = 0;
    for (const json& member : alex["members"]) counted += member.value("events", std::int64_t{0});
    CHECK(counted == 3);
}

TEST_CASE_METHOD(handler_fixture, "a round of 40 logs in one commit is counted once each in the report", "[handler][round]") {
    set_up_household();
    const std::uint64_t commits = harness_.queue().commits();
    std::vector<std::pair<json, caller>> logs;
    for (int i = 0; i < 40; ++i) {
        logs.push_back({json{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", "event.log"},
                             {"params", {{"uuid", fairly::make_uuid()}, {"member", i % 4 == 0 ? "sam" : "alex"}, {"kind", "cooking"},
                                         {"at", "2026-11-23 0" + std::to_string(i % 10) + ":" + (i < 20 ? "00" : "30")}, {"for", "15m"}}}},
                        caller{root, 1}});
    }
    for (const json& reply : harness_.round(logs)) CHECK(reply.contains("result"));
    CHECK(harness_.queue().commits() == commits + 1);
    const json report = ok("report", {{"week", "2026-11-23"}});
    std::map<std::string, std::int64_t> events;
    for (const json& member : report["members"]) events[member["name"]] = member.value("events", std::int64_t{0});
    CHECK(events["alex"] == 30);
    CHECK(events["sam"] == 10);
}
