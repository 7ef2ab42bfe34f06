import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import {
  bundleLayout, cacheable, candidates, debugMissingMessage, failureMessage, isFailure, parseProbe, probe, probeCacheKey, ProbeResult,
  pythonPathFor, resolvePython, versionOk, which,
} from '../src/python';

const layout = bundleLayout('/ext');

function pr(over: Partial<ProbeResult>): ProbeResult {
  return { version: [3, 11, 2], executable: '/usr/bin/python3.11', tag: 'cp311', libyaml: true, missing: [], debugMissing: [], ...over };
}

test('parseProbe takes the last JSON line', () => {
  const r = parseProbe('warning: something\n{"version":[3,11,7],"executable":"/usr/bin/python3","tag":"cp311","libyaml":true,"missing":[],"debugMissing":[]}\n');
  assert.deepEqual(r.version, [3, 11, 7]);
  assert.equal(r.tag, 'cp311');
  assert.throws(() => parseProbe('Traceback ...'), /unexpected probe output/);
  // a Python 2 or 3.9 prints only its version: the lists default to empty
  assert.deepEqual(parseProbe('{"version":[2,7,18],"executable":"/usr/bin/python2"}').missing, []);
});

test('versionOk requires 3.10+', () => {
  assert.equal(versionOk([3, 9, 18]), false);
  assert.equal(versionOk([3, 10, 0]), true);
  assert.equal(versionOk([3, 13, 1]), true);
  assert.equal(versionOk([4, 0, 0]), true);
  assert.equal(versionOk([2, 7, 18]), false);
});

test('pythonPathFor: src, then the native dir of this interpreter (ahead of the pure libs) when bundled, then the user PYTHONPATH', () => {
  const native = path.join('/ext', 'bundled', 'native', 'cp311');
  const p = pythonPathFor(layout, 'cp311', '/mine', (x) => x === native);
  assert.deepEqual(p.split(path.delimiter), ['/ext/bundled/src', native, '/ext/bundled/libs', '/mine']);
  const q = pythonPathFor(layout, 'cp314', undefined, (x) => x === native);
  assert.deepEqual(q.split(path.delimiter), ['/ext/bundled/src', '/ext/bundled/libs']);
});

test('candidates: an explicit setting is the only candidate; else Python extension then python3 (and py/python on Windows)', () => {
  assert.deepEqual(candidates('/opt/py/bin/python', '/venv/bin/python').map((c) => c.command), ['/opt/py/bin/python']);
  assert.deepEqual(candidates(undefined, '/venv/bin/python', 'linux').map((c) => c.command), ['/venv/bin/python', 'python3']);
  assert.deepEqual(candidates('', undefined, 'win32').map((c) => c.command), ['python3', 'py', 'python']);
});

test('which: PATH lookup, paths as given, PATHEXT on Windows', () => {
  const files = new Set(['/usr/local/bin/python3', '/usr/bin/python3', 'c:\\py\\python.exe']);
  const isFile = (p: string) => files.has(p) || files.has(p.toLowerCase()); // Windows file names ignore case
  assert.equal(which('python3', { PATH: '/nope:/usr/local/bin:/usr/bin' }, 'linux', isFile), '/usr/local/bin/python3');
  assert.equal(which('python9', { PATH: '/usr/bin' }, 'linux', isFile), undefined);
  assert.equal(which('/usr/bin/python3', { PATH: '' }, 'linux', isFile), '/usr/bin/python3');
  assert.equal(which('/opt/none/python3', { PATH: '/usr/bin' }, 'linux', isFile), undefined);
  assert.equal(which('python', { Path: 'C:\\Tools;C:\\Py', PATHEXT: '.COM;.EXE' }, 'win32', isFile), 'C:\\Py\\python.EXE');
});

test('probe cache key: changes with the interpreter file and the bundle; only complete probes are cached', () => {
  const k = probeCacheKey('/venv/bin/python', '/usr/bin/python3.11', 1700000000000.4, 6000000, '0.1.0:/ext/bundled');
  assert.equal(k, probeCacheKey('/venv/bin/python', '/usr/bin/python3.11', 1700000000000, 6000000, '0.1.0:/ext/bundled'));
  for (const other of [
    probeCacheKey('/venv2/bin/python', '/usr/bin/python3.11', 1700000000000, 6000000, '0.1.0:/ext/bundled'), // another venv
    probeCacheKey('/venv/bin/python', '/usr/bin/python3.12', 1700000000000, 6000000, '0.1.0:/ext/bundled'), // repointed symlink
    probeCacheKey('/venv/bin/python', '/usr/bin/python3.11', 1800000000000, 6000000, '0.1.0:/ext/bundled'), // upgraded in place
    probeCacheKey('/venv/bin/python', '/usr/bin/python3.11', 1700000000000, 6000001, '0.1.0:/ext/bundled'),
    probeCacheKey('/venv/bin/python', '/usr/bin/python3.11', 1700000000000, 6000000, '0.2.0:/ext2/bundled'), // extension updated
  ]) {
    assert.notEqual(other, k);
  }
  assert.equal(cacheable(pr({})), true);
  assert.equal(cacheable(pr({ debugMissing: [{ module: 'regex', error: 'x' }] })), false); // the user may install it
  assert.equal(cacheable(pr({ version: [3, 9, 1] })), false);
});

function fake(results: Record<string, ProbeResult | Error>) {
  return async (cmd: string) => {
    const r = results[cmd];
    if (r instanceof Error) {
      throw r;
    }
    return r;
  };
}

test('resolvePython skips old, missing and broken interpreters and says why; regex only matters for debugging', async () => {
  const r = await resolvePython(
    [{ command: 'old', source: 'a' }, { command: 'gone', source: 'b' }, { command: 'nolibs', source: 'c' }, { command: 'python3', source: 'd' }],
    layout, '/ext/bundled', fake({
      old: pr({ version: [3, 8, 10], executable: 'old' }),
      gone: new Error('gone: not found'),
      nolibs: pr({ version: [3, 12, 0], executable: 'nolibs', missing: [{ module: 'pygls', error: 'not found' }] }),
      python3: pr({ version: [3, 14, 0], tag: 'cp314', libyaml: false, debugMissing: [{ module: 'regex', error: 'ModuleNotFoundError' }] }),
    }), undefined);
  assert.ok(!isFailure(r));
  if (!isFailure(r)) {
    assert.equal(r.python, '/usr/bin/python3.11');
    assert.equal(r.source, 'd');
    assert.deepEqual(r.pythonPath.split(path.delimiter), ['/ext/bundled/src', '/ext/bundled/libs']);
    const m = debugMissingMessage(r.probe) ?? '';
    assert.match(m, /regex/);
    assert.match(m, /-m pip install regex/);
    assert.match(m, /3\.10-3\.13/);
  }
  assert.equal(debugMissingMessage(pr({})), undefined);
  const f = await resolvePython([{ command: 'old', source: 'a' }, { command: 'gone', source: 'b' }], layout, '/ext/bundled',
    fake({ old: pr({ version: [3, 8, 10], executable: 'old' }), gone: new Error('gone: not found') }), undefined);
  assert.ok(isFailure(f));
  if (isFailure(f)) {
    const msg = failureMessage(f, 'linux');
    assert.match(msg, /3\.8\.10 is older than 3\.10/);
    assert.match(msg, /gone: not found/);
    assert.match(msg, /skaffold\.server\.pythonPath/);
    assert.match(msg, /apt install python3/);
    assert.doesNotMatch(msg, /pip install/); // nothing but Python itself to install
    assert.match(failureMessage(f, 'darwin'), /brew install python/);
    assert.match(failureMessage(f, 'win32'), /winget install Python/);
  }
});

/** A fake bundle: stub packages, `yaml` pure in libs and "with libyaml" in native/<tag>, regex only in native. */
function fakeBundle(tag: string | undefined): string {
  const b = fs.mkdtempSync(path.join(os.tmpdir(), 'skaffold-probe-'));
  const put = (rel: string, text = '') => {
    fs.mkdirSync(path.dirname(path.join(b, rel)), { recursive: true });
    fs.writeFileSync(path.join(b, rel), text);
  };
  put('src/skaffold_ls/__init__.py');
  for (const m of ['pygls', 'lsprotocol', 'cattrs', 'attrs', 'dockerfile_parse']) {
    put(`libs/${m}/__init__.py`);
  }
  put('libs/yaml/__init__.py', '__with_libyaml__ = False\n');
  if (tag) {
    put(`native/${tag}/yaml/__init__.py`, '__with_libyaml__ = True\n');
    put(`native/${tag}/regex/__init__.py`);
  }
  return b;
}

test('probe runs a real python3: the native dir of its tag shadows the pure libs', async (t) => {
  let bare: ProbeResult;
  try {
    bare = await probe('python3', '/nonexistent-bundle');
  } catch (e) {
    t.skip(`no python3: ${(e as Error).message}`);
    return;
  }
  assert.ok(bare.version[0] === 3);
  assert.ok(bare.executable.length > 0);
  assert.match(bare.tag, /^(cp|pypy)3\d+t?$/);
  // Whether this python3 has skaffold_ls installed (CI puts the project's venv first on PATH): the probe
  // must agree with a plain import either way.
  let installed = true;
  try {
    execFileSync('python3', ['-c', 'import skaffold_ls'], { env: { ...process.env, PYTHONPATH: '', PYTHONNOUSERSITE: '1' }, stdio: 'ignore' });
  } catch {
    installed = false;
  }
  assert.equal(bare.missing.some((m) => m.module === 'skaffold_ls'), !installed, JSON.stringify(bare.missing));
  await assert.rejects(probe('/nonexistent/python', '/x'), /not found/);

  const withNative = await probe('python3', fakeBundle(bare.tag));
  assert.deepEqual(withNative.missing, []);
  assert.equal(withNative.libyaml, true); // native/<tag>/yaml came first
  assert.deepEqual(withNative.debugMissing, []);
  const pure = await probe('python3', fakeBundle('cp27'));
  assert.deepEqual(pure.missing, []);
  assert.equal(pure.libyaml, false); // another interpreter's native dir is ignored
});

test('probe with the built bundle finds everything (after npm run package)', async (t) => {
  const bundled = path.join(__dirname, '..', '..', 'bundled');
  if (!fs.existsSync(path.join(bundled, 'src', 'skaffold_ls'))) {
    t.skip('bundled/ not built (npm run package)');
    return;
  }
  const r = await probe('python3', bundled);
  assert.deepEqual(r.missing, []);
  if (fs.existsSync(path.join(bundled, 'native', r.tag))) {
    assert.equal(r.libyaml, true);
    assert.deepEqual(r.debugMissing, []);
  }
});
