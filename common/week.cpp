#include "week.hpp"

#include "zone.hpp"

namespace fairly {

using std::chrono::days;
using std::chrono::sys_days;

household_week household_week::containing(sys_days date, std::chrono::weekday first_weekday) {
    // weekday - weekday counts days back in [0, 6]: the first day itself is 0.
    return household_week{date - (std::chrono::weekday{date} - first_weekday)};
}

household_week household_week::of(std::chrono::sys_seconds t, std::chrono::weekday first_weekday, std::string_view zone) {
    return containing(local_date_of(t, zone), first_weekday);
}

std::chrono::sys_seconds household_week::begins(std::string_view zone) const { return local_time_on(first_, std::chrono::minutes{0}, zone); }

std::string household_week::label() const {
    const sys_days day = first_ + days{3};
    const unsigned iso_weekday = std::chrono::weekday{day}.iso_encoding(); // Mon 1 .. Sun 7
    const sys_days thursday = day + days{4 - static_cast<int>(iso_weekday)};
    const std::chrono::year_month_day thursday_date{thursday};
    const sys_days january_first{thursday_date.year() / std::chrono::January / 1};
    const int week = static_cast<int>((thursday - january_first).count() / 7) + 1;
    const int year = static_cast<int>(thursday_date.year());
    return std::to_string(year) + "-W" + (week < 10 ? "0" : "") + std::to_string(week);
}

} // namespace fairly
