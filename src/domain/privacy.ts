// THE one place that decides what aggregate numbers are too small to show. Digests and exports call
// these functions; nothing else decides privacy suppression.

export const PRIVACY_MIN_GROUP_DEFAULT = 5;

export interface Cell {
  label: string;
  /** How many people the value is about. */
  people: number;
  value: number | null;
}

export type Suppression = "small-group" | "complementary";
export type SuppressedCell<C extends Cell> = C & { suppressed: Suppression | null };

function checkMinGroup(minGroup: number): void {
  if (!Number.isInteger(minGroup) || minGroup < 1) {
    throw new RangeError(`the minimum group size must be a whole number >= 1, got ${minGroup}`);
  }
}

/**
 * The rule:
 * 1. A cell about fewer than `minGroup` people shows no value ("small-group").
 * 2. If that leaves exactly one cell hidden and the set's total is shown or can be worked out, the hidden
 *    value is the total minus the others; so the other cell with the fewest people (first on a tie) is
 *    hidden too ("complementary"). Two or more hidden cells cover each other.
 * `opts.total` says whether the total is published or derivable; assumed so unless the caller says not.
 */
export function suppressCells<C extends Cell>(
  cells: readonly C[],
  minGroup: number,
  opts: { total?: boolean } = {},
): SuppressedCell<C>[] {
  checkMinGroup(minGroup);
  const out = cells.map(
    (c): SuppressedCell<C> =>
      c.people < minGroup ? { ...c, value: null, suppressed: "small-group" } : { ...c, suppressed: null },
  );
  if (out.filter((c) => c.suppressed).length === 1 && (opts.total ?? true)) {
    // Hiding a cell that already has no value would protect nothing.
    let smallest: SuppressedCell<C> | undefined;
    for (const c of out) {
      if (!c.suppressed && c.value !== null && (!smallest || c.people < smallest.people)) smallest = c;
    }
    if (smallest) {
      smallest.value = null;
      smallest.suppressed = "complementary";
    }
  }
  return out;
}

/** numerator / denominator, or null when it is about fewer than `minGroup` people or has no denominator. */
export function rateOrSuppressed(
  numerator: number,
  denominator: number,
  people: number,
  minGroup: number,
): number | null {
  checkMinGroup(minGroup);
  return people < minGroup || denominator <= 0 ? null : numerator / denominator;
}

/** The mean, or null when it is about fewer than `minGroup` people or there are no values. */
export function averageOrSuppressed(
  values: readonly number[],
  people: number,
  minGroup: number,
): number | null {
  checkMinGroup(minGroup);
  if (people < minGroup || values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** What a reader sees in place of a suppressed value. */
export function formatSuppressed(minGroup: number): string {
  return `fewer than ${minGroup}`;
}
