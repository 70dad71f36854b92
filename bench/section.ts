/** One printed line of a section's table. */
export interface Row {
  readonly metric: string;
  readonly value: number | string;
  readonly unit?: string;
  readonly note?: string;
}

/**
 * A benchmark section. scripts/bench.ts runs them in order and `--only name,name` picks some;
 * a later issue adds a section by appending one of these to the list there.
 */
export interface Section {
  readonly name: string;
  readonly title: string;
  run(): Promise<Row[]>;
}
