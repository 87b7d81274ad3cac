// Small numeric helpers for the digests.

/** The middle value (the mean of the two middle values for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// An explicit offset is required: without one Date.parse would use the machine's own zone.
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseInstant(s: string): number {
  const ms = INSTANT_RE.test(s) ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`"${s}" is not an ISO instant with an offset`);
  return ms;
}

/** Hours from instant `a` to instant `b` (negative when `b` is earlier). */
export function hoursBetween(a: string, b: string): number {
  const from = parseInstant(a);
  const to = parseInstant(b);
  return (to - from) / 3_600_000;
}
