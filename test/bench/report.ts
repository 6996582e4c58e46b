/** The benchmark's figures, each with its SPEC 9 target (if it has one) and how it compares. */

export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** How the figure was taken, in a few words. */
  note?: string;
}

const format = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString('en') : n >= 10 ? n.toFixed(1) : n.toFixed(2);

/** figure ÷ target: under 1 is inside a "≤" budget, over 1 beats a "≥" target. */
export const ratioOf = (f: Figure) => (f.target ? f.value / f.target.value : undefined);

export const isMet = (f: Figure) =>
  f.target === undefined
    ? undefined
    : f.target.op === '<='
      ? f.value <= f.target.value
      : f.value >= f.target.value;

function cells(f: Figure): string[] {
  const ratio = ratioOf(f);
  const met = isMet(f);
  return [
    f.name,
    `${format(f.value)} ${f.unit}`,
    f.target ? `${f.target.op === '<=' ? '≤' : '≥'} ${format(f.target.value)} ${f.unit}` : '—',
    ratio === undefined ? '—' : ratio.toFixed(2),
    met === undefined ? '' : met ? 'met' : 'MISSED',
  ];
}

const HEAD = ['figure', 'measured', 'target', 'ratio', ''];

/** One figure as a line of the running log. */
export function line(f: Figure): string {
  const [name, value, target, ratio, met] = cells(f);
  return `  ${name}: ${value} (target ${target}, ratio ${ratio}) ${met}${f.note ? ` — ${f.note}` : ''}`;
}

/** All figures as an aligned text table. */
export function table(figures: Figure[]): string {
  const rows = [HEAD, ...figures.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** All figures as a Markdown table (for docs/PERFORMANCE.md). */
export function markdown(figures: Figure[]): string {
  const rows = figures.map((f) => `| ${cells(f).join(' | ')} |`);
  return ['| figure | measured | target | ratio | |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
