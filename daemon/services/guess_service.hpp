#pragma once
/// A member's private guess of their own share of the week, revealed once it is over.
#include "record.hpp"

namespace fairly::daemon {

/// `fairly guess 65 [--night 40] [--member NAME]`: a member's own estimate of this week's share.
struct guess_request {
    double share = 0;                  ///< percent
    std::optional<double> night;       ///< percent of the night load
    std::optional<std::string> member;
};

class guess_service {
public:
    explicit guess_service(household_record& record) : record_(record) {}

    /// A member's guess of their own share of this week's load, private to them until the week is over.
    json guess_set(const guess_request& request, const request_context& ctx);
    /// The caller's own guesses, this week's first.
    json guess_list(const std::optional<std::string>& member, const request_context& ctx);

private:
    household_record& record_;
};

} // namespace fairly::daemon
