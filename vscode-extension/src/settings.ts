// Settings logic without `vscode`: which scope to trust, variable expansion.
import * as os from 'node:os';

/** Shape of `WorkspaceConfiguration.inspect()` that we use. */
export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export type Consent = 'allow' | 'deny' | undefined;

export interface TrustedValue<T> {
  value: T | undefined;
  /** Set when a workspace-scoped value exists and the user has not answered yet. */
  needsConsent?: { key: string; value: T };
}

function isSet<T>(v: T | undefined): v is T {
  if (v === undefined || v === null) {
    return false;
  }
  if (typeof v === 'string') {
    return v.length > 0;
  }
  if (Array.isArray(v)) {
    return v.length > 0;
  }
  return true;
}

/** Key under which a consent answer is remembered: the setting and its exact value. */
export function consentKey(setting: string, value: unknown): string {
  return `skaffold.consent:${setting}=${JSON.stringify(value)}`;
}

/**
 * Settings that name an executable (`skaffold.server.command`, `skaffold.server.pythonPath`,
 * `skaffold.path`) come from user settings freely; from a workspace (which may be someone
 * else's repository) only after the user allowed that exact value once.
 */
export function trustedValue<T>(setting: string, inspected: Inspected<T> | undefined,
  consent: (key: string) => Consent): TrustedValue<T> {
  if (!inspected) {
    return { value: undefined };
  }
  const ws = isSet(inspected.workspaceFolderValue) ? inspected.workspaceFolderValue
    : isSet(inspected.workspaceValue) ? inspected.workspaceValue : undefined;
  const user = isSet(inspected.globalValue) ? inspected.globalValue : undefined;
  if (isSet(ws) && JSON.stringify(ws) !== JSON.stringify(user)) {
    const key = consentKey(setting, ws);
    const answer = consent(key);
    if (answer === 'allow') {
      return { value: ws };
    }
    if (answer === undefined) {
      return { value: user, needsConsent: { key, value: ws } };
    }
  }
  return { value: user };
}

/** Expand ${workspaceFolder}, ${userHome}, ${env:X} in every string of a settings object. */
export function expandVariables<T>(value: T, workspaceFolder: string | undefined,
  env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): T {
  const expand = (s: string): string => s
    .replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? '${workspaceFolder}')
    .replace(/\$\{userHome\}/g, home)
    .replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => env[name] ?? '')
    .replace(/^~(?=\/|$)/, home);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return expand(v);
    }
    if (Array.isArray(v)) {
      return v.map(walk);
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
