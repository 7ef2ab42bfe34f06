// From a bridge `ready` event to the debug configuration VS Code starts. No `vscode` import.
import type { ReadyEvent } from './bridge';

export const DEBUG_TYPE = 'skaffold';

/** Extension ids whose own debug types understand the launch.json entries the bridge writes. */
export const LANGUAGE_EXTENSIONS: Record<string, { type: string; extension: string }> = {
  go: { type: 'go', extension: 'golang.go' },
  python: { type: 'debugpy', extension: 'ms-python.debugpy' },
};

export interface DebugConfig {
  type: string;
  request: string;
  name: string;
  [key: string]: unknown;
}

export interface Choice {
  config?: DebugConfig;
  /** When the runtime cannot be debugged with what is installed: what to tell the user. */
  problem?: string;
}

function hostPort(c: Record<string, unknown>, e: ReadyEvent): { host: string; port: number } {
  const connect = (c.connect ?? {}) as Record<string, unknown>;
  const host = String(c.host ?? connect.host ?? c.address ?? '127.0.0.1');
  const port = Number(c.port ?? connect.port ?? e.localPort);
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

/**
 * Decide how to debug one ready container.
 * - Go and Python: by default our `skaffold` type (DAP straight to Delve / debugpy through the
 *   forwarded port); with `useLanguageExtensions` and the extension installed, its own type and
 *   the configuration exactly as the bridge wrote it.
 * - Node: VS Code's built-in `node` type (the inspector protocol is not DAP).
 * - JVM / .NET: need their extensions (`java` / `coreclr`); if missing, a problem to report.
 */
export function chooseDebugConfig(e: ReadyEvent, useLanguageExtensions: boolean,
  isInstalled: (extensionId: string) => boolean, runId: string): Choice {
  const base = { ...(e.configuration as Record<string, unknown>) };
  const name = String(base.name ?? e.name);
  const tag = { __skaffoldRun: runId, __skaffoldName: e.name };
  const runtime = e.runtime;
  const lang = LANGUAGE_EXTENSIONS[runtime];
  if (lang) {
    if (useLanguageExtensions && isInstalled(lang.extension)) {
      return { config: { ...base, name, type: lang.type, request: 'attach', ...tag } };
    }
    const { host, port } = hostPort(base, e);
    const config: DebugConfig = { ...base, name, type: DEBUG_TYPE, request: 'attach', host, port, ...tag };
    if (runtime === 'go') {
      config.mode = 'remote';
      delete config.debugAdapter; // a go-extension field; Delve itself does not need it
    } else {
      delete config.connect;
    }
    return { config };
  }
  if (runtime === 'nodejs') {
    const { host, port } = hostPort(base, e);
    return { config: { ...base, name, type: 'node', request: 'attach', address: host, port, ...tag } };
  }
  const needs: Record<string, { type: string; extension: string; label: string }> = {
    jvm: { type: 'java', extension: 'vscjava.vscode-java-debug', label: 'Debugger for Java' },
    netcore: { type: 'coreclr', extension: 'ms-dotnettools.csharp', label: 'C#' },
  };
  const n = needs[runtime];
  if (n && isInstalled(n.extension)) {
    return { config: { ...base, name, type: n.type, request: 'attach', ...tag } };
  }
  const what = n ? `the "${n.label}" extension (${n.extension})` : `a debugger for runtime "${runtime}"`;
  return {
    problem: `${e.name} (${e.runtime}) is ready on 127.0.0.1:${e.localPort}, but debugging it needs ${what}. `
      + `The attach configuration is in ${e.launchJson}.`,
  };
}

/** Port and host the `skaffold` debug adapter connects to. */
export function adapterEndpoint(config: Record<string, unknown>): { host: string; port: number } | undefined {
  const connect = (config.connect ?? {}) as Record<string, unknown>;
  const port = Number(config.port ?? connect.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    return undefined;
  }
  const host = String(config.host ?? connect.host ?? '127.0.0.1');
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

/** Status-bar / progress text for a bridge phase. */
export function phaseText(phase: string, message: string | undefined): string {
  const label: Record<string, string> = {
    starting: 'starting skaffold',
    build: 'building',
    deploy: 'deploying',
    waiting: 'waiting for debuggable containers',
    running: 'running',
  };
  const l = label[phase] ?? phase;
  return message ? `${l}: ${message}` : l;
}

/** Error text with the last lines of output (for showErrorMessage; VS Code shows one paragraph). */
export function errorWithTail(message: string, tail: string[], lines = 5): string {
  const last = tail.filter((l) => l.trim()).slice(-lines).map((l) => l.trim());
  return last.length ? `${message} — last output: ${last.join(' ⏎ ')}` : message;
}

/**
 * Lines for an error message: the last few output lines for context, then the last error-stream
 * lines (where skaffold reports failures), without repeats.
 */
export function errorLines(all: string[], errors: string[], context = 3, errs = 3): string[] {
  const picked = [...all.filter((l) => l.trim()).slice(-context), ...errors.filter((l) => l.trim()).slice(-errs)];
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = picked.length - 1; i >= 0; i--) { // keep the last occurrence
    if (!seen.has(picked[i])) {
      seen.add(picked[i]);
      out.unshift(picked[i]);
    }
  }
  return out;
}

/**
 * A hint and action for well-known failures. `message` is the error itself (only it can say that
 * skaffold is missing: output lines like "app: Not found. Building" must not); `output` adds context.
 */
export function errorAction(message: string, output: string[] = []): { hint?: string; action?: 'settings' | 'output' } {
  if (/skaffold\b[^\n]*(: not found|not found on PATH|executable file not found|ENOENT|no such file|not an executable)|cannot find skaffold|skaffold: command not found/i.test(message)) {
    return { hint: 'Install skaffold or set "skaffold.path".', action: 'settings' };
  }
  const all = [message, ...output].join('\n');
  if (/kube.?config|no cluster|connection refused|current-context|Unable to connect to the server/i.test(all)) {
    return { hint: 'Check that a cluster is reachable (kubectl config current-context).', action: 'output' };
  }
  if (/build[^\n]*failed|failed to build/i.test(all)) {
    return { hint: 'The build failed; see the output.', action: 'output' };
  }
  return { action: 'output' };
}
