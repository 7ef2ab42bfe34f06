// The language client: starts `skaffold-ls serve` (see tools.ts for how) for every YAML document.
// The server itself tells skaffold configurations from other YAML (by name and content) and says
// nothing about the rest, so the selector is simply "YAML": no workspace scan before the start,
// and no restart when a file turns out to be a skaffold config.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from 'vscode-languageclient/node';
import { EffectiveConfigDocuments, SHOW_EFFECTIVE_CONFIG, showEffectiveConfig } from './effectiveConfig';
import { expandVariables } from './settings';
import { documentSelector } from './skaffoldFiles';
import { ToolCommand, ToolResolver } from './tools';

export const SECTION = 'skaffold';

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly tools: ToolResolver, readonly output: vscode.LogOutputChannel,
    private readonly onState: (text: string, ok: boolean) => void,
    private readonly effectiveDocs: EffectiveConfigDocuments) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('skaffold.server')) {
          this.scheduleRestart('server settings changed');
        }
      }),
      tools.onDidChangeInterpreter((p) => this.scheduleRestart(`the Python interpreter changed to ${p}`)),
    );
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
      this.output.info(`restarting the language server: ${reason}`);
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
    const folder = vscode.workspace.workspaceFolders?.[0];
    let tool: ToolCommand;
    try {
      tool = await this.tools.resolve(folder?.uri);
    } catch (e) {
      const msg = (e as Error).message;
      this.output.error(msg);
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
    this.output.info(`starting: ${tool.description}`);
    const serverOptions: ServerOptions = {
      command: tool.command,
      args: [...tool.prefix, 'serve'],
      // no `transport`: stdio without the `--stdio` argument the client would otherwise append
      options: { env: tool.env, cwd: folder?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      initializationOptions: { settings: this.settingsForServer() },
      synchronize: { configurationSection: SECTION },
      middleware: {
        // The server's commands are registered by the client; this one needs a picker and a document.
        executeCommand: async (command, args, next) => (command === SHOW_EFFECTIVE_CONFIG
          ? showEffectiveConfig(this.effectiveDocs, args, next)
          : next(command, args)),
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
      this.output.error(msg);
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
        this.output.warn(`stop: ${(e as Error).message}`);
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
