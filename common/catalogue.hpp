#pragma once
/// The words a household logs with: categories, roles, and the kinds a new
/// household starts with (`fairly init`). Households add their own later.
#include <chrono>
#include <string_view>
#include <vector>

namespace fairly {

/// care, household, logistics, thinking, career, protected.
const std::vector<std::string_view>& categories();
bool is_category(std::string_view name);

/// What part of a task a member carried. Anything but `did` is thinking work
/// (noticing, planning, deciding, following up — the cognitive labour).
const std::vector<std::string_view>& roles();
bool is_role(std::string_view name);

struct kind_definition {
    std::string_view name;
    std::string_view category;
    double points;                     ///< per occurrence
    double points_per_hour;
    std::chrono::minutes default_length; ///< for an instant ("logged now")
    bool night_applies;                ///< the night multiplier counts for this kind
};

/// The seed catalogue.
const std::vector<kind_definition>& default_kinds();

/// Names for members and kinds: 1-40 characters of letters, digits, '.', '_'
/// or '-', not starting with '-' (so they never look like an option).
bool is_valid_name(std::string_view name);

} // namespace fairly
