// Pairing and devices through the handler, with no socket: who may pair a
// phone for whom, that a link works once and for ten minutes, that a device
// acts as its member and reaches only what the phone page needs.
#include "handler.hpp"
#include "round_harness.hpp"
#include "http_server.hpp"
#include "migrations.hpp"
#include "secret.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"

#include <catch2/catch.hpp>

using fairly::daemon::caller;
using fairly::daemon::json;

namespace {

constexpr std::int64_t root = 0;
constexpr std::int64_t daemon_uid = 990;
constexpr std::int64_t sams_uid = 1001;

struct devices_fixture {
    std::string now = "2026-11-23T12:00:00Z";
    fairly::store::database db{":memory:"};
    fairly::test::round_harness harness{db, {daemon_uid, "test", [this] { return fairly::parse_iso_instant(now); }, {}}};
    int id = 0;

    devices_fixture() {
        fairly::store::apply_migrations(db);
        ok("init", {{"members", {"alex", "sam"}}, {"tz", "Europe/London"}});
        ok("member.add", {{"name", "sam"}, {"unix_uid", sams_uid}});
        harness.handler().set_http_base_url("http://127.0.0.1:8737");
    }

    json call(const std::string& method, json params, const caller& who) {
        json request{{"jsonrpc", "2.0"}, {"id", ++id}, {"method", method}, {"params", std::move(params)}};
        return harness.call(std::move(request), who);
    }
    static caller socket_user(std::int64_t uid) {
        caller who;
        who.uid = uid;
        who.pid = 1;
        return who;
    }
    static caller phone(const std::string& token) {
        caller who;
        who.uid = daemon_uid;
        who.http = true;
        if (!token.empty()) who.token_hash = fairly::daemon::sha256_hex(token);
        return who;
    }
    json ok(const std::string& method, json params, const caller& who = socket_user(root)) {
        json reply = call(method, std::move(params), who);
        INFO(method << ": " << reply.dump());
        REQUIRE(reply.contains("result"));
        return reply["result"];
    }
    /// A link for `member`, opened on a phone: the device token.
    std::string paired(const std::string& member) {
        const std::string url = ok("device.pair", {{"member", member}})["url"];
        return ok("device.claim", {{"code", url.substr(url.rfind('/') + 1)}, {"name", "phone"}}, phone(""))["token"];
    }
};

std::string code_of(const json& pairing) {
    const std::string url = pairing["url"];
    return url.substr(url.rfind('/') + 1);
}

} // namespace

TEST_CASE("tokens are long, random, and hashed as SHA-256", "[devices]") {
    using namespace fairly::daemon;
    const std::string token = random_token(32), other = random_token(32);
    CHECK(token.size() == 43); // 256 bits in base64url
    CHECK(token != other);
    CHECK(looks_like_token(token, 32));
    CHECK_FALSE(looks_like_token(token + "x", 32));
    CHECK_FALSE(looks_like_token(std::string(42, 'a') + "/", 32));
    CHECK(random_token(16).size() == 22);
    // FIPS 180-2's first example, recomputed by anyone: SHA-256("abc").
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(equal_constant_time("abc", "abc"));
    CHECK_FALSE(equal_constant_time("abc", "abd"));
    CHECK_FALSE(equal_constant_time("abc", "abcd"));
}

TEST_CASE("the HTTP address is an address and a port, and a port alone is loopback", "[devices]") {
    using fairly::daemon::parse_listen_address;
    CHECK(parse_listen_address("8737") == std::pair<std::string, unsigned short>{"127.0.0.1", 8737});
    CHECK(parse_listen_address("0.0.0.0:8737").first == "0.0.0.0");
    CHECK(parse_listen_address("[::1]:9000") == std::pair<std::string, unsigned short>{"::1", 9000});
    CHECK(parse_listen_address("localhost:80").first == "127.0.0.1");
    CHECK_THROWS_WITH(parse_listen_address("127.0.0.1:http"), Catch::Contains("ADDRESS:PORT"));
    CHECK_THROWS_WITH(parse_listen_address("home:8737"), Catch::Contains("not an IP address"));
    CHECK_THROWS(parse_listen_address("127.0.0.1:70000"));
}

TEST_CASE_METHOD(devices_fixture, "a pairing link works once, for ten minutes", "[devices]") {
    const json link = ok("device.pair", {{"member", "alex"}});
    CHECK(link["member"] == "alex");
    CHECK(link["expires_in_minutes"] == 10);
    CHECK(link["url"].get<std::string>().rfind("http://127.0.0.1:8737/pair/", 0) == 0);
    CHECK_FALSE(link["qr"].get<std::string>().empty());
    const json claimed = ok("device.claim", {{"code", code_of(link)}, {"name", "Alex's phone"}}, phone(""));
    CHECK(claimed["member"] == "alex");
    CHECK(claimed["device"]["name"] == "Alex's phone");
    const json again = call("device.claim", {{"code", code_of(link)}, {"name", "someone else"}}, phone(""));
    REQUIRE(again.contains("error"));
    CHECK_THAT(again["error"]["message"].get<std::string>(), Catch::Contains("already been used or has expired"));

    const json late = ok("device.pair", {{"member", "alex"}});
    now = "2026-11-23T12:10:01Z";
    CHECK(call("device.claim", {{"code", code_of(late)}}, phone(""))["error"]["data"]["pairing"] == "refused");
    CHECK(call("device.claim", {{"code", "not-a-code"}}, phone("")).contains("error"));
    CHECK(ok("devices.list", json::object())["devices"].size() == 1);
}

TEST_CASE_METHOD(devices_fixture, "a member pairs a phone for themselves; root for anyone", "[devices]") {
    const json refused = call("device.pair", {{"member", "alex"}}, socket_user(sams_uid));
    REQUIRE(refused.contains("error"));
    CHECK_THAT(refused["error"]["message"].get<std::string>(), Catch::Contains("for yourself (sam)"));
    CHECK(ok("device.pair", json::object(), socket_user(sams_uid))["member"] == "sam");
    CHECK(ok("device.pair", {{"member", "sam"}})["member"] == "sam");
}

TEST_CASE_METHOD(devices_fixture, "without --http, pairing says how to start the page", "[devices]") {
    harness.handler().set_http_base_url("");
    const json reply = call("device.pair", {{"member", "alex"}}, socket_user(root));
    REQUIRE(reply.contains("error"));
    CHECK_THAT(reply["error"]["message"].get<std::string>(), Catch::Contains("fairlyd --http 127.0.0.1:8737"));
}

TEST_CASE_METHOD(devices_fixture, "a device acts as its member, and reaches only the phone's requests", "[devices]") {
    const std::string token = paired("alex");
    const json logged = ok("event.log", {{"uuid", fairly::make_uuid()}, {"kind", "night-feed"}, {"for", "20m"}}, phone(token));
    CHECK(logged["event"]["member"] == "alex");
    CHECK(logged["event"]["logged_by"] == "alex");
    CHECK(ok("phone.state", json::object(), phone(token))["member"] == "alex");
    // Never privileged, even though fairlyd's own uid writes for it.
    for (const char* method :
         {"member.add", "backup", "restore", "import.household", "device.pair", "devices.list", "export.household", "status"}) {
        const json reply = call(method, {{"name", "mallory"}}, phone(token));
        INFO(method);
        REQUIRE(reply.contains("error"));
        CHECK(reply["error"]["code"] == -32001);
    }
    // The socket's reference_time and default_member are not read from a phone.
    const json later = ok("event.log", {{"uuid", fairly::make_uuid()}, {"kind", "cooking"}, {"default_member", "sam"},
                                        {"reference_time", "2026-11-30T12:00:00Z"}}, phone(token));
    CHECK(later["event"]["member"] == "alex");
    CHECK(later["event"]["start"].get<std::string>().rfind("2026-11-23", 0) == 0);
    // And the socket cannot claim a phone's link.
    const std::string url = ok("device.pair", {{"member", "alex"}})["url"];
    CHECK(call("device.claim", {{"code", url.substr(url.rfind('/') + 1)}}, socket_user(root))["error"]["code"] == -32001);
}

TEST_CASE_METHOD(devices_fixture, "an unpaired or revoked device reaches nothing", "[devices]") {
    const std::string token = paired("alex");
    for (const std::string& nobody : {std::string(), fairly::daemon::random_token(32)}) {
        const json reply = call("phone.state", json::object(), phone(nobody));
        REQUIRE(reply.contains("error"));
        CHECK(reply["error"]["data"]["unpaired"] == true);
        CHECK(reply.dump().find("alex") == std::string::npos);
    }
    const std::int64_t device = ok("devices.list", json::object())["devices"][0]["id"];
    CHECK(call("device.revoke", {{"id", device}}, socket_user(sams_uid))["error"]["code"] == -32001); // not sam's phone
    CHECK(ok("device.revoke", {{"id", device}})["device"]["revoked"] == true);
    CHECK(call("phone.state", json::object(), phone(token))["error"]["data"]["unpaired"] == true);
    CHECK(call("event.log", {{"uuid", fairly::make_uuid()}, {"kind", "cooking"}}, phone(token)).contains("error"));
}
