// The live dashboard: signs in with the admin key (the server answers with an httpOnly session
// cookie; the key is never kept by the page), then draws each snapshot the server streams over
// Server-Sent Events — or, where the server says it cannot hold a stream open (its
// <meta name="dashboard-live" content="poll">, e.g. on Lambda), asks for one every few seconds.
// uPlot is loaded from the app itself (no CDN).

const $ = (id) => document.getElementById(id);
const charts = {};
// Minutes without traffic have no latency or hit ratio: dots show a lone busy minute as well.
const dots = { show: true, size: 7 };
let stream;
let pollTimer;
const liveMeta = document.querySelector('meta[name="dashboard-live"]');
const polling = liveMeta?.content === 'poll';
const pollMs = Number(liveMeta?.dataset.pollMs ?? 5000);

const formatMs = (ms) => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`);
const formatRatio = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
const formatUsd = (usd) => (usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`);

function showBoard(signedIn) {
  $('sign-in').hidden = signedIn;
  $('board').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  $('status').textContent = signedIn ? 'connecting…' : 'signed out';
}

async function signIn(event) {
  event.preventDefault();
  const field = $('key');
  const response = await fetch('dashboard/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: field.value }),
    credentials: 'same-origin',
  });
  field.value = '';
  if (response.status !== 204) {
    const problem = await response.json().catch(() => ({}));
    $('sign-in-error').textContent = problem.detail ?? 'Sign-in refused.';
    $('sign-in-error').hidden = false;
    return;
  }
  $('sign-in-error').hidden = true;
  connect();
}

function disconnect() {
  stream?.close();
  clearTimeout(pollTimer);
}

async function signOut() {
  disconnect();
  await fetch('dashboard/session', { method: 'DELETE', credentials: 'same-origin' });
  showBoard(false);
}

function connect() {
  showBoard(true);
  disconnect();
  if (polling) {
    poll();
    return;
  }
  stream = new EventSource('dashboard/events');
  stream.addEventListener('snapshot', (message) => {
    $('status').textContent = `live · ${new Date().toLocaleTimeString()}`;
    render(JSON.parse(message.data));
  });
  stream.addEventListener('failure', () => {
    $('status').textContent = 'analytics unavailable, retrying';
  });
  stream.onerror = async () => {
    const session = await fetch('dashboard/session', { credentials: 'same-origin' });
    if (session.status !== 204) {
      stream.close();
      showBoard(false);
    } else if (stream.readyState === EventSource.CLOSED) {
      // Refused (the server's stream limit), which the browser does not retry by itself.
      $('status').textContent = 'server busy, retrying';
      setTimeout(connect, 10_000);
    }
  };
}

async function poll() {
  const response = await fetch('dashboard/snapshot', { credentials: 'same-origin' }).catch(() => undefined);
  if (response?.status === 401) {
    showBoard(false);
    return;
  }
  if (response?.ok) {
    $('status').textContent = `live · ${new Date().toLocaleTimeString()}`;
    render(await response.json());
  } else $('status').textContent = 'analytics unavailable, retrying';
  pollTimer = setTimeout(poll, pollMs);
}

function chart(id, series, data) {
  const element = $(id);
  if (!charts[id]) {
    charts[id] = new window.uPlot(
      {
        width: Math.max(300, element.clientWidth),
        height: 180,
        series: [{}, ...series],
        axes: [{}, { size: 60 }],
        legend: { show: true },
      },
      data,
      element,
    );
  } else charts[id].setData(data);
}

function render(snapshot) {
  const { recent, series, topRoutes, cost, slo, budget, cacheAdvice } = snapshot;
  $('t-rps').textContent = snapshot.requestsPerSecond.toFixed(2);
  $('t-p50').textContent = formatMs(recent.latencyMs.p50);
  $('t-p99').textContent = formatMs(recent.latencyMs.p99);
  $('t-hit').textContent = formatRatio(recent.cacheHitRatio);
  $('t-errors').textContent = String(recent.serverErrors);
  $('t-throttled').textContent = String(recent.throttled);
  $('t-bookings').textContent = String(series.reduce((sum, p) => sum + p.bookings, 0));
  $('t-cost').textContent = cost.requests > 0 ? formatUsd(cost.estimate.perRequestUsd) : '–';

  const times = series.map((p) => Date.parse(p.time) / 1000);
  chart(
    'c-requests',
    [
      { label: 'requests', stroke: '#3056d3', fill: 'rgba(48,86,211,0.12)' },
      { label: 'searches', stroke: '#1a7f4b' },
    ],
    [times, series.map((p) => p.requests), series.map((p) => p.searches)],
  );
  chart(
    'c-latency',
    [
      { label: 'p50', stroke: '#1a7f4b', points: dots },
      { label: 'p99', stroke: '#b42318', points: dots },
    ],
    [times, series.map((p) => (p.requests ? p.p50 : null)), series.map((p) => (p.requests ? p.p99 : null))],
  );
  chart(
    'c-hit',
    [{ label: 'hit ratio', stroke: '#7a3cd3', fill: 'rgba(122,60,211,0.12)', points: dots }],
    [times, series.map((p) => p.cacheHitRatio)],
  );
  chart(
    'c-errors',
    [
      { label: '5xx', stroke: '#b42318' },
      { label: '429', stroke: '#c77700' },
    ],
    [times, series.map((p) => p.serverErrors), series.map((p) => p.throttled)],
  );

  const body = $('top-routes').tBodies[0];
  body.replaceChildren(
    ...topRoutes.map(({ route, searches }) => {
      const row = document.createElement('tr');
      for (const text of [route, String(searches)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );

  definitions($('slo'), [
    [
      'availability',
      `${(slo.availability * 100).toFixed(3)}%`,
      slo.availability >= slo.availabilityTarget,
      `target ${(slo.availabilityTarget * 100).toFixed(1)}%`,
    ],
    [
      'error rate',
      `${(slo.errorRate * 100).toFixed(3)}%`,
      slo.errorRate <= slo.errorRateTarget,
      `target < ${(slo.errorRateTarget * 100).toFixed(1)}%`,
    ],
    ['p99', formatMs(slo.p99Ms), slo.p99Ms <= slo.p99TargetMs, `target < ${slo.p99TargetMs} ms`],
    [
      'error budget left',
      formatRatio(slo.errorBudgetLeft),
      slo.errorBudgetLeft > 0,
      `${slo.requests} requests this month`,
    ],
  ]);
  const estimate = cost.estimate;
  definitions($('cost'), [
    ['target', estimate.target],
    ['per request', cost.requests > 0 ? formatUsd(estimate.perRequestUsd) : '–'],
    ['month at this rate', formatUsd(estimate.monthlyUsd)],
    ['dominant line', estimate.dominant],
  ]);
  $('budget').textContent =
    budget.budgetUsd > 0
      ? `Budget ${formatUsd(budget.budgetUsd)}: ${formatRatio(budget.used)} used this month${budget.crossed.length ? ` — crossed ${budget.crossed.map((t) => `${t}%`).join(', ')}` : ''}`
      : 'No monthly budget set (COST_MONTHLY_BUDGET_USD).';
  $('budget').className = budget.crossed.length ? 'breach' : 'muted';

  const advice = cacheAdvice.advice.length
    ? cacheAdvice.advice.map((a) => [a.advice, a.rule])
    : [[`no advice from ${cacheAdvice.accesses} recorded accesses`, 'rules: longer-ttl, cold-route']];
  $('advice').replaceChildren(
    ...advice.map(([text, rule]) => {
      const item = document.createElement('li');
      item.textContent = text;
      const why = document.createElement('span');
      why.className = 'rule';
      why.textContent = rule;
      item.append(why);
      return item;
    }),
  );
}

function definitions(list, rows) {
  list.replaceChildren(
    ...rows.flatMap(([term, value, ok, note]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = note ? `${value} (${note})` : value;
      if (ok !== undefined) dd.className = ok ? 'ok' : 'breach';
      return [dt, dd];
    }),
  );
}

$('sign-in').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', signOut);
fetch('dashboard/session', { credentials: 'same-origin' }).then((response) => {
  if (response.status === 204) connect();
  else showBoard(false);
});
