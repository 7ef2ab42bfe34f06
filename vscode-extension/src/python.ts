// Finding a Python that can run the bundled server. No `vscode` import: unit-tested with node:test.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MIN_PYTHON: [number, number] = [3, 10];

/** Modules the server needs at start; a probe reports which of them do not import. */
export const REQUIRED_MODULES = ['skaffold_ls', 'pygls', 'lsprotocol', 'yaml', 'jsonschema', 'dockerfile_parse', 'json5'];

/** Where the VSIX keeps the Python side (see scripts/bundle_python.py). */
export interface BundleLayout {
  src: string; // bundled/src: skaffold_ls (+ skaffold_ls/schemas)
  libs: string; // bundled/libs: pure-Python dependencies
  native: string; // bundled/native/<SOABI>: compiled dependencies for one interpreter
}

export function bundleLayout(extensionRoot: string): BundleLayout {
  const b = path.join(extensionRoot, 'bundled');
  return { src: path.join(b, 'src'), libs: path.join(b, 'libs'), native: path.join(b, 'native') };
}

/**
 * Runs in the candidate interpreter: `python -c PROBE_SCRIPT <bundled dir>`.
 * Puts the bundle on sys.path exactly as the PYTHONPATH built by `pythonPathFor` does and
 * prints one JSON line.
 */
export const PROBE_SCRIPT = [
  'import sys, json, os, sysconfig, importlib',
  'soabi = sysconfig.get_config_var("SOABI") or ""',
  'b = sys.argv[1] if len(sys.argv) > 1 else ""',
  'if b:',
  '    for p in reversed([os.path.join(b, "src"), os.path.join(b, "libs"), os.path.join(b, "native", soabi)]):',
  '        if os.path.isdir(p): sys.path.insert(0, p)',
  'missing = []',
  `for m in ${JSON.stringify(REQUIRED_MODULES)}:`,
  '    try: importlib.import_module(m)',
  '    except Exception as e: missing.append({"module": m, "error": type(e).__name__ + ": " + str(e)})',
  'print(json.dumps({"version": list(sys.version_info[:3]), "executable": sys.executable, "soabi": soabi, "missing": missing}))',
].join('\n');

export interface ProbeResult {
  version: [number, number, number];
  executable: string;
  soabi: string;
  missing: { module: string; error: string }[];
}

export function parseProbe(stdout: string): ProbeResult {
  const line = stdout.trim().split(/\r?\n/).filter((l) => l.startsWith('{')).pop();
  if (!line) {
    throw new Error(`unexpected probe output: ${stdout.slice(0, 200)}`);
  }
  const r = JSON.parse(line) as ProbeResult;
  if (!Array.isArray(r.version) || r.version.length < 2) {
    throw new Error(`unexpected probe output: ${line.slice(0, 200)}`);
  }
  return r;
}

export function versionOk(v: number[]): boolean {
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

/** PYTHONPATH for the bundled server: src first, pure libs, then the compiled libs matching this interpreter. */
export function pythonPathFor(layout: BundleLayout, soabi: string, existing: string | undefined,
  exists: (p: string) => boolean = fs.existsSync): string {
  const parts = [layout.src, layout.libs];
  const native = path.join(layout.native, soabi);
  if (soabi && exists(native)) {
    parts.push(native);
  }
  if (existing) {
    parts.push(existing);
  }
  return parts.join(path.delimiter);
}

export interface Candidate {
  command: string;
  source: string; // for messages: "setting skaffold.server.pythonPath", "Python extension", "PATH"
}

/** Order: explicit setting, the Python extension's interpreter, then python3 on PATH. */
export function candidates(settingPath: string | undefined, pythonExtPath: string | undefined): Candidate[] {
  const out: Candidate[] = [];
  if (settingPath) {
    out.push({ command: settingPath, source: 'setting skaffold.server.pythonPath' });
    return out; // an explicit setting is never silently replaced by something else
  }
  if (pythonExtPath) {
    out.push({ command: pythonExtPath, source: 'the Python extension\'s interpreter' });
  }
  out.push({ command: 'python3', source: 'python3 on PATH' });
  if (process.platform === 'win32') {
    out.push({ command: 'python', source: 'python on PATH' });
  }
  return out;
}

export function probe(command: string, bundledDir: string, timeoutMs = 15000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', PROBE_SCRIPT, bundledDir], { timeout: timeoutMs, env: { ...process.env, PYTHONPATH: '' } },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          reject(new Error(code === 'ENOENT' ? `${command}: not found` : `${command}: ${String(stderr || err.message).trim().slice(-300)}`));
          return;
        }
        try {
          resolve(parseProbe(stdout));
        } catch (e) {
          reject(e);
        }
      });
  });
}

export interface Resolved {
  python: string;
  pythonPath: string;
  probe: ProbeResult;
  source: string;
}

export interface Failure {
  tried: string[]; // one line per candidate: what failed
}

/** Try candidates in order; the first ≥ 3.10 whose imports all work wins. */
export async function resolvePython(cands: Candidate[], layout: BundleLayout, bundledDir: string,
  probeFn: (cmd: string, dir: string) => Promise<ProbeResult> = probe,
  existingPythonPath: string | undefined = process.env.PYTHONPATH): Promise<Resolved | Failure> {
  const tried: string[] = [];
  for (const c of cands) {
    let r: ProbeResult;
    try {
      r = await probeFn(c.command, bundledDir);
    } catch (e) {
      tried.push(`${c.command} (${c.source}): ${(e as Error).message}`);
      continue;
    }
    if (!versionOk(r.version)) {
      tried.push(`${c.command} (${c.source}): Python ${r.version.join('.')} is older than ${MIN_PYTHON.join('.')}`);
      continue;
    }
    if (r.missing.length) {
      tried.push(`${c.command} (${c.source}): cannot import ${r.missing.map((m) => `${m.module} (${m.error})`).join(', ')}`);
      continue;
    }
    return { python: r.executable || c.command, pythonPath: pythonPathFor(layout, r.soabi, existingPythonPath), probe: r, source: c.source };
  }
  return { tried };
}

export function isFailure(r: Resolved | Failure): r is Failure {
  return (r as Failure).tried !== undefined;
}

/** The message shown when no interpreter works: what was tried and how to fix it. */
export function failureMessage(f: Failure): string {
  const fix = 'Fix: install Python 3.10 or newer (e.g. `apt install python3`) or set "skaffold.server.pythonPath" '
    + 'to one; if a compiled module is missing, run `<python> -m pip install rpds-py regex pyyaml`, or set '
    + '"skaffold.server.command" to an installed `skaffold-ls`.';
  return `Skaffold: no usable Python found for the language server. Tried: ${f.tried.join('; ')}. ${fix}`;
}
