import { z } from 'zod';

// zod's own messages (wrong type, not one of, too small …) in Chinese, wherever a schema is checked.
z.config(z.locales.zhCN());

/** A usage or config error: the CLI prints its message alone and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Turns a zod error into lines that name the key and the problem. */
export function describeZodError(err: z.ZodError, where: string): string {
  const lines = err.issues.map((issue) => {
    const key = issue.path.length ? issue.path.join('.') : '（最外层）';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length ? issue.path.join('.') + '.' : '';
      return `  ${issue.keys.map((k) => prefix + k).join('、')}：未知的配置项，请检查拼写，见 README“Config”（unknown key）`;
    }
    const msg = issue.code === 'invalid_type' && /(received|实际接收) undefined$/.test(issue.message) ? '缺少必填项（required）' : issue.message;
    return `  ${key}：${msg}`;
  });
  return `${where} 有误（is invalid）：\n${lines.join('\n')}`;
}
