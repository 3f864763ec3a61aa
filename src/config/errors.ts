import type { z } from 'zod';

/** A usage or config error: the CLI prints its message alone and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Turns a zod error into lines that name the key and the problem. */
export function describeZodError(err: z.ZodError, where: string): string {
  const lines = err.issues.map((issue) => {
    const key = issue.path.length ? issue.path.join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length ? issue.path.join('.') + '.' : '';
      return `  ${issue.keys.map((k) => prefix + k).join(', ')}: unknown key (check the spelling; see README "Config")`;
    }
    return `  ${key}: ${issue.message}`;
  });
  return `${where} is invalid:\n${lines.join('\n')}`;
}
