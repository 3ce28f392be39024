// What the commands may know of the process: cli.ts, the only file that touches `process`, builds one and
// hands it to every command, which stays a function of its arguments (tests hand it a fake one).

/** Everything commands may know of the process, handed to them instead of `process` itself. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Progress lines go to stderr only when it is a terminal. */
  readonly stderrIsTTY: boolean;
  /** A terminal gets the report rendered; a pipe or file gets plain Markdown. */
  readonly stdoutIsTTY: boolean;
  readonly columns: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** This machine's names, for --redact. */
  readonly hostnames: readonly string[];
  readonly version: string;
}
