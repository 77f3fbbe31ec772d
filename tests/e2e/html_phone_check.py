#!/usr/bin/python3
"""The report page, opened in a real browser at phone width (issue 17).

    /usr/bin/python3 tests/e2e/html_phone_check.py --fairly BIN --fairlyd BIN --sample BIN [--keep DIR]

Sets up a real household with the binaries (FAIRLY_TEST_BINDIR, when set,
names the installed ones, as for the C++ end-to-end tests): fairlyd on a
temporary socket and database, `fairly init` with a long Unicode name,
`fairly-sample --weeks 8`, then `fairly report --last 8w --format html`.
Opens the page in headless Chromium (through chromedriver and Selenium) with
a 360x800 phone viewport and checks what a reader would see:

- every SVG <text> lies inside its SVG's box and inside the viewport;
- the page is no wider than the viewport (nothing scrolls sideways);
- each member has one colour: their line in the trend, their bar in the
  night chart and their legend entry agree, and members differ;
- the categories' colours are their own: none is a member's colour, and the
  bars and the legend agree.

Exits 0 when all hold, 1 on a failure (after printing each), 77 when
Chromium, chromedriver or python3-selenium is not installed (ctest counts it
a skip). Everything it starts is stopped on the way out, also on failure.
Needs Debian's chromium, chromium-driver and python3-selenium (scripts/deps);
run it with /usr/bin/python3, which sees them.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from e2e_support import Failed, binaries, browser_parts, stop

SKIP = 77
WIDTH, HEIGHT = 360, 800
# A fixed clock (a Saturday evening in London) and a machine zone that is
# not the household's, as every test has.
NOW = "2026-11-14T18:30:00Z"
MEMBERS = ["alex", "Zoë-Marie-Fitzgerald", "Ōkubo"]
SPLIT = "alex=40,Zoë-Marie-Fitzgerald=40,Ōkubo=20"
TIME_LIMIT = 240  # seconds for the whole check


def run(command, env, timeout=60):
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if done.returncode != 0:
        raise Failed(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout.decode(errors='replace')}"
                     f"{done.stderr.decode(errors='replace')}")
    return done.stdout.decode()


def wait_for_socket(path, daemon, log_path):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            break
        if os.path.exists(path):
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(path)
                    return
                except OSError:
                    pass
        time.sleep(0.05)
    with open(log_path, errors="replace") as log:
        raise Failed(f"fairlyd did not answer on {path}:\n{log.read()}")


def rgb(colour):
    """'#3b7dd8' or 'rgb(59, 125, 216)' as (59, 125, 216)."""
    colour = colour.strip().lower()
    if colour.startswith("#") and len(colour) == 7:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    numbers = re.findall(r"[\d.]+", colour)
    if colour.startswith("rgb") and len(numbers) >= 3:
        return tuple(int(float(n)) for n in numbers[:3])
    raise Failed(f"cannot read the colour {colour!r}")


# Gathered in the page, so the boxes are the browser's own.
MEASURE = r"""
const view = {width: window.innerWidth, height: window.innerHeight,
              scrollWidth: document.documentElement.scrollWidth};
const texts = [];
document.querySelectorAll('svg').forEach((svg, s) => {
  const box = svg.getBoundingClientRect();
  svg.querySelectorAll('text').forEach(t => {
    const r = t.getBoundingClientRect();
    texts.push({svg: svg.id || ('svg ' + s), text: t.textContent,
                left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                svgLeft: box.left, svgRight: box.right, svgTop: box.top, svgBottom: box.bottom});
  });
});
const lines = [...document.querySelectorAll('#share-chart polyline.share')].map(
  p => ({member: p.dataset.member, colour: p.getAttribute('stroke')}));
const nightBars = [...document.querySelectorAll('#night-chart rect.bar')].map(
  r => ({member: r.dataset.member, colour: r.getAttribute('fill')}));
const categoryBars = [...document.querySelectorAll('#category-chart rect.bar')].map(
  r => ({member: r.dataset.member, category: r.dataset.category, colour: r.getAttribute('fill')}));
// The members' legend: the one just before the trend chart.
let legend = document.getElementById('share-chart');
while (legend && !(legend.classList && legend.classList.contains('legend'))) legend = legend.previousElementSibling;
const memberLegend = legend ? [...legend.querySelectorAll('span')].map(
  s => ({text: s.textContent, colour: getComputedStyle(s.querySelector('i')).backgroundColor})) : [];
const categoryLegend = [...document.querySelectorAll('[data-category] > i')].map(
  i => ({category: i.parentElement.dataset.category, colour: getComputedStyle(i).backgroundColor}));
return {view, texts, lines, nightBars, categoryBars, memberLegend, categoryLegend};
"""


def check_page(measured, problems):
    view = measured["view"]
    # A phone lays a page that is too wide out wider and zooms out: the viewport grows.
    if view["width"] != WIDTH:
        problems.append(f"the page lays out {view['width']} px wide on a {WIDTH} px phone: something is wider than the screen")
    if view["scrollWidth"] > WIDTH:
        problems.append(f"the page is {view['scrollWidth']} px wide on a {WIDTH} px phone: it scrolls sideways")
    if len(measured["texts"]) < 10:
        problems.append(f"only {len(measured['texts'])} SVG texts on the page; are the charts there?")
    slack = 0.5
    for t in measured["texts"]:
        where = f"{t['svg']}: {t['text']!r} at x {t['left']:.1f}..{t['right']:.1f}, y {t['top']:.1f}..{t['bottom']:.1f}"
        if (t["left"] < t["svgLeft"] - slack or t["right"] > t["svgRight"] + slack or t["top"] < t["svgTop"] - slack
                or t["bottom"] > t["svgBottom"] + slack):
            problems.append(f"{where} is cut off by its chart (x {t['svgLeft']:.1f}..{t['svgRight']:.1f}, "
                            f"y {t['svgTop']:.1f}..{t['svgBottom']:.1f})")
        elif t["left"] < -slack or t["right"] > WIDTH + slack:
            problems.append(f"{where} is outside the {WIDTH} px screen")
        if t["right"] - t["left"] <= 0:
            problems.append(f"{where} has no width")


def check_colours(measured, problems):
    members = {}
    for line in measured["lines"]:
        members[line["member"]] = rgb(line["colour"])
    if sorted(members) != sorted(MEMBERS):
        problems.append(f"the trend chart has lines for {sorted(members)}, not {sorted(MEMBERS)}")
    if len(set(members.values())) != len(members):
        problems.append(f"two members share a colour: {members}")
    night = {}
    for bar in measured["nightBars"]:
        night.setdefault(bar["member"], set()).add(rgb(bar["colour"]))
    for name, colour in members.items():
        if night.get(name) != {colour}:
            problems.append(f"{name}'s night bar is drawn in {night.get(name)}, their trend line in {colour}")
    legend = {}
    for item in measured["memberLegend"]:
        # The entry starting with the longest member name is that member's.
        named = [n for n in members if item["text"].startswith(n)]
        if named:
            legend[max(named, key=len)] = rgb(item["colour"])
    for name, colour in members.items():
        if legend.get(name) != colour:
            problems.append(f"{name}'s legend entry is {legend.get(name)}, their trend line {colour}")

    categories = {}
    for bar in measured["categoryBars"]:
        if not bar["category"]:
            problems.append(f"a bar of the category chart names no category: {bar}")
            continue
        categories.setdefault(bar["category"], set()).add(rgb(bar["colour"]))
    if sorted(categories) != ["care", "household", "logistics", "thinking"]:
        problems.append(f"the category chart has {sorted(categories)}")
    member_colours = set(members.values())
    for category, colours in categories.items():
        if len(colours) != 1:
            problems.append(f"{category} is drawn in several colours: {colours}")
        if colours & member_colours:
            problems.append(f"{category} is drawn in a member's colour {colours & member_colours}")
    legend_categories = {item["category"]: rgb(item["colour"]) for item in measured["categoryLegend"]}
    for category, colours in categories.items():
        if {legend_categories.get(category)} != colours:
            problems.append(f"{category}'s legend entry is {legend_categories.get(category)}, its bars {colours}")
    if len(set(legend_categories.values())) != len(legend_categories):
        problems.append(f"two categories share a colour: {legend_categories}")


def open_page(page, parts, profile, screenshot):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = parts
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(flag)
    # chromedriver and its browser in a process group of their own, so all of it can be stopped.
    service = Service(driver_path, popen_kw={"start_new_session": True})
    driver = None
    try:
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)
        # A phone: 360 CSS px wide, the page's viewport meta honoured.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True})
        driver.get("file://" + page)
        measured = driver.execute_script(MEASURE)
        if screenshot:
            driver.save_screenshot(screenshot)
        return measured
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - the process group goes next anyway
                pass
        process = getattr(service, "process", None)
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                process.wait(5)
            except Exception:  # noqa: BLE001
                pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fairly", required=True)
    parser.add_argument("--fairlyd", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--keep", help="copy the page (and a screenshot) into this directory")
    args = parser.parse_args()

    parts, missing = browser_parts()
    if missing:
        print(f"html_phone_check: skipped: {missing}", file=sys.stderr)
        return SKIP

    def out_of_time(signum, frame):
        raise Failed(f"the check took longer than {TIME_LIMIT} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TIME_LIMIT)
    fairly, fairlyd, sample = binaries(args, with_sample=True)
    work = tempfile.mkdtemp(prefix="fairly-html-phone-")
    daemon = None
    try:
        sock = os.path.join(work, "run", "fairly.sock")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": "Pacific/Auckland", "FAIRLY_NOW": NOW,
               "FAIRLY_SOCKET": sock, "XDG_STATE_HOME": os.path.join(work, "state"), "XDG_RUNTIME_DIR": work,
               "HOME": work}
        log_path = os.path.join(work, "fairlyd.log")
        with open(log_path, "w") as log:
            daemon = subprocess.Popen([fairlyd, "--socket", sock, "--db", os.path.join(work, "household.db")], env=env,
                                      stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        wait_for_socket(sock, daemon, log_path)
        init = [fairly, "init", "--tz", "Europe/London", "--split", SPLIT]
        for name in MEMBERS:
            init += ["--member", name]
        run(init, env)
        run([sample, "--weeks", "8", "--members", ",".join(MEMBERS), "--quiet"], env, timeout=120)
        page = os.path.join(work, "page.html")
        run([fairly, "report", "--last", "8w", "--format", "html", "-o", page], env)

        screenshot = os.path.join(args.keep, "page.png") if args.keep else None
        measured = open_page(page, parts, os.path.join(work, "chromium"), screenshot)
        if args.keep:
            shutil.copy(page, os.path.join(args.keep, "page.html"))
        problems = []
        check_page(measured, problems)
        check_colours(measured, problems)
        if problems:
            print(f"html_phone_check: the report page at {WIDTH} px wide:", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        print(f"html_phone_check: {len(measured['texts'])} chart labels inside their charts at {WIDTH} px, "
              f"nothing scrolls sideways, {len(MEMBERS)} members with one colour each, categories apart")
        return 0
    except (Failed, subprocess.TimeoutExpired) as e:
        print(f"html_phone_check: {e}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        stop(daemon)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
