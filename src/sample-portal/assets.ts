// Small, valid binary and static assets of the sample portal: PNG/GIF images, the favicon,
// PDF and DOC attachments, the stylesheet and the site script.

import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid RGB PNG of one colour with an optional border colour. */
export function makePng(width: number, height: number, rgb: [number, number, number], border?: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0;
    for (let x = 0; x < width; x++) {
      const edge = border && (x === 0 || y === 0 || x === width - 1 || y === height - 1);
      const c = edge ? border! : rgb;
      const o = y * row + 1 + x * 3;
      raw[o] = c[0];
      raw[o + 1] = c[1];
      raw[o + 2] = c[2];
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** 1×1 transparent GIF. */
export const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** A favicon: an ICO wrapping a 16×16 PNG. */
export function makeIco(): Buffer {
  const png = makePng(16, 16, [0x0b, 0x53, 0x94], [0xff, 0xff, 0xff]);
  const head = Buffer.alloc(6 + 16);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2); // icon
  head.writeUInt16LE(1, 4); // one image
  head[6] = 16;
  head[7] = 16;
  head[8] = 0;
  head[9] = 0;
  head.writeUInt16LE(1, 10);
  head.writeUInt16LE(32, 12);
  head.writeUInt32LE(png.length, 14);
  head.writeUInt32LE(22, 18);
  return Buffer.concat([head, png]);
}

/** A minimal but valid one-page PDF (correct xref offsets). */
export function makePdf(title: string): Buffer {
  const safe = title.replace(/[^\x20-\x7e]/g, '').replace(/[()\\]/g, '') || 'Document';
  const stream = `BT /F1 14 Tf 72 760 Td (${safe}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Bytes that look like a legacy Word document: the OLE2 compound-file signature and header. */
export function makeDoc(): Buffer {
  const b = Buffer.alloc(1536);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
  b.writeUInt16LE(0x003e, 24); // minor version
  b.writeUInt16LE(0x0003, 26); // major version 3
  b.writeUInt16LE(0xfffe, 28); // byte order
  b.writeUInt16LE(9, 30); // sector shift (512)
  b.writeUInt16LE(6, 32); // mini sector shift
  b.fill(0xff, 76, 512); // DIFAT: free
  Buffer.from('Microsoft Word 97-2003 Document', 'latin1').copy(b, 1024);
  return b;
}

export const CSS = `/* 示例省海洋与渔业局 */
*{box-sizing:border-box}
body{margin:0;font:14px/1.8 "Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;color:#333;background:#fff}
a{color:#1a4d8f}
a:hover{color:#b30000}
.wrap{width:1200px;max-width:100%;margin:0 auto;padding:0 10px}
.top{background:#0b5394;color:#fff;padding:16px 0}
.top .wrap{display:flex;justify-content:space-between;align-items:center}
.top .site-name{font-size:28px;font-weight:bold;color:#fff;text-decoration:none}
.top-right{display:flex;gap:16px;align-items:center}
.top label{color:#fff;margin-right:6px}
.top input{width:200px;padding:4px;border:1px solid #fff}
.top button{padding:4px 12px;background:#fff;color:#0b5394;border:0}
.nav{background:#084070}
.nav ul{list-style:none;margin:0 auto;padding:0;display:flex;width:1200px;max-width:100%}
.nav li a{display:block;padding:10px 24px;color:#fff;text-decoration:none;font-size:16px}
.nav li a.on,.nav li a:hover{background:#c00000;color:#fff}
.crumb{padding:8px 0;color:#333}
.main{display:flex;gap:20px;padding:10px 0 30px}
.side{width:240px;flex:none}
.side h2{margin:0;background:#0b5394;color:#fff;font-size:18px;padding:8px 12px}
.side ul{list-style:none;margin:0;padding:0;border:1px solid #d6dde6}
.side li a{display:block;padding:8px 12px;border-bottom:1px solid #e5e9ef;text-decoration:none;color:#333}
.content-box{flex:1;min-width:0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.col-title{margin:0 0 8px;font-size:18px;border-bottom:2px solid #0b5394;padding-bottom:6px}
ul.list{list-style:none;margin:0;padding:0}
ul.list li{display:flex;justify-content:space-between;border-bottom:1px dashed #d0d0d0;padding:6px 0}
ul.list li span,.date{color:#595959;white-space:nowrap;margin-left:12px}
table.list,table.info{width:100%;border-collapse:collapse}
table.list th,table.list td,table.info th,table.info td{border:1px solid #d6dde6;padding:6px 8px;text-align:left;vertical-align:top}
table.list th,table.info th{background:#eef3f9;color:#222}
.pages{margin:16px 0;text-align:center;color:#333}
.pages a,.pages span{display:inline-block;margin:0 3px;padding:2px 8px;border:1px solid #d6dde6}
.article h1{font-size:24px;text-align:center;color:#222;line-height:1.5}
.article .info{text-align:center;color:#595959;border-bottom:1px solid #e5e9ef;padding-bottom:8px}
.article .body{font-size:16px;line-height:2}
.article .body p{text-indent:2em;margin:0 0 12px}
.attach{margin-top:16px;padding:10px;background:#f5f7fa}
.tools{text-align:right;margin-top:20px}
.blocks{display:grid;grid-template-columns:1fr 1fr;gap:20px}
.block h2{font-size:18px;border-bottom:2px solid #0b5394;padding-bottom:6px;display:flex;justify-content:space-between}
.block h2 a{font-size:14px;font-weight:normal}
.quick{display:flex;flex-wrap:wrap;gap:10px;list-style:none;padding:0}
.quick li a{display:block;padding:10px 16px;background:#eef3f9;text-decoration:none;color:#0b5394}
.msg{border:1px solid #d6dde6;padding:10px 14px;margin:0 0 14px}
.msg dt{font-weight:bold;font-size:16px}
.msg dd{margin:4px 0}
.footer{background:#1f3b5a;color:#fff;padding:0 0 20px;margin-top:20px;font-size:13px}
.footer a{color:#fff}
.footer .wrap{display:flex;gap:20px;align-items:center}
.footer p{margin:2px 0}
.footer-links{text-align:center;padding:8px 0;margin-bottom:16px;background:#e9eef4}
.footer-links a{color:#1a4d8f;margin:0 10px}
form.zx label{display:inline-block;width:90px}
form.zx div{margin:8px 0}
`;

export const SITE_JS = `/* 示例省海洋与渔业局 通用脚本 */
(function () {
  var zoom = document.getElementById('zoom');
  window.setFontSize = function (size) { if (zoom) zoom.style.fontSize = size + 'px'; };
})();
`;
