// Glue: how to run skaffold-ls (trusted settings, Python discovery) and the language client.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from 'vscode-languageclient/node';
import { bundleLayout, candidates, failureMessage, isFailure, resolvePython } from './python';
import { Consent, expandVariables, trustedValue } from './settings';
import { documentSelector, EXCLUDE_GLOB, isSkaffoldContent, isSkaffoldFileName } from './skaffoldFiles';

export const SECTION = 'skaffold';

/** How to run `skaffold-ls <subcommand>`: command + argument prefix + environment. */
export interface ToolCommand {
  command: string;
  prefix: string[];
  env: NodeJS.ProcessEnv;
  description: string;
}

export class ToolResolver {
  constructor(private readonly ctx: vscode.ExtensionContext, private readonly log: vscode.OutputChannel) {}

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
    this.log.appendLine(`[skaffold] ${setting} from workspace settings: ${value}`);
    return value === 'allow' ? t.needsConsent.value : t.value;
  }

  private async pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
    const ext = vscode.extensions.getExtension('ms-python.python');
    if (!ext) {
      return undefined;
    }
    try {
      const api = (ext.isActive ? ext.exports : await ext.activate()) as {
        environments?: {
          getActiveEnvironmentPath(r?: vscode.Uri): { path: string };
          resolveEnvironment(p: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
        };
      };
      const envs = api?.environments;
      if (!envs) {
        return undefined;
      }
      const active = envs.getActiveEnvironmentPath(resource);
      const resolved = await envs.resolveEnvironment(active);
      return resolved?.executable?.uri?.fsPath ?? active?.path;
    } catch (e) {
      this.log.appendLine(`[skaffold] Python extension API: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Resolve how to run skaffold-ls; throws an Error whose message says how to fix it. */
  async resolve(resource?: vscode.Uri): Promise<ToolCommand> {
    const explicit = await this.trusted<string[]>('skaffold.server.command', resource);
    if (explicit && explicit.length) {
      const [command, ...prefix] = explicit;
      return { command, prefix, env: { ...process.env }, description: `skaffold.server.command: ${explicit.join(' ')}` };
    }
    const setting = await this.trusted<string>('skaffold.server.pythonPath', resource);
    const fromExt = setting ? undefined : await this.pythonExtensionInterpreter(resource);
    const layout = bundleLayout(this.ctx.extensionPath);
    const bundled = path.join(this.ctx.extensionPath, 'bundled');
    const r = await resolvePython(candidates(setting ? expandVariables(setting, resource?.fsPath) : undefined, fromExt), layout, bundled);
    if (isFailure(r)) {
      throw new Error(failureMessage(r));
    }
    return {
      command: r.python,
      prefix: ['-m', 'skaffold_ls'],
      env: { ...process.env, PYTHONPATH: r.pythonPath, PYTHONUNBUFFERED: '1', PYTHONNOUSERSITE: '1' },
      description: `${r.python} (Python ${r.probe.version.join('.')}, ${r.source}) -m skaffold_ls with the bundled package`,
    };
  }
}

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly contentDetected = new Set<string>();
  private scanned = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly tools: ToolResolver,
    readonly output: vscode.OutputChannel, private readonly onState: (text: string, ok: boolean) => void) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('skaffold.server')) {
          this.scheduleRestart('server settings changed');
        }
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.noticeDocument(d)),
    );
  }

  /** A YAML file not named skaffold*.yaml whose content is a skaffold config: add it to the selector. */
  private noticeDocument(d: vscode.TextDocument): void {
    if (d.languageId !== 'yaml' || d.uri.scheme !== 'file' || isSkaffoldFileName(d.uri.fsPath)) {
      return;
    }
    if (!this.contentDetected.has(d.uri.fsPath) && isSkaffoldContent(d.getText())) {
      this.contentDetected.add(d.uri.fsPath);
      this.scheduleRestart(`${d.uri.fsPath} is a skaffold file`);
    }
  }

  private async scanWorkspace(): Promise<void> {
    try {
      const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', EXCLUDE_GLOB, 300);
      for (const f of files) {
        if (isSkaffoldFileName(f.fsPath)) {
          continue;
        }
        const bytes = await vscode.workspace.fs.readFile(f);
        if (isSkaffoldContent(Buffer.from(bytes.subarray(0, 64 * 1024)).toString('utf8'))) {
          this.contentDetected.add(f.fsPath);
        }
      }
    } catch (e) {
      this.output.appendLine(`[skaffold] workspace scan: ${(e as Error).message}`);
    }
    for (const d of vscode.workspace.textDocuments) {
      if (d.languageId === 'yaml' && d.uri.scheme === 'file' && !isSkaffoldFileName(d.uri.fsPath) && isSkaffoldContent(d.getText())) {
        this.contentDetected.add(d.uri.fsPath);
      }
    }
  }

  private settingsForServer(): Record<string, unknown> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const raw = JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SECTION))) as Record<string, unknown>;
    delete raw.server; // how we start it is ours, not the server's business
    return expandVariables(raw, folder);
  }

  scheduleRestart(reason: string): void {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.output.appendLine(`[skaffold] restarting the language server: ${reason}`);
      void this.restart();
    }, 700);
  }

  async start(): Promise<void> {
    if (this.starting) {
      return this.starting;
    }
    this.starting = this.doStart().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (!this.scanned) {
      this.scanned = true;
      await this.scanWorkspace();
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    let tool: ToolCommand;
    try {
      tool = await this.tools.resolve(folder?.uri);
    } catch (e) {
      const msg = (e as Error).message;
      this.output.appendLine(`[skaffold] ${msg}`);
      this.onState('Skaffold: server not running', false);
      void vscode.window.showErrorMessage(msg, 'Open Settings', 'Show Output').then((a) => {
        if (a === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'skaffold.server');
        } else if (a === 'Show Output') {
          this.output.show();
        }
      });
      return;
    }
    this.output.appendLine(`[skaffold] starting: ${tool.description}`);
    const serverOptions: ServerOptions = {
      command: tool.command,
      args: [...tool.prefix, 'serve'],
      // no `transport`: stdio without the `--stdio` argument the client would otherwise append
      options: { env: tool.env, cwd: folder?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(this.contentDetected),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      initializationOptions: { settings: this.settingsForServer() },
      synchronize: { configurationSection: SECTION },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            const f = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
            return Array.isArray(result) ? result.map((r) => expandVariables(r, f)) : result;
          },
        },
      },
    };
    const client = new LanguageClient('skaffold', 'Skaffold Language Server', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.onState('Skaffold: language server running', true);
      } else if (e.newState === State.Stopped) {
        this.onState('Skaffold: language server stopped', false);
      }
    });
    try {
      await client.start();
    } catch (e) {
      const msg = `Skaffold language server failed to start: ${(e as Error).message}`;
      this.output.appendLine(`[skaffold] ${msg}`);
      void vscode.window.showErrorMessage(msg, 'Show Output').then((a) => a && this.output.show());
    }
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) {
      try {
        await c.stop(5000);
      } catch (e) {
        this.output.appendLine(`[skaffold] stop: ${(e as Error).message}`);
      }
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  dispose(): void {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
    }
    this.disposables.forEach((d) => d.dispose());
  }
}
