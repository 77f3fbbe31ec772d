// fairly's phone page. Everything household-related comes from the JSON API
// (docs/phone.md); nothing is in index.html. Served under a CSP without inline
// script: every handler is attached here with addEventListener.
//
// Nothing is lost when the Wi-Fi blips: each change is given a UUID and the
// time of the tap, kept in localStorage before it is sent, sent in order, and
// removed only when fairlyd acknowledged it (2xx) or refused it for good. A
// resent UUID finds the original, so it is counted once.
'use strict';

(function () {
  const QUEUE_KEY = 'fairly.queue.v1';
  const BIG_KINDS = 6;          // big buttons; the rest behind "More"
  const TICK_MS = 5000;         // running timers
  const POLL_MS = 60000;        // state, while the page is shown
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const QUEUE_SHOWN_AFTER_MS = 1500;
  const CLOCK_SLACK_MS = 2500;
  const EVENTS_SHOWN = 8;       // the week's newest entries; the rest behind a button
  // Requests with no uuid of their own in the API: a resend after a lost
  // answer can meet "already done" (409), which then means it got there.
  const REVIEWS = new Set(['/api/confirm', '/api/dispute', '/api/void']);

  const $ = (id) => document.getElementById(id);

  let state = null;             // the last /api/state
  let csrf = null;
  let clockOffset = 0;          // fairlyd's clock minus the phone's, in ms
  let chosenFor = null;         // a length chip: '20m'
  let events = [];
  let reportOpen = false;
  let allEvents = false;
  let flushing = false;
  let flushAgain = false;
  let retryTimer = null;
  let backoff = 0;
  let memoryQueue = [];         // when localStorage cannot be used
  let toastTimer = null;

  // ---- small helpers -------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
        else node.setAttribute(key, value === true ? '' : value);
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function button(text, cls, onClick, extra) {
    return el('button', Object.assign({type: 'button', class: cls, text, on: {click: onClick}}, extra || {}));
  }

  /// A v4 UUID from crypto.getRandomValues (crypto.randomUUID needs a secure
  /// context, which a plain http LAN address is not).
  function uuid4() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /// Now, on fairlyd's clock as far as the phone knows it; never earlier than
  /// a time given before (a stop is never before its start).
  let lastNow = 0;
  function now() {
    lastNow = Math.max(lastNow, Date.now() + clockOffset);
    return lastNow;
  }

  /// 2026-12-02T03:10:00Z (whole seconds).
  function iso(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  function minutesText(minutes) {
    const total = Math.max(0, Math.round(Number(minutes) || 0));
    if (total < 60) return `${total} min`;
    const h = Math.floor(total / 60), m = total % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
  }

  function lengthText(code) {
    // '10m' -> '10 min', '1h' -> '1 h'
    const m = /^(\d+)([mh])$/.exec(code || '');
    if (!m) return code;
    return minutesText(m[2] === 'h' ? Number(m[1]) * 60 : Number(m[1]));
  }

  function zone() {
    return (state && state.tz) || undefined;
  }

  /// The clock time of an instant in the household's zone: "03:10".
  function clockText(ms) {
    try {
      return new Intl.DateTimeFormat('en-GB', {timeZone: zone(), hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
        .format(new Date(ms));
    } catch (e) {
      return new Date(ms).toTimeString().slice(0, 5);
    }
  }

  function partsIn(ms, tz) {
    const format = new Intl.DateTimeFormat('en-GB', {timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'});
    const p = {};
    for (const part of format.formatToParts(new Date(ms))) p[part.type] = part.value;
    return {y: +p.year, m: +p.month, d: +p.day, H: (+p.hour) % 24, M: +p.minute, S: +p.second};
  }

  /// The instant a wall-clock time (y, m, d, H:M) is in the zone tz.
  function wallInstant(y, m, d, H, M, tz) {
    const wanted = Date.UTC(y, m - 1, d, H, M);
    let t = wanted;
    for (let i = 0; i < 3; ++i) {
      const p = partsIn(t, tz);
      const diff = Date.UTC(p.y, p.m - 1, p.d, p.H, p.M, p.S) - wanted;
      if (diff === 0) break;
      t -= diff;
    }
    return t;
  }

  /// "It started at 03:10": today at 03:10 in the household's zone, or
  /// yesterday when 03:10 today is still to come.
  function startedInstant(value, tap) {
    const m = /^(\d{1,2}):(\d{2})/.exec(value);
    if (!m) return null;
    const H = Number(m[1]), M = Number(m[2]);
    const tz = zone();
    try {
      const today = partsIn(tap, tz);
      let at = wallInstant(today.y, today.m, today.d, H, M, tz);
      if (at > tap) {
        const y = new Date(Date.UTC(today.y, today.m - 1, today.d) - 86400000);
        at = wallInstant(y.getUTCFullYear(), y.getUTCMonth() + 1, y.getUTCDate(), H, M, tz);
      }
      return at;
    } catch (e) {
      const d = new Date(tap);
      d.setHours(H, M, 0, 0);
      if (d.getTime() > tap) d.setDate(d.getDate() - 1);
      return d.getTime();
    }
  }

  // ---- messages ------------------------------------------------------------

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 8000);
  }

  function problem(text) {
    const p = $('problem');
    p.textContent = text;
    p.hidden = !text;
  }

  function errorMessage(data, status) {
    if (data && data.error && data.error.message) return data.error.message;
    return `fairly answered ${status}`;
  }

  // ---- the API -------------------------------------------------------------

  async function getJson(path) {
    const r = await fetch(path, {credentials: 'same-origin', cache: 'no-store', headers: {Accept: 'application/json'}});
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return {status: r.status, ok: r.ok, data};
  }

  async function postJson(path, body) {
    const r = await fetch(path, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: {'Content-Type': 'application/json', 'X-Fairly-CSRF': csrf || '', Accept: 'application/json'},
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return {status: r.status, ok: r.ok, data};
  }

  /// No paired device (401): nothing of the household stays on the screen.
  function unpaired() {
    state = null;
    csrf = null;
    events = [];
    for (const id of ['kinds', 'kinds-more', 'timers', 'pending', 'partners', 'events', 'report', 'timer-kind']) $(id).replaceChildren();
    $('who').textContent = '';
    $('device').textContent = '';
    $('app').hidden = true;
    problem('This phone is not paired with fairly, or no longer. Ask for a new link with `fairly pair` and open it here.');
  }

  /// Reads /api/state. true when it was read.
  async function loadState() {
    let r;
    const asked = Date.now();
    try {
      r = await getJson('/api/state');
    } catch (e) {
      unreachable();
      return false;
    }
    if (r.status === 401) { unpaired(); return false; }
    if (!r.ok || !r.data) { unreachable(); return false; }
    state = r.data;
    csrf = state.csrf || null;
    // fairlyd's "now" is in whole seconds: a phone within a couple of seconds
    // of it keeps its own clock, one further off takes fairlyd's.
    const daemonNow = Date.parse(state.now);
    if (!Number.isNaN(daemonNow)) {
      const offset = daemonNow + 500 - (asked + Date.now()) / 2;
      clockOffset = Math.abs(offset) > CLOCK_SLACK_MS ? offset : 0;
    }
    if (!$('problem').dataset.sticky) problem('');
    renderState();
    return true;
  }

  async function loadEvents() {
    try {
      const r = await getJson('/api/events');
      if (r.status === 401) { unpaired(); return; }
      if (r.ok && r.data) { events = r.data.events || []; renderEvents(); }
    } catch (e) { /* kept as it was; the queue says what waits */ }
  }

  async function loadReport() {
    try {
      const r = await getJson('/api/report');
      if (r.status === 401) { unpaired(); return; }
      if (r.ok && r.data) renderReport(r.data.html || '');
    } catch (e) {
      unreachable();
    }
  }

  function unreachable() {
    if (state) return; // the page goes on with what it has; the queue line says what waits
    problem('fairly cannot be reached just now. Taps made here are kept on this phone and sent when it can.');
  }

  async function refresh() {
    if (await loadState()) {
      await loadEvents();
      if (reportOpen) await loadReport();
    }
  }

  // ---- the queue -----------------------------------------------------------

  function readQueue() {
    try {
      const raw = window.localStorage.getItem(QUEUE_KEY);
      const q = raw ? JSON.parse(raw) : [];
      return Array.isArray(q) ? q : [];
    } catch (e) {
      return memoryQueue.slice();
    }
  }

  function writeQueue(q) {
    memoryQueue = q.slice();
    try { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); } catch (e) { /* memoryQueue has it */ }
  }

  function updateItem(uuid, change) {
    const q = readQueue();
    const item = q.find((i) => i.uuid === uuid);
    if (item) { change(item); writeQueue(q); }
  }

  function removeItem(uuid) {
    writeQueue(readQueue().filter((i) => i.uuid !== uuid));
  }

  /// Kept before it is sent: the page can close, the Wi-Fi can drop.
  function enqueue(path, body, what) {
    const item = {uuid: body.uuid || uuid4(), path, body, what, member: state ? state.member : null, made: Date.now(), tries: 0};
    const q = readQueue();
    q.push(item);
    writeQueue(q);
    renderQueue();
    renderTimers();
    setTimeout(renderQueue, QUEUE_SHOWN_AFTER_MS + 100);
    flush();
  }

  /// "1 waiting to be sent", once a request could not be sent or takes a
  /// moment (a tap answered at once never shows it).
  function renderQueue() {
    const q = readQueue();
    const n = q.length;
    const slow = q.some((i) => i.failed || Date.now() - (i.made || 0) > QUEUE_SHOWN_AFTER_MS);
    const line = $('queue');
    line.hidden = n === 0 || !slow;
    line.textContent = line.hidden ? '' : `${n} waiting to be sent`;
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    backoff = backoff ? Math.min(backoff * 2, BACKOFF_MAX_MS) : BACKOFF_MIN_MS;
    const wait = backoff / 2 + Math.random() * backoff / 2;
    retryTimer = setTimeout(flush, wait);
  }

  /// Sends the queue in order, each until it is acknowledged or refused for good.
  async function flush() {
    if (flushing) { flushAgain = true; return; }
    flushing = true;
    clearTimeout(retryTimer);
    let sent = 0;
    let waiting = false;
    const said = [];
    try {
      let freshCsrf = false;
      for (;;) {
        flushAgain = false;
        const q = readQueue();
        if (q.length === 0) break;
        const item = q[0];
        if (!csrf) {
          if (!(await loadState())) { waiting = true; break; }
          freshCsrf = true;
        }
        if (item.member && state && state.member && item.member !== state.member) {
          removeItem(item.uuid);
          problem(`${describe(item)} was made on this phone for ${item.member}, and it is now paired for ${state.member}; it was not sent.`);
          continue;
        }
        updateItem(item.uuid, (i) => { i.tries = (i.tries || 0) + 1; });
        let r;
        try {
          r = await postJson(item.path, item.body);
        } catch (e) {
          if (!item.failed) said.push(`Kept on this phone: ${kept(item)}. It is sent once fairly can be reached.`);
          updateItem(item.uuid, (i) => { i.failed = true; });
          waiting = true;
          break; // no network, or fairlyd is down
        }
        if (r.ok) {
          removeItem(item.uuid);
          backoff = 0;
          freshCsrf = false;
          ++sent;
          said.push(done(item, r.data || {}));
          continue;
        }
        if (r.status === 401) { updateItem(item.uuid, (i) => { i.failed = true; }); unpaired(); waiting = true; break; }
        if (r.status === 403 && !freshCsrf) {
          // The CSRF value may have changed (fairlyd restarted): read it again, then retry.
          csrf = null;
          continue;
        }
        if (r.status === 408 || r.status === 429 || r.status >= 500) {
          updateItem(item.uuid, (i) => { i.failed = true; });
          waiting = true;
          break;
        }
        // Refused for good (a 403 even with a fresh CSRF value among them): say why and drop it.
        removeItem(item.uuid);
        freshCsrf = false;
        ++sent;
        if (r.status === 409 && REVIEWS.has(item.path) && (item.tries || 0) >= 1) {
          said.push(done(item, {}));
        } else {
          problem(`${describe(item)}: ${errorMessage(r.data, r.status)}`);
          $('problem').dataset.sticky = '1';
          setTimeout(() => { delete $('problem').dataset.sticky; }, 15000);
        }
      }
    } finally {
      flushing = false;
      renderQueue();
      if (said.length) toast(said.join(' '));
    }
    if (waiting) scheduleRetry();
    if (sent) await refresh();
    else renderTimers();
    if (flushAgain && !waiting) flush();
  }

  /// What a queued request was, in a few words: "night-feed, 20 min".
  function describe(item) {
    const w = item.what || {};
    switch (w.type) {
      case 'log': return `Logging ${w.kind}${w.for ? ', ' + lengthText(w.for) : ''}`;
      case 'start': return `Starting the ${w.kind} timer`;
      case 'stop': return `Stopping the ${w.kind} timer`;
      case 'thanks': return `Thanking ${w.to}`;
      case 'confirm': return `Confirming ${w.kind}`;
      case 'dispute': return `Disputing ${w.kind}`;
      case 'void': return `Removing ${w.kind}`;
      case 'edit': return `Changing ${w.kind}`;
      default: return 'A change';
    }
  }

  /// A waiting request, in a few words: "laundry, 10 min".
  function kept(item) {
    const w = item.what || {};
    switch (w.type) {
      case 'log': return `${w.kind}${w.for ? ', ' + lengthText(w.for) : ''}`;
      case 'start': return `starting the ${w.kind} timer`;
      case 'stop': return `stopping the ${w.kind} timer`;
      case 'thanks': return `your thanks to ${w.to}`;
      default: return 'a change';
    }
  }

  /// The confirmation, in the page's words, from fairlyd's answer.
  function done(item, data) {
    const w = item.what || {};
    const e = data.event || {};
    const kind = e.kind || w.kind;
    const when = e.when ? ` (${e.when})` : '';
    const length = e.minutes !== undefined ? minutesText(e.minutes) : (w.for ? lengthText(w.for) : '');
    switch (w.type) {
      case 'log': return `Logged ${kind}${length ? ', ' + length : ''}, for you${w.started ? when : ''}.`;
      case 'start': return `Started the ${kind} timer.`;
      case 'stop': return `Stopped the ${kind} timer: ${length}, logged for you.`;
      case 'thanks': return `Thanks sent to ${w.to}.`;
      case 'confirm': return `Confirmed ${kind}${when}.`;
      case 'dispute': return `Disputed ${kind}${when}; it is left out of the figures until you settle it.`;
      case 'void': return `Removed ${kind}${when}.`;
      case 'edit': return `Changed ${kind}${length ? ', ' + length : ''}${when}.`;
      default: return 'Done.';
    }
  }

  // ---- actions -------------------------------------------------------------

  function kindEntry(name) {
    return ((state && state.kinds) || []).find((k) => k && k.name === name) || null;
  }

  /// A tap logs what was just done: it ends at the tap and lasts the chosen
  /// length, or the kind's usual one. With "it started at…", it starts then.
  /// Every time is fixed on the phone (an `at` and a `for`), so a tap sent
  /// late, from the queue, still has the time of the tap.
  function logTap(kind) {
    const tap = now();
    const body = {uuid: uuid4(), kind};
    const started = $('started-at').value;
    const at = started ? startedInstant(started, tap) : null;
    const entry = kindEntry(kind);
    const usual = entry && Number(entry.default_minutes) > 0 ? `${Math.round(Number(entry.default_minutes))}m` : null;
    const length = chosenFor || (at === null ? usual : null);
    if (at !== null) {
      body.at = iso(at);
      if (length) body.for = length;
    } else if (length) {
      body.at = iso(tap - lengthMinutes(length) * 60000);
      body.for = length;
    } else {
      body.at = iso(tap);
    }
    enqueue('/api/log', body, {type: 'log', kind, for: chosenFor, started: at !== null, tap: iso(tap)});
    chooseLength(null);
    $('started-at').value = '';
    startedChanged();
  }

  function lengthMinutes(code) {
    const m = /^(\d+)([mh])$/.exec(code || '');
    return m ? (m[2] === 'h' ? Number(m[1]) * 60 : Number(m[1])) : 0;
  }

  function startTimer() {
    const kind = $('timer-kind').value;
    if (!kind) return;
    enqueue('/api/start', {uuid: uuid4(), kind, at: iso(now())}, {type: 'start', kind});
  }

  function stopTimer(kind) {
    enqueue('/api/stop', {uuid: uuid4(), kind, at: iso(now())}, {type: 'stop', kind});
  }

  function thank(to) {
    const note = $('thank-note').value.trim();
    const body = {uuid: uuid4(), to};
    if (note) body.note = note;
    enqueue('/api/thanks', body, {type: 'thanks', to});
    $('thank-note').value = '';
    toggleThanks(false);
  }

  function review(path, type, event, reason) {
    const body = {id: event.id};
    if (reason) body.reason = reason;
    enqueue(path, body, {type, kind: event.kind, id: event.id});
  }

  function chooseLength(code) {
    chosenFor = code;
    for (const chip of document.querySelectorAll('#lengths .chip')) {
      chip.setAttribute('aria-pressed', String(chip.dataset.for === code));
    }
    hint();
  }

  function startedChanged() {
    $('started-clear').hidden = !$('started-at').value;
    hint();
  }

  function hint() {
    const started = $('started-at').value;
    const length = chosenFor ? lengthText(chosenFor) : 'its usual length';
    let text;
    if (started) {
      const at = startedInstant(started, now());
      const day = at !== null && partsIn(at, zone()).d !== partsIn(now(), zone()).d ? 'yesterday ' : '';
      text = `A tap logs it as started ${day}${started}, ${length}.`;
    } else if (chosenFor) {
      text = `A tap logs it as just done, ${length}.`;
    } else {
      text = 'One tap logs it as just done.';
    }
    $('log-hint').textContent = text;
  }

  function toggleThanks(open) {
    $('thank-panel').hidden = !open;
    $('thank').setAttribute('aria-expanded', String(open));
  }

  // ---- rendering -----------------------------------------------------------

  function kindNames() {
    return ((state && state.kinds) || []).map((k) => (typeof k === 'string' ? k : k.name));
  }

  function renderState() {
    $('app').hidden = false;
    $('who').textContent = `This phone logs for ${state.member}.`;
    const device = state.device || {};
    $('device').textContent = device.name ? `This phone: ${device.name}` : '';

    const names = kindNames();
    const big = names.slice(0, BIG_KINDS), rest = names.slice(BIG_KINDS);
    $('kinds').replaceChildren(...big.map((name) => button(name, 'kind big', () => logTap(name), {'data-kind': name})));
    $('kinds-more').replaceChildren(...rest.map((name) => button(name, 'kind', () => logTap(name), {'data-kind': name})));
    $('more-kinds').hidden = rest.length === 0;

    const select = $('timer-kind');
    const chosen = select.value;
    select.replaceChildren(...names.map((name) => el('option', {value: name, text: name})));
    if (names.includes(chosen)) select.value = chosen;

    const partners = (state.partners || []).map((p) => (typeof p === 'string' ? p : p.name));
    $('partners').replaceChildren(...partners.map((name) => button(name, 'action partner', () => thank(name), {'data-partner': name})));
    $('thanks-section').hidden = partners.length === 0;

    renderTimers();
    renderPending();
    hint();
  }

  /// The daemon's running timers, with what waits in the queue laid over them.
  function timersShown() {
    const shown = new Map();
    for (const t of (state && state.timers) || []) {
      let start = Date.parse(t.start_utc);
      if (Number.isNaN(start) && typeof t.running_minutes === 'number') start = now() - t.running_minutes * 60000;
      shown.set(t.kind, {kind: t.kind, start, queued: false});
    }
    for (const item of readQueue()) {
      const w = item.what || {};
      if (w.type === 'start') shown.set(w.kind, {kind: w.kind, start: Date.parse(item.body.at), queued: true});
      if (w.type === 'stop') shown.delete(w.kind);
    }
    return [...shown.values()];
  }

  function renderTimers() {
    if (!state) return;
    const list = timersShown();
    $('timers').replaceChildren(...list.map((t) => el('li', {class: 'timer', 'data-timer': t.kind},
      el('div', {class: 'what'},
        el('strong', {text: t.kind}),
        el('span', {class: 'elapsed', 'data-start': String(t.start)}, elapsedText(t.start)),
        el('span', {class: 'since', text: Number.isNaN(t.start) ? '' : ` since ${clockText(t.start)}`}),
        t.queued ? el('span', {class: 'waiting', text: ' (waiting to be sent)'}) : null),
      button('Stop', 'action stop', () => stopTimer(t.kind)))));
    if (list.length === 0) $('timers').append(el('li', {class: 'empty', text: 'No timer running.'}));
  }

  function elapsedText(start) {
    if (Number.isNaN(start)) return '';
    const minutes = Math.floor((now() - start) / 60000);
    return minutes < 1 ? 'running under a minute' : `running ${minutesText(minutes)}`;
  }

  function tick() {
    for (const span of document.querySelectorAll('#timers .elapsed')) span.textContent = elapsedText(Number(span.dataset.start));
  }

  function eventLine(e) {
    const parts = [e.when, minutesText(e.minutes)];
    return parts.filter(Boolean).join(', ');
  }

  function renderPending() {
    const pending = (state && state.pending) || [];
    $('pending-section').hidden = pending.length === 0;
    $('pending').replaceChildren(...pending.map((e) => {
      const reason = el('input', {type: 'text', maxlength: '2000', autocomplete: 'off', 'aria-label': 'Why (optional)',
        placeholder: 'Why (optional)'});
      const form = el('div', {class: 'panel dispute-form', hidden: true},
        reason,
        button('Dispute it', 'action send-dispute', () => review('/api/dispute', 'dispute', e, reason.value.trim())));
      return el('li', {class: 'pending', 'data-event-id': String(e.id)},
        el('div', {class: 'what'},
          el('strong', {text: e.kind}), ' ', eventLine(e),
          e.logged_by ? el('div', {class: 'by', text: `logged by ${e.logged_by}`}) : null,
          e.note ? el('div', {class: 'note', text: e.note}) : null),
        el('div', {class: 'buttons'},
          button('Confirm', 'action confirm', () => review('/api/confirm', 'confirm', e)),
          button('Dispute…', 'action quiet dispute', () => { form.hidden = !form.hidden; if (!form.hidden) reason.focus(); })),
        form);
    }));
  }

  function renderEvents() {
    const list = $('events');
    const more = $('events-all');
    if (!events.length) {
      list.replaceChildren(el('li', {class: 'empty', text: 'Nothing logged this week yet.'}));
      more.hidden = true;
      return;
    }
    const shown = allEvents ? events : events.slice(0, EVENTS_SHOWN);
    list.replaceChildren(...shown.map(eventItem));
    more.hidden = events.length <= EVENTS_SHOWN;
    more.textContent = allEvents ? 'Show only the latest' : `Show all ${events.length} this week`;
  }

  function eventItem(e) {
    const active = !e.status || e.status === 'active';
    const mine = state && e.member === state.member;
    const who = mine ? '' : e.member;
    const by = e.logged_by && e.logged_by !== e.member ? `logged by ${e.logged_by}` : '';
    const what = el('div', {class: 'what'},
      el('strong', {text: e.kind}), ' ', eventLine(e),
      who || by ? el('div', {class: 'by', text: [who, by].filter(Boolean).join(', ')}) : null,
      e.note ? el('div', {class: 'note', text: e.note}) : null,
      e.review === 'disputed' ? el('div', {class: 'by', text: 'disputed'}) : null);
    const li = el('li', {class: active ? 'event' : 'event gone', 'data-event-id': String(e.id)}, what);
    if (!active) return li;

    // Remove, with an optional reason.
    const reason = el('input', {type: 'text', maxlength: '2000', autocomplete: 'off', 'aria-label': 'Why (optional)',
      placeholder: 'Why (optional)'});
    const voidForm = el('div', {class: 'panel void-form', hidden: true}, reason,
      button('Remove it', 'action send-void', () => review('/api/void', 'void', e, reason.value.trim())));

    // Change the kind, the length or the note.
    const kindSelect = el('select', {'aria-label': 'Kind'}, ...kindNames().map((name) => el('option', {value: name, text: name})));
    if (!kindNames().includes(e.kind)) kindSelect.prepend(el('option', {value: e.kind, text: e.kind}));
    kindSelect.value = e.kind;
    const minutes = Math.round(Number(e.minutes) || 0);
    const length = el('input', {type: 'number', min: '1', max: '1440', step: '1', inputmode: 'numeric', value: String(minutes),
      'aria-label': 'Minutes'});
    const note = el('input', {type: 'text', maxlength: '2000', autocomplete: 'off', 'aria-label': 'Note', placeholder: 'Note'});
    note.value = e.note || '';
    const save = () => {
      const body = {uuid: uuid4(), id: e.id};
      if (kindSelect.value !== e.kind) body.kind = kindSelect.value;
      const m = Math.round(Number(length.value));
      if (m > 0 && m !== minutes) body.for = `${m}m`;
      if (note.value.trim() !== (e.note || '')) body.note = note.value.trim();
      if (Object.keys(body).length === 2) { panel.hidden = true; return; }
      enqueue('/api/edit', body, {type: 'edit', kind: body.kind || e.kind, id: e.id});
    };
    const editForm = el('div', {class: 'panel edit-form'},
      el('label', null, 'Kind ', kindSelect),
      el('label', null, 'Minutes ', length),
      el('label', null, 'Note ', note),
      button('Save the change', 'action send-edit', save));

    const removeButton = button('Remove…', 'action quiet void', () => { voidForm.hidden = false; removeButton.hidden = true; });
    editForm.append(removeButton);
    const panel = el('div', {class: 'panel change', hidden: true}, editForm, voidForm);
    const change = button('Change…', 'action quiet edit', () => {
      panel.hidden = !panel.hidden;
      change.setAttribute('aria-expanded', String(!panel.hidden));
      voidForm.hidden = true;
      removeButton.hidden = false;
    }, {'aria-label': `Change ${e.kind}, ${e.when || ''}`, 'aria-expanded': 'false'});
    li.replaceChildren(el('div', {class: 'line'}, what, change), panel);
    return li;
  }

  /// The daemon renders the report; only its body goes in, never its styles
  /// or scripts (/report.css styles it).
  function renderReport(html) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    for (const node of doc.querySelectorAll('script, style, link, meta, title, base')) node.remove();
    const box = $('report');
    box.replaceChildren(...Array.from(doc.body.childNodes, (n) => document.importNode(n, true)));
    box.hidden = false;
  }

  // ---- wiring --------------------------------------------------------------

  function start() {
    for (const chip of document.querySelectorAll('#lengths .chip')) {
      chip.addEventListener('click', () => chooseLength(chosenFor === chip.dataset.for ? null : chip.dataset.for));
    }
    $('started-at').addEventListener('input', startedChanged);
    $('started-at').addEventListener('change', startedChanged);
    $('started-clear').addEventListener('click', () => { $('started-at').value = ''; startedChanged(); });
    $('timer-start').addEventListener('click', startTimer);
    $('events-all').addEventListener('click', () => { allEvents = !allEvents; renderEvents(); });
    $('thank').addEventListener('click', () => toggleThanks($('thank-panel').hidden));
    $('report-open').addEventListener('click', async () => {
      reportOpen = !reportOpen;
      $('report-open').setAttribute('aria-expanded', String(reportOpen));
      if (reportOpen) await loadReport();
      else $('report').hidden = true;
    });
    window.addEventListener('online', () => { backoff = 0; flush(); });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') { backoff = 0; refresh().then(flush); }
    });
    window.addEventListener('storage', (e) => { if (e.key === QUEUE_KEY) renderQueue(); });
    setInterval(tick, TICK_MS);
    setInterval(() => { if (document.visibilityState === 'visible') refresh(); }, POLL_MS);

    renderQueue();
    refresh().then(flush);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
