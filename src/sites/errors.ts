/** Problems in a sites file or a `sites add`, as lines that name the key: Chinese first, English in brackets. */
import type { z } from 'zod';

/** Top-level keys of the site config a site entry may not override, and why. */
const GLOBAL_KEYS: Record<string, string> = {
  tickets: '工单设置是全局的，请写在 zhaocuo.config.yaml（ticket settings are global）',
  server: '服务设置是全局的，请写在 zhaocuo.config.yaml（server settings are global）',
  today: '定时检查按当天日期计算，不能固定（scheduled audits use the real date）',
  url: '网址写在站点条目的 url（the start URL is the entry’s url）',
  name: '名称写在站点条目的 name（the name is the entry’s name）',
};

/** sites.2.config.crawl → sites[2].config.crawl */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}

export function zodLines(err: z.ZodError, prefix: readonly PropertyKey[] = [], label?: (path: readonly PropertyKey[]) => string): string[] {
  return err.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const where = label?.(path) ?? '';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((k) => {
          const hint = GLOBAL_KEYS[k] && (path.at(-1) === 'config' || path.at(-1) === 'site') ? GLOBAL_KEYS[k] : '未知的键，请检查拼写，见 README“站点登记”（unknown key）';
          return `  ${keyPath([...path, k])}${where}: ${hint}`;
        })
        .join('\n');
    }
    const msg = issue.code === 'invalid_type' && issue.input === undefined ? `缺少必填项（required）` : issue.message;
    return `  ${keyPath(path) || '(顶层)'}${where}: ${msg}`;
  });
}

export function invalid(where: string, lines: string[]): string {
  return `${where} 有误（is invalid）:\n${lines.join('\n')}`;
}
