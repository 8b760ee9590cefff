// What a case produces and how it is shown: one table per case (a value per tool, the ratio, the
// issue-6 target and whether this run met it) and the same data, with every run, as JSON.
// Targets are reported, never asserted: the bench is not a test.

export type Unit = "s" | "MiB";

export interface Measured {
  unit: Unit;
  /** The median of `runs`, or the maximum where the row says "peak". */
  value: number;
  runs: number[];
}

export interface Target {
  text: string;
  met: boolean;
}

export interface Row {
  measure: string;
  /** Column name -> value; a row may leave columns empty. */
  values: Record<string, Measured>;
  ratio?: { of: string; value: number };
  /** Absent for rows shown for information only. */
  target?: Target;
}

export interface CaseResult {
  id: string;
  title: string;
  columns: string[];
  rows: Row[];
  notes: string[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function seconds(wallMs: readonly number[]): Measured {
  const runs = wallMs.map((ms) => ms / 1000);
  return { unit: "s", value: median(runs), runs };
}

export function peakMiB(maxRssKiB: readonly number[]): Measured {
  const runs = maxRssKiB.map((kib) => kib / 1024);
  return { unit: "MiB", value: Math.max(...runs), runs };
}

export function ratioOf(a: string, b: string, values: Record<string, Measured>): Row["ratio"] {
  const top = values[a];
  const bottom = values[b];
  if (!top || !bottom) return undefined;
  return { of: `${a} / ${b}`, value: top.value / bottom.value };
}

export function atMost(value: number | undefined, limit: number, suffix = "x"): Target {
  return { text: `<= ${limit}${suffix}`, met: value !== undefined && value <= limit };
}

function formatMeasured(measured: Measured | undefined): string {
  if (!measured) return "";
  const digits = measured.unit === "s" ? (measured.value < 1 ? 3 : 2) : 1;
  return `${measured.value.toFixed(digits)} ${measured.unit}`;
}

export function renderTable(result: CaseResult): string {
  const header = ["measure", ...result.columns, "ratio", "target", "met"];
  const lines = result.rows.map((row) => [
    row.measure,
    ...result.columns.map((column) => formatMeasured(row.values[column])),
    row.ratio ? `${row.ratio.value.toFixed(2)}x (${row.ratio.of})` : "",
    row.target?.text ?? "(info)",
    row.target === undefined ? "" : row.target.met ? "met" : "NOT met",
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => (line[i] ?? "").length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [
    `${result.id}. ${result.title}`,
    format(header),
    format(widths.map((width) => "-".repeat(width))),
    ...lines.map(format),
    ...result.notes.map((note) => `  note: ${note}`),
  ].join("\n");
}
