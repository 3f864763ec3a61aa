/** Request bodies with a size limit (413 before parsing), JSON that must be JSON, and forms. */
import type { Context } from 'hono';
import { HttpError } from './inputs.ts';

const mb = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

export async function readLimited(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new HttpError(413, `请求内容过大：${mb(declared)}，此处最多 ${mb(limit)}（request body too large）`);
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
      throw new HttpError(413, `请求内容过大：超过 ${mb(limit)}（request body too large）`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export async function jsonBody(c: Context, limit: number): Promise<unknown> {
  const ct = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(ct)) throw new HttpError(415, `请以 JSON 发送请求内容（Content-Type: application/json），收到的是 ${ct ? JSON.stringify(ct) : '无 Content-Type'}（send the body as JSON）`);
  const buf = await readLimited(c.req.raw, limit);
  if (!buf.length) throw new HttpError(400, '请求内容为空：请发送一个 JSON 对象（the request body is empty）');
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `JSON 格式有误：${(err as Error).message}（malformed JSON）`);
  }
}

/** A urlencoded or multipart form, read within the limit. */
export async function formBody(c: Context, limit: number): Promise<FormData> {
  const ct = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(ct)) throw new HttpError(415, '需要表单提交（expected a form submission）');
  const buf = await readLimited(c.req.raw, limit);
  try {
    return await new Request('http://form.invalid/', { method: 'POST', headers: { 'content-type': ct }, body: new Uint8Array(buf) }).formData();
  } catch (err) {
    throw new HttpError(400, `无法读取表单：${(err as Error).message}（cannot read the form）`);
  }
}

export function formText(f: FormData, name: string): string | undefined {
  const v = f.get(name);
  return typeof v === 'string' ? v : undefined;
}
