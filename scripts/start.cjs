// `npm start`: builds if a source changed, then the desktop app where the Electron runtime
// is installed; otherwise one line saying so, and the headless server with the web UI.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { buildIfChanged } = require('./build-if-changed.cjs');

const root = path.resolve(__dirname, '..');

function electronBinary() {
  try {
    const dir = path.join(root, 'node_modules', 'electron');
    const binary = path.join(dir, 'dist', fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim());
    return fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const built = buildIfChanged();
if (built !== 0) process.exit(built);

const binary = electronBinary();
const [command, args] = binary
  ? [binary, [root, ...process.argv.slice(2)]]
  : [process.execPath, [path.join(root, 'out', 'main', 'serve.js'), ...process.argv.slice(2)]];
if (!binary) {
  console.log(
    'Electron runtime not installed (offline install): starting the headless server; open the web UI address below.',
  );
}
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
