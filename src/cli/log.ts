/**
 * Output of long commands: a live progress line on a terminal, nothing but errors when
 * quiet, or JSON lines (one event a line) for cron and log collectors. Progress goes to
 * stderr so stdout stays clean for the summary.
 */
import type { CrawlProgress } from '../gather/crawl.ts';

export type LogMode = 'tty' | 'plain' | 'quiet' | 'json';

export class Log {
  private lastLen = 0;
  constructor(readonly mode: LogMode) {}

  static pick(opts: { quiet?: boolean; log?: string }): Log {
    if (opts.log === 'json') return new Log('json');
    if (opts.quiet) return new Log('quiet');
    return new Log(process.stderr.isTTY ? 'tty' : 'plain');
  }

  event(event: string, fields: Record<string, unknown> = {}, text?: string): void {
    if (this.mode === 'json') process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), event, ...fields }) + '\n');
    else if (text && this.mode !== 'quiet') {
      this.clear();
      process.stderr.write(text + '\n');
    }
  }

  error(message: string): void {
    if (this.mode === 'json') process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), event: 'error', message }) + '\n');
    else {
      this.clear();
      process.stderr.write(`zhaocuo: ${message}\n`);
    }
  }

  progress = (p: CrawlProgress): void => {
    if (this.mode === 'tty') {
      const rate = p.elapsedMs > 0 ? (p.pages / (p.elapsedMs / 1000)).toFixed(0) : '0';
      const line = `  页面 ${p.pages} · 已核验链接 ${p.checked}/${p.targets} · 进行中 ${p.queued} · 每秒 ${rate} 页`;
      process.stderr.write('\r' + line.padEnd(this.lastLen));
      this.lastLen = line.length;
    } else if (this.mode === 'json' && p.elapsedMs - this.lastJson >= 5000) {
      this.lastJson = p.elapsedMs;
      this.event('progress', { ...p, elapsedMs: Math.round(p.elapsedMs) });
    }
  };
  private lastJson = 0;

  clear(): void {
    if (this.mode === 'tty' && this.lastLen) {
      process.stderr.write('\r' + ' '.repeat(this.lastLen) + '\r');
      this.lastLen = 0;
    }
  }
}
