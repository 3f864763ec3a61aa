/**
 * Personal API tokens (stored as SHA-256 hashes, shown once at creation) and dashboard
 * sessions (a random id in an HttpOnly cookie, stored hashed, with its CSRF token).
 * Roles: reporter (file, read own), handler (work tickets of one division), admin (all).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DB } from '../store/db.ts';

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

export function createToken(db: DB, o: { name: string; role: Role; division?: string | null }): { id: number; token: string } {
  if (!o.name.trim()) throw new Error('令牌需要使用人姓名（--name） (a token needs a name)');
  if (o.role === 'handler' && !o.division?.trim()) throw new Error('办理人令牌需要指定所在处室（--division） (a handler token needs its division)');
  const token = 'zc_' + randomBytes(32).toString('base64url');
  const info = db
    .prepare('INSERT INTO api_tokens (name, role, division, token_hash, prefix, created_at) VALUES (?,?,?,?,?,?)')
    .run(o.name.trim(), o.role, o.division?.trim() || null, sha256(token), token.slice(0, 9), new Date().toISOString());
  return { id: Number(info.lastInsertRowid), token };
}

function toRow(r: Record<string, unknown>): TokenRow {
  return {
    tokenId: Number(r.id), name: String(r.name), role: r.role as Role, division: (r.division as string) ?? null, prefix: String(r.prefix),
    createdAt: String(r.created_at), lastUsedAt: (r.last_used_at as string) ?? null, revokedAt: (r.revoked_at as string) ?? null,
  };
}

export function listTokens(db: DB): TokenRow[] {
  return (db.prepare('SELECT * FROM api_tokens ORDER BY id').all() as Record<string, unknown>[]).map(toRow);
}

export function revokeToken(db: DB, id: number): boolean {
  return db.transaction(() => {
    const n = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes;
    db.prepare('DELETE FROM sessions WHERE token_id = ?').run(id);
    return n > 0;
  }).immediate();
}

/** The principal of a presented token, or undefined (unknown or revoked). */
export function principalOf(db: DB, token: string | undefined | null): Principal | undefined {
  if (!token || !/^zc_[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const r = db.prepare('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(sha256(token)) as Record<string, unknown> | undefined;
  if (!r) return undefined;
  // Record use at most every 10 minutes, so reads do not turn into writes.
  const last = r.last_used_at ? Date.parse(String(r.last_used_at)) : 0;
  if (Date.now() - last > 600_000) {
    try {
      db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), r.id);
    } catch {
      /* a busy database must not refuse a request for bookkeeping */
    }
  }
  const { tokenId, name, role, division } = toRow(r);
  return { tokenId, name, role, division };
}

export function createSession(db: DB, tokenId: number, hours: number): { sid: string; csrf: string } {
  const sid = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('hex');
  const now = Date.now();
  db.transaction(() => {
    db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(new Date(now).toISOString());
    db.prepare('INSERT INTO sessions (id_hash, token_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)').run(sha256(sid), tokenId, csrf, new Date(now).toISOString(), new Date(now + hours * 3_600_000).toISOString());
  }).immediate();
  return { sid, csrf };
}

export function sessionOf(db: DB, sid: string | undefined): { principal: Principal; csrf: string } | undefined {
  if (!sid || sid.length > 100) return undefined;
  const r = db
    .prepare('SELECT t.*, s.csrf FROM sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.id_hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL')
    .get(sha256(sid), new Date().toISOString()) as Record<string, unknown> | undefined;
  if (!r) return undefined;
  const { tokenId, name, role, division } = toRow(r);
  return { principal: { tokenId, name, role, division }, csrf: String(r.csrf) };
}

export function deleteSession(db: DB, sid: string): void {
  db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256(sid));
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
