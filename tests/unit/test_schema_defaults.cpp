// The schema's column defaults are SQL and cannot ask common/ for its
// defaults, so they repeat them: the night's window and multiplier
// (common/night.hpp, night_window{}) and the drift detector's slack and
// threshold (common/fairness.hpp, drift_settings{}). A household row made
// with nothing but its zone, in a freshly migrated database, must carry
// exactly those; a default changed in one place and not the other fails here.
#include "fairness.hpp"
#include "migrations.hpp"
#include "night.hpp"

#include <catch2/catch.hpp>

using namespace fairly::store;

TEST_CASE("a new household's night and drift columns default to the night and drift settings of common/", "[migrations][defaults]") {
    database db(":memory:");
    apply_migrations(db);
    db.exec("INSERT INTO household (id, tz, created_at) VALUES (1, 'Europe/London', 0)");
    statement row(db.handle(), "SELECT night_start_minute, night_end_minute, night_multiplier, drift_k, drift_h FROM household WHERE id = 1");
    REQUIRE(row.step());
    const fairly::night_window night{};
    CHECK(row.int64(0) == night.start.count()); // 22:00
    CHECK(row.int64(1) == night.end.count());   // 06:00
    CHECK(row.real(2) == night.multiplier);     // x1.5
    const fairly::drift_settings drift{};
    CHECK(row.real(3) == drift.slack);
    CHECK(row.real(4) == drift.threshold);
}
