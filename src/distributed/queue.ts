/**
 * The site-audit queue (BullMQ on Redis) and the scheduler's side of it: the sites due now
 * (the same pure dueSites() as the embedded scheduler) become jobs, one per site and slot.
 *
 * The job id is derived from the site and the slot, so enqueueing a due slot again (every
 * tick, from two schedulers, after a restart) adds nothing while the job is waiting, running,
 * being retried or kept as done: a slot is enqueued once. Retries of a failed audit are BullMQ's
 * (attempts with exponential backoff), so a job, once acknowledged by Redis, is run until it
 * completes or its attempts are spent — it is never dropped.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DB } from '../store/db.ts';
import { dueSites, type DuePolicy } from '../sites/due.ts';
import { dueInputs } from '../sites/state.ts';

export const QUEUE_NAME = 'zhaocuo-site-audits';

export interface SiteJob {
  siteId: number;
  /** For the log and dashboards; the worker reads the site itself from the store. */
  url: string;
  name: string;
  /** The slot this audit serves (ISO). */
  slotAt: string;
}

/** site-<id>-<slot as 20261204T020000Z>: no ':' (BullMQ reserves it), never a bare integer. */
export function jobIdFor(siteId: number, slotAt: Date): string {
  return `site-${siteId}-${slotAt.toISOString().replace(/[-:]|\.\d+/g, '')}`;
}

/** How a job is retried and how long it is kept (long enough for its slot to be past: dedup). */
export function jobOptions(policy: Pick<DuePolicy, 'maxAttempts' | 'retryBaseMs'>): JobsOptions {
  return {
    attempts: policy.maxAttempts,
    backoff: { type: 'exponential', delay: policy.retryBaseMs },
    removeOnComplete: { age: 3 * 24 * 3600, count: 200_000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}

export function siteQueue(connection: Redis, prefix?: string): Queue<SiteJob> {
  return new Queue<SiteJob>(QUEUE_NAME, { connection, prefix });
}

export interface Enqueued {
  jobId: string;
  siteId: number;
  origin: string;
  name: string;
  slotAt: Date;
  /** false: the job was there already (this slot was enqueued before). */
  added: boolean;
}

/**
 * Adds a job for each site due at `now`; returns what it did. Sites being audited (a live lock
 * in the store) are not due. Resolves only when Redis has acknowledged every job.
 */
export async function enqueueDue(db: DB, queue: Queue<SiteJob>, now: Date, policy: DuePolicy, staleMs = 180_000): Promise<Enqueued[]> {
  const { inputs, sites } = dueInputs(db, now, staleMs);
  const out: Enqueued[] = [];
  const opts = jobOptions(policy);
  for (const d of dueSites(inputs, now, policy)) {
    const site = sites.get(d.siteId)!;
    const jobId = jobIdFor(d.siteId, d.slotAt);
    const existing = await queue.getJob(jobId);
    if (!existing) await queue.add('audit', { siteId: d.siteId, url: site.url, name: site.name, slotAt: d.slotAt.toISOString() }, { ...opts, jobId });
    out.push({ jobId, siteId: d.siteId, origin: d.origin, name: site.name, slotAt: d.slotAt, added: !existing });
  }
  return out;
}
