/** A bot listening on localhost that the load driver can aim at. */
export interface ServerUnderTest {
  /** http://127.0.0.1:port/api/messages */
  readonly url: string;
  /** Facts only the server knows (log errors, store writes), read after a run. */
  report(): Promise<Record<string, number>>;
  /**
   * CPU time (user + system, µs) used so far by the process the server runs in. Far steadier than
   * wall-clock throughput on a shared machine, because a neighbour's load does not count in it.
   */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}
