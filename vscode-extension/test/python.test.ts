import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { bundleLayout, candidates, failureMessage, isFailure, parseProbe, probe, ProbeResult, pythonPathFor, resolvePython, versionOk } from '../src/python';

const layout = bundleLayout('/ext');

test('parseProbe takes the last JSON line', () => {
  const r = parseProbe('warning: something\n{"version":[3,11,7],"executable":"/usr/bin/python3","soabi":"cpython-311-x86_64-linux-gnu","missing":[]}\n');
  assert.deepEqual(r.version, [3, 11, 7]);
  assert.equal(r.soabi, 'cpython-311-x86_64-linux-gnu');
  assert.throws(() => parseProbe('Traceback ...'), /unexpected probe output/);
});

test('versionOk requires 3.10+', () => {
  assert.equal(versionOk([3, 9, 18]), false);
  assert.equal(versionOk([3, 10, 0]), true);
  assert.equal(versionOk([3, 13, 1]), true);
  assert.equal(versionOk([4, 0, 0]), true);
  assert.equal(versionOk([2, 7, 18]), false);
});

test('pythonPathFor: src, libs, native dir only when it exists for that SOABI, then the user PYTHONPATH', () => {
  const native = path.join('/ext', 'bundled', 'native', 'cpython-311-x86_64-linux-gnu');
  const p = pythonPathFor(layout, 'cpython-311-x86_64-linux-gnu', '/mine', (x) => x === native);
  assert.deepEqual(p.split(path.delimiter), ['/ext/bundled/src', '/ext/bundled/libs', native, '/mine']);
  const q = pythonPathFor(layout, 'cpython-312-x86_64-linux-gnu', undefined, (x) => x === native);
  assert.deepEqual(q.split(path.delimiter), ['/ext/bundled/src', '/ext/bundled/libs']);
});

test('candidates: an explicit setting is the only candidate; else Python extension then python3', () => {
  assert.deepEqual(candidates('/opt/py/bin/python', '/venv/bin/python').map((c) => c.command), ['/opt/py/bin/python']);
  assert.deepEqual(candidates(undefined, '/venv/bin/python').map((c) => c.command).slice(0, 2), ['/venv/bin/python', 'python3']);
  assert.deepEqual(candidates('', undefined).map((c) => c.command)[0], 'python3');
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

test('resolvePython skips old, missing and broken interpreters and says why', async () => {
  const ok: ProbeResult = { version: [3, 11, 2], executable: '/usr/bin/python3.11', soabi: 'x', missing: [] };
  const r = await resolvePython(
    [{ command: 'old', source: 'a' }, { command: 'gone', source: 'b' }, { command: 'nolibs', source: 'c' }, { command: 'python3', source: 'd' }],
    layout, '/ext/bundled', fake({
      old: { version: [3, 8, 10], executable: 'old', soabi: '', missing: [] },
      gone: new Error('gone: not found'),
      nolibs: { version: [3, 12, 0], executable: 'nolibs', soabi: '', missing: [{ module: 'rpds', error: 'ModuleNotFoundError' }] },
      python3: ok,
    }), undefined);
  assert.ok(!isFailure(r));
  if (!isFailure(r)) {
    assert.equal(r.python, '/usr/bin/python3.11');
    assert.equal(r.source, 'd');
  }
  const f = await resolvePython([{ command: 'old', source: 'a' }, { command: 'gone', source: 'b' }], layout, '/ext/bundled',
    fake({ old: { version: [3, 8, 10], executable: 'old', soabi: '', missing: [] }, gone: new Error('gone: not found') }), undefined);
  assert.ok(isFailure(f));
  if (isFailure(f)) {
    const msg = failureMessage(f);
    assert.match(msg, /3\.8\.10 is older than 3\.10/);
    assert.match(msg, /gone: not found/);
    assert.match(msg, /skaffold\.server\.pythonPath/);
  }
});

test('probe runs a real python3 and reports a missing bundle module', async (t) => {
  let r: ProbeResult;
  try {
    r = await probe('python3', '/nonexistent-bundle');
  } catch (e) {
    t.skip(`no python3: ${(e as Error).message}`);
    return;
  }
  assert.ok(r.version[0] === 3);
  assert.ok(r.executable.length > 0);
  await assert.rejects(probe('/nonexistent/python', '/x'), /not found/);
});

test('probe with the built bundle imports everything (after npm run package)', async (t) => {
  const bundled = path.join(__dirname, '..', '..', 'bundled');
  if (!fs.existsSync(path.join(bundled, 'src', 'skaffold_ls'))) {
    t.skip('bundled/ not built (npm run bundle-python)');
    return;
  }
  const r = await probe('python3', bundled);
  assert.deepEqual(r.missing, []);
});
