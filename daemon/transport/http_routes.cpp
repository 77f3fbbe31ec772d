// What an HTTP request means: see http_routes.hpp.
#include "http_routes.hpp"

// GCC 12 takes Asio's awaitable frames, allocated and freed by its own
// operator new and delete, for a mismatch at the end of a long coroutine (api()).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "protocol.hpp"
#include "report_render.hpp"
#include "secret.hpp"
#include "spelling.hpp"
#include "uuid.hpp"
#include "web_assets.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>


#include <deque>
#include <map>
#include <set>

namespace fairly::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using steady = std::chrono::steady_clock;
using request = http_request;
using response = http_response;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// ---------------------------------------------------------------- small pieces of HTTP

/// No script but our own file, no styles but ours (and the report's
/// attributes), nothing fetched from elsewhere, never framed.
constexpr const char* content_policy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

using render::escape_html;

/// A page of fairly's own (not paired, pairing, an error), with the page's style sheet.
std::string small_page(std::string_view title, std::string_view body_html) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"color-scheme\" content=\"light dark\"><title>fairly: " +
           escape_html(title) + "</title><link rel=\"stylesheet\" href=\"/app.css\"></head><body class=\"small-page\"><main>\n<h1>" +
           escape_html(title) + "</h1>\n" + std::string(body_html) + "\n</main></body></html>\n";
}

const std::string& not_paired_page() {
    static const std::string page = small_page(
        "This phone is not paired",
        "<p>fairly shows a household's record only to a phone one of its members paired.</p>"
        "<p>On the computer where fairly runs, type <code>fairly pair</code> and open the link it prints on this phone "
        "(or scan its QR code).</p>"
        "<p>If this phone was paired before, open the page from the bookmark you made then; a link from another app "
        "arrives without the phone's pairing.</p>");
    return page;
}

/// The report's style sheet, scoped to the phone page's `.report` section:
/// every selector of html_style() gets the prefix, and `body` becomes the section.
std::string scoped_report_style() {
    const std::string sheet = render::html_style();
    std::string out;
    std::size_t at = 0;
    while (at < sheet.size()) {
        const auto open = sheet.find('{', at);
        if (open == std::string::npos) break;
        const auto close = sheet.find('}', open);
        if (close == std::string::npos) break;
        std::string selectors = sheet.substr(at, open - at), scoped;
        std::size_t from = 0;
        while (from <= selectors.size()) {
            auto comma = selectors.find(',', from);
            if (comma == std::string::npos) comma = selectors.size();
            const std::string one = selectors.substr(from, comma - from);
            if (!scoped.empty()) scoped += ',';
            scoped += one == "body" ? std::string(".report") : ".report " + one;
            from = comma + 1;
        }
        out += scoped + sheet.substr(open, close - open + 1);
        at = close + 1;
    }
    return out;
}

std::string header_value(const request& req, http::field field) { return std::string(req[field]); }

/// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    std::size_t at = 0;
    while (at < header.size()) {
        auto end = header.find(';', at);
        if (end == std::string_view::npos) end = header.size();
        std::string_view pair = header.substr(at, end - at);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
            return std::string(pair.substr(name.size() + 1));
        }
        at = end + 1;
    }
    return std::nullopt;
}

/// Decodes application/x-www-form-urlencoded; nullopt on a broken %-escape.
std::optional<std::map<std::string, std::string>> parse_form(std::string_view body) {
    std::map<std::string, std::string> fields;
    auto decode = [](std::string_view text) -> std::optional<std::string> {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '+') out += ' ';
            else if (c == '%') {
                if (i + 2 >= text.size()) return std::nullopt;
                auto hex = [](char h) -> int {
                    if (h >= '0' && h <= '9') return h - '0';
                    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
                    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
                    return -1;
                };
                const int high = hex(text[i + 1]), low = hex(text[i + 2]);
                if (high < 0 || low < 0) return std::nullopt;
                out += static_cast<char>(high * 16 + low);
                i += 2;
            } else out += c;
        }
        return out;
    };
    std::size_t at = 0;
    while (at <= body.size() && !body.empty()) {
        auto end = body.find('&', at);
        if (end == std::string_view::npos) end = body.size();
        const std::string_view pair = body.substr(at, end - at);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            auto key = decode(pair.substr(0, eq));
            auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
            if (!key || !value) return std::nullopt;
            fields[*key] = *value;
        }
        at = end + 1;
    }
    return fields;
}

/// The CSRF value a page with this device token sends back: unguessable
/// without the token, which the page's script never sees (HttpOnly).
std::string csrf_for(const std::string& token) { return sha256_hex("fairly-csrf:" + token); }

// ---------------------------------------------------------------- what a request means

// The phone's routes (path, method, fields) are declared with their methods
// in the method table: phone_routes() in dispatch/handler.hpp.

http::status status_of(const json& error) {
    const json& data = error.contains("data") ? error["data"] : json(nullptr);
    if (data.is_object() && data.value("unpaired", false)) return http::status::unauthorized;
    switch (static_cast<rpc::error_code>(error.value("code", 0))) {
    case rpc::error_code::parse_error:
    case rpc::error_code::invalid_request:
    case rpc::error_code::invalid_params: return http::status::bad_request;
    case rpc::error_code::permission_denied: return http::status::forbidden;
    case rpc::error_code::not_found: return http::status::not_found;
    case rpc::error_code::conflict:
    case rpc::error_code::not_initialized: return http::status::conflict;
    case rpc::error_code::too_large: return http::status::payload_too_large;
    case rpc::error_code::storage_error:
    case rpc::error_code::busy: return http::status::service_unavailable;
    default: return http::status::internal_server_error;
    }
}

/// A steady_timer used as a condition, as the socket's sessions do.
struct reply_slot {
    explicit reply_slot(const asio::any_io_executor& ex) : timer(ex, steady::time_point::max()) {}
    asio::steady_timer timer;
    std::optional<json> reply;
};

} // namespace

struct http_routes::impl {
    impl(asio::io_context& io_context, commit_queue& commit, const http_options& opts, std::function<std::string()> base)
        : io(io_context), queue(commit), options(opts), base_url(std::move(base)) {}

    asio::io_context& io;
    commit_queue& queue;
    const http_options& options;
    std::function<std::string()> base_url;
    bool secure = false;
    /// Failed pairing attempts in the last minute: by the address they came
    /// from (a phone that mistyped is held up, not everyone), and in all.
    std::map<std::string, std::deque<steady::time_point>> failed_by_address;
    std::deque<steady::time_point> failed_pairings;
    const std::string report_style = scoped_report_style();

    // ---------------------------------------------------------------- replies

    response base_reply(http::status status, std::string_view type) const {
        response res{status, 11};
        res.set(http::field::server, "fairlyd");
        res.set(http::field::content_type, type);
        res.set(http::field::cache_control, "no-store");
        res.set("Content-Security-Policy", content_policy);
        res.set("X-Content-Type-Options", "nosniff");
        res.set("X-Frame-Options", "DENY");
        res.set("Referrer-Policy", "same-origin"); // not no-referrer: Chromium then sends "Origin: null" on the pairing form
        res.set("Cross-Origin-Opener-Policy", "same-origin");
        res.set("Cross-Origin-Resource-Policy", "same-origin");
        if (secure) res.set(http::field::strict_transport_security, "max-age=31536000");
        return res;
    }

    response text_reply(http::status status, std::string text) const {
        response res = base_reply(status, "text/plain; charset=utf-8");
        res.body() = std::move(text) + "\n";
        return res;
    }

    response html_reply(http::status status, std::string page) const {
        response res = base_reply(status, "text/html; charset=utf-8");
        res.body() = std::move(page);
        return res;
    }

    response json_reply(http::status status, const json& body) const {
        response res = base_reply(status, "application/json");
        res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
        return res;
    }

    response json_error(http::status status, const std::string& message, const std::optional<std::string>& field = std::nullopt) const {
        json error{{"message", message}};
        if (field) error["field"] = *field;
        return json_reply(status, json{{"error", std::move(error)}});
    }

    /// An RPC error as the HTTP status and body of docs/phone.md.
    response rpc_failure(const json& error) const {
        json body{{"message", error.value("message", "the request failed")}};
        if (error.contains("data") && error["data"].is_object() && error["data"].contains("field")) body["field"] = error["data"]["field"];
        return json_reply(status_of(error), json{{"error", std::move(body)}});
    }

    // ---------------------------------------------------------------- calling the handler

    /// Queues one request of the socket's protocol and waits for its reply,
    /// which comes after the round's durable commit.
    awaitable<json> call(std::string method, json params, caller who) {
        auto slot = std::make_shared<reply_slot>(io.get_executor());
        queue.submit_json(rpc::make_request(1, method, std::move(params)), std::move(who), [slot](json reply) {
            slot->reply = std::move(reply);
            slot->timer.cancel();
        });
        while (!slot->reply) co_await slot->timer.async_wait(use_nothrow);
        co_return std::move(*slot->reply);
    }

    caller device_caller(const std::optional<std::string>& token) const {
        caller who;
        who.uid = options.daemon_uid;
        who.http = true;
        if (token) who.token_hash = sha256_hex(*token);
        return who;
    }

    /// The device token a request presents: `Authorization: Bearer`, else the cookie.
    struct presented {
        std::optional<std::string> token;
        bool bearer = false;
    };
    static presented token_of(const request& req) {
        presented found;
        const std::string authorization = header_value(req, http::field::authorization);
        if (authorization.rfind("Bearer ", 0) == 0) {
            found.token = authorization.substr(7);
            found.bearer = true;
        } else if (auto cookie = cookie_value(req[http::field::cookie], "fairly_device")) {
            found.token = *cookie;
        }
        if (found.token && !looks_like_token(*found.token, device_token_bytes)) found.token.reset();
        return found;
    }

    /// True unless the browser says the request comes from another site.
    bool same_origin(const request& req) const {
        const std::string origin = header_value(req, http::field::origin);
        if (!origin.empty()) {
            const std::string expected = std::string(secure ? "https://" : "http://") + header_value(req, http::field::host);
            if (origin != expected && (options.url.empty() || origin != base_url())) return false;
        }
        const std::string site = std::string(req["Sec-Fetch-Site"]);
        return site.empty() || site == "same-origin" || site == "none";
    }

    // ---------------------------------------------------------------- routes

    awaitable<response> answer(const request& req, const std::string& address) {
        std::string path(req.target());
        if (const auto query = path.find('?'); query != std::string::npos) path.resize(query);
        const bool get = req.method() == http::verb::get;
        const bool post = req.method() == http::verb::post;

        if (path == "/app.js" || path == "/app.css" || path == "/report.css") {
            if (!get) co_return text_reply(http::status::method_not_allowed, "use GET");
            response res = base_reply(http::status::ok, path == "/app.js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
            res.set(http::field::cache_control, "no-cache");
            if (path == "/report.css") res.body() = report_style;
            else if (auto asset = web_asset(path.substr(1))) res.body() = std::string(*asset);
            co_return res;
        }
        if (path == "/") {
            if (!get) co_return text_reply(http::status::method_not_allowed, "use GET");
            const presented token = token_of(req);
            if (!token.token) co_return html_reply(http::status::unauthorized, not_paired_page());
            const json reply = co_await call("device.check", json::object(), device_caller(token.token));
            if (reply.contains("error")) co_return html_reply(status_of(reply["error"]), not_paired_page());
            co_return html_reply(http::status::ok, std::string(web_asset("index.html").value_or("")));
        }
        if (path.rfind("/pair/", 0) == 0 && get) co_return pairing_page(path.substr(6));
        if (path == "/pair") {
            if (!post) co_return text_reply(http::status::method_not_allowed, "open the link `fairly pair` printed");
            co_return co_await pair(req, address);
        }
        if (path.rfind("/api/", 0) == 0) co_return co_await api(req, path, get, post);
        co_return html_reply(http::status::not_found, small_page("Nothing here", "<p>fairly has no page at this address.</p>"));
    }

    response pairing_page(const std::string& code) const {
        if (!looks_like_token(code, pairing_code_bytes)) {
            return html_reply(http::status::not_found,
                              small_page("Not a pairing link", "<p>This is not a link <code>fairly pair</code> made; "
                                                               "check that it was copied whole, or ask for a new one.</p>"));
        }
        return html_reply(http::status::ok,
                          small_page("Pair this phone",
                                     "<p>Pairing lets this phone log and read the household's record as the member who asked for "
                                     "the link. It works once, for 10 minutes.</p>"
                                     "<form method=\"post\" action=\"/pair\"><input type=\"hidden\" name=\"code\" value=\"" +
                                         escape_html(code) +
                                         "\"><label>Name this phone <input name=\"name\" maxlength=\"60\" placeholder=\"phone\" "
                                         "autocomplete=\"off\"></label><button type=\"submit\" id=\"pair\">Pair this phone</button></form>"));
    }

    /// Too many failed pairings from this address, or from everywhere (ten
    /// times the one address's allowance), in the last minute.
    bool pairing_blocked(const std::string& address) {
        const auto now = steady::now();
        const auto expire = [&](std::deque<steady::time_point>& times) {
            while (!times.empty() && now - times.front() > std::chrono::minutes(1)) times.pop_front();
        };
        expire(failed_pairings);
        for (auto it = failed_by_address.begin(); it != failed_by_address.end();) {
            expire(it->second);
            it = it->second.empty() ? failed_by_address.erase(it) : std::next(it);
        }
        const auto mine = failed_by_address.find(address);
        return (mine != failed_by_address.end() && mine->second.size() >= options.pairing_failures) ||
               failed_pairings.size() >= 10 * options.pairing_failures;
    }

    /// The cookie needs Secure when phones reach fairlyd over HTTPS: served here, or by a proxy in front.
    bool cookies_secure() const { return secure || options.url.rfind("https://", 0) == 0; }

    awaitable<response> pair(const request& req, const std::string& address) {
        if (!same_origin(req)) co_return html_reply(http::status::forbidden, small_page("Not from this page", "<p>Pair from the link itself.</p>"));
        if (pairing_blocked(address)) {
            response res = html_reply(http::status::too_many_requests,
                                      small_page("Too many tries", "<p>Too many pairing links were tried in the last minute. "
                                                                   "Wait a minute, then open the link again.</p>"));
            res.set(http::field::retry_after, "60");
            co_return res;
        }
        const auto form = parse_form(req.body());
        if (!form || !form->count("code")) {
            co_return html_reply(http::status::bad_request, small_page("Not a pairing", "<p>Open the link `fairly pair` printed.</p>"));
        }
        const std::string name = form->count("name") ? form->at("name") : "";
        if (!utf8_length(name)) {
            co_return html_reply(http::status::bad_request,
                                 small_page("Not paired", "<p>The phone's name is not valid text; give it another name.</p>"));
        }
        json params = json::object();
        params["code"] = form->at("code");
        params["name"] = name;
        const json reply = co_await call("device.claim", std::move(params), device_caller(std::nullopt));
        if (reply.contains("error")) {
            const json& error = reply["error"];
            if (status_of(error) == http::status::forbidden) {
                failed_pairings.push_back(steady::now());
                failed_by_address[address].push_back(steady::now());
            }
            co_return html_reply(status_of(error), small_page("Not paired", "<p>" + escape_html(error.value("message", "")) + "</p>"));
        }
        const json& result = reply["result"];
        response res = html_reply(http::status::see_other, small_page("Paired", "<p><a href=\"/\">Open the household's page</a></p>"));
        res.set(http::field::location, "/");
        res.set(http::field::set_cookie, "fairly_device=" + result.value("token", std::string()) +
                                             "; Path=/; Max-Age=315360000; HttpOnly; SameSite=Strict" + (cookies_secure() ? "; Secure" : ""));
        co_return res;
    }

    awaitable<response> api(const request& req, const std::string& path, bool get, bool post) {
        const presented token = token_of(req);
        if (!token.token) co_return json_error(http::status::unauthorized, "this device is not paired; pair it with `fairly pair`");
        const caller who = device_caller(token.token);
        const phone_route* route = nullptr;
        for (const phone_route& candidate : phone_routes()) {
            if (path == candidate.path) route = &candidate;
        }
        if (!route) co_return json_error(http::status::not_found, "no such request: " + path + " (see docs/phone.md)");
        if (get && !route->post) {
            // The handler identifies the device before anything is read, as for every phone request.
            json reply = co_await call(std::string(route->method), json::object(), who);
            if (reply.contains("error")) co_return rpc_failure(reply["error"]);
            json result = std::move(reply["result"]);
            if (route->method == "phone.state") result["csrf"] = csrf_for(*token.token);
            if (route->method == "report") result = json{{"html", render::html_body(result)}};
            co_return json_reply(http::status::ok, result);
        }
        if (!route->post) co_return json_error(http::status::method_not_allowed, path + " takes GET");
        if (!post) co_return json_error(http::status::method_not_allowed, path + " takes POST");
        if (!same_origin(req)) co_return json_error(http::status::forbidden, "refused: the request comes from another site");
        // A browser sends the cookie by itself; only the page, which read /api/state, knows this value.
        if (!token.bearer && !equal_constant_time(std::string(req["X-Fairly-CSRF"]), csrf_for(*token.token))) {
            co_return json_error(http::status::forbidden, "refused: the page's X-Fairly-CSRF header is missing or wrong; reload the page");
        }
        const std::string type = header_value(req, http::field::content_type);
        if (type.rfind("application/json", 0) != 0) {
            co_return json_error(http::status::unsupported_media_type, "send the body as JSON (Content-Type: application/json)");
        }
        const json body = json::parse(req.body(), nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
            co_return json_error(http::status::bad_request, "the body is not a JSON object of UTF-8 text (see docs/phone.md)");
        }
        json params = json::object();
        for (const auto& [key, value] : body.items()) {
            const phone_field* rule = nullptr;
            for (const phone_field& candidate : route->fields) {
                if (key == candidate.name) rule = &candidate;
            }
            if (!rule) {
                co_return json_error(http::status::bad_request,
                                     key == "member" ? "member: a paired device logs only for its own member"
                                                     : key + ": not read by " + path + " (see docs/phone.md)",
                                     key);
            }
            if (value.is_null()) continue;
            if (rule->integer ? !value.is_number_integer() : !value.is_string()) {
                co_return json_error(http::status::bad_request, key + (rule->integer ? ": expected a whole number" : ": expected text"), key);
            }
            params[key] = value;
        }
        if (route->method == "event.void" && params.value("reason", "").empty()) params["reason"] = "voided on the phone";
        // A script or home hub (Bearer) may leave the uuid to fairlyd: then a retry is a second entry.
        if (token.bearer && !params.contains("uuid") && route->takes("uuid")) params["uuid"] = make_uuid();
        if (route->method == "event.log" || route->method == "timer.stop" || route->method == "event.edit") {
            params["source"] = "phone";
        }
        json reply = co_await call(std::string(route->method), std::move(params), who);
        if (reply.contains("error")) co_return rpc_failure(reply["error"]);
        co_return json_reply(http::status::ok, reply["result"]);
    }

};

http_routes::http_routes(asio::io_context& io, commit_queue& queue, const http_options& options, std::function<std::string()> base_url)
    : impl_(std::make_unique<impl>(io, queue, options, std::move(base_url))) {}
http_routes::~http_routes() = default;
void http_routes::set_secure(bool secure) { impl_->secure = secure; }
awaitable<response> http_routes::answer(const request& req, const std::string& address) {
    co_return co_await impl_->answer(req, address);
}
response http_routes::text_reply(http::status status, std::string text) const { return impl_->text_reply(status, std::move(text)); }
response http_routes::json_error(http::status status, const std::string& message) const { return impl_->json_error(status, message); }

} // namespace fairly::daemon
