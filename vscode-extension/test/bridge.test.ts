import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Bridge, BridgeEvent, bridgeArgs, LineSplitter, parseEventLine, Tail } from '../src/bridge';

const FAKE = path.join(__dirname, '..', '..', 'test', 'fixtures', 'fake-bridge.js');

test('parseEventLine: JSON events, other lines become logs, blanks are dropped', () => {
  assert.deepEqual(parseEventLine('{"event":"exit","code":0}'), { event: 'exit', code: 0 });
  assert.deepEqual(parseEventLine('Listing files to watch...'), { event: 'log', stream: 'stdout', text: 'Listing files to watch...' });
  assert.deepEqual(parseEventLine('{not json'), { event: 'log', stream: 'stdout', text: '{not json' });
  assert.deepEqual(parseEventLine('{"no":"event"}'), { event: 'log', stream: 'stdout', text: '{"no":"event"}' });
  assert.equal(parseEventLine('   '), undefined);
});

test('LineSplitter joins chunks and flushes the rest at end', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push('a\r\nb');
  s.push('c\n');
  s.push('tail');
  s.end();
  assert.deepEqual(lines, ['a', 'bc', 'tail']);
});

test('Tail keeps the last lines', () => {
  const t = new Tail(3);
  for (const x of ['1', '2', '3', '4']) {
    t.add(x);
  }
  assert.deepEqual(t.last(), ['2', '3', '4']);
  assert.deepEqual(t.last(1), ['4']);
});

test('bridgeArgs', () => {
  assert.deepEqual(bridgeArgs(['-m', 'skaffold_ls'], '/w', { skaffoldPath: '/bin/sk', file: '/w/skaffold.yaml', profile: 'dev' }),
    ['-m', 'skaffold_ls', 'debug', '--json', '--workspace', '/w', '--skaffold', '/bin/sk', '--', '-f', '/w/skaffold.yaml', '-p', 'dev']);
  assert.deepEqual(bridgeArgs([], '/w', {}), ['debug', '--json', '--workspace', '/w', '--']);
});

function runFake(mode: string) {
  const events: BridgeEvent[] = [];
  let exit: [number | null, string | null] | undefined;
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => { onReady = r; });
  const b = new Bridge({ command: process.execPath, args: [FAKE, mode], cwd: __dirname, env: process.env }, {
    onEvent: (e) => {
      events.push(e);
      if (e.event === 'log' && e.text === 'READY-MARK') {
        onReady();
      }
    },
    onExit: (code, signal) => { exit = [code, signal]; },
  });
  b.start();
  return { b, events, ready, exit: () => exit };
}

test('Bridge: events in order, split lines joined, SIGINT stops it with exit 0', async () => {
  const f = runFake('events');
  await f.ready;
  assert.ok(f.b.running);
  const kinds = f.events.map((e) => e.event);
  assert.deepEqual(kinds, ['status', 'log', 'log', 'ready', 'log']);
  assert.equal((f.events[1] as { text: string }).text, 'Generating tags...');
  assert.equal((f.events[2] as { text: string }).text, 'plain text line');
  await f.b.stop(3000, 3000);
  assert.deepEqual(f.exit(), [0, null]);
  assert.equal(f.b.exitCode, 0);
  assert.ok(!f.b.running);
});

test('Bridge: a process that ignores SIGINT gets SIGTERM', async () => {
  const f = runFake('stubborn');
  await f.ready;
  const t0 = Date.now();
  await f.b.stop(300, 3000);
  assert.deepEqual(f.exit(), [null, 'SIGTERM']);
  assert.ok(Date.now() - t0 < 3000);
  assert.ok(f.events.some((e) => e.event === 'log' && e.text === 'ignoring SIGINT'));
});

test('Bridge: failure keeps the tail (stdout logs and stderr) and the exit code', async () => {
  const f = runFake('fail');
  await f.b.waitForExit();
  assert.equal(f.b.exitCode, 3);
  assert.deepEqual(f.b.tail.last(), ['build failed: exit status 1', 'Traceback: boom']);
  assert.deepEqual(f.b.errTail.last(), ['build failed: exit status 1', 'Traceback: boom']);
});

test('Bridge: a missing executable becomes an error event and an exit', async () => {
  const events: BridgeEvent[] = [];
  const b = new Bridge({ command: '/nonexistent/python3', args: [], cwd: __dirname, env: process.env },
    { onEvent: (e) => events.push(e), onExit: () => {} });
  b.start();
  await b.waitForExit();
  assert.equal(events[0].event, 'error');
  assert.match((events[0] as { message: string }).message, /ENOENT/);
});
