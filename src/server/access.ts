/** Who may read and work which ticket; who a change is recorded as. */
import type { Actor, Ticket } from '../tickets/model.ts';
import type { Scope } from '../tickets/store.ts';
import { ROLE_ZH, type Principal } from './tokens.ts';

export function canRead(p: Principal, t: Ticket): boolean {
  if (p.role === 'admin') return true;
  if (t.reporterTokenId === p.tokenId) return true;
  return p.role === 'handler' && t.division === p.division;
}

export function canWork(p: Principal, t: Ticket): boolean {
  return p.role === 'admin' || (p.role === 'handler' && t.division === p.division);
}

/** Why not, in words (for 403 bodies). */
export function whyNot(p: Principal, t: Ticket, action: 'read' | 'change'): string {
  if (p.role === 'reporter')
    return action === 'read'
      ? `工单 ${t.number} 不是用您的令牌提交的：报告人只能查看自己提交的工单（a reporter reads only their own tickets）`
      : '报告人令牌只能提交工单、查看自己的工单，不能办理（a reporter token cannot change tickets）';
  return `工单 ${t.number} 属于${t.division}，您的令牌属于${p.division ?? '未指定的处室'}，不能${action === 'read' ? '查看' : '办理'}（ticket ${t.number} belongs to ${t.division}; your token works for ${p.division ?? 'no division'}）`;
}

export function scopeOf(p: Principal): Scope | undefined {
  if (p.role === 'admin') return undefined;
  if (p.role === 'handler') return { division: p.division, reporterTokenId: p.tokenId, either: true };
  return { reporterTokenId: p.tokenId };
}

export function actorOf(p: Principal): Actor {
  return { name: `${p.name}（${p.division ?? ROLE_ZH[p.role]}）`, tokenId: p.tokenId };
}
