#!/usr/bin/env node
// Runs before `npm test`: the tests use Debian's chromium (the console in a real browser,
// with a Chinese font so its screenshots can be read) and espeak-ng + sox (real Mandarin
// test audio). As root on Debian this installs what
// is missing; otherwise it says what to install and stops, rather than letting the
// suite fail later with a less clear message.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needs = [
  { pkg: 'chromium', present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') },
  { pkg: 'espeak-ng', present: () => spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0 },
  { pkg: 'sox', present: () => spawnSync('sox', ['--version'], { stdio: 'ignore' }).status === 0 },
  { pkg: 'fonts-wqy-zenhei', present: () => existsSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc') },
];
const missing = needs.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length === 0) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt) {
  console.error(`Installing the Debian packages the tests use: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (install && install.status === 0) process.exit(0);
  console.error('apt-get failed; install them by hand and run npm test again.');
  process.exit(1);
}
console.error(`The tests need these Debian packages: ${missing.join(' ')}\n  sudo apt-get install ${missing.join(' ')}`);
process.exit(1);
