#pragma once
/// Export: the household taken out whole, its settings and history in one
/// reply (export.household) and its records paged (export.records).
#include "record.hpp"

namespace fairly::daemon {

/// The change log as an export holds it (and an import compares with).
json change_log_json(household_record& record);

class export_service {
public:
    explicit export_service(household_record& record) : record_(record) {}

    json export_household(const json& params, const request_context& ctx);
    json export_records(const json& params, const request_context& ctx);

private:
    household_record& record_;
};

} // namespace fairly::daemon
