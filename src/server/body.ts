/** Request bodies with a size limit (413 before parsing), JSON that must be JSON, and forms. */
import type { Context } from 'hono';
import { HttpError } from './inputs.ts';

const mb = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

export async function readLimited(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new HttpError(413, `request body too large: ${mb(declared)}, at most ${mb(limit)} here`);
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, `request body too large: over ${mb(limit)}`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export async function jsonBody(c: Context, limit: number): Promise<unknown> {
  const ct = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(ct)) throw new HttpError(415, `send the body as JSON with Content-Type: application/json (got ${ct ? JSON.stringify(ct) : 'none'})`);
  const buf = await readLimited(c.req.raw, limit);
  if (!buf.length) throw new HttpError(400, 'the request body is empty: send a JSON object');
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

/** A urlencoded or multipart form, read within the limit. */
export async function formBody(c: Context, limit: number): Promise<FormData> {
  const ct = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(ct)) throw new HttpError(415, 'expected a form submission');
  const buf = await readLimited(c.req.raw, limit);
  try {
    return await new Request('http://form.invalid/', { method: 'POST', headers: { 'content-type': ct }, body: new Uint8Array(buf) }).formData();
  } catch (err) {
    throw new HttpError(400, `cannot read the form: ${(err as Error).message}`);
  }
}

export function formText(f: FormData, name: string): string | undefined {
  const v = f.get(name);
  return typeof v === 'string' ? v : undefined;
}
