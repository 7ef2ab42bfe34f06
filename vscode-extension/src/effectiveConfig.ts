// "Skaffold: Show Effective Configuration": the server computes the text (LSP
// workspace/executeCommand `skaffold.showEffectiveConfig`, the same output as `skaffold-ls config`);
// here we only pick the profiles and show the result as a read-only YAML document.
import * as vscode from 'vscode';
import type { ExecuteCommandSignature } from 'vscode-languageclient/node';

export const SHOW_EFFECTIVE_CONFIG = 'skaffold.showEffectiveConfig';
const LIST_PROFILES = 'skaffold.listProfiles';
export const SCHEME = 'skaffold-effective';

/** Documents of the `skaffold-effective:` scheme: read-only, their text kept here. */
export class EffectiveConfigDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The language client's middleware for SHOW_EFFECTIVE_CONFIG (from a code lens, with
 * `[uri, [profile]]`, or from the command palette, without arguments). */
export async function showEffectiveConfig(docs: EffectiveConfigDocuments, args: unknown[],
  next: ExecuteCommandSignature): Promise<void> {
  const active = vscode.window.activeTextEditor?.document.uri;
  // From the palette: the active skaffold file, or the one an effective configuration shown was made from.
  const uri = typeof args[0] === 'string' ? args[0] : (active?.scheme === SCHEME ? active.query : active?.toString());
  if (!uri) {
    void vscode.window.showInformationMessage('Open a skaffold.yaml first.');
    return;
  }
  let profiles = Array.isArray(args[1]) ? args[1].filter((p): p is string => typeof p === 'string') : undefined;
  if (profiles === undefined) {
    const names = await next(LIST_PROFILES, [uri]);
    if (!Array.isArray(names)) {
      void vscode.window.showInformationMessage('This file is not a skaffold configuration.');
      return;
    }
    if (names.length > 0) {
      const picked = await vscode.window.showQuickPick(names.map(String), {
        canPickMany: true,
        title: 'Profiles to activate (as skaffold -p); none: only those that activate by themselves',
      });
      if (picked === undefined) {
        return; // cancelled
      }
      profiles = picked;
    } else {
      profiles = [];
    }
  }
  const text = await next(SHOW_EFFECTIVE_CONFIG, [uri, profiles]);
  if (typeof text !== 'string') {
    void vscode.window.showWarningMessage('Skaffold: no effective configuration for this document (see the output).');
    return;
  }
  const name = vscode.Uri.parse(uri).path.split('/').pop() ?? 'skaffold.yaml';
  const suffix = profiles.length ? ` -p ${profiles.join(',')}` : '';
  const shown = vscode.Uri.from({ scheme: SCHEME, path: `/${name} (effective${suffix}).yaml`, query: uri });
  docs.set(shown, text);
  const doc = await vscode.workspace.openTextDocument(shown);
  await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
