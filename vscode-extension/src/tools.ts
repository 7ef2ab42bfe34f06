// How to run `skaffold-ls <subcommand>`: trusted settings, the Python extension's interpreter, a
// cached probe of the candidates. Used by the language server and the debug bridge alike.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  bundleLayout, cacheable, candidates, failureMessage, isFailure, probe, probeCacheKey, ProbeResult, resolvePython, which,
} from './python';
import { Consent, expandVariables, trustedValue } from './settings';

/** How to run `skaffold-ls <subcommand>`: command + argument prefix + environment. */
export interface ToolCommand {
  command: string;
  prefix: string[];
  env: NodeJS.ProcessEnv;
  description: string;
  /** The probe of the interpreter (absent for skaffold.server.command). */
  probe?: ProbeResult;
}

// In the extension's global storage folder, on the machine the interpreters are on (the
// extension host's: with Remote-SSH or code-server that is not where the UI runs), shared by
// every window.
const PROBE_CACHE_FILE = 'probe-cache.json';
const PROBE_CACHE_MAX = 16;

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(r?: vscode.Uri): { path: string };
  resolveEnvironment(p: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<{ path: string; resource?: unknown }>;
}

export class ToolResolver implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /**
   * Fires (with the new path) when the Python extension's active interpreter changes and the
   * last resolution followed that extension (no skaffold.server.pythonPath/command).
   */
  readonly onDidChangeInterpreter = this.changed.event;
  private pythonApi: Promise<PythonEnvironmentsApi | undefined> | undefined;
  private followsPythonExtension = false;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {}

  private consent = (key: string): Consent => this.ctx.workspaceState.get<Consent>(key);

  /** A setting naming an executable: user value, or a workspace value the user allowed once. */
  async trusted<T>(setting: string, resource?: vscode.Uri): Promise<T | undefined> {
    const [section, ...rest] = setting.split('.');
    const cfg = vscode.workspace.getConfiguration(section, resource);
    const key = rest.join('.');
    const t = trustedValue<T>(setting, cfg.inspect<T>(key), this.consent);
    if (!t.needsConsent) {
      return t.value;
    }
    const shown = Array.isArray(t.needsConsent.value) ? (t.needsConsent.value as unknown[]).join(' ') : String(t.needsConsent.value);
    const answer = await vscode.window.showWarningMessage(
      `This workspace sets "${setting}" to "${shown}". Allow the Skaffold extension to run it?`,
      'Allow', 'Don\'t Allow');
    if (answer === undefined) {
      return t.value; // dismissed: ask again next time
    }
    const value: Consent = answer === 'Allow' ? 'allow' : 'deny';
    await this.ctx.workspaceState.update(t.needsConsent.key, value);
    this.log.info(`${setting} from workspace settings: ${value}`);
    return value === 'allow' ? t.needsConsent.value : t.value;
  }

  /** The Python extension's environments API, once (activating that extension, as its API requires). */
  private environments(): Promise<PythonEnvironmentsApi | undefined> {
    this.pythonApi ??= (async () => {
      const ext = vscode.extensions.getExtension('ms-python.python');
      if (!ext) {
        return undefined;
      }
      try {
        const api = (ext.isActive ? ext.exports : await ext.activate()) as { environments?: PythonEnvironmentsApi };
        const envs = api?.environments;
        if (envs?.onDidChangeActiveEnvironmentPath) {
          this.disposables.push(envs.onDidChangeActiveEnvironmentPath((e) => {
            this.log.info(`the Python extension's interpreter is now ${e.path}`);
            if (this.followsPythonExtension) {
              this.changed.fire(e.path);
            }
          }));
        }
        return envs;
      } catch (e) {
        this.log.warn(`Python extension API: ${(e as Error).message}`);
        return undefined;
      }
    })();
    return this.pythonApi;
  }

  private async pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
    const envs = await this.environments();
    if (!envs) {
      return undefined;
    }
    try {
      const active = envs.getActiveEnvironmentPath(resource);
      const resolved = await envs.resolveEnvironment(active);
      return resolved?.executable?.uri?.fsPath ?? active?.path;
    } catch (e) {
      this.log.warn(`Python extension API: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Probe an interpreter, or reuse the result for the same file (path, mtime, size) and bundle. */
  private async cachedProbe(command: string, bundled: string): Promise<ProbeResult> {
    const exe = which(command);
    if (!exe) {
      throw new Error(`${command}: not found`);
    }
    let key: string | undefined;
    try {
      const st = await fs.promises.stat(exe);
      key = probeCacheKey(exe, await fs.promises.realpath(exe), st.mtimeMs, st.size, `${this.ctx.extension.packageJSON.version}:${bundled}`);
    } catch {
      key = undefined;
    }
    const cache = await this.readCache();
    if (key && cache[key]) {
      this.log.info(`probe of ${exe}: cached (${cache[key].tag}, libyaml ${cache[key].libyaml})`);
      return cache[key];
    }
    const t0 = Date.now();
    const r = await probe(exe, bundled);
    this.log.info(`probe of ${exe}: Python ${r.version.join('.')} ${r.tag}, libyaml ${r.libyaml}, `
      + `missing [${r.missing.map((m) => m.module).join(', ')}], for debugging [${r.debugMissing.map((m) => m.module).join(', ')}] `
      + `(${Date.now() - t0} ms)`);
    if (key && cacheable(r)) {
      const keys = Object.keys(cache);
      const kept = Object.fromEntries(keys.slice(Math.max(0, keys.length - PROBE_CACHE_MAX + 1)).map((k) => [k, cache[k]]));
      void this.writeCache({ ...kept, [key]: r });
    }
    return r;
  }

  /** Resolve how to run skaffold-ls; throws an Error whose message says how to fix it. */
  async resolve(resource?: vscode.Uri): Promise<ToolCommand> {
    const explicit = await this.trusted<string[]>('skaffold.server.command', resource);
    if (explicit && explicit.length) {
      this.followsPythonExtension = false;
      const [command, ...prefix] = explicit;
      return { command, prefix, env: { ...process.env }, description: `skaffold.server.command: ${explicit.join(' ')}` };
    }
    const setting = await this.trusted<string>('skaffold.server.pythonPath', resource);
    this.followsPythonExtension = !setting;
    const fromExt = setting ? undefined : await this.pythonExtensionInterpreter(resource);
    const layout = bundleLayout(this.ctx.extensionPath);
    const bundled = path.join(this.ctx.extensionPath, 'bundled');
    const r = await resolvePython(candidates(setting ? expandVariables(setting, resource?.fsPath) : undefined, fromExt),
      layout, bundled, (cmd, dir) => this.cachedProbe(cmd, dir));
    if (isFailure(r)) {
      throw new Error(failureMessage(r));
    }
    const p = r.probe;
    return {
      command: r.python,
      prefix: ['-m', 'skaffold_ls'],
      env: { ...process.env, PYTHONPATH: r.pythonPath, PYTHONUNBUFFERED: '1', PYTHONNOUSERSITE: '1' },
      description: `${r.python} (Python ${p.version.join('.')}, ${r.source}${p.libyaml ? '' : ', without libyaml'}) `
        + '-m skaffold_ls with the bundled package',
      probe: p,
    };
  }

  private cacheFile(): string {
    return path.join(this.ctx.globalStorageUri.fsPath, PROBE_CACHE_FILE);
  }

  private async readCache(): Promise<Record<string, ProbeResult>> {
    try {
      const data = JSON.parse(await fs.promises.readFile(this.cacheFile(), 'utf8')) as unknown;
      return data && typeof data === 'object' && !Array.isArray(data) ? data as Record<string, ProbeResult> : {};
    } catch {
      return {}; // none yet, or unreadable: probe again
    }
  }

  /** Atomic (temp file + rename): another window may be reading it. */
  private async writeCache(cache: Record<string, ProbeResult>): Promise<void> {
    const file = this.cacheFile();
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(tmp, JSON.stringify(cache));
      await fs.promises.rename(tmp, file);
    } catch (e) {
      this.log.warn(`cannot write ${file}: ${(e as Error).message}`);
    }
  }

  /** Forget cached probes (Restart Language Server: the user may have changed an interpreter in place). */
  async clearCache(): Promise<void> {
    await fs.promises.rm(this.cacheFile(), { force: true });
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
