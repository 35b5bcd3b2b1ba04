/** Edit distance between two names (insertions, deletions and substitutions each count 1). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * ` (did you mean X?)` for the candidate closest to a misspelt name, or '' when none is close:
 * the same name in another case, or at most a third of its letters away.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  let best: { candidate: string; score: number } | undefined;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const score = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (score <= Math.max(1, Math.floor(name.length / 3)) && (!best || score < best.score)) {
      best = { candidate, score };
    }
  }
  return best ? ` (did you mean ${best.candidate}?)` : '';
}
