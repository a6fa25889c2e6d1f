// dsrlb status page. Takes the status document dsrlb pushes every second (status.events; it
// polls status.json where it cannot) and updates the tables in place, with text nodes only: names
// come from the config, so nothing from the JSON is ever parsed as HTML (the CSP also forbids
// inline script). Rates are computed here from two successive counter snapshots.
//
// What the browser pays per document is what changed (nothing when it is the last one again):
// rows are keyed by name, a cell's text or class is written only when it differs, rows are added
// or removed only when the set changes (the transfer lists' rows by position: see renderTransfers),
// a sparkline is redrawn only when its monitor reported a new probe and the chart only when a
// point was added. A page in a background tab takes no document at all (document.hidden).
'use strict';

const POLL_MS = 1000;
const CHART_SECONDS = 300;
const PROBE_HISTORY = 20;
const LISTED = 15;
const SVG_NS = 'http://www.w3.org/2000/svg';
// toLocaleTimeString's own format, made once rather than per call.
const TIME = new Intl.DateTimeFormat(undefined, {hour: 'numeric', minute: 'numeric', second: 'numeric'});

let previous = null;
let updates = 0;
const chart = []; // {t (ms), started/s, finished/s}
const probes = new Map(); // "service\u0000monitor" -> [{ok, result, seconds}], .version counts pushes

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    setText(e, text);
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}

/** Writes the text only when it differs from what this script last wrote there. */
function setText(e, value) {
  const text = value === undefined || value === null ? '' : String(value);
  if (e.dsrlbText !== text) {
    e.textContent = text;
    e.dsrlbText = text;
  }
}

function setClass(e, cls) {
  if (e.className !== cls) {
    e.className = cls;
  }
}

function numText(value, digits) {
  return value === null || value === undefined ? '–' : Number(value).toFixed(digits || 0);
}

/** Cell i of a row: its text and class, each written only when it changed. */
function cell(tr, i, text, cls) {
  const td = tr.cells[i];
  setText(td, text);
  setClass(td, cls || '');
  return td;
}

function numCell(tr, i, value, digits) {
  return cell(tr, i, numText(value, digits), 'num');
}

/**
 * Makes `container` hold one child per item, in the items' order. A child is found again by its
 * key, `keyOf(item, index)` (names are unique in the config; a key seen twice gets a suffix), so a
 * document that changes some numbers touches those children only; children are made (`make`) or
 * removed only when the set of keys changes.
 */
function syncChildren(container, items, keyOf, make, update) {
  if (!container.dsrlbChildren) {
    container.dsrlbChildren = new Map();
  }
  const children = container.dsrlbChildren;
  const seen = new Set();
  items.forEach((item, i) => {
    let key = keyOf(item, i);
    while (seen.has(key)) {
      key += '\u0001';
    }
    seen.add(key);
    let child = children.get(key);
    if (!child) {
      child = make(item);
      children.set(key, child);
    }
    update(child, item);
    const at = container.children[i];
    if (at !== child) {
      container.insertBefore(child, at || null);
    }
  });
  for (const [key, child] of children) {
    if (!seen.has(key)) {
      child.remove();
      children.delete(key);
    }
  }
}

/**
 * The table's body as syncChildren keeps it: one row per item, a new one made with
 * `cells` empty cells (then `created`).
 */
function syncRows(tableId, items, keyOf, cells, update, created) {
  const body = document.querySelector('#' + tableId + ' tbody');
  syncChildren(body, items, keyOf, item => {
    const tr = document.createElement('tr');
    for (let c = 0; c < cells; c++) {
      tr.appendChild(document.createElement('td'));
    }
    if (created) {
      created(tr, item);
    }
    return tr;
  }, update);
  return body;
}

function stateClass(state) {
  switch (state) {
    case 'UP': return 'st-up';
    case 'DOWN': return 'st-down';
    case 'GOING OUT OF SERVICE': return 'st-going';
    default: return 'st-oos';
  }
}

function port(p) {
  return p === '*' ? '*' : String(p);
}

function rate(now, before, dt, pick) {
  if (!before || dt <= 0) {
    return null;
  }
  const d = pick(now) - pick(before);
  return d < 0 ? null : d / dt;
}

function byName(list) {
  const m = new Map();
  for (const x of list || []) {
    m.set(x.name, x);
  }
  return m;
}

function renderNode(doc) {
  const node = doc.node;
  const items = [];
  if (node) {
    items.push(['version', node.version]);
    items.push(['HA role', node.haRole]);
    if (node.announce) {
      // --announce-interface: BIRD announces the VIPs while it is up.
      items.push(['announce', node.announce.interfaceName + (node.announce.up ? ' up (VIPs announced)' : ' down (VIPs withdrawn)')]);
    }
    items.push(['config generation', node.configGeneration]);
    const load = node.lastLoad;
    if (load) {
      items.push(['last load', (load.ok ? 'ok' : 'refused') + ' at ' + load.time + (load.message ? ': ' + load.message : '')]);
    }
  }
  items.push(['engine', doc.global.engine || (node && node.engine) || '?']);
  syncChildren(document.getElementById('node'), items, ([label]) => label, ([label]) => {
    const d = document.createElement('div');
    d.append(el('dt', label), el('dd'));
    return d;
  }, (d, [, value]) => setText(d.lastChild, value));
  const conflict = document.getElementById('conflict');
  const c = doc.global.lastVipArpConflict;
  const show = doc.global.vipArpConflicts > 0 && c;
  if (show) {
    setText(conflict, 'VIP ARP conflict: ' + c.mac + ' claims ' + c.vip + ' (last seen ' + c.lastSeen + ', '
      + doc.global.vipArpConflicts + ' in all): a backend answers ARP for the VIP');
  }
  if (conflict.hidden !== !show) {
    conflict.hidden = !show;
  }
}

function renderVservers(doc, before, dt) {
  const old = before ? byName(before.vservers) : new Map();
  syncRows('vservers', doc.vservers, v => v.name, 11, (r, v) => {
    cell(r, 0, v.name);
    cell(r, 1, v.protocol + ' ' + v.vip + ':' + port(v.port));
    cell(r, 2, v.state, 'state ' + stateClass(v.state));
    cell(r, 3, v.lbMethod);
    cell(r, 4, v.persistenceType + (v.persistenceType === 'NONE' ? '' : ' ' + v.persistenceTimeoutMinutes + ' min'));
    cell(r, 5, doc.global.engine || '');
    numCell(r, 6, rate(v, old.get(v.name), dt, x => x.newClients), 1);
    numCell(r, 7, v.persistenceTableSize);
    numCell(r, 8, v.repicks);
    numCell(r, 9, v.persistenceEvictions);
    cell(r, 10, v.services.map(s => s.name + ' ' + s.state).join(', '));
  }, (r, v) => {
    r.dataset.name = v.name;
  });
}

function sparkline(history) {
  const w = 100;
  const h = 18;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  const times = history.map(p => p.seconds || 0);
  const max = Math.max(0.001, ...times);
  const step = w / Math.max(1, PROBE_HISTORY - 1);
  const points = history.map((p, i) => (i * step).toFixed(1) + ',' + (h - 1 - (p.seconds || 0) / max * (h - 2)).toFixed(1));
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', points.join(' '));
  svg.appendChild(line);
  history.forEach((p, i) => {
    if (!p.ok) {
      const dot = document.createElementNS(SVG_NS, 'circle');
      dot.setAttribute('class', 'fail');
      dot.setAttribute('cx', (i * step).toFixed(1));
      dot.setAttribute('cy', String(h / 2));
      dot.setAttribute('r', '2.5');
      svg.appendChild(dot);
    }
  });
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = 'last ' + history.length + ' probes seen by this page: '
    + times.map(t => (t * 1000).toFixed(1) + ' ms').join(', ');
  svg.appendChild(title);
  return svg;
}

function rememberProbe(service, monitor) {
  const key = service + '\u0000' + monitor.name;
  const last = monitor.lastProbe;
  let h = probes.get(key);
  if (!h) {
    h = [];
    h.version = 0;
    probes.set(key, h);
  }
  if (last) {
    const top = h[h.length - 1];
    // The JSON has no probe id: a new probe shows as a new (result, time) pair.
    if (!top || top.result !== last.result || top.seconds !== last.responseTimeSeconds) {
      h.push({ok: last.ok, result: last.result, seconds: last.responseTimeSeconds});
      if (h.length > PROBE_HISTORY) {
        h.shift();
      }
      h.version++;
    }
  }
  return h;
}

/** The history cell: one sparkline per monitor, redrawn only when one of them saw a new probe. */
function renderHistory(td, service) {
  const histories = service.monitors.map(m => [m.name, rememberProbe(service.name, m)]);
  const signature = histories.map(([name, h]) => name + '\u0000' + h.version).join('\u0001');
  if (td.dsrlbSignature !== signature) {
    td.replaceChildren(...histories.map(([, h]) => sparkline(h)));
    td.dsrlbSignature = signature;
  }
}

function renderServices(doc, before, dt) {
  const old = before ? byName(before.services) : new Map();
  syncRows('services', doc.services, s => s.name, 12, (r, s) => {
    const was = old.get(s.name);
    const monitor = s.monitors.length > 0 ? s.monitors[0] : null;
    const probe = monitor ? monitor.lastProbe : null;
    cell(r, 0, s.name);
    cell(r, 1, s.address + ':' + port(s.port) + ' ' + s.protocol);
    cell(r, 2, s.state, 'state ' + stateClass(s.state));
    cell(r, 3, s.reason, 'reason');
    cell(r, 4, s.mac || '–');
    numCell(r, 5, s.activeTransfers);
    numCell(r, 6, s.persistedClients);
    numCell(r, 7, rate(s, was, dt, x => x.packetsForwarded), 1);
    numCell(r, 8, rate(s, was, dt, x => x.bytesForwarded), 0);
    if (probe) {
      cell(r, 9, (probe.ok ? 'ok: ' : 'failed: ') + probe.result + (s.monitors.length > 1 ? ' (' + monitor.name + ')' : ''),
        probe.ok ? 'ok' : 'fail');
    } else {
      cell(r, 9, monitor ? 'not probed yet' : 'no monitor');
    }
    cell(r, 10, probe && probe.responseTimeSeconds !== null && probe.responseTimeSeconds !== undefined
      ? (probe.responseTimeSeconds * 1000).toFixed(1) + ' ms' : '–', 'num');
    renderHistory(r.cells[11], s);
  }, (r, s) => {
    r.dataset.name = s.name;
  });
}

let countSpans = null; // started, finished, in progress, untracked

function renderCounts(t) {
  const counts = document.getElementById('transfer-counts');
  if (!t) {
    countSpans = null;
    setText(counts, 'transfer tracking is off');
    return;
  }
  if (!countSpans) {
    countSpans = [el('span', null, 'count'), el('span', null, 'count'), el('span', null, 'count'), el('span', null, 'count')];
    countSpans[0].id = 'transfers-started';
    countSpans[1].id = 'transfers-finished';
    counts.replaceChildren('started ', countSpans[0], ' · finished ', countSpans[1], ' · in progress ', countSpans[2],
      ' · untracked ', countSpans[3]);
    counts.dsrlbText = undefined;
  }
  setText(countSpans[0], t.started);
  setText(countSpans[1], t.finished);
  setText(countSpans[2], t.started - t.finished);
  setText(countSpans[3], t.untracked);
}

let moreRow = null;

function renderTransfers(doc, before, dt) {
  const t = doc.global.transfers;
  renderCounts(t);
  if (!t) {
    return;
  }
  const bt = before && before.global.transfers;
  if (bt && dt > 0) {
    chart.push({
      t: Date.parse(doc.global.time),
      started: Math.max(0, t.started - bt.started) / dt,
      finished: Math.max(0, t.finished - bt.finished) / dt
    });
    const oldest = chart[chart.length - 1].t - CHART_SECONDS * 1000;
    while (chart.length > 0 && chart[0].t < oldest) {
      chart.shift();
    }
    drawChart();
  }
  // Both lists' rows are kept by position, not by transfer: in a boot storm most of their
  // transfers change every second, and a row kept is a few texts written where a row per transfer
  // is a row made, laid out and painted and one dropped. Measured in headless Chromium on a
  // recorded storm's documents: the page's renderer 10-13 ms of CPU a second keyed by transfer,
  // 8 ms by position.
  const running = (t.inProgress || []).slice(0, LISTED);
  const body = syncRows('in-progress', running, (x, i) => i, 4, (r, x) => {
    cell(r, 0, x.client);
    cell(r, 1, x.file || '?');
    cell(r, 2, x.service);
    numCell(r, 3, x.seconds, 1);
  });
  const more = t.started - t.finished - running.length;
  if (more > 0) {
    if (!moreRow) {
      moreRow = document.createElement('tr');
      const td = el('td', null, 'more');
      td.colSpan = 4;
      moreRow.appendChild(td);
    }
    setText(moreRow.cells[0], 'and ' + more + ' more');
    if (body.lastChild !== moreRow) {
      body.appendChild(moreRow);
    }
  } else if (moreRow && moreRow.parentNode) {
    moreRow.remove();
  }
  syncRows('recent', (t.recent || []).slice(0, LISTED), (x, i) => i, 5, (r, x) => {
    cell(r, 0, x.client);
    cell(r, 1, x.file || '?');
    cell(r, 2, x.service);
    if (r.dsrlbStarted !== x.started) {
      cell(r, 3, TIME.format(new Date(x.started)));
      r.dsrlbStarted = x.started;
    }
    numCell(r, 4, x.seconds, 2);
  });
}

function drawChart() {
  const canvas = document.getElementById('chart');
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const left = 48;
  const bottom = 22;
  g.clearRect(0, 0, w, h);
  g.font = '11px sans-serif';
  g.fillStyle = '#666';
  g.strokeStyle = '#ccc';
  const max = Math.max(1, ...chart.map(p => Math.max(p.started, p.finished)));
  const top = niceCeiling(max);
  for (let i = 0; i <= 4; i++) {
    const y = (h - bottom) - (h - bottom - 8) * i / 4;
    g.beginPath();
    g.moveTo(left, y);
    g.lineTo(w - 4, y);
    g.stroke();
    g.fillText((top * i / 4).toFixed(top < 4 ? 1 : 0), 4, y + 4);
  }
  const end = chart.length > 0 ? chart[chart.length - 1].t : Date.now();
  const x = t => left + (w - 4 - left) * (1 - (end - t) / (CHART_SECONDS * 1000));
  const y = v => (h - bottom) - (h - bottom - 8) * v / top;
  for (let s = 0; s <= CHART_SECONDS; s += 60) {
    g.fillText('-' + (CHART_SECONDS - s) / 60 + ' min', x(end - (CHART_SECONDS - s) * 1000) - 14, h - 6);
  }
  for (const [key, colour] of [['started', '#1f6fd1'], ['finished', '#e07b00']]) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    chart.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p[key])) : g.lineTo(x(p.t), y(p[key]))));
    g.stroke();
    g.lineWidth = 1;
  }
}

function niceCeiling(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) {
    if (v <= m * p) {
      return m * p;
    }
  }
  return 10 * p;
}

function renderPackets(doc, before, dt) {
  const g = doc.global;
  const bg = before ? before.global : null;
  const rows = [
    ['received', x => x.received],
    ['forwarded', x => x.forwarded],
    ['checksums completed', x => x.checksumsCompleted],
    ['ARP replies sent', x => x.arpRepliesSent],
    ['VIP ARP conflicts', x => x.vipArpConflicts]
  ];
  if (g.kernelPath) {
    rows.push(['kernel forwarded', x => (x.kernelPath ? x.kernelPath.packets : 0)]);
  }
  for (const reason of Object.keys(g.drops)) {
    rows.push(['dropped: ' + reason, x => x.drops[reason] || 0]);
  }
  syncRows('drops', rows, ([name]) => name, 3, (r, [name, pick]) => {
    cell(r, 0, name);
    numCell(r, 1, pick(g));
    numCell(r, 2, rate(g, bg, dt, pick), 1);
  });
}

function render(doc) {
  const dt = previous ? (Date.parse(doc.global.time) - Date.parse(previous.global.time)) / 1000 : 0;
  renderNode(doc);
  renderVservers(doc, previous, dt);
  renderServices(doc, previous, dt);
  renderTransfers(doc, previous, dt);
  renderPackets(doc, previous, dt);
  const updated = document.getElementById('updated');
  setText(updated, 'updated ' + TIME.format(new Date(doc.global.time)));
  setClass(updated, 'fresh');
  previous = doc;
  // How many documents this page rendered: for scripts and tests that wait for the next one.
  document.body.dataset.updates = String(++updates);
}

let lastText = null;

/** A document as text, pushed or polled: rendered only when it differs from the last one. */
function received(text) {
  if (text === lastText) {
    return;
  }
  lastText = text;
  render(JSON.parse(text));
}

function stale(message) {
  const updated = document.getElementById('updated');
  setText(updated, 'stale: ' + message);
  setClass(updated, 'stale');
}

function setTransport(name) {
  if (document.body.dataset.transport !== name) {
    document.body.dataset.transport = name;
  }
}

// Push: dsrlb writes the document to one long-lived response every second (status.events,
// Server-Sent Events), so the browser makes no request per update. Where that is not to be had
// (no EventSource, dsrlb's 503 when 8 pages stream already, a proxy that breaks the stream), the
// page polls status.json instead, until it is hidden and shown again.
const PUSH_FAILURES = 3;
let source = null;
let failures = 0;
let pushing = typeof EventSource === 'function';

function listen() {
  if (document.hidden || source !== null) {
    return;
  }
  if (!pushing) {
    setTransport('poll');
    schedule(0);
    return;
  }
  setTransport('push');
  // Only the transfers this page lists: the document to write and parse every second is smaller.
  const s = new EventSource('status.events?transfers=' + LISTED);
  source = s;
  s.onmessage = e => {
    failures = 0;
    received(e.data);
  };
  // dsrlb could not read its status this second (as status.json's 503).
  s.addEventListener('stale', e => stale(e.data));
  s.onerror = () => {
    if (source !== s) {
      return;
    }
    // A stream that dropped is reopened by EventSource itself (CONNECTING); one refused (a 503,
    // not an event stream) is CLOSED for good.
    failures++;
    stale(s.readyState === EventSource.CLOSED ? 'status stream refused' : 'status stream interrupted');
    if (s.readyState === EventSource.CLOSED || failures >= PUSH_FAILURES) {
      s.close();
      source = null;
      pushing = false;
      listen();
    }
  };
}

function unlisten() {
  if (source !== null) {
    source.close();
    source = null;
  }
}

let timer = null;
let polling = false;

function poll() {
  timer = null;
  if (document.hidden) {
    return;
  }
  polling = true;
  fetch('status.json?transfers=' + LISTED, {cache: 'no-store'})
    .then(r => (r.ok ? r.text() : Promise.reject(new Error('HTTP ' + r.status))))
    .then(text => {
      received(text);
      if (document.hidden) {
        // Hidden while this poll was under way: the next rate starts afresh (visibilitychange).
        previous = null;
        lastText = null;
      }
    })
    .catch(e => stale(e.message))
    .finally(() => {
      polling = false;
      schedule(POLL_MS);
    });
}

function schedule(ms) {
  if (!document.hidden && !pushing && timer === null && !polling) {
    timer = setTimeout(poll, ms);
  }
}

// A hidden page (a background tab, a minimised window) closes its stream or stops polling; shown
// again, it opens the stream again (push gets another chance after a fallback) and has a document
// at once. Rates and the chart restart from there: a rate over the time it was hidden would be an
// average drawn as if it were one second's.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    unlisten();
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    previous = null;
    lastText = null;
  } else {
    failures = 0;
    pushing = typeof EventSource === 'function';
    listen();
  }
});

drawChart();
listen();
