/** One line of a diff: kept, taken out of the block, or put in by the edit. */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** Past this many line pairs the diff shows the whole block out and the whole edit in. */
const MAX_CELLS = 1_000_000;

/**
 * The lines an edit changed, as a unified diff reads them without its headers: a longest common
 * subsequence of lines, so a one-line change shows as one line out and one line in.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > MAX_CELLS) return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  // common[i][j]: the longest common run of lines of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || common[i]![j + 1]! > common[i + 1]![j]!)) out.push({ op: '+', text: b[j++]! });
    else out.push({ op: '-', text: a[i++]! });
  }
  return out;
}
