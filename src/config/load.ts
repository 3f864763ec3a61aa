/** Finds, reads and validates the site config. Every problem is a UsageError naming the key. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { configSchema, type Config, type ConfigInput } from './schema.ts';
import { UsageError, describeZodError } from './errors.ts';

export const CONFIG_NAMES = ['zhaocuo.config.ts', 'zhaocuo.config.json', 'zhaocuo.config.yaml', 'zhaocuo.config.yml'];

export function findConfig(cwd: string): string | undefined {
  return CONFIG_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
}

async function readRaw(path: string): Promise<unknown> {
  if (!existsSync(path)) throw new UsageError(`找不到配置文件：${path} (config file not found)`);
  const ext = extname(path);
  try {
    if (ext === '.ts' || ext === '.js' || ext === '.mjs') {
      // Through tsx's tsImport, not a bare import(): the CLI runs as a plain-JavaScript bundle
      // (bin/cli-loader.mjs), which has no TypeScript loader for a zhaocuo.config.ts of its own.
      const href = pathToFileURL(path).href;
      const mod = (ext === '.ts' ? await (await import('tsx/esm/api')).tsImport(href, import.meta.url) : await import(href)) as { default?: unknown; config?: unknown };
      // A .ts file outside a "type": "module" folder is CommonJS to tsx: its exports arrive as
      // the namespace's default, marked __esModule.
      const inner = mod.default as { __esModule?: boolean; default?: unknown; config?: unknown } | undefined;
      if (ext === '.ts' && inner?.__esModule) return inner.default ?? inner.config;
      return mod.default ?? mod.config;
    }
    const text = readFileSync(path, 'utf8');
    if (ext === '.json') return JSON.parse(text);
    if (ext === '.yaml' || ext === '.yml') return YAML.parse(text);
  } catch (err) {
    throw new UsageError(`无法读取配置文件 ${path}：${(err as Error).message} (cannot read config)`);
  }
  throw new UsageError(`配置文件 ${path}：不支持扩展名 ${ext}，请用 .ts、.json 或 .yaml (unsupported extension)`);
}

export function parseConfig(raw: unknown, where = 'config'): Config {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${where}：最外层应为键值对象（如 YAML 的 site: …） (expected an object at the top level)`);
  const res = configSchema.safeParse(raw);
  if (!res.success) throw new UsageError(describeZodError(res.error, where));
  return res.data;
}

/** Loads the config from an explicit path, or the first zhaocuo.config.* in cwd, or defaults. */
export async function loadConfig(path: string | undefined, cwd = process.cwd()): Promise<{ config: Config; path?: string }> {
  const file = path ? resolve(cwd, path) : findConfig(cwd);
  if (!file) return { config: parseConfig({}) };
  return { config: parseConfig(await readRaw(file), file), path: file };
}

/** For TypeScript configs: `export default defineConfig({...})` gets type checking. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
