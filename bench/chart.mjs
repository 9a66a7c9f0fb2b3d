// The requests-vs-latency chart of the polling sweep, as a hand-written SVG (no chart library).

const W = 720;
const H = 440;
const M = { left: 70, right: 30, top: 40, bottom: 60 };
const COLORS = { ours: '#1f77b4', 'core-js-sdk': '#d62728' };
const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Round numbers for an axis from 0 to a bit above `max`. */
function ticks(max) {
  const step = [0.5, 1, 2, 5, 10, 20, 50].find((s) => max / s <= 8) ?? 100;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

/**
 * @param points `{ sdk, label, isDefault, interval (ms, fixed-interval points only), latencyMedian (ms), requestsPerLogin }`
 *   from bench/polling.mjs's sweep.
 */
export function pollingChart(points) {
  const xs = ticks(Math.max(...points.map((p) => p.latencyMedian / 1000)));
  const ys = ticks(Math.max(...points.map((p) => p.requestsPerLogin)));
  const x = (seconds) => M.left + (seconds / xs.at(-1)) * (W - M.left - M.right);
  const y = (requests) => H - M.bottom - (requests / ys.at(-1)) * (H - M.top - M.bottom);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Poll requests per login vs median detection latency (lower left is better)</text>`,
  ];
  for (const t of xs) {
    out.push(`<line x1="${x(t)}" y1="${M.top}" x2="${x(t)}" y2="${H - M.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${x(t)}" y="${H - M.bottom + 18}" text-anchor="middle">${t}</text>`);
  }
  for (const t of ys) {
    out.push(`<line x1="${M.left}" y1="${y(t)}" x2="${W - M.right}" y2="${y(t)}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  out.push(`<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`);
  out.push(`<text x="${W / 2}" y="${H - 15}" text-anchor="middle">median detection latency after the click (s)</text>`);
  out.push(`<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle">poll requests per login (mean)</text>`);
  for (const sdk of ['ours', 'core-js-sdk']) {
    // The fixed-interval sweep (and core-js-sdk's default, which is its 1 s point) as one curve.
    const curve = points.filter((p) => p.sdk === sdk && p.interval !== undefined).sort((a, b) => a.interval - b.interval);
    const path = curve.map((p, i) => `${i ? 'L' : 'M'}${x(p.latencyMedian / 1000).toFixed(1)},${y(p.requestsPerLogin).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${COLORS[sdk]}" stroke-width="2"/>`);
    for (const p of curve) {
      out.push(`<circle cx="${x(p.latencyMedian / 1000)}" cy="${y(p.requestsPerLogin)}" r="4" fill="${COLORS[sdk]}"><title>${esc(p.label)}</title></circle>`);
      const interval = p.interval ? `${p.interval / 1000} s` : '';
      out.push(`<text x="${x(p.latencyMedian / 1000) + 7}" y="${y(p.requestsPerLogin) - 6}" fill="${COLORS[sdk]}">${interval}</text>`);
    }
  }
  // Other schedules (not a fixed interval, not a default) as hollow points, labelled up and right on a
  // leader line, clear of the curves' point labels.
  for (const p of points.filter((p) => p.interval === undefined && !p.isDefault)) {
    const [cx, cy] = [x(p.latencyMedian / 1000), y(p.requestsPerLogin)];
    const color = COLORS[p.sdk];
    out.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="white" stroke="${color}" stroke-width="2"><title>${esc(p.label)}</title></circle>`);
    out.push(`<line x1="${cx + 3}" y1="${cy - 4}" x2="${cx + 15}" y2="${cy - 35}" stroke="${color}"/>`);
    out.push(`<text x="${cx + 18}" y="${cy - 38}" fill="${color}">${esc(p.label)}</text>`);
  }
  for (const p of points.filter((p) => p.isDefault)) {
    const cx = x(p.latencyMedian / 1000);
    const cy = y(p.requestsPerLogin);
    const color = COLORS[p.sdk];
    out.push(`<path d="M${cx},${cy - 9} L${cx + 9},${cy} L${cx},${cy + 9} L${cx - 9},${cy} Z" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    // Ours below-right, theirs below-left, each on a short leader line, clear of the curves' point labels.
    const [lx, ly, anchor] = p.sdk === 'ours' ? [cx + 30, cy + 45, 'start'] : [cx - 20, cy + 40, 'end'];
    out.push(`<line x1="${cx}" y1="${cy + 9}" x2="${lx}" y2="${ly - 12}" stroke="${color}"/>`);
    out.push(`<text x="${lx}" y="${ly}" text-anchor="${anchor}" fill="${color}" font-weight="bold">${esc(p.sdk === 'ours' ? 'enchanted-link default' : 'core-js-sdk default')}</text>`);
  }
  const legend = [
    ['ours', 'enchanted-link, fixed interval (interval = maxInterval)'],
    ['core-js-sdk', '@descope/core-js-sdk waitForSession, pollingIntervalMs'],
  ];
  legend.forEach(([sdk, text], i) => {
    const ly = M.top + 10 + i * 18;
    out.push(`<line x1="${W - 400}" y1="${ly}" x2="${W - 380}" y2="${ly}" stroke="${COLORS[sdk]}" stroke-width="2"/>`);
    out.push(`<text x="${W - 375}" y="${ly + 4}">${esc(text)}</text>`);
  });
  out.push(`<text x="${W - 400}" y="${M.top + 50}">◇ = each SDK's defaults, ○ = another schedule</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
