/**
 * The site report as PDF: the same index.html printed by the same headless Chromium the browser
 * audits drive (src/gather/browser/pool.ts; CJK fonts from the system, fonts-wqy-microhei in the
 * container). The page is opened from its file with the network switched off — every request
 * that is not the file itself is refused — so printing proves the report is self-contained.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { findBrowser as defaultFindBrowser, type BrowserFinder } from '../gather/browser/find.ts';
import { BrowserPool } from '../gather/browser/pool.ts';
import { FONT_STACK } from './sections/common.ts';

export interface PdfOptions {
  findBrowser?: BrowserFinder;
  /** Deadline for opening and printing, ms (default 120 s). */
  timeoutMs?: number;
  /** Footer line before the page numbers. */
  footer?: string;
}

export interface PdfResult {
  path: string;
  /** Requests the page tried to make besides its own file (refused); empty for a self-contained report. */
  refused: string[];
}

const escText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Prints an HTML file to a PDF file (A4, backgrounds, page numbers). */
export async function htmlFileToPdf(htmlFile: string, pdfFile: string, o: PdfOptions = {}): Promise<PdfResult> {
  const executablePath = (o.findBrowser ?? defaultFindBrowser)();
  const timeout = o.timeoutMs ?? 120_000;
  const pool = new BrowserPool({ executablePath, size: 1, pageTimeoutMs: timeout });
  const url = pathToFileURL(resolve(htmlFile)).href;
  const refused: string[] = [];
  try {
    await pool.withPage(async (page) => {
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const u = req.url();
        if (u === url || u.startsWith('data:')) return void req.continue().catch(() => undefined);
        refused.push(u);
        void req.abort('blockedbyclient').catch(() => undefined);
      });
      await page.goto(url, { waitUntil: 'load', timeout });
      // Folded tables meant for paper (columns, trend figures) are opened; page lists stay folded.
      await page.evaluate(`document.querySelectorAll('details[data-print-open]').forEach(function (d) { d.open = true; })`);
      await page.pdf({
        path: resolve(pdfFile),
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="width:100%;font-size:8px;color:#6b7280;text-align:center;font-family:${escText(FONT_STACK)}">${escText(o.footer ?? '找错 检查报告')} · 第 <span class="pageNumber"></span> / <span class="totalPages"></span> 页</div>`,
        margin: { top: '12mm', bottom: '14mm', left: '10mm', right: '10mm' },
        timeout,
      });
    }, timeout);
  } finally {
    await pool.close();
  }
  return { path: resolve(pdfFile), refused };
}
