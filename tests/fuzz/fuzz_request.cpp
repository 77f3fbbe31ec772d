// libFuzzer target: bytes from a hostile client, through the line framing
// and the commit queue, on an in-memory household: every line of one input
// is submitted, then committed in one round, as fairlyd takes the lines a
// client pipelines (its shared round, its retry with savepoints, the one
// aggregate flush). Any crash, hang, sanitizer report or malformed reply is a
// finding.
#include "framing.hpp"
#include "handler.hpp"
#include "migrations.hpp"
#include "protocol.hpp"
#include "round_harness.hpp"
#include "time_expr.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

struct household {
    fairly::store::database db{":memory:"};
    fairly::test::round_harness harness{db, {1000, "fuzz", [] { return fairly::parse_iso_instant("2026-11-23T12:00:00Z"); }, {}}};
    household() {
        fairly::store::apply_migrations(db);
        harness.call_line(R"({"jsonrpc":"2.0","id":1,"method":"init","params":{"members":["alex","sam"],"tz":"Europe/London"}})",
                            fairly::daemon::caller{0, 1});
        harness.call_line(R"({"jsonrpc":"2.0","id":2,"method":"member.add","params":{"name":"sam","unix_uid":1001}})",
                            fairly::daemon::caller{0, 1});
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static household home; // one household across inputs: state from earlier inputs is part of the search
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // The first byte picks who is calling: root, a bound member, a stranger.
    const std::int64_t uids[] = {0, 1001, 4242};
    const fairly::daemon::caller who{size > 0 ? uids[static_cast<unsigned char>(bytes[0]) % 3] : 0, 1};
    fairly::line_splitter splitter(fairly::rpc::max_line_bytes);
    splitter.feed(size > 0 ? bytes.substr(1) : bytes);
    std::string line;
    std::size_t submitted = 0, answered = 0;
    while (splitter.next(line) == fairly::line_splitter::status::line) {
        ++submitted;
        home.harness.submit_line(line, who, [&answered](std::string reply) {
            ++answered;
            if (reply.empty()) return; // a notification
            // Every reply is one JSON-RPC object on one line.
            if (reply.back() != '\n' || reply.find('\n') != reply.size() - 1) std::abort();
            const auto parsed = nlohmann::json::parse(reply, nullptr, false);
            if (parsed.is_discarded() || !parsed.is_object() || !(parsed.contains("result") || parsed.contains("error"))) std::abort();
        });
    }
    home.harness.commit();
    if (answered != submitted) std::abort(); // every line is answered, in its round
    return 0;
}
