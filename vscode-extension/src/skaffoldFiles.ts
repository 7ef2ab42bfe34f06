// Which files are skaffold files, and which profiles they define. No `vscode` import.
/** Glob for skaffold files by name (skaffold.yaml, skaffold-dev.yml, skaffold.local.yaml, ...). */
export const NAME_GLOB = '**/skaffold*.{yaml,yml}';
export const EXCLUDE_GLOB = '**/{node_modules,.git,vendor,.venv}/**';

/** A YAML document whose top-level apiVersion is skaffold/... (any document of a multi-doc file). */
export function isSkaffoldContent(text: string): boolean {
  return /^apiVersion:[ \t]*["']?skaffold\/v\w+/m.test(text.slice(0, 64 * 1024));
}

/**
 * The LSP document selector: every YAML document on disk or unsaved. The server recognises
 * skaffold configurations itself (skaffold*.yaml, *.skaffold.yaml, or `apiVersion: skaffold/...`
 * in any document) and publishes nothing for other YAML, so a Kubernetes manifest that turns
 * into a skaffold config while typed needs no restart. Other schemes (git:, diff views) are left out.
 */
export function documentSelector(): { scheme: string; language: string }[] {
  return [
    { scheme: 'file', language: 'yaml' },
    { scheme: 'untitled', language: 'yaml' },
  ];
}

/**
 * Profile names of a skaffold file (all documents), in order, without duplicates. A line-based
 * reader of the usual block style `profiles:` / `- name: x`, plus flow style `- {name: x}`; the
 * language server owns real YAML parsing, this only fills a quick pick.
 */
export function listProfiles(text: string): string[] {
  const out: string[] = [];
  let inProfiles = false;
  let itemIndent = -1;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^---/.test(line)) {
      inProfiles = false;
      continue;
    }
    if (/^profiles:\s*$/.test(line)) {
      inProfiles = true;
      itemIndent = -1;
      continue;
    }
    if (!inProfiles || !line.trim()) {
      continue;
    }
    if (/^[^\s-]/.test(line)) {
      inProfiles = false; // next top-level key
      continue;
    }
    const item = /^(\s*)-\s+(.*)$/.exec(line);
    if (item) {
      const indent = item[1].length;
      if (itemIndent < 0) {
        itemIndent = indent;
      }
      if (indent !== itemIndent) {
        continue;
      }
      const rest = item[2];
      const m = /^name:\s*["']?([^"'\s,}]+)/.exec(rest) ?? /^\{.*\bname:\s*["']?([^"'\s,}]+)/.exec(rest);
      if (m) {
        out.push(m[1]);
      }
      continue;
    }
    // `name:` on a later line of the item, at the item's key indentation
    const key = /^(\s*)name:\s*["']?([^"'\s]+)/.exec(line);
    if (key && itemIndent >= 0 && key[1].length === itemIndent + 2) {
      out.push(key[2]);
    }
  }
  return [...new Set(out)];
}

/** Sort candidates so the remembered one comes first; then shallow paths first, then by name. */
export function orderFiles(files: string[], remembered: string | undefined): string[] {
  const depth = (f: string) => f.split(/[\\/]/).length;
  const sorted = [...new Set(files)].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  if (remembered && sorted.includes(remembered)) {
    return [remembered, ...sorted.filter((f) => f !== remembered)];
  }
  return sorted;
}
