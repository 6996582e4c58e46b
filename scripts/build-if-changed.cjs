// Builds (electron-vite) only when a source of the build changed since the last build,
// and quietly: one line when it builds, nothing when out/ is current. `npm start` and
// `npm run serve` call it; `npm run build` always builds.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'out');
const STAMP = path.join(out, '.sources-fingerprint');
/** What the build reads: the sources, the config, and the installed packages (via the lock file). */
const INPUTS = [
  'src',
  'resources',
  'electron.vite.config.ts',
  'tsconfig.base.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
  'package.json',
  'package-lock.json',
];
const OUTPUTS = ['main/index.js', 'main/serve.js', 'preload/index.js', 'renderer/index.html'];

/** Every input file's path, size and modification time, hashed: any edit, addition or removal changes it. */
function fingerprint() {
  const hash = crypto.createHash('sha256');
  const visit = (relative) => {
    const full = path.join(root, relative);
    let stat;
    try {
      stat = fs.statSync(full);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) visit(path.join(relative, name));
    } else {
      hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) visit(input);
  return hash.digest('hex');
}

function current(print) {
  const missing = OUTPUTS.filter((file) => !fs.existsSync(path.join(out, file)));
  if (missing.length) return false;
  try {
    return fs.readFileSync(STAMP, 'utf8') === print;
  } catch {
    return false;
  }
}

/** Builds when needed; the build's exit status (0 when nothing had to be built). */
function buildIfChanged() {
  const before = fingerprint();
  if (current(before)) return 0;
  console.log('Building Mnemo (sources changed since the last build)…');
  const started = Date.now();
  const build = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
      '--logLevel',
      'error',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) {
    console.error('Mnemo: the build failed (the errors are above).');
    return build.status ?? 1;
  }
  // Stamped with the fingerprint taken before the build: an edit made while it ran builds again next time.
  fs.writeFileSync(STAMP, before);
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 0;
}

if (require.main === module) process.exit(buildIfChanged());
module.exports = { buildIfChanged };
