// vertx-pump dashboard. Plain JavaScript, no dependencies: see the comment at the top of index.html.
//
// Data flow: one EventSource on /api/stream delivers `state` (everything, once a second) and `firing`
// (each fire as it happens); actions are fetch() calls to /api/*. Every value from the server is put in
// the page with textContent or setAttribute, never as HTML.
'use strict';

(function () {
  const TOKEN_KEY = 'vertx-pump.apiToken';
  const FIRINGS_SHOWN = 50;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22'];
  // the page lives at <base>/ui/: the API at <base>/api/ (base is '' unless behind a path prefix)
  const BASE = location.pathname.replace(/\/ui(\/.*)?$/, '');

  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  let serverOffsetMs = 0;        // server clock minus browser clock, from the last state
  let lastState = null;
  let firings = [];              // newest first, at most FIRINGS_SHOWN
  let source = null;
  let reconnectTimer = null;
  let argsTrigger = null;
  const triggerRows = new Map(); // trigger id -> {row, cells}
  const pipelineBoxes = new Map();

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  const pad = (n, w = 2) => String(n).padStart(w, '0');

  function serverNow() {
    return Date.now() + serverOffsetMs;
  }

  /** HH:MM:SS in the browser's zone, with the date when not today. */
  function formatTime(iso, millis) {
    if (!iso) return '—';
    const d = new Date(iso);
    const today = new Date(serverNow());
    let text = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    if (millis) text += '.' + pad(d.getMilliseconds(), 3);
    if (d.toDateString() !== today.toDateString()) {
      text = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + text;
    }
    return text;
  }

  /** "4 m 12 s", "3 h 5 m", "2 d 4 h". */
  function span(ms) {
    let s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s';
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    if (d > 0) return d + ' d ' + h + ' h';
    if (h > 0) return h + ' h ' + m + ' m';
    return m + ' m ' + s + ' s';
  }

  function until(iso) {
    if (!iso) return '';
    const ms = Date.parse(iso) - serverNow();
    return ms <= 500 ? 'due now' : 'in ' + span(ms);
  }

  function ago(iso) {
    if (!iso) return '';
    return span(serverNow() - Date.parse(iso)) + ' ago';
  }

  function notice(text, bad) {
    const box = $('notice');
    box.textContent = text;
    box.classList.toggle('bad', !!bad);
    box.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => { box.hidden = true; }, bad ? 8000 : 4000);
  }

  // ---------------------------------------------------------------------------------------------
  // API and auth

  class AuthNeeded extends Error {}

  async function api(method, path, body) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(BASE + path, { method, headers, body, cache: 'no-store' });
    let json = null;
    try { json = await response.json(); } catch (e) { /* no JSON body */ }
    if (response.status === 401) {
      askForToken(token ? 'The token was refused: ' + ((json && json.error) || 'invalid token') + '.' : null);
      throw new AuthNeeded((json && json.error) || 'token needed');
    }
    if (!response.ok) {
      throw new Error((json && json.error) || (response.status + ' ' + response.statusText));
    }
    return json;
  }

  function askForToken(reason) {
    setConn('token needed', 'pill-bad');
    if (reason) $('token-reason').textContent = reason;
    const dialog = $('token-dialog');
    if (!dialog.open) {
      $('token-input').value = '';
      dialog.showModal();
    }
  }

  function useToken(value) {
    token = value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    $('forget-token').hidden = !token;
    connect();
    refreshPlayground();
  }

  function setConn(text, cls) {
    const pill = $('conn');
    pill.textContent = text;
    pill.className = 'pill ' + cls;
  }

  // ---------------------------------------------------------------------------------------------
  // The live stream

  function connect() {
    clearTimeout(reconnectTimer);
    if (source) source.close();
    setConn('connecting…', 'pill-wait');
    // EventSource cannot send headers: the token goes in the query (accepted on /api/stream only)
    const url = BASE + '/api/stream' + (token ? '?access_token=' + encodeURIComponent(token) : '');
    source = new EventSource(url);
    source.addEventListener('open', () => setConn('live', 'pill-ok'));
    source.addEventListener('state', (e) => render(JSON.parse(e.data)));
    source.addEventListener('firing', (e) => addFiring(JSON.parse(e.data)));
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) {
        setConn('reconnecting…', 'pill-wait');
        return;
      }
      // refused or gone: ask the API why, then ask for a token or try again later
      api('GET', '/api/triggers').then(() => {
        setConn('reconnecting…', 'pill-wait');
        reconnectTimer = setTimeout(connect, 2000);
      }, (err) => {
        if (err instanceof AuthNeeded) return;
        setConn('disconnected', 'pill-bad');
        notice(err.message, true);
        reconnectTimer = setTimeout(connect, 5000);
      });
    });
  }

  function render(state) {
    lastState = state;
    serverOffsetMs = Date.parse(state.now) - Date.now();
    setConn('live', 'pill-ok');
    setText($('node'), state.node || '—');
    firings = mergeFirings(state.firings || [], firings);
    renderTriggers(state.triggers || []);
    renderPipelines(state.pipelines || []);
    renderFirings();
    renderTimeline(state.timeline, state.triggers || []);
    renderMembers(state.members);
    tick();
  }

  /** The state's list is the truth; firings that arrived by event after it was built are kept on top. */
  function mergeFirings(fromState, current) {
    const known = new Set(fromState.map((f) => f.firing));
    const newest = fromState.length ? Date.parse(fromState[0].firedAt) : -Infinity;
    const newer = current.filter((f) => !known.has(f.firing) && Date.parse(f.firedAt) > newest);
    return newer.concat(fromState).slice(0, FIRINGS_SHOWN);
  }

  function addFiring(entry) {
    const index = firings.findIndex((f) => f.firing === entry.firing);
    if (index >= 0) firings[index] = entry; else firings = [entry].concat(firings).slice(0, FIRINGS_SHOWN);
    renderFirings();
    // count it at once; the next state confirms
    const row = triggerRows.get(entry.trigger);
    if (row && index < 0 && row.data) {
      row.data.fireCount = (row.data.fireCount || 0) + 1;
      row.data.lastFiredAt = entry.firedAt;
      setText(row.cells.fireCount, String(row.data.fireCount));
      setText(row.cells.last, formatTime(entry.firedAt));
    }
  }

  /** Counts down and ages every second, between states. */
  function tick() {
    if (lastState) setText($('server-time'), formatTime(new Date(serverNow()).toISOString()));
    for (const row of triggerRows.values()) {
      const t = row.data;
      setText(row.cells.nextIn, t.paused && t.nextFireAt ? 'paused' : until(t.nextFireAt));
      setText(row.cells.lastAgo, ago(t.lastFiredAt));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Triggers

  function renderTriggers(triggers) {
    const body = $('triggers').tBodies[0];
    const seen = new Set();
    triggers.forEach((t, i) => {
      seen.add(t.id);
      let row = triggerRows.get(t.id);
      if (!row) {
        row = triggerRow(t);
        triggerRows.set(t.id, row);
      }
      if (body.children[i] !== row.row) body.insertBefore(row.row, body.children[i] || null);
      updateTriggerRow(row, t);
    });
    for (const [id, row] of triggerRows) {
      if (!seen.has(id)) { row.row.remove(); triggerRows.delete(id); }
    }
    $('triggers-empty').hidden = triggers.length > 0;
  }

  function triggerRow(t) {
    const cells = {
      id: el('b'), type: el('span', { class: 'type' }),
      sources: el('div', { class: 'sub' }),
      words: el('div'), spec: el('code', { class: 'spec', title: 'try it in the cron playground' }),
      zone: el('span', { class: 'sub' }),
      next: el('div', { 'data-field': 'nextFireAt' }), nextIn: el('div', { class: 'sub', 'data-field': 'countdown' }),
      last: el('div', { 'data-field': 'lastFiredAt' }), lastAgo: el('div', { class: 'sub' }),
      fireCount: el('td', { class: 'num', 'data-field': 'fireCount' }),
      state: el('span', { class: 'pill', 'data-field': 'state' }),
      fire: el('button', { type: 'button', class: 'primary', 'data-action': 'fire', text: 'Fire',
        title: 'fire now, with no arguments' }),
      fireArgs: el('button', { type: 'button', 'data-action': 'fire-args', text: 'Fire with args…',
        title: 'fire now with a JSON object as arguments' }),
      toggle: el('button', { type: 'button', 'data-action': 'pause' }),
      backfill: el('button', { type: 'button', 'data-action': 'backfill', text: 'Backfill…',
        title: 'fire every past slot of a time range once, oldest first' }),
    };
    const row = el('tr', { 'data-trigger': t.id },
      el('td', {}, cells.id, cells.type, cells.sources),
      el('td', {}, cells.words, el('div', {}, cells.spec, ' ', cells.zone)),
      el('td', {}, cells.next, cells.nextIn),
      el('td', {}, cells.last, cells.lastAgo),
      cells.fireCount,
      el('td', {}, cells.state),
      el('td', {}, el('div', { class: 'actions' }, cells.fire, cells.fireArgs, cells.toggle, cells.backfill)));
    const entry = { row, cells, data: t };
    cells.fire.addEventListener('click', () => fire(entry.data.id, undefined));
    cells.fireArgs.addEventListener('click', () => openArgs(entry.data.id));
    cells.toggle.addEventListener('click', () => pauseOrResume(entry));
    cells.backfill.addEventListener('click', () => backfillOrCancel(entry));
    cells.spec.addEventListener('click', () => {
      if (entry.data.type !== 'cron') return;
      $('cron-expr').value = entry.data.spec;
      if (entry.data.zone) $('cron-zone').value = entry.data.zone;
      refreshPlayground();
      $('playground-card').scrollIntoView({ behavior: 'smooth' });
    });
    return entry;
  }

  function updateTriggerRow(row, t) {
    row.data = t;
    const c = row.cells;
    setText(c.id, t.id);
    setText(c.type, t.type);
    setText(c.sources, t.sources && t.sources.length ? 'drives ' + t.sources.join(', ') : 'drives no source');
    setText(c.words, t.schedule || t.spec || '');
    // the words already name a topic, path or interval; a cron expression is shown as written too
    setText(c.spec, t.type === 'cron' ? t.spec : '');
    c.spec.classList.toggle('spec', t.type === 'cron');
    setText(c.zone, t.zone || '');
    setText(c.next, t.nextFireAt ? formatTime(t.nextFireAt) : '—');
    c.next.title = t.nextFireAt || '';
    setText(c.last, t.lastFiredAt ? formatTime(t.lastFiredAt) : 'never');
    c.last.title = t.lastFiredAt || '';
    setText(c.fireCount, String(t.fireCount));
    const ended = t.bounds && t.bounds.ended;
    setText(c.state, t.paused ? 'paused' : ended ? 'ended' : 'active');
    c.state.className = 'pill ' + (t.paused || ended ? 'pill-warn' : 'pill-ok');
    const skipped = t.skippedWhilePaused ? t.skippedWhilePaused + ' fire(s) skipped while paused' : '';
    const missed = t.missedSlots ? t.missedSlots + ' slot(s) missed' : '';
    const excluded = t.bounds && t.bounds.excludedSlots ? t.bounds.excludedSlots + ' slot(s) excluded' : '';
    c.state.title = [t.pausedReason, ended, skipped, missed, excluded, flowSummary(t.flow)].filter(Boolean).join('; ');
    setText(c.toggle, t.paused ? 'Resume' : 'Pause');
    c.toggle.setAttribute('data-action', t.paused ? 'resume' : 'pause');
    c.fire.disabled = !!t.paused;
    c.fireArgs.disabled = !!t.paused;
    // time triggers only; a running backfill shows its progress and is cancelled with the same button
    const running = t.backfill && t.backfill.state === 'running';
    c.backfill.hidden = t.type !== 'cron' && t.type !== 'periodic';
    setText(c.backfill, running ? 'Cancel backfill (' + t.backfill.fired + '/' + t.backfill.slots + ')' : 'Backfill…');
    c.backfill.setAttribute('data-action', running ? 'cancel-backfill' : 'backfill');
  }

  /** Flow control in a line: keys, what is held (debounced, batched, waiting), the next allowed fire, drops. */
  function flowSummary(flow) {
    if (!flow) return '';
    const parts = ['flow control: ' + flow.keys + ' key(s)'];
    (flow.streams || []).forEach(s => {
      const held = [];
      if (s.debounce) held.push(s.debounce.count + ' debounced until ' + s.debounce.fireAt);
      if (s.batch) held.push(s.batch.size + ' batched until ' + s.batch.fireAt);
      if (s.waiting) held.push(s.waiting + ' waiting, next allowed ' + s.nextAllowedAt);
      if (held.length) parts.push((s.key === null ? 'all' : 'key ' + s.key) + ': ' + held.join(', '));
    });
    if (flow.dropped) parts.push(flow.dropped + ' dropped by the rate limit');
    if (flow.refused) parts.push(flow.refused + ' refused by the throttle');
    // clustered: the keys shown are this node's; events for keys another node owns went there
    if (flow.forwardedToOwner) parts.push(flow.forwardedToOwner + ' sent to the key\'s owner node');
    if (flow.ownerUnreachable) parts.push(flow.ownerUnreachable + ' decided here, the owner unreachable');
    return parts.join('; ');
  }

  async function backfillOrCancel(row) {
    const path = '/api/triggers/' + encodeURIComponent(row.data.id) + '/backfill';
    try {
      if (row.data.backfill && row.data.backfill.state === 'running') {
        const progress = await api('DELETE', path);
        notice('Cancelled backfill of ' + row.data.id + ' after ' + progress.fired + ' of ' + progress.slots + ' slot(s)');
        return;
      }
      const dayAgo = new Date(Date.now() - 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
      const from = window.prompt('Backfill ' + row.data.id + ' from (ISO-8601 instant):', dayAgo);
      if (!from) return;
      const to = window.prompt('... to (ISO-8601 instant, not included):', new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
      if (!to) return;
      const progress = await api('POST', path, JSON.stringify({ from, to }));
      notice('Backfilling ' + progress.slots + ' slot(s) of ' + row.data.id + ' at ' + progress.rate + '/s');
    } catch (err) {
      if (!(err instanceof AuthNeeded)) notice('Cannot backfill ' + row.data.id + ': ' + err.message, true);
    }
  }

  async function fire(id, body) {
    try {
      const answer = await api('POST', '/api/triggers/' + encodeURIComponent(id) + '/fire', body);
      notice('Fired ' + answer.trigger + ' (firing ' + answer.firing + ')');
      return true;
    } catch (err) {
      if (!(err instanceof AuthNeeded)) notice('Cannot fire ' + id + ': ' + err.message, true);
      return false;
    }
  }

  async function pauseOrResume(row) {
    const action = row.data.paused ? 'resume' : 'pause';
    try {
      const snapshot = await api('POST', '/api/triggers/' + encodeURIComponent(row.data.id) + '/' + action);
      updateTriggerRow(row, Object.assign({}, row.data, snapshot));
      tick();
      notice((action === 'pause' ? 'Paused ' : 'Resumed ') + row.data.id);
    } catch (err) {
      if (!(err instanceof AuthNeeded)) notice('Cannot ' + action + ' ' + row.data.id + ': ' + err.message, true);
    }
  }

  function openArgs(id) {
    argsTrigger = id;
    $('args-trigger').textContent = id;
    validateArgs();
    $('args-dialog').showModal();
    $('args-json').focus();
  }

  /** @return the JSON text to send, or null when it is not a JSON object */
  function validateArgs() {
    const text = $('args-json').value;
    let message = null;
    try {
      const value = text.trim() === '' ? {} : JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) message = 'arguments must be a JSON object, like {"key": "value"}';
    } catch (e) {
      message = 'not valid JSON: ' + e.message;
    }
    $('args-error').textContent = message || '';
    $('args-error').hidden = !message;
    $('args-json').classList.toggle('invalid', !!message);
    $('args-fire').disabled = !!message;
    return message ? null : (text.trim() === '' ? '{}' : text);
  }

  // ---------------------------------------------------------------------------------------------
  // Pipelines

  const COUNTERS = [['eventsIn', 'events in'], ['eventsOut', 'events out'], ['eventsDropped', 'dropped'],
    ['eventsRejected', 'rejected'], ['cycles', 'cycles'], ['firesMerged', 'fires merged'], ['errors', 'errors'], ['warnings', 'warnings']];

  function renderPipelines(pipelines) {
    const box = $('pipelines');
    const seen = new Set();
    pipelines.forEach((p, i) => {
      seen.add(p.id);
      let entry = pipelineBoxes.get(p.id);
      if (!entry) {
        entry = pipelineBox(p);
        pipelineBoxes.set(p.id, entry);
      }
      if (box.children[i] !== entry.box) box.insertBefore(entry.box, box.children[i] || null);
      updatePipeline(entry, p);
    });
    for (const [id, entry] of pipelineBoxes) {
      if (!seen.has(id)) { entry.box.remove(); pipelineBoxes.delete(id); }
    }
    $('pipelines-empty').hidden = pipelines.length > 0;
  }

  function pipelineBox(p) {
    const parts = {
      id: el('b'), state: el('span', { class: 'pill', 'data-field': 'state' }),
      throttles: el('div', { class: 'warning', hidden: true }),
      error: el('div', { class: 'error', 'data-field': 'error', hidden: true }),
      errorText: el('span'),
      clear: el('button', { type: 'button', 'data-action': 'clear-error', text: 'Clear error' }),
      warning: el('div', { class: 'sub', hidden: true }),
      counters: {}, sources: el('div', { class: 'sub' }),
    };
    parts.error.append(parts.errorText, el('div', { class: 'actions' }, parts.clear));
    const grid = el('div', { class: 'counters' });
    for (const [key, label] of COUNTERS) {
      parts.counters[key] = el('b', { 'data-counter': key });
      grid.append(el('div', { class: 'counter' }, el('span', { text: label }), parts.counters[key]));
    }
    const box = el('div', { class: 'pipeline', 'data-pipeline': p.id },
      el('div', { class: 'pipeline-head' }, parts.id, parts.state),
      parts.throttles, parts.error, parts.warning, grid, parts.sources);
    const entry = { box, parts, data: p };
    parts.clear.addEventListener('click', async () => {
      try {
        const snapshot = await api('POST', '/api/pipelines/' + encodeURIComponent(entry.data.id) + '/clear-error');
        updatePipeline(entry, snapshot);
        notice('Cleared the error of ' + entry.data.id);
      } catch (err) {
        if (!(err instanceof AuthNeeded)) notice('Cannot clear the error: ' + err.message, true);
      }
    });
    return entry;
  }

  function updatePipeline(entry, p) {
    entry.data = p;
    const x = entry.parts;
    setText(x.id, p.id);
    const throttled = p.throttles && p.throttles.length > 0;
    // a failing sink is retried by itself: not an error to clear, but not ready either
    const sinkFailing = p.sinkFailing || p.sinkTrouble;
    const state = p.error ? ['error', 'pill-bad'] : sinkFailing ? ['sink failing', 'pill-bad']
      : throttled ? ['throttled', 'pill-warn'] : ['ready', 'pill-ok'];
    setText(x.state, state[0]);
    x.state.className = 'pill ' + state[1];
    const held = [];
    if (p.sinkFailing) {
      held.push('Sink failing since ' + formatTime(p.sinkFailing.at) + ': ' + p.sinkFailing.message
        + '. Retrying with backoff; its sources wait.');
    } else if (p.sinkTrouble) {
      held.push('Sink retrying: ' + p.sinkTrouble + '. Its sources wait.');
    }
    if (throttled) held.push('Held by ' + p.throttles.join(', ') + ': its sources wait.');
    x.throttles.hidden = held.length === 0;
    setText(x.throttles, held.join('\n'));
    x.error.hidden = !p.error;
    setText(x.errorText, p.error
      ? p.error.message + '\nin ' + p.error.where + ' at ' + formatTime(p.error.at)
        + '. Its sources wait until the error is cleared.\n'
      : '');
    x.warning.hidden = !p.lastWarning;
    setText(x.warning, p.lastWarning ? 'last warning: ' + p.lastWarning : '');
    for (const [key] of COUNTERS) setText(x.counters[key], String((p.counters || {})[key] ?? 0));
    const sources = (p.sources || []).map((s) => s.id + (s.cycling ? ' (in a cycle)' : '')
      + ' ← ' + ((s.triggers || []).join(', ') || 'no trigger'));
    setText(x.sources, sources.length ? 'sources: ' + sources.join('; ') : 'no source');
  }

  // ---------------------------------------------------------------------------------------------
  // Firings

  function renderFirings() {
    const body = $('firings').tBodies[0];
    const rows = firings.map((f) => {
      const lateness = f.latenessMs === null || f.latenessMs === undefined ? '—' : f.latenessMs + ' ms';
      const outcomeClass = f.outcome === 'failed' ? 'pill-bad' : f.outcome === 'ok' ? 'pill-ok' : '';
      return el('tr', { 'data-firing': f.firing, 'data-trigger': f.trigger },
        el('td', { title: f.firedAt, text: formatTime(f.firedAt, true) }),
        el('td', {}, el('b', { text: f.trigger }), el('span', { class: 'type', text: f.type })),
        el('td', { title: f.scheduledAt || 'not scheduled: fired by a call, message or request',
          text: f.scheduledAt ? formatTime(f.scheduledAt) : '—' }),
        el('td', { text: f.node || '—' }),
        el('td', { class: 'num', text: lateness }),
        el('td', {}, el('span', { class: 'pill ' + outcomeClass, text: f.outcome || 'fired' })),
        el('td', { class: 'mono sub', title: f.firing, text: f.firing.length > 40 ? f.firing.slice(0, 39) + '…' : f.firing }));
    });
    body.replaceChildren(...rows);
    $('firings-empty').hidden = firings.length > 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Timeline: fires per minute over the last hour, one row per trigger

  function renderTimeline(timeline, triggers) {
    const chart = $('timeline');
    if (!timeline) return;
    const ids = triggers.map((t) => t.id);
    for (const id of Object.keys(timeline.counts || {})) if (!ids.includes(id)) ids.push(id);
    const labelWidth = 150, width = 960, rowHeight = 26, top = 6, axisHeight = 22;
    const plotWidth = width - labelWidth - 10;
    const minutes = 60, barWidth = plotWidth / minutes;
    const height = top + Math.max(ids.length, 1) * rowHeight + axisHeight;
    let max = 1;
    for (const id of ids) for (const n of timeline.counts[id] || []) max = Math.max(max, n);
    const nodes = [];
    ids.forEach((id, r) => {
      const y = top + r * rowHeight;
      const color = COLORS[r % COLORS.length];
      nodes.push(svg('text', { x: 0, y: y + rowHeight / 2 + 4, class: 'label' }, id.length > 20 ? id.slice(0, 19) + '…' : id));
      nodes.push(svg('rect', { x: labelWidth, y: y + 2, width: plotWidth, height: rowHeight - 4, class: 'track' }));
      const counts = timeline.counts[id] || [];
      const from = Date.parse(timeline.from);
      counts.forEach((n, i) => {
        if (!n) return;
        const h = Math.max(3, (rowHeight - 6) * n / max);
        const bar = svg('rect', { x: labelWidth + i * barWidth + 0.5, y: y + rowHeight - 3 - h,
          width: Math.max(1, barWidth - 1), height: h, fill: color, 'data-trigger': id });
        bar.append(svg('title', {}, id + ': ' + n + ' fire' + (n === 1 ? '' : 's') + ' at '
          + formatTime(new Date(from + i * 60000).toISOString()).slice(-8, -3)));
        nodes.push(bar);
      });
    });
    const axisY = top + Math.max(ids.length, 1) * rowHeight;
    const from = Date.parse(timeline.from);
    for (let i = 0; i <= minutes; i += 15) {
      const x = labelWidth + i * barWidth;
      nodes.push(svg('line', { x1: x, x2: x, y1: top, y2: axisY, class: 'grid' }));
      const label = i === minutes ? 'now' : formatTime(new Date(from + i * 60000).toISOString()).slice(-8, -3);
      nodes.push(svg('text', { x: i === minutes ? x - 22 : x + 2, y: axisY + 15, class: 'axis' }, label));
    }
    if (ids.length === 0) nodes.push(svg('text', { x: labelWidth, y: top + 16, class: 'axis' }, 'no trigger'));
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    chart.replaceChildren(...nodes);
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster members (the section stays hidden when the node is not clustered)

  function renderMembers(members) {
    const card = $('members-card');
    card.hidden = !Array.isArray(members);
    if (card.hidden) return;
    const rows = members.map((m) => {
      const fields = typeof m === 'object' && m !== null ? m : { member: String(m) };
      const name = fields.node || fields.id || fields.address || JSON.stringify(fields);
      const rest = Object.entries(fields).filter(([k]) => k !== 'node' && k !== 'id')
        .map(([k, v]) => k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(' · ');
      return el('tr', {}, el('td', {}, el('b', { text: String(name) })), el('td', { class: 'sub', text: rest }));
    });
    if (rows.length === 0) rows.push(el('tr', {}, el('td', { class: 'empty', text: 'no member seen' })));
    $('members').tBodies[0].replaceChildren(...rows);
  }

  // ---------------------------------------------------------------------------------------------
  // Cron playground: the next 10 fire times as you type

  let playgroundSeq = 0;
  let playgroundTimer = null;

  function schedulePlayground() {
    clearTimeout(playgroundTimer);
    playgroundTimer = setTimeout(refreshPlayground, 200);
  }

  async function refreshPlayground() {
    const seq = ++playgroundSeq;
    const expr = $('cron-expr').value.trim();
    const zone = $('cron-zone').value.trim();
    if (!expr) {
      showPlayground(seq, null, [], 'Type a cron expression, e.g. */5 * * * 1-5');
      return;
    }
    const query = '?expr=' + encodeURIComponent(expr) + (zone ? '&zone=' + encodeURIComponent(zone) : '');
    try {
      const [next, words] = await Promise.all([
        api('GET', '/api/cron/next' + query + '&n=10'),
        api('GET', '/api/cron/describe' + query)]);
      showPlayground(seq, words.description, next.next, null, next.zone);
    } catch (err) {
      if (err instanceof AuthNeeded) return;
      showPlayground(seq, null, [], err.message);
    }
  }

  function showPlayground(seq, words, times, message, zone) {
    if (seq !== playgroundSeq) return; // an older answer arriving late
    $('cron-words').textContent = words ? words[0].toUpperCase() + words.slice(1) + (zone ? ' (' + zone + ')' : '') : '';
    $('cron-error').textContent = message || '';
    $('cron-error').hidden = !message;
    $('cron-expr').classList.toggle('invalid', !!message && !!$('cron-expr').value.trim());
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    $('cron-next').replaceChildren(...times.map((iso) => {
      // the server's ISO text is already in the zone: show its wall clock, day of week and offset
      const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(.*)$/.exec(iso);
      if (!m) return el('li', { text: iso });
      const weekday = days[new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay()];
      const offset = m[5] === 'Z' ? 'UTC' : m[5];
      return el('li', { title: iso, text: weekday + ' ' + m[1] + '-' + m[2] + '-' + m[3] + ' ' + m[4] + ' ' + offset
        + '  (' + until(iso) + ')' });
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function start() {
    $('forget-token').hidden = !token;
    $('forget-token').addEventListener('click', () => {
      useToken('');
      notice('Token forgotten for this tab');
    });
    $('token-form').addEventListener('submit', () => useToken($('token-input').value));
    $('args-json').addEventListener('input', validateArgs);
    $('args-cancel').addEventListener('click', () => $('args-dialog').close());
    $('args-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const body = validateArgs();
      if (body === null) return;
      $('args-dialog').close();
      fire(argsTrigger, body);
    });
    let zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* keep the server's */ }
    $('cron-zone').value = zone;
    $('cron-expr').addEventListener('input', schedulePlayground);
    $('cron-zone').addEventListener('input', schedulePlayground);
    setInterval(tick, 1000);
    connect();
    refreshPlayground();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
