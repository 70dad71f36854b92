import { applyChanges, journalLineSchema, type JournalLine } from './journal-change.ts';

/** What replaying a journal did. */
export interface ReplayResult {
  /** Lines applied: those after the snapshot. */
  readonly applied: number;
  /** Lines the snapshot already holds (a crash came between writing it and emptying the journal). */
  readonly skipped: number;
  /** The seq the data is at now: the last applied line's, or the snapshot's. */
  readonly seq: number;
  /** Bytes of complete lines; what follows is an unfinished last line. */
  readonly goodBytes: number;
  /** The 1-based number of an unfinished last line that was ignored, or null. */
  readonly tornLine: number | null;
}

/** A journal line that cannot be used: corrupt, out of order, or not fitting the data. */
export class JournalError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line} of the journal ${reason}`);
    this.name = 'JournalError';
  }
}

const NEWLINE = 0x0a;

interface RawLine {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  readonly terminated: boolean;
}

function splitLines(journal: Buffer): RawLine[] {
  const lines: RawLine[] = [];
  let start = 0;
  while (start < journal.length) {
    const at = journal.indexOf(NEWLINE, start);
    const end = at === -1 ? journal.length : at;
    lines.push({ number: lines.length + 1, start, end, terminated: at !== -1 });
    start = end + 1;
  }
  return lines;
}

function parseLine(journal: Buffer, raw: RawLine): JournalLine | string {
  let json: unknown;
  try {
    json = JSON.parse(journal.toString('utf-8', raw.start, raw.end));
  } catch (err) {
    return `is not valid JSON (${(err as Error).message})`;
  }
  const parsed = journalLineSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `is not a journal entry (${issue === undefined ? '' : `${issue.path.join('.') || '(root)'}: ${issue.message}`})`;
}

/**
 * Applies the journal's lines after `snapshotSeq` to `data`, in place, in order. Lines the
 * snapshot already holds are skipped. The last line is forgiven if it is unfinished (no newline:
 * the process died while appending it, so it was never reported as saved) or does not parse;
 * anything wrong before it throws {@link JournalError} naming the line, because skipping it would
 * silently lose the changes after it.
 */
export function replayJournal(data: unknown, snapshotSeq: number, journal: Buffer): ReplayResult {
  const lines = splitLines(journal);
  let seq = snapshotSeq;
  let previous = 0;
  let applied = 0;
  let skipped = 0;
  let goodBytes = 0;
  let tornLine: number | null = null;
  for (const raw of lines) {
    const last = raw.number === lines.length;
    const entry = raw.terminated ? parseLine(journal, raw) : 'is unfinished';
    if (typeof entry === 'string') {
      if (last) {
        tornLine = raw.number;
        break;
      }
      throw new JournalError(raw.number, entry);
    }
    if (entry.seq <= previous) throw new JournalError(raw.number, `has seq ${entry.seq}, not after the line before it (${previous})`);
    previous = entry.seq;
    if (entry.seq <= snapshotSeq) {
      skipped++;
    } else {
      if (entry.seq !== seq + 1) throw new JournalError(raw.number, `has seq ${entry.seq} where ${seq + 1} was expected: changes between them are missing`);
      try {
        applyChanges(data, entry.changes);
      } catch (err) {
        throw new JournalError(raw.number, `does not fit the data (${(err as Error).message})`);
      }
      seq = entry.seq;
      applied++;
    }
    goodBytes = raw.end + 1;
  }
  return { applied, skipped, seq, goodBytes, tornLine };
}
