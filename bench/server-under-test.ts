/** A bot listening on localhost that the load driver can aim at. */
export interface ServerUnderTest {
  /** http://127.0.0.1:port/api/messages */
  readonly url: string;
  /** Facts only the server knows (log errors, store writes), read after a run. */
  report(): Promise<Record<string, number>>;
  close(): Promise<void>;
}
