// dsrlb status page. Polls status.json and rebuilds the tables with text nodes only: names
// come from the config, so nothing from the JSON is ever parsed as HTML (the CSP also forbids
// inline script). Rates are computed here from two successive counter snapshots.
'use strict';

const POLL_MS = 1000;
const CHART_SECONDS = 300;
const PROBE_HISTORY = 20;
const LISTED = 15;
const SVG_NS = 'http://www.w3.org/2000/svg';

let previous = null;
const chart = []; // {t (ms), started/s, finished/s}
const probes = new Map(); // "service\u0000monitor" -> [{ok, seconds}]

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    tr.appendChild(c instanceof Node ? c : el('td', c));
  }
  return tr;
}

function num(value, digits) {
  return el('td', value === null || value === undefined ? '–' : Number(value).toFixed(digits || 0), 'num');
}

function fill(tableId, rows) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren(...rows);
}

function stateClass(state) {
  switch (state) {
    case 'UP': return 'st-up';
    case 'DOWN': return 'st-down';
    case 'GOING OUT OF SERVICE': return 'st-going';
    default: return 'st-oos';
  }
}

function stateCell(state) {
  return el('td', state, 'state ' + stateClass(state));
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
  const dl = document.getElementById('node');
  const items = [];
  const add = (k, v) => {
    const d = document.createElement('div');
    d.append(el('dt', k), el('dd', v));
    items.push(d);
  };
  if (node) {
    add('version', node.version);
    add('HA role', node.haRole);
    if (node.announce) {
      // --announce-interface: BIRD announces the VIPs while it is up.
      add('announce', node.announce.interfaceName + (node.announce.up ? ' up (VIPs announced)' : ' down (VIPs withdrawn)'));
    }
    add('config generation', node.configGeneration);
    const load = node.lastLoad;
    if (load) {
      add('last load', (load.ok ? 'ok' : 'refused') + ' at ' + load.time + (load.message ? ': ' + load.message : ''));
    }
  }
  add('engine', doc.global.engine || (node && node.engine) || '?');
  dl.replaceChildren(...items);
  const conflict = document.getElementById('conflict');
  const c = doc.global.lastVipArpConflict;
  if (doc.global.vipArpConflicts > 0 && c) {
    conflict.textContent = 'VIP ARP conflict: ' + c.mac + ' claims ' + c.vip + ' (last seen ' + c.lastSeen + ', '
      + doc.global.vipArpConflicts + ' in all): a backend answers ARP for the VIP';
    conflict.hidden = false;
  } else {
    conflict.hidden = true;
  }
}

function renderVservers(doc, before, dt) {
  const old = before ? byName(before.vservers) : new Map();
  fill('vservers', doc.vservers.map(v => {
    const r = row([
      el('td', v.name),
      el('td', v.protocol + ' ' + v.vip + ':' + port(v.port)),
      stateCell(v.state),
      el('td', v.lbMethod),
      el('td', v.persistenceType + (v.persistenceType === 'NONE' ? '' : ' ' + v.persistenceTimeoutMinutes + ' min')),
      el('td', doc.global.engine || ''),
      num(rate(v, old.get(v.name), dt, x => x.newClients), 1),
      num(v.persistenceTableSize),
      num(v.repicks),
      num(v.persistenceEvictions),
      el('td', v.services.map(s => s.name + ' ' + s.state).join(', '))
    ]);
    r.dataset.name = v.name;
    return r;
  }));
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
    }
  }
  return h;
}

function renderServices(doc, before, dt) {
  const old = before ? byName(before.services) : new Map();
  fill('services', doc.services.map(s => {
    const was = old.get(s.name);
    const monitor = s.monitors.length > 0 ? s.monitors[0] : null;
    const probe = monitor ? monitor.lastProbe : null;
    const history = document.createElement('td');
    for (const m of s.monitors) {
      history.appendChild(sparkline(rememberProbe(s.name, m)));
    }
    const result = probe
      ? el('td', (probe.ok ? 'ok: ' : 'failed: ') + probe.result + (s.monitors.length > 1 ? ' (' + monitor.name + ')' : ''),
        probe.ok ? 'ok' : 'fail')
      : el('td', monitor ? 'not probed yet' : 'no monitor');
    const r = row([
      el('td', s.name),
      el('td', s.address + ':' + port(s.port) + ' ' + s.protocol),
      stateCell(s.state),
      el('td', s.reason, 'reason'),
      el('td', s.mac || '–'),
      num(s.activeTransfers),
      num(s.persistedClients),
      num(rate(s, was, dt, x => x.packetsForwarded), 1),
      num(rate(s, was, dt, x => x.bytesForwarded), 0),
      result,
      el('td', probe && probe.responseTimeSeconds !== null && probe.responseTimeSeconds !== undefined
        ? (probe.responseTimeSeconds * 1000).toFixed(1) + ' ms' : '–', 'num'),
      history
    ]);
    r.dataset.name = s.name;
    return r;
  }));
}

function renderTransfers(doc, before, dt) {
  const t = doc.global.transfers;
  const counts = document.getElementById('transfer-counts');
  if (!t) {
    counts.textContent = 'transfer tracking is off';
    return;
  }
  counts.replaceChildren(
    'started ', el('span', t.started, 'count'), ' · finished ', el('span', t.finished, 'count'),
    ' · in progress ', el('span', t.started - t.finished, 'count'),
    ' · untracked ', el('span', t.untracked, 'count'));
  counts.children[0].id = 'transfers-started';
  counts.children[1].id = 'transfers-finished';
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
  }
  drawChart();
  const running = (t.inProgress || []).slice(0, LISTED).map(x => row([
    el('td', x.client), el('td', x.file || '?'), el('td', x.service), num(x.seconds, 1)]));
  const more = t.started - t.finished - running.length;
  if (more > 0) {
    const td = el('td', 'and ' + more + ' more', 'more');
    td.colSpan = 4;
    running.push(row([td]));
  }
  fill('in-progress', running);
  fill('recent', (t.recent || []).slice(0, LISTED).map(x => row([
    el('td', x.client), el('td', x.file || '?'), el('td', x.service),
    el('td', new Date(x.started).toLocaleTimeString()), num(x.seconds, 2)])));
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
  fill('drops', rows.map(([name, pick]) => row([el('td', name), num(pick(g)), num(rate(g, bg, dt, pick), 1)])));
}

function render(doc) {
  const dt = previous ? (Date.parse(doc.global.time) - Date.parse(previous.global.time)) / 1000 : 0;
  renderNode(doc);
  renderVservers(doc, previous, dt);
  renderServices(doc, previous, dt);
  renderTransfers(doc, previous, dt);
  renderPackets(doc, previous, dt);
  const updated = document.getElementById('updated');
  updated.textContent = 'updated ' + new Date(doc.global.time).toLocaleTimeString();
  updated.className = 'fresh';
  previous = doc;
}

function poll() {
  fetch('status.json', {cache: 'no-store'})
    .then(r => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
    .then(render)
    .catch(e => {
      const updated = document.getElementById('updated');
      updated.textContent = 'stale: ' + e.message;
      updated.className = 'stale';
    })
    .finally(() => setTimeout(poll, POLL_MS));
}

poll();
