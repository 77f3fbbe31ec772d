#!/usr/bin/python3
"""An independent check of an iCalendar file fairly wrote (RFC 5545).

    /usr/bin/python3 tests/ics_check.py FILE.ics EXPECTATIONS.json

EXPECTATIONS.json names the events the file must hold and their first
occurrences on or after an instant, as local ISO 8601 with the offset:

    {"after": "2026-10-20T00:00:00+01:00",
     "slots": [{"uid": "slot-1@demo.fairly",
                "next": ["2026-10-24T09:00:00+01:00", "2026-10-31T09:00:00+00:00"],
                "summary": "sam: long run"}]}

"summary" is optional, and a slot may give its own "after". The file must
hold exactly the listed UIDs.

The file is read with python3-icalendar, not libical, and each VEVENT's RRULE
is expanded with python3-dateutil from its DTSTART wall time in the zone its
TZID names, taken from Python's zoneinfo (the system tz database): nothing
of the writer's is trusted. Also checked: lines end with CRLF, are at most
75 octets and hold whole UTF-8 sequences; VERSION:2.0 and fairly's PRODID;
every DTSTART has a TZID with a VTIMEZONE of that TZID; and that VTIMEZONE's
own STANDARD/DAYLIGHT rules give the same UTC offset as zoneinfo at every
occurrence checked.

Exits 0 when everything matches; 1 on a mismatch, after printing each one,
or when icalendar cannot parse the file; 2 when the arguments, the files or
the expectations cannot be used.

Needs Debian's python3-icalendar and python3-dateutil
(apt-get install -y python3-icalendar python3-dateutil); run it with
/usr/bin/python3, since a pyenv or virtualenv python3 does not see them.
"""

import datetime as dt
import json
import sys
import zoneinfo

try:
    import icalendar
    from dateutil import rrule as dateutil_rrule
except ImportError as missing:
    print(f"ics_check: {missing}; install Debian's python3-icalendar and python3-dateutil "
          f"(apt-get install -y python3-icalendar python3-dateutil) and run with /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

FAIRLY_PRODID = "-//fairly//protected time//EN"
UTC = dt.timezone.utc


def physical_line_problems(data):
    """Line ends, lengths and UTF-8, on the bytes as written (RFC 5545 3.1)."""
    problems = []
    lines = data.split(b"\r\n")
    if lines[-1]:
        problems.append("the file does not end with CRLF")
    bare = sum(line.count(b"\n") + line.count(b"\r") for line in lines)
    if bare:
        problems.append(f"{bare} bare CR or LF (every line must end with CRLF)")
    for number, line in enumerate(lines[:-1] if not lines[-1] else lines, start=1):
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets, more than 75: {line[:40]!r}...")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"line {number}: not whole UTF-8 (a fold split a character?): {e}")
    return problems


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Vtimezone:
    """The UTC offset a VTIMEZONE gives at an instant, from its own observances.

    Each STANDARD or DAYLIGHT observance begins at its DTSTART and at every
    RDATE and RRULE occurrence, all wall times in its TZOFFSETFROM; the
    offset in force at an instant is the TZOFFSETTO of the latest onset.
    """

    def __init__(self, component):
        self.tzid = str(component["TZID"])
        self.observances = []
        for sub in component.subcomponents:
            if sub.name not in ("STANDARD", "DAYLIGHT"):
                continue
            start = sub["DTSTART"].dt.replace(tzinfo=None)
            offset_from = sub["TZOFFSETFROM"].td
            offset_to = sub["TZOFFSETTO"].td
            rules = [self._rule(r, start, offset_from) for r in as_list(sub.get("RRULE"))]
            rdates = [d.dt.replace(tzinfo=None) for r in as_list(sub.get("RDATE")) for d in r.dts]
            self.observances.append((start, offset_from, offset_to, rules, rdates))

    @staticmethod
    def _rule(recur, start, offset_from):
        # UNTIL is UTC in a VTIMEZONE; dateutil wants it in DTSTART's terms,
        # here the wall time before the onset.
        recur = icalendar.prop.vRecur(dict(recur))
        if "UNTIL" in recur:
            until = recur["UNTIL"][0]
            if isinstance(until, dt.datetime) and until.tzinfo is not None:
                recur["UNTIL"] = [until.astimezone(UTC).replace(tzinfo=None) + offset_from]
        return dateutil_rrule.rrulestr(recur.to_ical().decode(), dtstart=start)

    def offset_at(self, instant):
        latest = None
        for start, offset_from, offset_to, rules, rdates in self.observances:
            limit = (instant.astimezone(UTC) + offset_from).replace(tzinfo=None)
            onsets = [start] + rdates + [r.before(limit, inc=True) for r in rules]
            onsets = [o for o in onsets if o is not None and o <= limit]
            if onsets:
                onset_utc = max(onsets) - offset_from
                if latest is None or onset_utc > latest[0]:
                    latest = (onset_utc, offset_to)
        return None if latest is None else latest[1]


def occurrences(event, after, count):
    """The first `count` starts of `event` on or after `after`, in its zone."""
    start = event["DTSTART"]
    tzid = start.params.get("TZID")
    zone = zoneinfo.ZoneInfo(str(tzid))
    # icalendar attaches a pytz zone; keep only the wall time and read it in
    # zoneinfo, where wall-time arithmetic across a clock change is right.
    first = start.dt.replace(tzinfo=None).replace(tzinfo=zone)
    rules = as_list(event.get("RRULE"))
    if not rules:
        found = [first] if first >= after else []
    else:
        rule = dateutil_rrule.rrulestr(rules[0].to_ical().decode(), dtstart=first)
        found = list(rule.xafter(after, count=count, inc=True))
    # Written the way a person reads it: the wall clock's time and offset at
    # that instant (a time in the spring gap comes out moved forward).
    return [o.astimezone(UTC).astimezone(zone) for o in found[:count]]


def main(argv):
    if len(argv) != 3:
        print("usage: /usr/bin/python3 tests/ics_check.py FILE.ics EXPECTATIONS.json", file=sys.stderr)
        return 2
    ics_path, expectations_path = argv[1], argv[2]
    try:
        with open(ics_path, "rb") as f:
            data = f.read()
        with open(expectations_path, encoding="utf-8") as f:
            expectations = json.load(f)
        default_after = dt.datetime.fromisoformat(expectations["after"]) if "after" in expectations else None
    except (OSError, ValueError, KeyError) as e:
        print(f"ics_check: cannot read {ics_path} or {expectations_path}: {e}", file=sys.stderr)
        return 2
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as e:  # icalendar raises plain ValueErrors, and worse, on bad input
        print(f"ics_check: python3-icalendar cannot parse {ics_path}: {e}\n"
              f"  (icalendar 4.0.3 fails this way, for one, on a VTIMEZONE whose TZID is not a tz database name)",
              file=sys.stderr)
        return 1

    problems = physical_line_problems(data)
    if calendar.name != "VCALENDAR":
        problems.append(f"the file is a {calendar.name}, not a VCALENDAR")
    if str(calendar.get("VERSION", "")) != "2.0":
        problems.append(f"VERSION is {calendar.get('VERSION')!r}, not '2.0'")
    prodid = expectations.get("prodid", FAIRLY_PRODID)
    if str(calendar.get("PRODID", "")) != prodid:
        problems.append(f"PRODID is {str(calendar.get('PRODID', ''))!r}, not {prodid!r}")

    zones = {}
    for component in calendar.walk("VTIMEZONE"):
        zone = Vtimezone(component)
        if zone.tzid in zones:
            problems.append(f"two VTIMEZONEs with TZID {zone.tzid}")
        zones[zone.tzid] = zone

    events = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        if uid in events:
            problems.append(f"UID {uid} appears twice")
        events[uid] = event
        tzid = event["DTSTART"].params.get("TZID") if "DTSTART" in event else None
        if tzid is None:
            problems.append(f"{uid}: DTSTART has no TZID (fairly writes local time in the household's zone)")
        elif str(tzid) not in zones:
            problems.append(f"{uid}: DTSTART's TZID {tzid} has no VTIMEZONE (the file has {sorted(zones)})")

    expected_uids = [slot["uid"] for slot in expectations.get("slots", [])]
    for uid in sorted(set(events) - set(expected_uids)):
        problems.append(f"{uid}: in the file but not expected")

    for slot in expectations.get("slots", []):
        uid = slot["uid"]
        if uid not in events:
            problems.append(f"{uid}: expected but not in the file (it has {sorted(events)})")
            continue
        event = events[uid]
        if "summary" in slot and str(event.get("SUMMARY")) != slot["summary"]:
            problems.append(f"{uid}: SUMMARY is {str(event.get('SUMMARY'))!r}, expected {slot['summary']!r}")
        tzid = event["DTSTART"].params.get("TZID")
        if tzid is None or str(tzid) not in zones:
            continue  # already reported
        after = dt.datetime.fromisoformat(slot["after"]) if "after" in slot else default_after
        want = slot["next"]
        got = occurrences(event, after, len(want))
        got_text = [o.isoformat() for o in got]
        print(f"{uid} ({event.get('SUMMARY')}), {event.get('RRULE').to_ical().decode()} from {after.isoformat()}:")
        for i in range(max(len(want), len(got_text))):
            w = want[i] if i < len(want) else "(none)"
            g = got_text[i] if i < len(got_text) else "(none)"
            mark = "ok" if w == g else "MISMATCH"
            print(f"  {i + 1:2}. expected {w:28} got {g:28} {mark}")
            if w != g:
                problems.append(f"{uid}: occurrence {i + 1} is {g}, expected {w}")
        for occurrence in got:
            from_vtimezone = zones[str(tzid)].offset_at(occurrence)
            if from_vtimezone != occurrence.utcoffset():
                problems.append(f"{uid}: at {occurrence.isoformat()} the VTIMEZONE {tzid} gives offset "
                                f"{from_vtimezone}, the tz database {occurrence.utcoffset()}")

    if problems:
        print(f"\n{ics_path}: {len(problems)} problem(s):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"\n{ics_path}: {len(events)} event(s), {len(zones)} VTIMEZONE(s): all as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
