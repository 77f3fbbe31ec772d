#pragma once
/// The household and its members: status, init, adding, renaming and retiring a member.
#include "record.hpp"

namespace fairly::daemon {

/// `fairly init`: the household's zone, its members and their agreed split (percent).
struct init_request {
    std::string tz;
    std::vector<std::string> members;
    std::optional<std::vector<std::pair<std::string, double>>> split;
    std::int64_t week_start = 1;
};

/// `fairly member add NAME [--unix-user U] [--share S]`.
struct member_request {
    std::string name;
    std::optional<std::int64_t> unix_uid;
    std::optional<std::string> unix_user;
    std::optional<double> share;
};

class household_service {
public:
    explicit household_service(household_record& record) : record_(record) {}


    json status(const json& params, const request_context& ctx);
    json init(const init_request& request, const request_context& ctx);
    json member_add(const member_request& request, const request_context& ctx);
    /// `fairly member rename OLD NEW`: the history follows the member.
    json member_rename(const std::string& from, const std::string& to, const request_context& ctx);
    /// `fairly member retire NAME`: their past stays; a split without them is proposed.
    json member_retire(const std::string& name, const request_context& ctx);

private:
    json household_status(const request_context& ctx);
    household_record& record_;
};

} // namespace fairly::daemon
