// Entry point. Order matters: everything the user can invoke is registered before the language
// server starts, and the start is last and cannot fail activation.
import * as vscode from 'vscode';
import { adapterEndpoint, DEBUG_TYPE } from './debugConfig';
import { DebugRunner } from './debugRun';
import { EffectiveConfigDocuments, SCHEME } from './effectiveConfig';
import { ServerManager } from './server';
import { ToolResolver } from './tools';

let server: ServerManager | undefined;
let runner: DebugRunner | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  // A log channel: timestamps and levels, and the user's log level (Developer: Set Log Level)
  const serverOutput = vscode.window.createOutputChannel('Skaffold Language Server', { log: true });
  const debugOutput = vscode.window.createOutputChannel('Skaffold Debug');
  const status = vscode.window.createStatusBarItem('skaffold.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Skaffold';
  status.show();
  ctx.subscriptions.push(serverOutput, debugOutput, status);

  const tools = new ToolResolver(ctx, serverOutput);
  runner = new DebugRunner(ctx, tools, debugOutput, status);
  const effectiveDocs = new EffectiveConfigDocuments();
  server = new ServerManager(tools, serverOutput, (text) => { status.tooltip = `${text}\nClick: Debug on Kubernetes`; },
    effectiveDocs);
  ctx.subscriptions.push(tools, runner, server, effectiveDocs,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, effectiveDocs));

  ctx.subscriptions.push(
    vscode.commands.registerCommand('skaffold.debugOnKubernetes', () => runner!.debugOnKubernetes()),
    vscode.commands.registerCommand('skaffold.stop', () => runner!.stop()),
    vscode.commands.registerCommand('skaffold.restartServer', async () => {
      serverOutput.info('restart requested: probing the interpreter again');
      await tools.clearCache();
      await server!.restart();
    }),
    vscode.commands.registerCommand('skaffold.showOutput', () => debugOutput.show()),
    // Delve (dlv exec --headless) and debugpy (--listen) are DAP servers: connect VS Code to them directly.
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor(session) {
        const ep = adapterEndpoint(session.configuration);
        if (!ep) {
          throw new Error('Skaffold debug configuration needs "port" (the forwarded debug port).');
        }
        return new vscode.DebugAdapterServer(ep.port, ep.host);
      },
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      // F5 without a launch.json (empty config) or the "launch" entry below: run the whole flow.
      resolveDebugConfiguration(_folder, config) {
        if ((!config.type && !config.request && !config.name) || config.request === 'launch') {
          void vscode.commands.executeCommand('skaffold.debugOnKubernetes');
          return undefined;
        }
        return config;
      },
    }),
    // "Debug: Select and Start Debugging" lists "Skaffold: Debug on Kubernetes" without any launch.json
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      provideDebugConfigurations() {
        return [{ type: DEBUG_TYPE, request: 'launch', name: 'Skaffold: Debug on Kubernetes' }];
      },
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );

  // Last, and never allowed to throw out of activate().
  try {
    void server.start().catch((e) => serverOutput.error(`start failed: ${(e as Error).message}`));
  } catch (e) {
    serverOutput.error(`start failed: ${(e as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  await runner?.stop();
  await server?.stop();
}
