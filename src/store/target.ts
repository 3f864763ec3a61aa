/** Which store a command opens: --db, else store.url in the config, else the default SQLite file. */
export const DEFAULT_DB = 'data/zhaocuo.db';

export const DB_OPTION_HELP = `SQLite 文件或 postgres://用户:密码@主机:5432/数据库（默认：配置中的 store.url，否则 ${DEFAULT_DB}）`;

export function storeTarget(flag: string | undefined, config?: { store?: { url?: string } }): string {
  return flag ?? config?.store?.url ?? DEFAULT_DB;
}
