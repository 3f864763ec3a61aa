/**
 * The CLI's loader (bin/cli-loader.mjs): a bundle built on first use, reused while its sources
 * are unchanged, rebuilt when one changes, and tsx when no bundle can be written. Runs on a
 * small package tree of its own in a temporary folder (never touching the repository's
 * sources, which other test files' CLI runs are using), plus the real bin once for a
 * zhaocuo.config.ts, which the bundle loads through tsx's tsImport.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without types (it runs before any TypeScript loader)
import { loadCli, currentBuild } from '../bin/cli-loader.mjs';

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'zhaocuo-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Loaded { cli: { main: () => Promise<number> }; how: string; dir?: string; why?: string }
const load = (root: string, builds: string): Promise<Loaded> => loadCli(root, { builds, env: {} });

function packageTree(name: string, answer: number): string {
  const root = join(tmp, name);
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'src', 'cli', 'index.ts'), "import { answer } from './answer.ts';\nexport const main = async (): Promise<number> => answer;\nexport function installCrashHandlers(): void {}\n");
  writeFileSync(join(root, 'src', 'cli', 'answer.ts'), `export const answer: number = ${answer};\n`);
  return root;
}

describe('the CLI bundle', () => {
  it('is built once, reused while its sources stand, and rebuilt when one changes', async () => {
    const root = packageTree('pkg', 7);
    const builds = join(root, 'builds');
    const first = await load(root, builds);
    expect(first.why).toBeUndefined();
    expect(first.how).toBe('built');
    expect(await first.cli.main()).toBe(7);

    const again = await load(root, builds);
    expect(again.how).toBe('bundle');
    expect(again.dir).toBe(first.dir);

    // An edit that keeps the file's size still changes its mtime.
    writeFileSync(join(root, 'src', 'cli', 'answer.ts'), 'export const answer: number = 8;\n');
    utimesSync(join(root, 'src', 'cli', 'answer.ts'), new Date(), new Date(Date.now() + 5000));
    expect(currentBuild(root, builds)).toBeNull();
    const rebuilt = await load(root, builds);
    expect(rebuilt.how).toBe('built');
    expect(rebuilt.dir).not.toBe(first.dir);
    // import() caches by URL: the new build is a new folder, so the new code really runs.
    expect(await rebuilt.cli.main()).toBe(8);
    // The older build is in use by this process, so it is kept (the pruning never pulls chunks from under a run).
    expect(existsSync(first.dir!)).toBe(true);
  });

  it('leaves no esbuild process beside the run it built for', async () => {
    // A fresh process, as a run after an update is: it builds, then lists its own child processes.
    const root = packageTree('fresh', 3);
    const script = `
      import { readdirSync, readFileSync } from 'node:fs';
      const { loadCli } = await import(${JSON.stringify(new URL('../bin/cli-loader.mjs', import.meta.url).href)});
      const loaded = await loadCli(${JSON.stringify(root)}, { builds: ${JSON.stringify(join(root, 'builds'))}, env: {} });
      const kids = readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).flatMap((d) => {
        try {
          const m = readFileSync('/proc/' + d + '/stat', 'utf8').match(/^[0-9]+ [(](.*)[)] [A-Za-z] ([0-9]+)/);
          return m && Number(m[2]) === process.pid ? [m[1]] : [];
        } catch { return []; }
      });
      console.log(JSON.stringify({ how: loaded.how, answer: await loaded.cli.main(), kids }));`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(stdout)));
    });
    const r = JSON.parse(out) as { how: string; answer: number; kids: string[] };
    expect(r.how).toBe('built');
    expect(r.answer).toBe(3);
    expect(r.kids.filter((k) => /esbuild/.test(k))).toEqual([]);
  });

  it('falls back to tsx, saying why, when the bundle cannot be written', async () => {
    const root = packageTree('readonly', 5);
    writeFileSync(join(root, 'not-a-folder'), '');
    const loaded = await load(root, join(root, 'not-a-folder', 'builds'));
    expect(loaded.how).toBe('tsx');
    expect(loaded.why).toMatch(/ENOTDIR/);
    expect(await loaded.cli.main()).toBe(5);
  });

  // Under tsx's register() alone, a typed config failed ("Missing initializer in const declaration").
  it('the bin reads a typed zhaocuo.config.ts', async () => {
    const dir = join(tmp, 'site');
    mkdirSync(dir, { recursive: true });
    // An unknown key is reported by name only if the TypeScript file was really loaded.
    writeFileSync(join(dir, 'zhaocuo.config.ts'), "const site: { url: string } = { url: 'http://127.0.0.1:9/' };\nexport default { site, crawll: { maxPages: 3 } };\n");
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(join(ROOT, 'bin', 'zhaocuo.js'), ['audit', 'http://127.0.0.1:9/', '--no-browser'], { cwd: dir, timeout: 60_000 }, (err, _out, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? null : 0, stderr }));
    });
    expect(r.stderr).toContain('crawll');
    expect(r.stderr).toContain('未知的配置项');
    expect(r.code).toBe(2);
  }, 70_000);

  it('a copy without its packages installed says to run npm run setup', async () => {
    // The bin and its loader alone, as a clone is before `npm run setup`: neither esbuild nor tsx resolves.
    const root = join(tmp, 'clone');
    mkdirSync(join(root, 'bin'), { recursive: true });
    for (const f of ['zhaocuo.js', 'cli-loader.mjs']) copyFileSync(join(ROOT, 'bin', f), join(root, 'bin', f));
    writeFileSync(join(root, 'package.json'), '{ "name": "zhaocuo", "type": "module" }\n');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(root, 'bin', 'zhaocuo.js'), '--version'], { cwd: root, timeout: 30_000 }, (err, _out, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? null : 0, stderr }));
    });
    expect(r.stderr).toContain('npm run setup');
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at packageResolve/);
    expect(r.code).toBe(2);
  });
});
