// Runs `skaffold-ls debug --json` and turns its stdout into typed events. No `vscode` import.
// Event format: docs/debug-bridge.md ("skaffold-ls debug --json event stream").
import { ChildProcess, spawn } from 'node:child_process';

export type Phase = 'starting' | 'build' | 'deploy' | 'waiting' | 'running' | string;

export interface StatusEvent { event: 'status'; phase: Phase; message: string }
export interface LogEvent { event: 'log'; stream: 'stdout' | 'stderr'; text: string }
export interface ReadyEvent {
  event: 'ready';
  name: string;
  configuration: Record<string, unknown>;
  pod: string;
  container: string;
  namespace: string;
  runtime: 'go' | 'python' | 'nodejs' | 'jvm' | 'netcore' | string;
  localPort: number;
  launchJson: string;
}
export interface TerminatedEvent { event: 'terminated'; name: string; pod: string; container: string; reason: string }
export interface ErrorEvent { event: 'error'; message: string; detail: string | null; name: string | null }
export interface ExitEvent { event: 'exit'; code: number }
export type BridgeEvent = StatusEvent | LogEvent | ReadyEvent | TerminatedEvent | ErrorEvent | ExitEvent;

/** Parse one stdout line; anything that is not a JSON object with "event" becomes a log line. */
export function parseEventLine(line: string): BridgeEvent | undefined {
  const t = line.trim();
  if (!t) {
    return undefined;
  }
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      if (o && typeof o.event === 'string') {
        return o as unknown as BridgeEvent;
      }
    } catch {
      // fall through: not JSON
    }
  }
  return { event: 'log', stream: 'stdout', text: line };
}

/** Splits a byte stream into lines (handles chunks that end mid-line). */
export class LineSplitter {
  private buf = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string | Buffer): void {
    this.buf += chunk.toString();
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      this.onLine(line);
    }
  }
  end(): void {
    if (this.buf) {
      const rest = this.buf;
      this.buf = '';
      this.onLine(rest);
    }
  }
}

/** Keeps the last N lines of output for error messages. */
export class Tail {
  private lines: string[] = [];
  constructor(private readonly max = 20) {}
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) {
      this.lines.shift();
    }
  }
  last(n = this.max): string[] {
    return this.lines.slice(-n);
  }
}

export interface BridgeCommand {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Argument list of the bridge: `[-m skaffold_ls] debug --json --workspace W [--skaffold S] -- [-f F] [-p P]`.
 * `prefix` is how the server is run (`["-m", "skaffold_ls"]` for the bundled one).
 */
export function bridgeArgs(prefix: string[], workspace: string, opts: { skaffoldPath?: string; file?: string; profile?: string; extra?: string[] }): string[] {
  const args = [...prefix, 'debug', '--json', '--workspace', workspace];
  if (opts.skaffoldPath) {
    args.push('--skaffold', opts.skaffoldPath);
  }
  args.push('--');
  if (opts.file) {
    args.push('-f', opts.file);
  }
  if (opts.profile) {
    args.push('-p', opts.profile);
  }
  args.push(...(opts.extra ?? []));
  return args;
}

export interface BridgeHandlers {
  onEvent(e: BridgeEvent): void;
  /** Called once when the process is gone: its exit code (or null + signal). */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export class Bridge {
  /** All output lines (skaffold's stdout and stderr, the bridge's own stderr), in arrival order. */
  readonly tail = new Tail(30);
  /** Only the error stream: skaffold writes its failures there, and stdout/stderr order is racy. */
  readonly errTail = new Tail(10);
  private proc: ChildProcess | undefined;
  private exited = false;
  private exitPromise: Promise<void>;
  private resolveExit!: () => void;
  stopping = false;
  exitCode: number | null = null;

  constructor(private readonly cmd: BridgeCommand, private readonly handlers: BridgeHandlers) {
    this.exitPromise = new Promise((r) => { this.resolveExit = r; });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return !!this.proc && !this.exited;
  }

  start(): void {
    const p = spawn(this.cmd.command, this.cmd.args, { cwd: this.cmd.cwd, env: this.cmd.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    const out = new LineSplitter((line) => {
      const e = parseEventLine(line);
      if (!e) {
        return;
      }
      if (e.event === 'log') {
        this.tail.add(e.text);
        if (e.stream === 'stderr') {
          this.errTail.add(e.text);
        }
      } else if (e.event === 'exit') {
        this.exitCode = e.code;
      }
      this.handlers.onEvent(e);
    });
    const err = new LineSplitter((line) => {
      if (!line) {
        return;
      }
      this.tail.add(line);
      this.errTail.add(line);
      this.handlers.onEvent({ event: 'log', stream: 'stderr', text: line });
    });
    p.stdout!.on('data', (d) => out.push(d));
    p.stderr!.on('data', (d) => err.push(d));
    p.on('error', (e) => {
      // spawn failure (ENOENT, EACCES): report as an error event, then as an exit
      this.handlers.onEvent({ event: 'error', message: `cannot start ${this.cmd.command}: ${e.message}`, detail: null, name: null });
      this.finish(null, null);
    });
    p.on('close', (code, signal) => {
      out.end();
      err.end();
      this.finish(code, signal);
    });
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) {
      return;
    }
    this.exited = true;
    if (this.exitCode === null) {
      this.exitCode = code;
    }
    this.handlers.onExit(code, signal);
    this.resolveExit();
  }

  /** Interrupt first (skaffold cleans up), then terminate, then kill. Resolves when the process is gone. */
  async stop(graceMs = 8000, termMs = 4000): Promise<void> {
    if (!this.proc || this.exited) {
      return;
    }
    this.stopping = true;
    const wait = (ms: number) => Promise.race([
      this.exitPromise.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
    this.proc.kill('SIGINT');
    if (await wait(graceMs)) {
      return;
    }
    this.proc.kill('SIGTERM');
    if (await wait(termMs)) {
      return;
    }
    this.proc.kill('SIGKILL');
    await wait(2000);
  }

  waitForExit(): Promise<void> {
    return this.exitPromise;
  }
}
