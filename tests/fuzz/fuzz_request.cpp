// libFuzzer target: bytes from a hostile client, through the line framing
// and the request handler, on an in-memory household. Any crash, hang,
// sanitizer report or malformed reply is a finding.
#include "framing.hpp"
#include "handler.hpp"
#include "migrations.hpp"
#include "protocol.hpp"
#include "time_expr.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

struct household {
    fairly::store::database db{":memory:"};
    fairly::daemon::request_handler handler{db, {1000, "fuzz", [] { return fairly::parse_iso_instant("2026-11-23T12:00:00Z"); }, {}}};
    household() {
        fairly::store::apply_migrations(db);
        handler.handle_line(R"({"jsonrpc":"2.0","id":1,"method":"init","params":{"members":["alex","sam"],"tz":"Europe/London"}})",
                            fairly::daemon::caller{0, 1});
        handler.handle_line(R"({"jsonrpc":"2.0","id":2,"method":"member.add","params":{"name":"sam","unix_uid":1001}})",
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
    while (splitter.next(line) == fairly::line_splitter::status::line) {
        const std::string reply = home.handler.handle_line(line, who);
        if (reply.empty()) continue; // a notification
        // Every reply is one JSON-RPC object on one line.
        if (reply.back() != '\n' || reply.find('\n') != reply.size() - 1) std::abort();
        const auto parsed = nlohmann::json::parse(reply, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object() || !(parsed.contains("result") || parsed.contains("error"))) std::abort();
    }
    return 0;
}
