// Glue: "Skaffold: Debug on Kubernetes" / "Skaffold: Stop".
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Bridge, BridgeEvent, bridgeArgs, ReadyEvent } from './bridge';
import { chooseDebugConfig, errorAction, errorLines, errorWithTail, phaseText } from './debugConfig';
import { debugMissingMessage } from './python';
import { ToolResolver } from './tools';
import { expandVariables } from './settings';
import { EXCLUDE_GLOB, isSkaffoldContent, listProfiles, NAME_GLOB, orderFiles } from './skaffoldFiles';

const NO_PROFILE = '(no profile)';

interface Run {
  id: string;
  bridge: Bridge;
  folder: vscode.WorkspaceFolder;
  sessions: Map<string, vscode.DebugSession>;
  /** Session names we stop ourselves (container terminated / replaced): their end does not stop the run. */
  expectedEnds: Set<string>;
  progressDone?: () => void;
  progress?: vscode.Progress<{ message?: string }>;
  ready: number;
  /** A run-level error was shown: the exit does not repeat it. */
  errorShown: boolean;
}

export class DebugRunner implements vscode.Disposable {
  private run: Run | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly tools: ToolResolver,
    private readonly output: vscode.OutputChannel, private readonly status: vscode.StatusBarItem) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => {
        const r = this.run;
        if (r && s.configuration.__skaffoldRun === r.id) {
          r.sessions.set(String(s.configuration.__skaffoldName), s);
        }
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.sessionEnded(s)),
    );
    this.idle();
  }

  get running(): boolean {
    return !!this.run;
  }

  private idle(): void {
    this.status.text = '$(debug-alt) Skaffold';
    this.status.tooltip = 'Skaffold: Debug on Kubernetes';
    this.status.command = 'skaffold.debugOnKubernetes';
    void vscode.commands.executeCommand('setContext', 'skaffold.debugRunning', false);
  }

  private busy(text: string): void {
    this.status.text = `$(sync~spin) Skaffold: ${text}`;
    this.status.tooltip = 'Click to stop skaffold debug';
    this.status.command = 'skaffold.stop';
  }

  private async pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length <= 1) {
      return folders[0];
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const f = active && vscode.workspace.getWorkspaceFolder(active);
    return f ?? vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to debug' });
  }

  private async pickFile(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, NAME_GLOB), EXCLUDE_GLOB, 50);
    const active = vscode.window.activeTextEditor?.document;
    const files = found.map((u) => u.fsPath);
    if (active && active.languageId === 'yaml' && active.uri.scheme === 'file'
      && isSkaffoldContent(active.getText()) && !files.includes(active.uri.fsPath)) {
      files.push(active.uri.fsPath);
    }
    const key = `skaffold.debug.file:${folder.uri.fsPath}`;
    const ordered = orderFiles(files, this.ctx.workspaceState.get<string>(key));
    if (ordered.length === 0) {
      const a = await vscode.window.showErrorMessage(`Skaffold: no skaffold.yaml in ${folder.name}.`, 'Create with skaffold init (docs)');
      if (a) {
        void vscode.env.openExternal(vscode.Uri.parse('https://skaffold.dev/docs/pipeline-stages/init/'));
      }
      return undefined;
    }
    let file = ordered[0];
    if (ordered.length > 1) {
      const pick = await vscode.window.showQuickPick(
        ordered.map((f, i) => ({ label: path.relative(folder.uri.fsPath, f), description: i === 0 && this.ctx.workspaceState.get(key) ? 'last used' : undefined, file: f })),
        { placeHolder: 'Skaffold file to debug' });
      if (!pick) {
        return undefined;
      }
      file = pick.file;
    }
    await this.ctx.workspaceState.update(key, file);
    return file;
  }

  private async pickProfile(file: string): Promise<string | null | undefined> {
    const fixed = vscode.workspace.getConfiguration('skaffold').get<string>('debug.profile');
    if (fixed) {
      return fixed;
    }
    let text = '';
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
    } catch {
      return null;
    }
    const profiles = listProfiles(text);
    if (profiles.length === 0) {
      return null;
    }
    const key = `skaffold.debug.profile:${file}`;
    const remembered = this.ctx.workspaceState.get<string>(key);
    const items = [NO_PROFILE, ...profiles];
    if (remembered && items.includes(remembered)) {
      items.splice(items.indexOf(remembered), 1);
      items.unshift(remembered);
    }
    const pick = await vscode.window.showQuickPick(
      items.map((p) => ({ label: p, description: p === remembered ? 'last used' : undefined })),
      { placeHolder: `Profile for ${path.basename(file)}` });
    if (!pick) {
      return undefined;
    }
    await this.ctx.workspaceState.update(key, pick.label);
    return pick.label === NO_PROFILE ? null : pick.label;
  }

  async debugOnKubernetes(): Promise<void> {
    if (this.run) {
      const a = await vscode.window.showInformationMessage('Skaffold debug is already running.', 'Show Output', 'Stop');
      if (a === 'Stop') {
        await this.stop();
      } else if (a === 'Show Output') {
        this.output.show(true);
      }
      return;
    }
    const folder = await this.pickFolder();
    if (!folder) {
      void vscode.window.showErrorMessage('Skaffold: open a folder that contains a skaffold.yaml first.');
      return;
    }
    const file = await this.pickFile(folder);
    if (!file) {
      return;
    }
    const profile = await this.pickProfile(file);
    if (profile === undefined) {
      return;
    }
    let tool;
    try {
      tool = await this.tools.resolve(folder.uri);
    } catch (e) {
      const a = await vscode.window.showErrorMessage((e as Error).message, 'Open Settings');
      if (a) {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'skaffold.server');
      }
      return;
    }
    const missing = tool.probe && debugMissingMessage(tool.probe);
    if (missing) {
      this.output.appendLine(missing);
      void vscode.window.showErrorMessage(missing);
      return;
    }
    const rawSkaffold = await this.tools.trusted<string>('skaffold.path', folder.uri);
    const skaffoldPath = rawSkaffold ? expandVariables(rawSkaffold, folder.uri.fsPath) : undefined;
    const args = bridgeArgs(tool.prefix, folder.uri.fsPath, { skaffoldPath: skaffoldPath || undefined, file, profile: profile ?? undefined });
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    this.output.clear();
    this.output.show(true);
    this.output.appendLine(`$ ${[tool.command, ...args].join(' ')}`);
    const run: Run = {
      id,
      folder,
      sessions: new Map(),
      expectedEnds: new Set(),
      ready: 0,
      errorShown: false,
      bridge: new Bridge({ command: tool.command, args, cwd: folder.uri.fsPath, env: tool.env }, {
        onEvent: (e) => this.onEvent(run, e),
        onExit: (code, signal) => this.onExit(run, code, signal),
      }),
    };
    this.run = run;
    void vscode.commands.executeCommand('setContext', 'skaffold.debugRunning', true);
    this.busy('starting');
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Skaffold debug', cancellable: true },
      (progress, token) => new Promise<void>((resolve) => {
        run.progress = progress;
        run.progressDone = resolve;
        progress.report({ message: 'starting skaffold…' });
        token.onCancellationRequested(() => { void this.stop(); });
      }));
    run.bridge.start();
  }

  private endProgress(run: Run): void {
    run.progressDone?.();
    run.progressDone = undefined;
    run.progress = undefined;
  }

  private onEvent(run: Run, e: BridgeEvent): void {
    switch (e.event) {
      case 'log':
        this.output.appendLine(e.text);
        break;
      case 'status': {
        const t = phaseText(e.phase, e.message);
        this.output.appendLine(`[skaffold-ls] ${t}`);
        if (run.ready === 0) {
          run.progress?.report({ message: t });
          this.busy(phaseText(e.phase, undefined));
        }
        break;
      }
      case 'ready':
        void this.onReady(run, e);
        break;
      case 'terminated': {
        this.output.appendLine(`[skaffold-ls] ${e.name}: container ${e.container} in ${e.pod} terminated (${e.reason})`);
        const s = run.sessions.get(e.name);
        if (s) {
          run.expectedEnds.add(e.name);
          void vscode.debug.stopDebugging(s);
        }
        break;
      }
      case 'error': {
        this.output.appendLine(`[skaffold-ls] error: ${e.message}`);
        if (!e.name) {
          run.errorShown = true;
        }
        void this.showError(run, e.name ? `Skaffold: ${e.name}: ${e.message}` : `Skaffold: ${e.message}`);
        break;
      }
      case 'exit':
        this.output.appendLine(`[skaffold-ls] exit ${e.code}`);
        break;
    }
  }

  private async onReady(run: Run, e: ReadyEvent): Promise<void> {
    this.endProgress(run);
    run.ready += 1;
    this.status.text = `$(debug) Skaffold: ${run.ready} debuggable`;
    this.status.tooltip = 'Click to stop skaffold debug';
    this.output.appendLine(`[skaffold-ls] ready: ${e.name} (${e.runtime}) pod ${e.pod} → 127.0.0.1:${e.localPort}; ${e.launchJson}`);
    const cfg = vscode.workspace.getConfiguration('skaffold', run.folder.uri);
    const choice = chooseDebugConfig(e, cfg.get<boolean>('debug.useLanguageExtensions', false),
      (id) => !!vscode.extensions.getExtension(id), run.id);
    if (!choice.config) {
      void vscode.window.showWarningMessage(choice.problem ?? 'Skaffold: cannot debug this container.');
      return;
    }
    const old = run.sessions.get(e.name);
    if (old) { // pod replaced: reattach
      run.expectedEnds.add(e.name);
      await vscode.debug.stopDebugging(old);
    }
    const ok = await vscode.debug.startDebugging(run.folder, choice.config as vscode.DebugConfiguration);
    if (!ok) {
      this.output.appendLine(`[skaffold-ls] could not start the debug session ${choice.config.name}`);
      void vscode.window.showWarningMessage(`Skaffold: could not start debugging ${e.name} (127.0.0.1:${e.localPort}); `
        + `the attach configuration is in ${e.launchJson}.`, 'Show Output').then((a) => a && this.output.show());
    }
  }

  private sessionEnded(s: vscode.DebugSession): void {
    const r = this.run;
    if (!r || s.configuration.__skaffoldRun !== r.id) {
      return;
    }
    const name = String(s.configuration.__skaffoldName);
    if (r.sessions.get(name) === s) {
      r.sessions.delete(name);
    }
    if (r.expectedEnds.delete(name)) {
      return;
    }
    if (r.bridge.running && !r.bridge.stopping) {
      this.output.appendLine(`[skaffold-ls] debug session ${s.name} stopped: stopping skaffold`);
      void this.stop();
    }
  }

  private async showError(run: Run, message: string): Promise<void> {
    const last = errorLines(run.bridge.tail.last(), run.bridge.errTail.last());
    const text = errorWithTail(message, last, last.length);
    const { hint, action } = errorAction(message, last);
    const buttons = action === 'settings' ? ['Open Settings', 'Show Output'] : ['Show Output'];
    const a = await vscode.window.showErrorMessage(hint ? `${text} ${hint}` : text, ...buttons);
    if (a === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'skaffold.path');
    } else if (a === 'Show Output') {
      this.output.show();
    }
  }

  private onExit(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    this.endProgress(run);
    const userStopped = run.bridge.stopping;
    this.output.appendLine(`[skaffold-ls] bridge exited (${signal ?? `code ${run.bridge.exitCode ?? code}`})`);
    for (const [name, s] of run.sessions) {
      run.expectedEnds.add(name);
      void vscode.debug.stopDebugging(s);
    }
    if (this.run === run) {
      this.run = undefined;
      this.idle();
    }
    const exitCode = run.bridge.exitCode ?? code;
    if (!userStopped && exitCode !== 0 && !run.errorShown) {
      void this.showError(run, `Skaffold debug ended with exit code ${exitCode ?? signal}.`);
    }
  }

  async stop(): Promise<void> {
    const r = this.run;
    if (!r) {
      return;
    }
    this.busy('stopping');
    for (const [name, s] of r.sessions) {
      r.expectedEnds.add(name);
      void vscode.debug.stopDebugging(s);
    }
    await r.bridge.stop();
  }

  dispose(): void {
    void this.stop();
    this.disposables.forEach((d) => d.dispose());
  }
}
