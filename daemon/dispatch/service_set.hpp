#pragma once
/// Every service, over one household record: what a method of the table calls.
#include "agreement_service.hpp"
#include "device_service.hpp"
#include "event_service.hpp"
#include "protected_service.hpp"
#include "record.hpp"
#include "reminder_service.hpp"
#include "report_service.hpp"
#include "away_service.hpp"
#include "backup_restore_service.hpp"
#include "export_service.hpp"
#include "import_service.hpp"
#include "guess_service.hpp"
#include "household_service.hpp"
#include "settings_service.hpp"
#include "turns_thanks_moved_service.hpp"

namespace fairly::daemon {

/// The services a method may call, over one household record.
struct services {
    explicit services(household_record& record)
        : events(record), household(record), settings(record), away(record), guess(record), acts(record), reports(record), protected_time(record), reminders(record, reports, protected_time),
          exports(record), imports(record), backups(record), agreements(record), devices(record) {}
    event_service events;
    household_service household;
    settings_service settings;
    away_service away;
    guess_service guess;
    turns_thanks_moved_service acts;
    report_service reports;
    protected_service protected_time;
    reminder_service reminders;
    export_service exports;
    import_service imports;
    backup_restore_service backups;
    agreement_service agreements;
    device_service devices;
};

} // namespace fairly::daemon
