#pragma once
/// The household's record as the services see it: the store's verbs, not
/// SQL. One writer per table, shared by the live path and import, each with
/// its checks; what counts is read through one SQL view (`counted_event`,
/// written from the catalogue's load categories); the names (members,
/// bindings, kinds) and the household's settings are cached here and
/// dropped whenever a request changes them or fails.
#include "event_record.hpp"
#include "fairness.hpp"
#include "load_book.hpp"
#include "params.hpp"
#include "store.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fairly::daemon {

/// Who consented to a change that came into force by consent, kept with its
/// entry in the change log (docs/fairness.md, "Weights and the night, by consent").
struct change_consent {
    std::optional<std::int64_t> proposal_id;        ///< agreement.id (an agreement) or setting_proposal.id (a kind, the night)
    std::optional<std::int64_t> proposed_by;        ///< the member who proposed it (none: root alone)
    std::optional<std::int64_t> proposed_by_uid;
    std::optional<std::vector<std::int64_t>> accepted_by; ///< set on the entry that put it in force: who accepted, in order
};

/// A proposed change to a kind's weights or to the night, as kept.
struct setting_proposal_row {
    std::int64_t id = 0;
    std::string subject;                 ///< kind or night
    std::string name;                    ///< the kind's name, or night
    std::optional<std::int64_t> kind_id; ///< none for the night
    json old_value, new_value;           ///< the setting when proposed, and as proposed
    std::string state = "proposed";      ///< proposed, agreed, declined, withdrawn
    std::optional<std::int64_t> proposed_by;
    std::int64_t proposed_by_uid = 0, proposed_at = 0;
    std::optional<std::int64_t> decided_at;
};

/// Who is on the other end: over the socket, the peer's credentials
/// (SO_PEERCRED); over HTTP, the paired device the request's token names
/// (filled in by the handler), recorded under fairlyd's own uid.
struct caller {
    caller() = default;
    caller(std::int64_t peer_uid, std::int64_t peer_pid) : uid(peer_uid), pid(peer_pid) {}
    std::int64_t uid = -1;
    std::int64_t pid = 0;
    bool http = false;                         ///< came through the phone page or its JSON endpoint
    std::string token_hash;                    ///< http: the SHA-256 of the device token presented (empty: none)
    std::optional<std::int64_t> device_id;     ///< http: the paired device, once identified
    std::optional<std::int64_t> device_member; ///< http: the member it acts as, and nobody else
};

struct handler_settings {
    std::int64_t daemon_uid = 0;     ///< root and this uid may act for any member
    std::string version;             ///< reported by `status`
    std::function<std::chrono::sys_seconds()> clock; ///< FAIRLY_NOW or the system clock
    std::string http_base_url;       ///< where phones reach the page ("http://127.0.0.1:8737"); empty: not served
};

/// The household's settings every figure depends on.
struct household_info {
    std::string tz;
    int week_start = 1;
    load_settings load;          ///< tz, week start, night window
    drift_settings drift;
};

struct kind_entry {
    std::int64_t id = 0;
    std::string name;
    std::string category;
    std::int64_t default_seconds = 0;
};

struct member_entry {
    std::int64_t id = 0;
    std::string name;
    double agreed_share = 0; ///< 0..1: the household's first agreement (from the beginning)
    bool retired = false;    ///< left the household: their past stays, nothing new is theirs
};

/// An agreed split in force from a household week on (docs/fairness.md, "The agreed split").
struct agreement_entry {
    std::int64_t id = 0;
    std::optional<std::string> thing;                ///< none: the household's load
    std::int64_t from_day = 0;                       ///< the local day its first week starts
    std::unordered_map<std::int64_t, double> shares; ///< member id -> 0..1 (a member not named: 0)
};

/// Members, bindings and kinds: small, read by every request, changed rarely.
struct directory {
    std::vector<member_entry> members;                        ///< in member order (by id)
    std::unordered_map<std::int64_t, std::int64_t> bindings;  ///< uid -> member id
    std::unordered_map<std::string, kind_entry> kinds;        ///< by name
    std::vector<agreement_entry> agreements;                  ///< agreed ones, by from_day then id
    struct away_entry {
        std::int64_t member = 0, from_day = 0, to_day = 0;    ///< local dates, both included
    };
    std::vector<away_entry> away;
};

/// One request's facts, read once at the edge: who asks (and the member
/// their Unix user is bound to), whom root or fairlyd's user acts for
/// (FAIRLY_MEMBER), and the time the request is judged at.
struct request_context {
    caller who;
    std::optional<std::int64_t> binding;
    std::optional<std::int64_t> acting_for; ///< FAIRLY_MEMBER, when given
    std::chrono::sys_seconds reference{};
    bool privileged = false;                ///< root or fairlyd's own user
};

/// A review of an event, as written.
struct review_row {
    std::int64_t member = 0;
    std::string verdict, reason;
    std::int64_t uid = 0, at = 0;
};

/// An event already recorded, as a writer finds it.
struct recorded_event {
    std::int64_t id = 0;
    std::int64_t member_id = 0;
    std::optional<std::int64_t> logged_by;
    std::string status;
    std::size_t reviews = 0;
    std::optional<std::string> latest_verdict;
    std::optional<std::string> void_reason;
    std::optional<std::int64_t> voided_by_uid;
    std::optional<std::string> latest_reason; ///< of the latest review
};

class household_record {
public:
    household_record(store::database& db, handler_settings settings);

    store::database& db() { return db_; }
    const handler_settings& settings() const { return settings_; }
    /// Where phones reach the page, known once the HTTP side has bound its port.
    void set_http_base_url(std::string url) { settings_.http_base_url = std::move(url); }
    std::chrono::sys_seconds now() const { return settings_.clock(); }
    std::int64_t now_utc() const { return settings_.clock().time_since_epoch().count(); }

    // ---- the household and its names
    /// Throws not_initialized until the household is set up.
    const household_info& household();
    bool set_up();
    const directory& names();
    /// Drops the cached names and settings (after a change, or a failure).
    void forget();
    /// The report's aggregates, kept in step by the writers below.
    load_book& book() { return book_; }
    void before_commit();
    void commit_failed();

    std::int64_t member_id(std::string_view name, std::string_view field);
    std::string member_name(std::int64_t id);
    std::string member_list();
    const kind_entry& kind_named(std::string_view name);
    const kind_entry& kind_by_id(std::int64_t id);
    /// The instant a time-expression param (`since`, `at`, ...) names in the household's zone, if given.
    std::optional<std::chrono::sys_seconds> time_param(const json& params, const char* field, std::chrono::sys_seconds reference);
    /// The agreed load split (0..1, member order) in force in the household
    /// week starting on local day `week_day`: the latest agreement from that
    /// week or before, else the first agreement; each member's share scaled
    /// by the days of the week they were present, the others' up
    /// (docs/fairness.md, "Away").
    std::vector<double> agreed_shares(std::int64_t week_day, bool with_away = true);
    /// The days of the week starting `week_day` each member was away (member order).
    std::vector<std::int64_t> days_away(std::int64_t week_day);
    /// The agreement of the load in force that week (none: the first agreement).
    const agreement_entry* agreement_in_force(std::int64_t week_day, const std::optional<std::string>& thing = std::nullopt);
    /// The split agreed for a contested thing in that week; with none agreed, equal shares.
    std::vector<double> thing_shares(const std::string& thing, std::int64_t week_day);

    // ---- access and who logged: one rule each
    request_context context_for(const caller& who, std::optional<std::string> acting_for, std::chrono::sys_seconds reference);
    /// Refuses uids that are neither bound nor privileged.
    void require_access(const request_context& ctx);
    /// The member a record is for: `named` > binding > FAIRLY_MEMBER > the sole member
    /// (never a member who has retired).
    std::int64_t subject_member(const request_context& ctx, const std::optional<std::string>& named);
    /// Refuses a member who has retired from the household.
    void check_active(std::int64_t member);
    /// Who the caller is, for what is theirs alone (reviewing, thanking):
    /// binding > `named` > FAIRLY_MEMBER > the sole member.
    std::int64_t acting_member(const request_context& ctx, const std::optional<std::string>& named);
    /// Who is recorded as having logged a write: the binding, else
    /// FAIRLY_MEMBER, else the member the record is for.
    static std::optional<std::int64_t> logger(const request_context& ctx, std::optional<std::int64_t> subject);

    /// The records a client-made uuid can name: a retry finds the original.
    enum class uuid_table { event, timer, turn, thanks, meeting_moved };
    /// The id of the record of `table` with this uuid, if any.
    std::optional<std::int64_t> id_by_uuid(uuid_table table, std::string_view uuid);

    // ---- events
    /// The id of the event with this uuid (a retry finds the original).
    std::optional<std::int64_t> event_id(std::string_view uuid);
    std::optional<recorded_event> find_event(std::int64_t id);
    std::optional<recorded_event> find_event(std::string_view uuid);
    event_record event(std::int64_t id);
    /// The facts of event `id` if it counts (through the view `counted_event`).
    std::optional<load_event> counted(std::int64_t id);
    /// Refuses a kind that is not logged as an event (a career cost: `fairly moved`).
    void check_loggable(const kind_entry& kind);
    /// Checks an event before it is written (the kind may be logged as an
    /// event, the length is sane, the note fits); throws bad_param naming
    /// `end_field`.
    void check_event(const event_record& event, const kind_entry& kind, const char* end_field);
    /// Writes a checked event (superseding `event.supersedes` if set and
    /// active), with its reviews, and counts it; returns its id.
    /// `correction_reason` (`fairly edit --reason`) is kept with the event it supersedes.
    std::int64_t insert_event(const event_record& event, const std::vector<review_row>& reviews = {},
                              const std::optional<std::string>& correction_reason = std::nullopt);
    /// Voids an active event; the aggregates follow.
    void void_event(std::int64_t id, const std::string& reason, std::int64_t uid, std::int64_t at);
    /// Adds reviews to an event; the aggregates follow.
    void add_reviews(std::int64_t id, const std::vector<review_row>& reviews);

    // ---- the household, its members and kinds (each checked here, for init, member add and import alike)
    struct household_row {
        std::string tz;
        std::int64_t week_start = 1, night_start = night_window{}.start.count(), night_end = night_window{}.end.count();
        double multiplier = night_window{}.multiplier, slack = drift_settings{}.slack,
               threshold = drift_settings{}.threshold; ///< the drift detector's k and h, in sigma
        std::int64_t couple_weekday = 4, couple_minute = 1080, created = 0;
    };
    void insert_household(const household_row& row);
    /// The drift detector's slack and threshold, in sigma.
    static void check_drift(double slack, double threshold);
    /// A new member (a valid name, not "couple"), agreed share in percent.
    std::int64_t insert_member(const std::string& name, std::optional<std::int64_t> uid, double share_percent, std::int64_t created,
                               const char* field = "name");
    struct kind_row {
        std::string name, category;
        double points = 0, per_hour = 0;
        std::int64_t default_seconds = 1800;
        bool night = false;
        std::int64_t created = 0;
    };
    /// A new kind, its name, category, weights and usual length checked.
    std::int64_t insert_kind(const kind_row& row);
    /// Changes a kind's category, weights and usual length, checked as a new one is.
    void update_kind(const kind_row& row);
    /// A kind's name, category, weights and usual length checked (before it is written or proposed).
    static void check_kind(const kind_row& row);

    // ---- proposed changes to weights and the night (record/setting_proposals.cpp)
    /// A new proposal, with the proposer's consent (if a member) as their answer;
    /// a proposal of the same setting still waiting is withdrawn. Returns its id.
    std::int64_t insert_setting_proposal(const setting_proposal_row& row);
    /// A member's answer (the latest stands until the proposal is decided).
    void answer_setting_proposal(std::int64_t id, std::int64_t member, bool accept, std::int64_t uid, std::int64_t at);
    /// Decides a waiting proposal: agreed, declined or withdrawn.
    void decide_setting_proposal(std::int64_t id, std::string_view state, std::int64_t at);
    std::optional<setting_proposal_row> setting_proposal(std::int64_t id);
    /// The proposal of this setting still waiting, if any.
    std::optional<std::int64_t> pending_setting_proposal(std::string_view subject, std::string_view name);
    /// Every proposal still waiting, oldest first.
    std::vector<std::int64_t> pending_setting_proposals();
    /// The members who accepted proposal `id`, in the order they answered.
    std::vector<std::int64_t> setting_proposal_accepted(std::int64_t id);
    /// The proposals still waiting for `member`'s answer (they have not
    /// accepted it and are still in the household), oldest first.
    std::vector<std::int64_t> setting_proposals_waiting_for(std::int64_t member);
    std::int64_t insert_timer(const std::string& uuid, std::int64_t member, std::int64_t kind, std::int64_t start, const std::string& role,
                              const std::string& note, std::int64_t uid, std::int64_t created);
    void remove_timer(std::int64_t id);
    /// A weekly goal for a member (or the couple, no member): set, replacing one there.
    void set_goal(std::optional<std::int64_t> member, std::int64_t weekly_seconds, std::int64_t uid, std::int64_t created);
    /// The same, unless there is one already (an import); true when added.
    bool add_goal(std::optional<std::int64_t> member, std::int64_t weekly_seconds, std::int64_t uid, std::int64_t created);
    std::int64_t insert_slot(std::optional<std::int64_t> member, const std::string& label, std::int64_t weekday, std::int64_t start_minute,
                             std::int64_t length_seconds, std::int64_t uid, std::int64_t created, std::optional<std::int64_t> removed);

    /// The household talked about the drift alert at `at`: the chart starts again from that week.
    std::int64_t insert_talk(std::int64_t at, const std::string& note, std::optional<std::int64_t> by, std::int64_t uid, std::int64_t created);

    // ---- the rest of the vocabulary: each writer's checks, which an import's check pass runs too
    void check_turn(const std::string& thing, std::int64_t at, const std::string& note, std::chrono::sys_seconds reference);
    void check_thanks(std::int64_t from, std::int64_t to, const std::string& note);
    /// A turn, checked with check_turn first.
    std::int64_t insert_turn(const std::string& uuid, const std::string& thing, std::int64_t member, std::int64_t at,
                             const std::string& note, std::optional<std::int64_t> logged_by, std::int64_t uid, std::int64_t created);
    std::int64_t insert_thanks(const std::string& uuid, std::int64_t from, std::int64_t to, const std::string& note, std::int64_t at,
                               std::int64_t uid, std::int64_t created);
    struct moved_row {
        std::string uuid;
        std::int64_t member = 0;
        std::string what;
        std::optional<std::int64_t> for_kind, for_event;
        std::string impact = "minor";
        std::int64_t at = 0;
        std::string note;
        std::optional<std::int64_t> logged_by;
        std::int64_t uid = 0, created = 0;
    };
    void check_moved(const moved_row& row);
    std::int64_t insert_moved(const moved_row& row);
    /// What the change log keeps changes of (the schema's CHECK lists the same):
    /// kind, night, drift, timer (a cancelled one), and the settings to come.
    static bool is_change_subject(std::string_view subject);
    /// Records a change of a weight or setting in the change log, as made by `ctx`'s caller now.
    /// `consent`: the proposal it belongs to, and who proposed and accepted it.
    void log_change(std::string_view subject, std::string_view name, const json& old_value, const json& new_value,
                    const request_context& ctx, const change_consent& consent = {});
    /// The same with who and when given (an imported history).
    void log_change(std::string_view subject, std::string_view name, const json& old_value, const json& new_value,
                    std::int64_t uid, std::optional<std::int64_t> by, std::int64_t at, const change_consent& consent = {});

    // ---- members (record/members.cpp): names valid, not reserved ("couple"), distinct whatever the case
    /// Refuses a name that is not a member's name: invalid, or reserved
    /// (is_reserved_name); `field` is the param named in the refusal.
    static void check_member_name(const std::string& name, const char* field);
    /// Renames member `id`, the new name checked as a new member's is and
    /// distinct, whatever the case, from every other member's.
    void rename_member(std::int64_t id, const std::string& to, const char* field = "new_name");
    /// The member leaves the household at `at`: their Unix user is unbound.
    void retire_member(std::int64_t id, std::int64_t at);
    /// Binds member `id` to a Unix uid no other member holds.
    void bind_member(std::int64_t id, std::int64_t uid);

    // ---- the household's settings (record/settings.cpp)
    /// A household row's night window, multiplier, couple check and drift settings, as insert_household and the setters check them.
    static void check_household(const household_row& row);
    /// The night window (minutes of the day, not the same) and its multiplier (1 to 10).
    void set_night(std::int64_t start_minute, std::int64_t end_minute, double multiplier);
    /// The drift detector's slack and threshold (each kept when not given), checked by check_drift.
    void set_drift(std::optional<double> slack, std::optional<double> threshold);
    /// When the couple's time is checked for each week (0 Sunday to 6 Saturday, minute of the day).
    void set_couple_check(std::int64_t weekday, std::int64_t minute);

    // ---- agreements (record/agreements.cpp): written as proposed, answered, then decided
    struct agreement_row {
        std::optional<std::string> thing;
        std::int64_t from_day = 0;
        std::optional<std::int64_t> proposed_by;
        std::int64_t uid = 0, at = 0;
        std::string note;
        std::vector<std::pair<std::int64_t, double>> shares; ///< member id, percent 0 to 100
    };
    /// A proposal and its shares (each 0 to 100); returns its id.
    std::int64_t insert_agreement(const agreement_row& row);
    /// A member's answer (accept or decline) to a proposal; a new answer replaces theirs.
    void answer_agreement(std::int64_t id, std::int64_t member, std::string_view answer, std::int64_t uid, std::int64_t at);
    /// Decides a proposal still proposed: agreed, declined or withdrawn. False when it was not proposed.
    bool decide_agreement(std::int64_t id, std::string_view state, std::int64_t at);
    /// The proposed splits (the load's and each thing's) still waiting for
    /// `member`'s answer (they have not accepted it and are still in the household), oldest first.
    std::vector<std::int64_t> agreements_waiting_for(std::int64_t member);

    // ---- time away and guesses (record/away_guesses.cpp)
    /// Time away, local days both included: the last on or after the first, at most a year.
    std::int64_t insert_away(std::int64_t member, std::int64_t from_day, std::int64_t to_day, const std::string& note,
                             std::optional<std::int64_t> by, std::int64_t uid, std::int64_t created);
    /// A member's guess of their own share of a week (fractions 0 to 1). One a
    /// member and week: a guess replaces an earlier one (by `created`), never a
    /// later one, so the live path and an import keep the same, newest guess.
    /// True when it changed the record.
    bool set_guess(std::int64_t member, std::int64_t week_day, double share, std::optional<double> night_share, std::int64_t uid,
                   std::int64_t created);

    // ---- protected time (record/protected_time.cpp)
    /// Removes a member's (or the couple's) weekly goal; false when there was none.
    bool remove_goal(std::optional<std::int64_t> member);
    /// Marks a slot removed at `at`; false when there is no such slot still there.
    bool remove_slot(std::int64_t id, std::int64_t at);

    // ---- phones (record/devices.cpp)
    std::int64_t insert_pairing(const std::string& code_hash, std::int64_t member, const std::string& device_name, std::int64_t uid,
                                std::int64_t created, std::int64_t expires);
    /// Uses a pairing once; false when it was used already.
    bool use_pairing(std::int64_t id, std::int64_t at);
    std::int64_t insert_device(std::int64_t member, const std::string& name, const std::string& token_hash, std::int64_t pairing,
                               std::int64_t at);
    void touch_device(std::int64_t id, std::int64_t at);
    void revoke_device(std::int64_t id, std::int64_t uid, std::int64_t at);

    // ---- reminders (record/reminders_given.cpp)
    /// A reminder given to a member, once per key; true when it was not given before.
    bool mark_reminder_given(const std::string& key, std::int64_t member, const std::string& text, std::int64_t at);

    // ---- who may act on what (record/rights.cpp): one rule each, for the live path and import alike
    /// Refuses a void of `event` by the caller: only whoever logged it (or root, or fairlyd's user) voids it.
    void check_may_void(const request_context& ctx, std::int64_t id, const recorded_event& event);
    /// Refuses a correction of `event` by the caller: only whoever logged it (or root, or fairlyd's user) corrects it.
    void check_may_correct(const request_context& ctx, std::int64_t id, const recorded_event& event);
    /// Refuses a review of `event` in `reviewer`'s name: a review is one's own
    /// (a bound caller reviews as themself), and only the event's member reviews it.
    void check_may_review(const request_context& ctx, std::int64_t id, const recorded_event& event, std::int64_t reviewer);
    /// The member the caller is, for what is theirs alone (a guess, a thanks):
    /// as acting_member, but a bound caller naming another member is refused
    /// (`what`: "a guess", "thanks"), not silently taken as themself.
    std::int64_t own_member(const request_context& ctx, const std::optional<std::string>& named, std::string_view what);

private:
    store::database& db_;
    handler_settings settings_;
    load_book book_{db_};
    std::optional<household_info> household_;
    std::optional<directory> directory_;
};

} // namespace fairly::daemon
