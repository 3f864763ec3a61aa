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
  if (p.role === 'reporter') return action === 'read' ? `ticket ${t.number} was not filed with your token; a reporter reads only their own tickets` : 'a reporter token can file tickets and read its own, not change them';
  return `ticket ${t.number} belongs to ${t.division}; your token works for ${p.division ?? 'no division'}`;
}

export function scopeOf(p: Principal): Scope | undefined {
  if (p.role === 'admin') return undefined;
  if (p.role === 'handler') return { division: p.division, reporterTokenId: p.tokenId, either: true };
  return { reporterTokenId: p.tokenId };
}

export function actorOf(p: Principal): Actor {
  return { name: `${p.name}（${p.division ?? ROLE_ZH[p.role]}）`, tokenId: p.tokenId };
}
