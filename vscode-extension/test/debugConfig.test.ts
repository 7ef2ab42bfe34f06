import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadyEvent } from '../src/bridge';
import { adapterEndpoint, chooseDebugConfig, errorAction, errorLines, errorWithTail, phaseText } from '../src/debugConfig';

function ready(runtime: string, configuration: Record<string, unknown>): ReadyEvent {
  return { event: 'ready', name: 'app', configuration, pod: 'app-1', container: 'app', namespace: 'default', runtime, localPort: 56268, launchJson: '/w/.vscode/launch.json' };
}
const goCfg = { name: 'Skaffold: app (go)', type: 'go', request: 'attach', mode: 'remote', debugAdapter: 'dlv-dap', host: 'localhost', port: 56268,
  substitutePath: [{ from: '${workspaceFolder}', to: '/go' }] };
const pyCfg = { name: 'Skaffold: py', type: 'debugpy', request: 'attach', connect: { host: '127.0.0.1', port: 5678 },
  pathMappings: [{ localRoot: '${workspaceFolder}', remoteRoot: '/app' }], justMyCode: false };

test('go → our skaffold type with host/port, mapping untouched', () => {
  const c = chooseDebugConfig(ready('go', goCfg), false, () => true, 'run1').config!;
  assert.equal(c.type, 'skaffold');
  assert.equal(c.request, 'attach');
  assert.equal(c.mode, 'remote');
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 56268);
  assert.deepEqual(c.substitutePath, goCfg.substitutePath);
  assert.equal(c.debugAdapter, undefined);
  assert.equal(c.name, 'Skaffold: app (go)');
  assert.equal(c.__skaffoldRun, 'run1');
  assert.equal(c.__skaffoldName, 'app');
});

test('python → skaffold type with top-level host/port and pathMappings', () => {
  const c = chooseDebugConfig(ready('python', pyCfg), false, () => false, 'r').config!;
  assert.equal(c.type, 'skaffold');
  assert.equal(c.port, 5678);
  assert.equal(c.connect, undefined);
  assert.deepEqual(c.pathMappings, pyCfg.pathMappings);
});

test('useLanguageExtensions: the extension type when installed, ours when not', () => {
  assert.equal(chooseDebugConfig(ready('go', goCfg), true, (id) => id === 'golang.go', 'r').config!.type, 'go');
  assert.equal(chooseDebugConfig(ready('go', goCfg), true, () => false, 'r').config!.type, 'skaffold');
  const py = chooseDebugConfig(ready('python', pyCfg), true, (id) => id === 'ms-python.debugpy', 'r').config!;
  assert.equal(py.type, 'debugpy');
  assert.deepEqual(py.connect, pyCfg.connect);
});

test('node → built-in node type; jvm without the Java extension → a problem naming it', () => {
  const n = chooseDebugConfig(ready('nodejs', { name: 'n', type: 'node', request: 'attach', port: 9229, localRoot: '${workspaceFolder}', remoteRoot: '/app' }), false, () => false, 'r').config!;
  assert.equal(n.type, 'node');
  assert.equal(n.port, 9229);
  assert.equal(n.address, '127.0.0.1');
  const j = chooseDebugConfig(ready('jvm', { name: 'j', type: 'java', request: 'attach', port: 5005 }), false, () => false, 'r');
  assert.equal(j.config, undefined);
  assert.match(j.problem!, /vscjava\.vscode-java-debug/);
  assert.equal(chooseDebugConfig(ready('jvm', { name: 'j', type: 'java', request: 'attach', port: 5005 }), false, () => true, 'r').config!.type, 'java');
});

test('adapterEndpoint', () => {
  assert.deepEqual(adapterEndpoint({ port: 1234 }), { host: '127.0.0.1', port: 1234 });
  assert.deepEqual(adapterEndpoint({ connect: { host: 'localhost', port: 5678 } }), { host: '127.0.0.1', port: 5678 });
  assert.equal(adapterEndpoint({}), undefined);
  assert.equal(adapterEndpoint({ port: 70000 }), undefined);
});

test('messages', () => {
  assert.equal(phaseText('waiting', undefined), 'waiting for debuggable containers');
  assert.equal(phaseText('build', 'app'), 'building: app');
  assert.equal(errorWithTail('failed', ['', 'a', 'b ']), 'failed — last output: a ⏎ b');
  assert.equal(errorWithTail('failed', []), 'failed');
  assert.equal(errorAction('exec: "skaffold": executable file not found in $PATH').action, 'settings');
  // an output line mentioning "skaffold-example: Not found. Building" is not a missing skaffold
  assert.equal(errorAction('skaffold exited with status 1', [' - skaffold-example: Not found. Building', 'build [skaffold-example] failed: exit status 1']).action, 'output');
  assert.match(errorAction('skaffold exited with status 1', ['build [x] failed: exit status 1']).hint!, /build failed/);
  assert.equal(errorAction('skaffold not found on PATH').action, 'settings');
  assert.equal(errorAction('--skaffold /nonexistent/skaffold: not an executable file').action, 'settings');
  assert.match(errorAction('skaffold exited with status 1', ['error: kubeconfig: no current-context']).hint!, /cluster/);
  assert.equal(errorAction('something').action, 'output');
});

test('errorLines: context lines then the error stream, even when stderr arrived early', () => {
  const all = ['build [app] failed: exit status 1', 'Listing files...', 'Building [app]...', 'Deploying', 'Press Ctrl+C to exit'];
  assert.deepEqual(errorLines(all, ['build [app] failed: exit status 1']),
    ['Building [app]...', 'Deploying', 'Press Ctrl+C to exit', 'build [app] failed: exit status 1']);
  assert.deepEqual(errorLines(['a', 'boom'], ['boom']), ['a', 'boom']);
  assert.deepEqual(errorLines(['', 'x'], []), ['x']);
});
