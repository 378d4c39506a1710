/**
 * Bounded edit distance for street keys (pure). Optimal string alignment
 * (Damerau–Levenshtein with adjacent transpositions, each substring edited once):
 * typing errors are mostly one wrong, missing, extra or swapped letter.
 * Returns `max + 1` as soon as the distance must exceed `max`, which keeps a scan
 * over thousands of street names cheap.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n]!, max + 1);
}

/** How many edits a key of this length may carry: short names tolerate fewer. */
export function allowedEdits(key: string): number {
  return key.length < 5 ? 0 : key.length < 7 ? 1 : 2;
}

export interface FuzzyCandidate {
  key: string;
  distance: number;
}

/**
 * Every street key within the allowed distance of `key`, nearest first. A
 * letter-count lower bound skips most keys before the real distance is computed.
 */
export function nearStreets(key: string, keys: readonly string[], max = allowedEdits(key)): FuzzyCandidate[] {
  if (max === 0) return [];
  const counts = letterCounts(key);
  const out: FuzzyCandidate[] = [];
  for (const k of keys) {
    if (Math.abs(k.length - key.length) > max) continue;
    if (bagDistance(counts, k) > 2 * max) continue;
    const d = editDistance(key, k, max);
    if (d <= max) out.push({ key: k, distance: d });
  }
  return out.sort((x, y) => x.distance - y.distance || x.key.localeCompare(y.key));
}

function letterCounts(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const ch of s) m.set(ch, (m.get(ch) ?? 0) + 1);
  return m;
}

/** Letters in one string but not the other, both ways: ≤ 2 × the edit distance. */
function bagDistance(counts: Map<string, number>, other: string): number {
  const m = new Map(counts);
  let extra = 0;
  for (const ch of other) {
    const c = m.get(ch) ?? 0;
    if (c > 0) m.set(ch, c - 1);
    else extra++;
  }
  let missing = 0;
  for (const c of m.values()) missing += c;
  return extra + missing;
}
