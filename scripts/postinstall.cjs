// Runs after `npm install` / `npm ci`.
// 1. Fetches the Electron runtime (electron's own install script is disabled through
//    package.json "allowScripts" so that an offline install still succeeds).
// 2. Where the runtime is present, builds a second copy of better-sqlite3 for Electron's
//    ABI in .native-electron/, leaving the Node build in node_modules untouched.
// Every step that needs the network prints one line on failure and carries on.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');

function electronRuntimePresent() {
  try {
    const rel = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    return fs.existsSync(path.join(electronDir, 'dist', rel));
  } catch {
    return false;
  }
}

function fetchElectron() {
  if (!fs.existsSync(path.join(electronDir, 'install.js'))) return false;
  if (electronRuntimePresent()) return true;
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  if (r.status !== 0 || !electronRuntimePresent()) {
    const reason = (r.stderr?.toString() || '').split('\n').find((l) => l.trim()) || 'no network';
    console.log(
      `mnemo: Electron runtime not downloaded (${reason.trim().slice(0, 120)}); the headless server still works (npm run serve).`,
    );
    return false;
  }
  return true;
}

function buildSqliteForElectron() {
  const electronVersion = require(path.join(electronDir, 'package.json')).version;
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const target = path.join(root, '.native-electron', 'better-sqlite3');
  const marker = path.join(target, `built-for-electron-${electronVersion}`);
  if (fs.existsSync(marker)) return;
  const gyp = process.env.npm_config_node_gyp;
  if (!gyp) {
    console.log(
      'mnemo: node-gyp not found; the desktop app cannot open SQLite until `npm rebuild` runs under npm.',
    );
    return;
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['binding.gyp', 'src', 'deps', 'package.json']) {
    fs.cpSync(path.join(source, entry), path.join(target, entry), { recursive: true });
  }
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (/^npm_config_(nodedir|target|runtime|dist_url)$/i.test(key)) delete env[key];
  const r = spawnSync(
    process.execPath,
    [
      gyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: target, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 },
  );
  if (r.status !== 0) {
    console.log(
      'mnemo: could not build better-sqlite3 for Electron (headers unavailable?); the headless server still works.',
    );
    return;
  }
  fs.writeFileSync(marker, '');
}

if (fetchElectron()) buildSqliteForElectron();
