// Finding a Python that can run the bundled server. No `vscode` import: unit-tested with node:test.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MIN_PYTHON: [number, number] = [3, 10];

/** Pure-Python modules `serve` needs; the probe only checks that they are there (no import: fast). */
export const SERVER_MODULES = ['skaffold_ls', 'pygls', 'lsprotocol', 'cattrs', 'attrs', 'dockerfile_parse'];

/**
 * Where the VSIX keeps the Python side (see scripts/bundle_python.py):
 *   bundled/src            skaffold_ls (+ skaffold_ls/schemas)
 *   bundled/libs           pure-Python dependencies, PyYAML without libyaml included (any Python >= 3.10)
 *   bundled/native/<tag>   per-platform VSIX only: PyYAML with libyaml and regex, compiled for one
 *                          Python (<tag> = cp310 ... cp313); ahead of libs on PYTHONPATH
 */
export interface BundleLayout {
  src: string;
  libs: string;
  native: string;
}

export function bundleLayout(extensionRoot: string): BundleLayout {
  const b = path.join(extensionRoot, 'bundled');
  return { src: path.join(b, 'src'), libs: path.join(b, 'libs'), native: path.join(b, 'native') };
}

/**
 * Runs in the candidate interpreter: `python -c PROBE_SCRIPT <bundled dir>`; prints one JSON line.
 * Puts the bundle on sys.path exactly as `pythonPathFor` does. It imports only what can differ
 * between interpreters: PyYAML (is libyaml usable?) and regex (the debug bridge's launch.json
 * editing needs it, through json-five); the pure-Python rest is only looked up. A Python 2 or
 * < 3.10 gets as far as printing its version.
 */
export const PROBE_SCRIPT = [
  'import sys, json, os',
  'v = sys.version_info',
  'impl = getattr(getattr(sys, "implementation", None), "name", "cpython")',
  'out = {"version": list(v[:3]), "executable": sys.executable, "tag": "", "libyaml": False, "missing": [], "debugMissing": []}',
  'if v >= (3, 10):',
  '    import importlib.util, sysconfig',
  '    out["tag"] = ("cp" if impl == "cpython" else impl) + "%d%d" % v[:2] + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")',
  '    b = sys.argv[1] if len(sys.argv) > 1 else ""',
  '    if b:',
  '        for p in reversed([os.path.join(b, "src"), os.path.join(b, "native", out["tag"]), os.path.join(b, "libs")]):',
  '            if os.path.isdir(p): sys.path.insert(0, p)',
  `    for m in ${JSON.stringify(SERVER_MODULES)}:`,
  '        if importlib.util.find_spec(m) is None: out["missing"].append({"module": m, "error": "not found"})',
  '    try:',
  '        import yaml',
  '        out["libyaml"] = bool(getattr(yaml, "__with_libyaml__", False))',
  '    except Exception as e: out["missing"].append({"module": "yaml", "error": type(e).__name__ + ": " + str(e)})',
  '    try: import regex',
  '    except Exception as e: out["debugMissing"].append({"module": "regex", "error": type(e).__name__ + ": " + str(e)})',
  'print(json.dumps(out))',
].join('\n');

export interface ProbeResult {
  version: [number, number, number];
  executable: string;
  /** cp311, cp313t, pypy310...: the bundle's native/<tag> folder for this interpreter. */
  tag: string;
  /** PyYAML's libyaml parser loads (4x faster diagnostics on big files). */
  libyaml: boolean;
  /** Needed by the server: without them it cannot start. */
  missing: { module: string; error: string }[];
  /** Needed only by the debug bridge (`regex`, for json-five). */
  debugMissing: { module: string; error: string }[];
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
  r.missing ??= [];
  r.debugMissing ??= [];
  return r;
}

export function versionOk(v: number[]): boolean {
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

/** PYTHONPATH for the bundled server: src, the compiled libs for this interpreter if bundled, pure libs, the user's. */
export function pythonPathFor(layout: BundleLayout, tag: string, existing: string | undefined,
  exists: (p: string) => boolean = fs.existsSync): string {
  const parts = [layout.src];
  const native = path.join(layout.native, tag);
  if (tag && exists(native)) {
    parts.push(native);
  }
  parts.push(layout.libs);
  if (existing) {
    parts.push(existing);
  }
  return parts.join(path.delimiter);
}

export interface Candidate {
  command: string;
  source: string; // for messages: "setting skaffold.server.pythonPath", "the Python extension's interpreter", "python3 on PATH"
}

/** Order: explicit setting, the Python extension's interpreter, then python3 on PATH. */
export function candidates(settingPath: string | undefined, pythonExtPath: string | undefined,
  platform: NodeJS.Platform = process.platform): Candidate[] {
  const out: Candidate[] = [];
  if (settingPath) {
    out.push({ command: settingPath, source: 'setting skaffold.server.pythonPath' });
    return out; // an explicit setting is never silently replaced by something else
  }
  if (pythonExtPath) {
    out.push({ command: pythonExtPath, source: 'the Python extension\'s interpreter' });
  }
  out.push({ command: 'python3', source: 'python3 on PATH' });
  if (platform === 'win32') {
    out.push({ command: 'py', source: 'the Python launcher (py) on PATH' });
    out.push({ command: 'python', source: 'python on PATH' });
  }
  return out;
}

/** The executable `command` names: itself if it contains a path separator, else the first match on PATH. */
export function which(command: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform,
  isFile: (p: string) => boolean = (p) => { try { return fs.statSync(p).isFile(); } catch { return false; } }): string | undefined {
  const win = platform === 'win32';
  const P = win ? path.win32 : path.posix;
  const exts = win ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const hasSep = command.includes('/') || (win && command.includes('\\'));
  const dirs = hasSep ? [''] : (env.PATH ?? env.Path ?? '').split(win ? ';' : ':').filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const p = dir ? P.join(dir, command + ext) : command + ext;
      if (isFile(p)) {
        return hasSep ? p : P.resolve(p);
      }
    }
  }
  return undefined;
}

/**
 * Key of a cached probe: the interpreter file (as named and as resolved through symlinks), its
 * mtime and size, and the bundle (extension version + folder). Replacing or upgrading the
 * interpreter, or updating the extension, changes the key.
 */
export function probeCacheKey(executable: string, realPath: string, mtimeMs: number, size: number, bundleId: string): string {
  return JSON.stringify([executable, realPath, Math.round(mtimeMs), size, bundleId]);
}

/** Only a probe that found everything is cached: a failed one is cheap to repeat and the user may be fixing it. */
export function cacheable(r: ProbeResult): boolean {
  return versionOk(r.version) && r.missing.length === 0 && r.debugMissing.length === 0;
}

export function probe(command: string, bundledDir: string, timeoutMs = 15000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', PROBE_SCRIPT, bundledDir], { timeout: timeoutMs, env: { ...process.env, PYTHONPATH: '', PYTHONNOUSERSITE: '1' } },
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

/** Try candidates in order; the first >= 3.10 that has what the server needs wins. */
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
    return { python: r.executable || c.command, pythonPath: pythonPathFor(layout, r.tag, existingPythonPath), probe: r, source: c.source };
  }
  return { tried };
}

export function isFailure(r: Resolved | Failure): r is Failure {
  return (r as Failure).tried !== undefined;
}

/** What to install, in one sentence, for this platform. */
export function installHint(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'win32':
      return 'Install Python 3.10 or newer from python.org or with `winget install Python.Python.3.13`';
    case 'darwin':
      return 'Install Python 3.10 or newer with `brew install python` or from python.org';
    default:
      return 'Install Python 3.10 or newer with your package manager (`sudo apt install python3`, `sudo dnf install python3`)';
  }
}

/** The one message shown when no interpreter works: what to install, then what was tried. */
export function failureMessage(f: Failure, platform: NodeJS.Platform = process.platform): string {
  return `Skaffold: no usable Python found for the language server. ${installHint(platform)}, `
    + 'or set "skaffold.server.pythonPath" to one; nothing else is needed (the server and its '
    + `dependencies are in the extension). Tried: ${f.tried.join('; ')}.`;
}

/**
 * The debug bridge edits launch.json with json-five, which needs the compiled `regex` module.
 * The per-platform VSIX bundles it for CPython 3.10-3.13; another interpreter (3.14, free-threaded,
 * PyPy, musl) must have it installed. Undefined when nothing is missing.
 */
export function debugMissingMessage(r: ProbeResult): string | undefined {
  if (!r.debugMissing.length) {
    return undefined;
  }
  const mods = r.debugMissing.map((m) => m.module).join(' ');
  return `Skaffold: Debug on Kubernetes needs the Python module ${mods}, which this extension does not bundle for `
    + `${r.executable} (Python ${r.version.join('.')}, ${r.tag}). Install it there (\`${r.executable} -m pip install ${mods}\`, `
    + 'in a virtual environment if pip refuses), or set "skaffold.server.pythonPath" to CPython 3.10-3.13.';
}
