/** Every audit the runner knows, in report order. One file an audit; rule data in rules/. */
import type { Audit } from '../src/audit/types.ts';
import links from './links.ts';

export const ALL_AUDITS: Audit[] = [links];
