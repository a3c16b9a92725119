#!/usr/bin/env node
// Runs a command with a Node new enough for Open Kitchen; every npm script goes through it.
//   node scripts/use-node.cjs "astro build && node dist/server.mjs"   (steps joined by &&, no other shell syntax)
// With Node >= 22.12 it just runs the command. With an older Node it fetches Node 24 from the npm
// registry (the `node` package, a prebuilt binary) into ~/.cache/node24 once, says so, and runs the
// command with that Node first on PATH. CommonJS, no dependencies, nothing an old Node cannot parse: it
// has to start on the very Node it replaces.
'use strict';
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NEED = [22, 12];
const WANT = 'node@24';
const HOW_TO_FIX = [
  'Install Node 22.12 or newer yourself and run the same command again, for example:',
  '  nvm install && nvm use        (reads .nvmrc)',
  '  fnm use --install-if-missing  (reads .node-version)',
  '  or from https://nodejs.org/',
];

function tooOld(version) {
  const [major, minor] = String(version).replace(/^v/, '').split('.').map(Number);
  return major < NEED[0] || (major === NEED[0] && minor < NEED[1]);
}

function fail(lines) {
  process.stderr.write(`\n${lines.join('\n')}\n\n`);
  process.exit(1);
}

/** The bin folder of a Node >= 22.12 from ~/.cache/node24, fetched from the npm registry the first time. */
function node24Bin() {
  const prefix = process.env.NODE24_PREFIX || path.join(os.homedir(), '.cache', 'node24');
  const bin = path.join(prefix, 'node_modules', '.bin');
  const node = path.join(bin, process.platform === 'win32' ? 'node.cmd' : 'node');
  const shown = prefix.replace(os.homedir(), '~');
  if (!fs.existsSync(node)) {
    process.stderr.write(
      `Open Kitchen needs Node 22.12 or newer; this is Node ${process.versions.node}.\n` +
        `Fetching Node 24 from the npm registry into ${shown} (once; later runs reuse it)...\n`,
    );
    // No retries: with no registry in reach this fails in seconds instead of a minute (run it again).
    const args = [
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--loglevel=error',
      '--fetch-retries=0',
      WANT,
    ];
    // The npm that started this script, if any; otherwise the npm on PATH. Its output is shown only
    // in part, on failure: the reason, not a page of npm's.
    const npmCli = process.env.npm_execpath;
    const options = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
    const fetched =
      npmCli && /\.c?js$/.test(npmCli)
        ? childProcess.spawnSync(process.execPath, [npmCli, ...args], options)
        : childProcess.spawnSync('npm', args, { ...options, shell: process.platform === 'win32' });
    if (fetched.status !== 0 || !fs.existsSync(node)) {
      const reason = `${fetched.stderr || ''}${fetched.error ? fetched.error.message : ''}`
        .split('\n')
        .filter((line) => /npm error (code|network)|ENOENT|EACCES/.test(line))
        .slice(0, 2);
      fail([`Could not fetch Node 24 from the npm registry into ${shown}.`, ...reason, ...HOW_TO_FIX]);
    }
  }
  const probe = childProcess.spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  const got = (probe.stdout || '').trim();
  if (probe.status !== 0 || !got || tooOld(got))
    fail([
      `The Node in ${shown} does not run here (${got || 'no version'}); remove ${shown} to fetch it again.`,
      ...HOW_TO_FIX,
    ]);
  process.stderr.write(
    `Using Node ${got} from ${shown} (this machine's node is ${process.versions.node}; Open Kitchen needs 22.12+).\n`,
  );
  return bin;
}

const command = process.argv.slice(2).join(' ').trim();
if (!command) fail(['usage: node scripts/use-node.cjs <command> [&& <command> ...]']);
const env = { ...process.env };
// The project's tools, also when this runs outside npm (npm puts them on PATH itself).
const bins = [path.join(__dirname, '..', 'node_modules', '.bin')];
if (tooOld(process.versions.node)) bins.unshift(node24Bin());
env.PATH = [...bins, env.PATH || ''].join(path.delimiter);

// No shell between us and the work: each step of "a && b" is our own child, so a signal sent to this
// process reaches the step that is running (a shell would die and leave it behind).
const steps = command.split('&&').map((step) => step.trim().split(/\s+/));
let current = null;
// Ctrl-C reaches the whole process group, the step included: wait for it to finish.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (current) current.kill(signal);
  });
}
function run(i) {
  if (i === steps.length) process.exit(0);
  const [file, ...args] = steps[i];
  current = childProcess.spawn(file, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  current.on('error', (error) => fail([`Could not run ${file}: ${error.message}`]));
  current.on('exit', (code, signal) => {
    if (signal) process.exit(128 + (os.constants.signals[signal] || 1));
    if (code !== 0) process.exit(code);
    run(i + 1);
  });
}
run(0);
