/**
 * What an incremental re-audit remembers of the site's documents that are not pages: link
 * targets verified with a HEAD (images, attachments, scripts) and files read whole (robots.txt,
 * the sitemaps, stylesheets). Their validators are sent back, with a HEAD too (RFC 9110 §13.1:
 * conditional requests apply to GET and HEAD), and a 304 stands for the stored answer: the
 * target is still there and unchanged, so it is verified as before, with the stored status and
 * content type (and, for a file read whole, the stored body). Pages are not kept here: the page
 * cache (./page-cache.ts) keeps their parsed artifacts. Implemented over the store
 * (src/store/document-cache.ts); the fetcher only sees this interface.
 */
import type { Validators } from './page-cache.ts';

export interface StoredDocument {
  status: number;
  /** The headers the answer's users read (content type and length, validators). */
  headers: Record<string, string>;
  /** A file read whole (not HTML: robots.txt, sitemaps, stylesheets), decoded. */
  body?: Buffer;
}

export interface DocumentCache {
  /** The stored answer with its validators (reuse on only), or undefined. */
  get(url: string): (StoredDocument & { v: Validators }) | undefined;
  /** Stores an answer that came with validators. */
  save(url: string, v: Validators, doc: StoredDocument): void;
  /** A 304: the stored answer stands for this run too. */
  touch(url: string, v: Validators): void;
  /** Writes what is pending. */
  flush(): void;
  /** Writes what is pending; with `complete`, also forgets the documents this run did not ask for (before the page cache's finish). */
  finish(complete: boolean): void;
}

/** Of a document's headers, those kept with it. */
export const DOCUMENT_HEADERS = ['content-type', 'content-length', 'content-disposition', 'last-modified', 'etag'];

/** Whether a GET's body is kept as a document (files read whole; an HTML page is the page cache's). */
export const keepsBody = (contentType: string) => !/text\/html|application\/xhtml/i.test(contentType);
