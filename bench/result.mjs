// The shape every benchmark part prints (its last stdout line, see `emit` in lib.mjs), and the helpers to
// build it. bench/report.mjs renders these sections into BENCHMARKS.md without knowing any part: it holds
// no figure and no conclusion. A part states its method (what ran, with its own parameters interpolated),
// its figures with units, its targets (the report decides met or missed from the numbers), and findings:
// sentences the part computed from this run's figures (choose the wording from the numbers, never fixed).
//
// @typedef {{ value: number, unit: Unit, digits?: number }} Figure   a measured number (NaN: not measured)
// @typedef {'B' | 'KB' | 'MB' | 'ms' | 's' | 'µs' | '×' | '%' | '' | string} Unit
// @typedef {string | number | Figure} Cell
// @typedef {{ caption?: string, columns: string[], rows: Cell[][] }} Table   numeric columns are right-aligned
// @typedef {{ name: string, value: Figure, limit: Figure, better: 'lower' | 'higher', note?: string }} Target
// @typedef {{
//   title: string,
//   method: string[],
//   tables?: Table[],
//   targets?: Target[],
//   findings?: string[],
//   images?: Array<{ file: string, alt: string, svg: string }>,
//   seeds?: Record<string, number>,
//   pending?: string,
// }} Section   `pending`: why the part could not measure (the section says so instead of figures)

/** A measured figure; `digits` is how many decimals to print (default: by unit). */
export const fig = (value, unit = '', digits) => (digits === undefined ? { value, unit } : { value, unit, digits });

/** A target: the report prints **Met** or **Missed** and the margin, from `value` against `limit`. */
export const target = (name, value, limit, better = 'lower', note) => ({ name, value, limit, better, ...(note ? { note } : {}) });

/** Whether a target is met, from its numbers alone. */
export const isMet = ({ value, limit, better }) =>
  Number.isFinite(value.value) && (better === 'lower' ? value.value <= limit.value : value.value >= limit.value);

const DEFAULT_DIGITS = { B: 0, KB: 2, MB: 1, ms: 0, s: 2, 'µs': 1, '×': 1, '%': 0 };

/** Formats a figure for prose and tables: `18.20 KB`, `93 ms`, `4.3×`, `12 %`. */
export function format(figure) {
  if (typeof figure === 'string') return figure;
  if (typeof figure === 'number') return figure.toLocaleString('en');
  const { value, unit, digits } = figure;
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'B' && digits === undefined && Math.abs(value) >= 1024) return format({ value: value / 1024, unit: 'KB' });
  const places = digits ?? DEFAULT_DIGITS[unit] ?? (Number.isInteger(value) ? 0 : 2);
  const text = value.toLocaleString('en', { minimumFractionDigits: places, maximumFractionDigits: places });
  if (unit === '×') return `${text}×`;
  return unit ? `${text} ${unit}` : text;
}

/** `value` as a ratio of `base`, as a figure (`×`). */
export const ratio = (value, base, digits) => fig(value / base, '×', digits);

/** `part` as a share of `whole`, as a figure (`%`). */
export const share = (part, whole, digits) => fig((part / whole) * 100, '%', digits);

/** "lower"/"higher"-style comparison word for a finding, from the numbers: `compare(3, 2)` → 'more than'. */
export const compare = (a, b, [less, same, more] = ['less than', 'the same as', 'more than']) => (a < b ? less : a > b ? more : same);
