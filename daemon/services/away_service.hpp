#pragma once
/// Time away: travel, illness; not drift (docs/fairness.md, "Away").
#include "record.hpp"

namespace fairly::daemon {

/// `fairly away NAME --from DATE --to DATE [--note TEXT]`.
struct away_request {
    std::string member, from, to;
    std::string note;
};

class away_service {
public:
    explicit away_service(household_record& record) : record_(record) {}

    /// Records that a member was away (travel, illness): not drift (docs/fairness.md, "Away").
    json away_add(const away_request& request, const request_context& ctx);
    json away_list(const request_context& ctx);

private:
    household_record& record_;
};

} // namespace fairly::daemon
