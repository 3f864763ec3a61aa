// Loads the CLI (src/cli/index.ts) as plain JavaScript bundled by esbuild, built on first use
// and again whenever a source it was built from changes; through tsx only when no bundle can be
// built or used. Under tsx every run paid ~0.6 s of start-up (each import resolved through its
// loader thread, each module transpiled) and ~55 MB of memory for the whole run (that thread's
// heap, the transpiled sources and their source maps): a 10,000-page re-audit is 9 s, a
// 50,000-page audit's budget 450 MB. Plain JavaScript, because nothing can load TypeScript yet.
//
// The bundle lives in node_modules/.cache/zhaocuo-cli/<build>/. current.json names the newest
// build and every file it was made from (esbuild's metafile) with its size and mtime: a start
// stats those (~300 files, a few ms) and rebuilds (~0.3 s) when any differ, so an edited source
// is never run stale and there is no build step to forget. Packages stay external (resolved
// from node_modules as before). Set ZHAOCUO_TSX=1 to run the sources through tsx instead.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The layout of current.json. The build options are this file's: it is one of each build's inputs. */
const BUILD_FORMAT = 2;
const ENTRY = 'src/cli/index.ts';
const LOADER = fileURLToPath(import.meta.url);

export const buildsFolder = (root) => join(root, 'node_modules', '.cache', 'zhaocuo-cli');

/**
 * The CLI module ({ main, installCrashHandlers }) and how it was loaded: 'bundle' (an existing
 * build), 'built' (built now) or 'tsx' (with why, when a bundle was wanted).
 */
export async function loadCli(root, { builds = buildsFolder(root), env = process.env } = {}) {
  if (env.ZHAOCUO_TSX !== '1') {
    let dir = currentBuild(root, builds);
    let how = 'bundle';
    let why;
    if (!dir) {
      try {
        dir = await build(root, builds);
        how = 'built';
      } catch (err) {
        why = String(err?.message ?? err).split('\n')[0];
      }
    }
    if (dir) {
      markInUse(dir);
      return { cli: await import(pathToFileURL(join(dir, 'index.js')).href), how, dir };
    }
    return { ...(await viaTsx(root)), why };
  }
  return viaTsx(root);
}

async function viaTsx(root) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    // A fresh clone without node_modules: say what to run, not a resolver stack.
    process.stderr.write(`zhaocuo: its packages are not installed in ${resolve(root)}: run \`npm run setup\` (or \`npm install\`) there first.\n`);
    process.exit(2);
  }
  register();
  return { cli: await import(pathToFileURL(join(root, ENTRY)).href), how: 'tsx' };
}

/** The newest build's folder when every file it was built from is as it was then, else null. */
export function currentBuild(root, builds) {
  let cur;
  try {
    cur = JSON.parse(readFileSync(join(builds, 'current.json'), 'utf8'));
  } catch {
    return null;
  }
  if (cur?.format !== BUILD_FORMAT || typeof cur.dir !== 'string' || typeof cur.inputs !== 'object') return null;
  for (const [file, seen] of Object.entries(cur.inputs)) {
    let st;
    try {
      st = statSync(resolve(root, file));
    } catch {
      return null;
    }
    if (st.size !== seen[0] || st.mtimeMs !== seen[1]) return null;
  }
  const dir = join(builds, cur.dir);
  return existsSync(join(dir, 'index.js')) ? dir : null;
}

/**
 * Bundles the CLI into a fresh folder and makes it current. Two processes that build at once
 * each get a whole build of their own; current.json is replaced atomically (rename).
 */
async function build(root, builds) {
  const esbuild = await import('esbuild');
  mkdirSync(builds, { recursive: true });
  const name = `b-${Date.now().toString(36)}-${process.pid}`;
  const dir = join(builds, name);
  // Sizes and mtimes are taken before the build: a file edited during it then differs next time.
  const before = new Map();
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [ENTRY],
      outdir: dir,
      bundle: true,
      splitting: true, // each command's module and its stack stay a chunk loaded only when used
      format: 'esm',
      platform: 'node',
      target: 'node20.19', // package.json's engines; keeps import attributes (`with { type: 'json' }`)
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
      plugins: [{ name: 'inputs', setup: (b) => b.onLoad({ filter: /.*/ }, (args) => void before.set(args.path, statSync(args.path))) }],
    });
  } finally {
    // esbuild's service process would otherwise stay beside the run to its end, idle, holding the
    // ~60–70 MB it grew to for the bundle (50,000 pages: 465 MB for the process tree, 404 MB for the run).
    await esbuild.stop();
  }
  const inputs = {};
  for (const file of [LOADER, ...Object.keys(result.metafile.inputs)]) {
    const st = before.get(resolve(root, file)) ?? statSync(resolve(root, file));
    inputs[file] = [st.size, st.mtimeMs];
  }
  const tmp = join(builds, `current.json.${process.pid}`);
  writeFileSync(tmp, JSON.stringify({ format: BUILD_FORMAT, dir: name, builtAt: new Date().toISOString(), inputs }));
  renameSync(tmp, join(builds, 'current.json'));
  try {
    prune(builds, name);
  } catch {
    /* another process pruned at the same time */
  }
  return dir;
}

/** Records that this process runs from `dir` (chunks load lazily, so its folder must stay). */
function markInUse(dir) {
  try {
    const users = join(dir, 'users');
    mkdirSync(users, { recursive: true });
    const me = join(users, String(process.pid));
    writeFileSync(me, '');
    process.once('exit', () => {
      try {
        unlinkSync(me);
      } catch {
        /* already gone */
      }
    });
  } catch {
    /* a read-only install: nothing is pruned there either */
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/** Removes older builds no live process runs from. */
function prune(builds, keep) {
  for (const name of readdirSync(builds)) {
    if (name === keep || !name.startsWith('b-')) continue;
    const users = join(builds, name, 'users');
    const inUse = existsSync(users) && readdirSync(users).some((pid) => alive(Number(pid)));
    // A build younger than a minute may be another process's, not yet marked in use.
    const young = Date.now() - statSync(join(builds, name)).mtimeMs < 60_000;
    if (!inUse && !young) rmSync(join(builds, name), { recursive: true, force: true });
  }
}
