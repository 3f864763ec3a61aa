/** The `server` block of the site config (`zhaocuo serve`). */
import { z } from 'zod';

export const serverSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  /**
   * More browser-extension origins allowed to call the API cross-origin (CORS), besides
   * zhaocuo's own Chrome extension (always allowed: its id is pinned): a Firefox install's
   * moz-extension://<uuid>, or a re-keyed build. Nothing else is.
   */
  extensionOrigins: z
    .array(z.string().regex(/^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9._-]+$/, 'expected chrome-extension://<id> or moz-extension://<uuid>'))
    .default([]),
  /** Largest JSON body of requests without a screenshot. */
  maxBodyBytes: z.number().int().positive().default(256 * 1024),
  /** Largest screenshot (decoded bytes). */
  maxScreenshotBytes: z.number().int().positive().default(3 * 1024 * 1024),
  /** Dashboard login lifetime. */
  sessionHours: z.number().positive().default(12),
});

export type ServerConfig = z.infer<typeof serverSchema>;
