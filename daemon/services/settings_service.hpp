#pragma once
/// Kinds and their weights, the night window, and the change log of both (`fairly changes`).
#include "record.hpp"

namespace fairly::daemon {

/// `fairly kind add|edit NAME`: what is not given is kept (edit) or the default (add).
struct kind_request {
    std::string name;
    std::optional<std::string> category, default_for;
    std::optional<double> points, per_hour;
    std::optional<bool> night;
};

/// `fairly night --from --to --multiplier`.
struct night_request {
    std::optional<std::string> from, to;
    std::optional<double> multiplier;
};

/// A row of the change log (id, subject, name, old, new, uid, member, at) as replies show it.
json change_json(const store::statement& row, const std::string& tz);

class settings_service {
public:
    explicit settings_service(household_record& record) : record_(record) {}

    json kinds_list(const json& params, const request_context& ctx);
    json kind_add(const kind_request& request, const request_context& ctx);
    json kind_edit(const kind_request& request, const request_context& ctx);
    json kind_history(const json& params, const request_context& ctx);
    /// Every change to the household's settings since `since` (all, without):
    /// who, when, from what to what (`fairly changes`).
    json changes(const std::optional<std::string>& since, const request_context& ctx);
    json night_get(const json& params, const request_context& ctx);
    json night_set(const night_request& request, const request_context& ctx);

private:
    json night_settings();
    household_record& record_;
};

} // namespace fairly::daemon
