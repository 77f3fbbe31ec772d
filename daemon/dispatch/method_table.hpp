#pragma once
/// The method table: each method's name, whether it reads or writes, how its
/// params are read and which service it calls, who may call it, and a
/// phone's route to it. Every other list (what a phone may call, the HTTP
/// routes) is derived from it.
#include "service_set.hpp"

#include <string_view>
#include <vector>

namespace fairly::daemon {

/// Who may call a method: declared with it in the method table
/// (method_table.cpp), the one list. A socket caller (`fairly`) reaches the
/// socket's methods; a paired phone (over HTTP, as its member) reaches the
/// phone's; some are both.
enum class reach { socket, phone, both };

/// A field a phone's request carries: text, or (integer) a whole number.
struct phone_field {
    const char* name;
    bool integer;
};

/// How a phone calls a method over HTTP: its path under /api/, GET (reads)
/// or POST with the JSON fields it may send. Declared with the method in the
/// method table; the HTTP server serves exactly these.
struct phone_route {
    std::string_view method;
    std::string_view path;
    bool post = false;
    std::vector<phone_field> fields;
    /// Whether the route's body may carry `field`.
    bool takes(std::string_view field) const;
};

/// Every route of the phone's API, from the method table (docs/phone.md).
const std::vector<phone_route>& phone_routes();

/// Whether a caller over HTTP (a phone) or on the socket may call `method`,
/// by the method table's `reach`; false for an unknown method.
bool reachable(std::string_view method, bool over_http);

/// A method reads, or writes (and then runs in a savepoint of its own).
enum class access { reads, writes };

using method_fn = json (*)(services&, household_record&, const json&, const request_context&);

struct method_entry {
    access kind;
    method_fn run;
    reach who = reach::socket;      ///< who may call it (phone: over HTTP only; both: the socket and a paired phone)
    const char* path = nullptr;     ///< a phone's route to it, under /api/ (phone or both)
    bool post = false;              ///< the route is a POST with a JSON body of `fields`
    std::vector<phone_field> fields{};
};

/// The method named `method`, or nullptr.
const method_entry* find_method(std::string_view method);

} // namespace fairly::daemon
