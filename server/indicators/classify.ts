/**
 * Classification for choropleth maps (pure). Each function returns k+1 breaks
 * [min, b1, …, max] for k classes; class i holds values from breaks[i] up to
 * (not including) breaks[i+1], the last class includes the maximum.
 */
export function quantileBreaks(sorted: readonly number[], k: number): number[] {
  if (sorted.length === 0) return [];
  const breaks = [sorted[0]!];
  for (let i = 1; i < k; i++) breaks.push(quantile(sorted, i / k));
  breaks.push(sorted[sorted.length - 1]!);
  return breaks.map(round);
}

export function equalIntervalBreaks(sorted: readonly number[], k: number): number[] {
  if (sorted.length === 0) return [];
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return Array.from({ length: k + 1 }, (_, i) => round(min + ((max - min) * i) / k));
}

/** Jenks natural breaks (Fisher's exact optimisation over the sorted values). */
export function naturalBreaks(sorted: readonly number[], k: number): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  if (k >= n)
    return [...new Set(sorted)]
      .concat(sorted[n - 1]!)
      .slice(0, k + 1)
      .map(round);
  // lower[i][j]: first index of class j in the best split of the first i values.
  const lower: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(k + 1).fill(0));
  const cost: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(k + 1).fill(Infinity));
  for (let j = 1; j <= k; j++) {
    lower[1]![j] = 1;
    cost[1]![j] = 0;
  }
  for (let i = 2; i <= n; i++) {
    let s1 = 0;
    let s2 = 0;
    let w = 0;
    for (let m = 1; m <= i; m++) {
      const lo = i - m + 1;
      const v = sorted[lo - 1]!;
      s2 += v * v;
      s1 += v;
      w++;
      const variance = s2 - (s1 * s1) / w;
      if (lo > 1) {
        // The first lo − 1 values must fill j − 1 classes: with tied values a
        // shorter prefix costs the same and would leave classes without values.
        for (let j = 2; j <= Math.min(k, lo); j++) {
          const c = variance + cost[lo - 1]![j - 1]!;
          if (c <= cost[i]![j]!) {
            lower[i]![j] = lo;
            cost[i]![j] = c;
          }
        }
      }
    }
    lower[i]![1] = 1;
    cost[i]![1] = s2 - (s1 * s1) / w;
  }
  const breaks = new Array<number>(k + 1);
  breaks[k] = sorted[n - 1]!;
  breaks[0] = sorted[0]!;
  let idx = n;
  for (let j = k; j >= 2; j--) {
    const lo = lower[idx]![j]!;
    breaks[j - 1] = sorted[lo - 1]!;
    idx = lo - 1;
  }
  return breaks.map(round);
}

export function quantile(sorted: readonly number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Index of the class a value falls into (same rule as the legend). */
export function classOf(value: number, breaks: readonly number[]): number {
  for (let i = breaks.length - 2; i >= 1; i--) if (value >= breaks[i]!) return i;
  return 0;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
