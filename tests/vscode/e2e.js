// Drives code-server (real VS Code 1.100 in the browser) in headless Chromium for one check.
// usage: node e2e.js '<json spec>'   spec: {mode: problems|completion|debug, url, out, ...}
// Prints one line `RESULT {"ok":bool,...}`; exit code 0 when ok.
// Selectors as proven in ../shared/research/feasibility.md §5e/5f.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { chromium } = require('playwright-core');

const spec = JSON.parse(process.argv[2]);
const T = (ms) => ms * (Number(process.env.E2E_TIME_SCALE) || 1);
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const t0 = Date.now();
let tNavigate = t0;

let stage = 'start';
function at(s) {
  stage = s;
  log(s);
}

async function palette(page, text, rowText) {
  for (let attempt = 1; ; attempt++) {
    at(`palette: ${text}`);
    try {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input').first();
      await input.waitFor({ timeout: T(10000) });
      // type into the palette itself (never into the editor if focus is late); '>' = commands
      await page.waitForFunction(() => !!document.activeElement?.closest('.quick-input-widget'), null, { timeout: T(10000) });
      await input.fill(`>${text}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText || text.replace(/^>/, '') }).first();
      await row.waitFor({ timeout: T(10000) });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt >= 3) {
        throw e;
      }
      const shot = spec.out.replace(/\.png$/, `-palette-retry${attempt}.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
      const value = await page.locator('.quick-input-widget input').first().inputValue().catch(() => '?');
      log(`palette attempt ${attempt} failed: ${e.message.split('\n')[0]}; input=${JSON.stringify(value)} rows=${JSON.stringify(rows.slice(0, 5))}; see ${shot}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(T(1000));
    }
  }
}

/** Opens a file from the explorer (as a user does in a fresh window); returns when it was clicked. */
async function openFile(page, name) {
  at(`open ${name}`);
  const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await item.waitFor({ timeout: T(30000) });
  const clicked = Date.now();
  await item.click();
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: T(30000) });
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: T(30000) });
  return clicked;
}

/** Opens a file anywhere in the workspace through Quick Open (Ctrl+P). */
async function quickOpen(page, name) {
  at(`quick open ${name}`);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ timeout: T(10000) });
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: T(15000) });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: T(15000) });
}

/** Lines of the extension's log files (code-server's user-data logs) containing `needle`. */
function logLines(dir, needle) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (/Skaffold.*\.log$/.test(e.name)) {
        out.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.includes(needle)));
      }
    }
  };
  walk(dir);
  return out;
}

async function goTo(page, line, col) {
  at(`go to ${line}:${col}`);
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { timeout: T(10000) });
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T(5000) }).catch(() => {});
  // "Debug: Toggle Breakpoint" and Ctrl+Space need the editor focused again
  const focused = page.locator('.monaco-editor.focused').first();
  if (!(await focused.waitFor({ timeout: T(3000) }).then(() => true).catch(() => false))) {
    log('editor not focused after go-to-line: clicking into it');
    await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
    await goTo(page, line, col);
  }
}

function httpGet(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('timeout', () => { req.destroy(); resolve('timeout'); });
    req.on('error', (e) => resolve(e.code || String(e)));
  });
}

// A fresh window: open the skaffold file from the explorer, time until its first diagnostic is
// drawn (the error squiggle), then read the Problems panel. With spec.others: also open those
// YAML files (not skaffold's), wait until the LSP trace shows their didOpen (they reached the
// server), and read the Problems panel again.
async function problems(page) {
  const clicked = await openFile(page, spec.file || 'skaffold.yaml');
  at('wait for the first diagnostic (error squiggle) in the editor');
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: T(60000) });
  const shown = Date.now();
  const timing = { openToDiagnosticMs: shown - clicked, loadToDiagnosticMs: shown - tNavigate, loadToOpenMs: clicked - tNavigate,
    clickedAt: new Date(clicked).toISOString(), shownAt: new Date(shown).toISOString() };
  log('first diagnostic:', JSON.stringify(timing));
  await page.keyboard.press('Control+Shift+M');
  at(`wait for a Problems row with ${spec.expect}`);
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: spec.expect });
  await row.first().waitFor({ timeout: T(60000) });
  const text = (await row.first().innerText()).replace(/\s+/g, ' ');
  log('problems row:', text);
  const rowsNow = async () => (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
  const rows = await rowsNow();
  const result = { row: text, rows, timing };
  if (spec.others) {
    // with "skaffold.trace.server": "messages" the client logs each notification it sends
    const didOpens = () => logLines(spec.logsDir, "Sending notification 'textDocument/didOpen'").length;
    for (const other of spec.others) {
      const before = didOpens();
      await quickOpen(page, other.split('/').pop());
      at(`wait for the trace to show ${other} reaching the server`);
      const deadline = Date.now() + T(20000);
      while (didOpens() <= before) {
        if (Date.now() > deadline) {
          throw new Error(`${other} never reached the server (${before} didOpen in the trace, no new one)`);
        }
        await page.waitForTimeout(300);
      }
    }
    await page.waitForTimeout(T(3000)); // diagnostics, if the server sent any, are drawn by now
    await page.keyboard.press('Control+Shift+M');
    result.rowsAfterOthers = await rowsNow();
    result.squigglesInOthers = await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').count();
  }
  return result;
}

async function completion(page) {
  await openFile(page, spec.file || 'skaffold.yaml');
  // wait until our server answered something for this file (diagnostics arrive with the first analysis)
  await page.waitForTimeout(T(1500));
  await goTo(page, spec.line, spec.col);
  let labels = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.keyboard.press('Control+Space');
    const widget = page.locator('.editor-widget.suggest-widget.visible');
    try {
      await widget.waitFor({ timeout: T(8000) });
      await page.locator('.suggest-widget .monaco-list-row').first().waitFor({ timeout: T(8000) });
      labels = (await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts()).map((s) => s.trim());
    } catch (e) {
      log('no suggest widget yet:', e.message.split('\n')[0]);
    }
    log('suggestions:', JSON.stringify(labels));
    if (labels.includes(spec.expect)) {
      break;
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(T(2000));
  }
  if (!labels.includes(spec.expect)) {
    throw new Error(`completion list lacks ${spec.expect}: ${JSON.stringify(labels)}`);
  }
  // highlight the entry for the screenshot
  const row = page.locator('.suggest-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${spec.expect}$`) }) }).first();
  await row.hover().catch(() => {});
  return { labels };
}

async function debug(page) {
  await openFile(page, spec.file);
  await goTo(page, spec.line, 1);
  const glyph = '.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified';
  // click the gutter (glyph margin) left of the line, as a user does. VS Code accepts breakpoints
  // in a language only once it has read the debugger contributions, which can lag the first
  // seconds after start: retry, then fall back to the palette.
  at('click the gutter of the breakpoint line');
  const target = page.locator('.monaco-editor .view-line', { hasText: spec.lineText }).first();
  let set = false;
  for (let attempt = 0; attempt < 10 && !set; attempt++) {
    const lineBox = await target.boundingBox();
    const marginBox = await page.locator('.monaco-editor .margin .glyph-margin').first().boundingBox()
      ?? await page.locator('.monaco-editor .margin').first().boundingBox();
    if (lineBox && marginBox) {
      const x = marginBox.x + Math.min(8, marginBox.width / 2);
      const y = lineBox.y + lineBox.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.click(x, y);
    }
    set = await page.waitForSelector(glyph, { timeout: T(1500) }).then(() => true).catch(() => false);
  }
  if (!set) {
    await palette(page, 'Debug: Toggle Breakpoint');
    at('wait for the breakpoint glyph');
    await page.waitForSelector(glyph, { timeout: T(10000) });
  }
  log('breakpoint set on', spec.file, spec.line);
  await palette(page, 'Skaffold: Debug on Kubernetes');
  at('wait for the debug toolbar (bridge → ready → session)');
  await page.waitForSelector('.debug-toolbar', { timeout: T(120000) });
  log('debug toolbar visible');
  at('trigger the app and wait until paused');
  const paused = page.locator('.codicon-debug-stackframe');
  const deadline = Date.now() + T(60000);
  let lastGet;
  while (Date.now() < deadline) {
    // the app only reaches the breakpoint when it serves a request; the request then stays pending
    if (spec.trigger) {
      httpGet(spec.trigger, 3000).then((r) => { lastGet = r; });
    }
    try {
      await paused.first().waitFor({ timeout: T(4000) });
      break;
    } catch {
      log('not paused yet; last GET:', lastGet);
    }
  }
  await paused.first().waitFor({ timeout: 1000 });
  await page.waitForTimeout(T(1000));
  const frames = (await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  log('call stack:', JSON.stringify(frames.slice(0, 10)));
  // goroutine/thread rows ("[Go 18] main.handler ... PAUSED ON BREAKPOINT") and frame rows ("main.handler main.go 11:1")
  const top = frames.find((f) => f.includes(spec.expectFunction) && f.includes(spec.file))
    || frames.find((f) => f.includes(spec.expectFunction));
  if (!top) {
    throw new Error(`call stack lacks ${spec.expectFunction}: ${JSON.stringify(frames.slice(0, 8))}`);
  }
  const tab = await page.locator('.tabs-container .tab.active').first().innerText().catch(() => '');
  await page.mouse.move(900, 450); // no hover tooltips in the screenshot
  await page.waitForTimeout(300);
  await page.screenshot({ path: spec.out });
  if (spec.stopWith === 'toolbar') {
    // the user ends the debug session: the extension stops the bridge, which stops skaffold
    at('click Disconnect on the debug toolbar');
    await page.locator('.debug-toolbar .codicon-debug-disconnect, .debug-toolbar .codicon-debug-stop').first().click();
  } else {
    // "Skaffold: Stop" ends the sessions and the bridge (which stops skaffold and its containers)
    await palette(page, 'Skaffold: Stop');
  }
  at('wait for the debug toolbar to go away');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: T(30000) });
  at('wait for the status bar to show Skaffold idle');
  const idle = page.locator('.statusbar-item', { hasText: /^\s*Skaffold\s*$/ }).first();
  await idle.waitFor({ timeout: T(30000) }).catch(() => {});
  // our item: "$(debug-alt) Skaffold" when idle, "$(sync~spin) Skaffold: …" / "$(debug) Skaffold: n debuggable" when running
  const items = (await page.locator('.statusbar-item').allInnerTexts()).map((t) => t.trim()).filter((t) => /^Skaffold\b/.test(t));
  const status = items.join(' | ');
  log('after stop, status bar:', status);
  spec.out = spec.outStopped || spec.out;
  return { frames: frames.slice(0, 10), top, activeTab: tab.trim(), statusAfterStop: status.trim() };
}

// The Python extension (a stand-in) switches its interpreter: the language server restarts with it.
async function interpreter(page) {
  await openFile(page, spec.file);
  at('wait for the first diagnostic');
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: T(60000) });
  const waitLog = async (needle, what) => {
    at(`wait for the log to say ${what}`);
    const deadline = Date.now() + T(30000);
    for (;;) {
      const lines = logLines(spec.logsDir, needle);
      if (lines.length) {
        return lines;
      }
      if (Date.now() > deadline) {
        throw new Error(`the log never said ${what} (${needle})`);
      }
      await page.waitForTimeout(300);
    }
  };
  const first = await waitLog(`starting: ${spec.first} `, 'the server started with the first interpreter');
  await palette(page, 'Fake Python: Use Next Interpreter');
  const restarted = await waitLog('restarting the language server: the Python interpreter changed', 'it restarts');
  const second = await waitLog(`starting: ${spec.second} `, 'the server started with the second interpreter');
  // the restarted server publishes the diagnostic again
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: spec.expect });
  await row.first().waitFor({ timeout: T(30000) });
  const rowText = (await row.first().innerText()).replace(/\s+/g, ' ');
  const starts = logLines(spec.logsDir, 'starting: ');
  // back to the first one: its probe result comes from the cache file, no Python run
  await palette(page, 'Fake Python: Use Next Interpreter');
  const cached = await waitLog(`probe of ${spec.first}: cached`, 'the first interpreter\'s probe came from the cache');
  for (const deadline = Date.now() + T(30000); logLines(spec.logsDir, 'starting: ').length < 3 && Date.now() < deadline;) {
    await page.waitForTimeout(300); // the third start, before the window goes away
  }
  return { first: first[0], restarted: restarted[0], second: second[0], starts, cached: cached[0], row: rowText };
}

function toast(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

async function clickButton(page, toastText, label) {
  const b = toast(page, toastText).locator('.monaco-button', { hasText: label }).first();
  await b.waitFor({ timeout: T(10000) });
  await b.click();
}

// A workspace setting naming an executable asks first; "Allow" → the bad Python is explained with a fix.
async function consent(page) {
  at('wait for the consent prompt');
  const prompt = toast(page, 'Allow the Skaffold extension to run it?');
  await prompt.waitFor({ timeout: T(60000) });
  const promptText = (await prompt.innerText()).replace(/\s+/g, ' ');
  log('prompt:', promptText);
  await clickButton(page, 'Allow the Skaffold extension to run it?', spec.answer);
  at('wait for the Python error');
  const err = toast(page, 'no usable Python');
  await err.waitFor({ timeout: T(30000) });
  const errText = (await err.innerText()).replace(/\s+/g, ' ');
  log('error:', errText);
  const buttons = await err.locator('.monaco-button').allInnerTexts();
  // commands are registered even though the server could not start
  await palette(page, 'Skaffold: Restart Language Server');
  await page.waitForTimeout(T(2000));
  return { prompt: promptText, error: errText, buttons };
}

// skaffold fails: the error names it, shows the last output lines, and "Show Output" opens the log.
async function debugError(page) {
  await openFile(page, 'skaffold.yaml');
  await palette(page, 'Skaffold: Debug on Kubernetes');
  at('wait for the error notification');
  const err = toast(page, spec.expect);
  await err.waitFor({ timeout: T(60000) });
  const errText = (await err.innerText()).replace(/\s+/g, ' ');
  log('error:', errText);
  const buttons = await err.locator('.monaco-button').allInnerTexts();
  if (spec.outToast) {
    await page.screenshot({ path: spec.outToast });
  }
  await clickButton(page, spec.expect, 'Show Output');
  at('wait for the Skaffold Debug output');
  const out = page.locator('.panel .monaco-editor .view-lines', { hasText: spec.expectOutput }).first();
  await out.waitFor({ timeout: T(15000) });
  const outText = await out.innerText();
  await page.waitForTimeout(T(500));
  return { error: errText, buttons, output: outText.split('\n').slice(-12) };
}

async function pickRows(page, mustContain, shot) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: mustContain }).first();
  await row.waitFor({ timeout: T(15000) });
  if (shot) {
    await page.screenshot({ path: shot });
  }
  return (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

async function pick(page, text) {
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().click();
}

// Two skaffold files and profiles: the pickers, then the same choices offered first next time.
async function pickers(page) {
  await openFile(page, spec.file);
  await palette(page, 'Skaffold: Debug on Kubernetes');
  at('file picker (first run)');
  const files1 = await pickRows(page, spec.otherFile);
  await pick(page, spec.file);
  at('profile picker (first run)');
  const profiles1 = await pickRows(page, spec.profile);
  await pick(page, spec.profile); // the only row containing it: (no profile) / dev / ci
  at('wait for the run to end');
  await toast(page, 'exited with status').waitFor({ timeout: T(60000) });
  await page.screenshot({ path: spec.out.replace(/\.png$/, '-first.png') });
  await palette(page, 'Skaffold: Debug on Kubernetes');
  at('file picker (second run)');
  const files2 = await pickRows(page, spec.otherFile);
  await pick(page, spec.file);
  at('profile picker (second run)');
  const profiles2 = await pickRows(page, spec.profile, spec.out);
  await page.keyboard.press('Escape');
  spec.out = spec.out.replace(/\.png$/, '-end.png');
  return { files1, profiles1, files2, profiles2 };
}

/** The text of the active editor, as drawn (enough lines for the assertions). */
async function activeEditorText(page) {
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

// Profiles: the code lens above each says when it activates; clicking one shows the effective
// configuration with that profile, and the palette command asks for the profiles first.
async function effective(page) {
  await openFile(page, spec.file);
  at('wait for the profiles\' code lenses');
  const lens = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration');
  await lens.filter({ hasText: spec.lastLens }).first().waitFor({ timeout: T(30000) });
  const lenses = (await lens.allInnerTexts()).map((t) => t.trim());
  at(`click the lens "${spec.clickLens}"`);
  await lens.locator('a', { hasText: spec.clickLens }).first().click();
  const tabOf = (text) => page.locator('.tabs-container .tab', { hasText: text }).first();
  await tabOf(`-p ${spec.lensProfile}`).waitFor({ timeout: T(30000) });
  await page.waitForTimeout(T(500));
  const lensText = await activeEditorText(page);
  at('type into it: it must be read-only');
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.type('EDITED');
  await page.waitForTimeout(T(500));
  const afterTyping = await activeEditorText(page);
  await palette(page, 'Skaffold: Show Effective Configuration');
  at('profile picker');
  const profiles = await pickRows(page, spec.pickProfile);
  await pick(page, spec.pickProfile);
  await page.keyboard.press('Enter');
  await tabOf(`-p ${spec.pickProfile}`).waitFor({ timeout: T(30000) });
  await page.waitForTimeout(T(500));
  const pickedText = await activeEditorText(page);
  return { lenses, lensText, readOnly: !afterTyping.includes('EDITED'), profiles, pickedText };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' && !/404|Failed to load resource/.test(m.text())) { log('[console.error]', m.text().slice(0, 300)); } });
  let result = { ok: false };
  try {
    tNavigate = Date.now();
    await page.goto(spec.url, { waitUntil: 'domcontentloaded', timeout: T(60000) });
    await page.waitForSelector('.monaco-workbench', { timeout: T(60000) });
    log('workbench ready');
    const fn = { problems, completion, debug, consent, debugError, pickers, interpreter, effective }[spec.mode];
    const detail = await fn(page);
    result = { ok: true, mode: spec.mode, ms: Date.now() - t0, ...detail };
  } catch (e) {
    result = { ok: false, mode: spec.mode, ms: Date.now() - t0, stage, error: e.message.split('\n')[0] };
    try {
      // on failure, show what the extension said: notifications and the output panel
      result.notifications = (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).slice(0, 5);
    } catch { /* ignore */ }
  } finally {
    await page.screenshot({ path: spec.out }).catch((e) => log('screenshot failed', e.message));
    await browser.close();
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(result.ok ? 0 : 1);
})();
