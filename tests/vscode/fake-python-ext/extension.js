// The part of the Python extension's API that skaffold-ls uses (environments), over the
// interpreters listed in $FAKE_PYTHON_INTERPRETERS (path-delimiter separated). The command
// "Fake Python: Use Next Interpreter" makes the next one active, as picking one in the real
// extension's "Python: Select Interpreter" does.
const path = require('node:path');
const vscode = require('vscode');

function activate(ctx) {
  const list = (process.env.FAKE_PYTHON_INTERPRETERS || '').split(path.delimiter).filter(Boolean);
  let i = 0;
  const changed = new vscode.EventEmitter();
  ctx.subscriptions.push(changed, vscode.commands.registerCommand('fakePython.nextInterpreter', () => {
    i = (i + 1) % list.length;
    changed.fire({ id: list[i], path: list[i], resource: undefined });
  }));
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: list[i], path: list[i] }),
      resolveEnvironment: async (p) => ({ executable: { uri: vscode.Uri.file(typeof p === 'string' ? p : p.path) } }),
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
}

module.exports = { activate };
