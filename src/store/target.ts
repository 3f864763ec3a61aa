/** Which store a command opens: --db, else store.url in the config, else the default SQLite file. */
export const DEFAULT_DB = 'data/zhaocuo.db';

export const DB_OPTION_HELP = `SQLite 文件或 postgres://用户:密码@主机:5432/数据库（默认：配置中的 store.url，否则 ${DEFAULT_DB}）`;

export function storeTarget(flag: string | undefined, config?: { store?: { url?: string } }): string {
  return flag ?? config?.store?.url ?? DEFAULT_DB;
}

/**
 * The store of a command that reads no config otherwise: --db, else store.url of the config
 * (-c, or zhaocuo.config.* in the current folder), else the default SQLite file. The config is
 * read only when --db is not given.
 */
export async function storeFor(flag: string | undefined, configFile?: string): Promise<string> {
  if (flag !== undefined) return flag;
  const { loadConfig } = await import('../config/load.ts');
  return storeTarget(undefined, (await loadConfig(configFile)).config);
}
