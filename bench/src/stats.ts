/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every repetition's value, in the order the processes ran. */
  values: number[];
}

/** Median with the range, over one value per fresh process. */
export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    values: [...values],
  };
}

/**
 * The run order of `repetitions` rounds over `peers`: A B C A B C … so that drift on a shared
 * machine falls on every peer alike rather than on whichever ran last.
 */
export function interleave<T>(peers: readonly T[], repetitions: number): { peer: T; repetition: number }[] {
  const order: { peer: T; repetition: number }[] = [];
  for (let r = 0; r < repetitions; r++) for (const peer of peers) order.push({ peer, repetition: r });
  return order;
}
