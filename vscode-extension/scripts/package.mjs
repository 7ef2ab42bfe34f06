// Builds the VSIX: one per VS Code target, each with the Python side for that platform.
//
//   node scripts/package.mjs                 this machine's target (linux-x64 here) -> dist/skaffold-ls-<target>.vsix
//   node scripts/package.mjs --target T ...  linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 universal
//   node scripts/package.mjs --all           all of them (the Marketplace serves the platform's VSIX,
//                                            and the universal one elsewhere: Alpine, linux-armhf...)
//
// Needs `pip install -e '.[test]'` in the repository (the pure-Python dependencies are copied from
// there) and PyPI for the platform wheels (scripts/bundle_python.py). $PYTHON picks the interpreter.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'universal'];

export function hostTarget(platform = process.platform, arch = process.arch) {
  const t = `${platform}-${arch}`;
  return TARGETS.includes(t) ? t : 'universal';
}

function main(argv) {
  let targets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--all') {
      targets = [...TARGETS];
    } else if (argv[i] === '--target') {
      while (argv[i + 1] && !argv[i + 1].startsWith('--')) {
        targets.push(argv[++i]);
      }
    } else {
      throw new Error(`unknown argument ${argv[i]} (use --target T... or --all)`);
    }
  }
  if (!targets.length) {
    targets = [hostTarget()];
  }
  for (const t of targets) {
    if (!TARGETS.includes(t)) {
      throw new Error(`unknown target ${t}; one of ${TARGETS.join(', ')}`);
    }
  }
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: HERE, stdio: 'inherit' });
  run(process.execPath, ['esbuild.mjs']);
  const python = process.env.PYTHON || 'python3';
  const vsce = path.join(HERE, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
  fs.mkdirSync(path.join(HERE, 'dist'), { recursive: true });
  for (const t of targets) {
    console.log(`\n== ${t}`);
    run(python, ['scripts/bundle_python.py', '--target', t]);
    const out = path.join('dist', `skaffold-ls-${t}.vsix`);
    run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', ...(t === 'universal' ? [] : ['--target', t]), '-o', out]);
    console.log(`${out}: ${(fs.statSync(path.join(HERE, out)).size / 1e6).toFixed(2)} MB`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
