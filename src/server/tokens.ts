/**
 * Personal API tokens (stored as SHA-256 hashes, shown once at creation) and dashboard
 * sessions (a random id in an HttpOnly cookie, stored hashed, with its CSRF token).
 * Roles: reporter (file, read own), handler (work tickets of one division), admin (all).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.ts';

export const ROLES = ['reporter', 'handler', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_ZH: Record<Role, string> = { reporter: '报告人', handler: '处室经办', admin: '管理员' };

export interface Principal {
  tokenId: number;
  name: string;
  role: Role;
  division: string | null;
}

export interface TokenRow extends Principal {
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function createToken(db: Store, o: { name: string; role: Role; division?: string | null }): { id: number; token: string } {
  if (!o.name.trim()) throw new Error('令牌需要使用人姓名（--name） (a token needs a name)');
  if (o.role === 'handler' && !o.division?.trim()) throw new Error('办理人令牌需要指定所在处室（--division） (a handler token needs its division)');
  const token = 'zc_' + randomBytes(32).toString('base64url');
  const row = db.get(
    db.q
      .insertInto('api_tokens')
      .values({ name: o.name.trim(), role: o.role, division: o.division?.trim() || null, token_hash: sha256(token), prefix: token.slice(0, 9), created_at: new Date().toISOString() })
      .returning('id'),
  );
  return { id: Number(row!.id), token };
}

function toRow(r: Record<string, unknown>): TokenRow {
  return {
    tokenId: Number(r.id), name: String(r.name), role: r.role as Role, division: (r.division as string) ?? null, prefix: String(r.prefix),
    createdAt: String(r.created_at), lastUsedAt: (r.last_used_at as string) ?? null, revokedAt: (r.revoked_at as string) ?? null,
  };
}

export function listTokens(db: Store): TokenRow[] {
  return db.all(db.q.selectFrom('api_tokens').selectAll().orderBy('id')).map(toRow);
}

export function revokeToken(db: Store, id: number): boolean {
  return db.tx(() => {
    const n = db.run(db.q.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null));
    db.run(db.q.deleteFrom('sessions').where('token_id', '=', id));
    return n > 0;
  }, { exclusive: true });
}

/** The principal of a presented token, or undefined (unknown or revoked). */
export function principalOf(db: Store, token: string | undefined | null): Principal | undefined {
  if (!token || !/^zc_[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const r = db.get(db.q.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(token)).where('revoked_at', 'is', null));
  if (!r) return undefined;
  // Record use at most every 10 minutes, so reads do not turn into writes.
  const last = r.last_used_at ? Date.parse(String(r.last_used_at)) : 0;
  if (Date.now() - last > 600_000) {
    try {
      db.run(db.q.updateTable('api_tokens').set({ last_used_at: new Date().toISOString() }).where('id', '=', r.id));
    } catch {
      /* a busy database must not refuse a request for bookkeeping */
    }
  }
  const { tokenId, name, role, division } = toRow(r);
  return { tokenId, name, role, division };
}

export function createSession(db: Store, tokenId: number, hours: number): { sid: string; csrf: string } {
  const sid = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('hex');
  const now = Date.now();
  db.tx(() => {
    db.run(db.q.deleteFrom('sessions').where('expires_at', '<', new Date(now).toISOString()));
    db.run(
      db.q.insertInto('sessions').values({ id_hash: sha256(sid), token_id: tokenId, csrf, created_at: new Date(now).toISOString(), expires_at: new Date(now + hours * 3_600_000).toISOString() }),
    );
  }, { exclusive: true });
  return { sid, csrf };
}

export function sessionOf(db: Store, sid: string | undefined): { principal: Principal; csrf: string } | undefined {
  if (!sid || sid.length > 100) return undefined;
  const r = db.get(
    db.q
      .selectFrom('sessions as s')
      .innerJoin('api_tokens as t', 't.id', 's.token_id')
      .selectAll('t')
      .select('s.csrf')
      .where('s.id_hash', '=', sha256(sid))
      .where('s.expires_at', '>', new Date().toISOString())
      .where('t.revoked_at', 'is', null),
  );
  if (!r) return undefined;
  const { tokenId, name, role, division } = toRow(r);
  return { principal: { tokenId, name, role, division }, csrf: String(r.csrf) };
}

export function deleteSession(db: Store, sid: string): void {
  db.run(db.q.deleteFrom('sessions').where('id_hash', '=', sha256(sid)));
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
