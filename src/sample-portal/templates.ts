// Page chrome of the sample portal: head, header with search, main navigation, breadcrumb and
// the 页面底部功能区 (footer) in its three variants — plain, markers split across tags, and the
// 网站标识码 written only by JavaScript.

import { SITE } from './content.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escape text for element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

export type SectionKey = 'home' | 'xwdt' | 'zwgk' | 'bsfw' | 'hdjl' | 'ztzl';

export const SECTIONS: readonly { key: SectionKey; name: string; href: string }[] = [
  { key: 'home', name: '首页', href: '/' },
  { key: 'xwdt', name: '新闻动态', href: '/xwdt/index.html' },
  { key: 'zwgk', name: '政府信息公开', href: '/zwgk/index.html' },
  { key: 'bsfw', name: '办事服务', href: '/bsfw/index.html' },
  { key: 'hdjl', name: '互动交流', href: '/hdjl/index.html' },
  { key: 'ztzl', name: '专题专栏', href: '/ztzl/index.html' },
];

export type FooterVariant = 'plain' | 'split' | 'js';

export interface PageParts {
  /** plain-text title (escaped into <title> unless titleHtml is given) */
  title: string;
  /** raw inner HTML of <title> (for the hostile-title plant) */
  titleHtml?: string;
  section: SectionKey | null;
  /** breadcrumb after 首页: [text, href?] */
  crumbs?: readonly (readonly [string, string?])[];
  /** inner HTML of <main> */
  main: string;
  /** extra <head> elements */
  head?: string;
  footer?: FooterVariant;
  /** HTML before </body> (scripts, overlays) */
  bodyEnd?: string;
}

export interface Chrome {
  page(p: PageParts): string;
  footer(v: FooterVariant): string;
  header: string;
  nav(section: SectionKey | null): string;
}

export function makeChrome(external: string): Chrome {
  const badge = `<a class="dzjg" href="${external}/conac/sitename?method=show&amp;id=0D3F9A2C7B1E4A05" target="_blank" rel="noopener"><img src="/images/dzjg.png" alt="党政机关" width="42" height="50"></a>`;
  const header = `<header class="top"><div class="wrap">
<a class="site-name" href="/"><img src="/images/logo.png" alt="" width="60" height="60"> ${SITE.name}</a>
<div class="top-right">${badge}
<form action="/search" method="get" role="search"><label for="q">站内搜索</label><input type="text" id="q" name="q"><button type="submit">搜索</button></form></div>
</div></header>`;

  const navCache = new Map<string, string>();
  const nav = (section: SectionKey | null): string => {
    const k = section ?? '';
    let html = navCache.get(k);
    if (html === undefined) {
      const items = SECTIONS.map((s) =>
        s.key === section
          ? `<li><a href="${s.href}" class="on" aria-current="page">${s.name}</a></li>`
          : `<li><a href="${s.href}">${s.name}</a></li>`,
      ).join('');
      html = `<nav class="nav" aria-label="网站主导航"><ul>${items}</ul></nav>`;
      navCache.set(k, html);
    }
    return html;
  };

  const links = `<div class="footer-links"><a href="/sitemap.html">网站地图</a><a href="/hdjl/index.html">联系我们</a><a href="/zwgk/xxgkzn/index.html">信息公开指南</a></div>`;
  const jiucuo = `<a class="jiucuo" href="${external}/jiucuo/exposure.html" target="_blank" rel="noopener"><img src="/images/jiucuo.png" alt="我为政府网站找错" width="110" height="55"></a>`;
  const icpLink = (text: string) => `<a href="${external}/beian/miit.html" target="_blank" rel="noopener">${text}</a>`;
  const policeLink = (text: string) =>
    `<a href="${external}/beian/gongan.html?recordcode=${SITE.policeCode}" target="_blank" rel="noopener"><img src="/images/gongan.png" alt="" width="16" height="16">${text}</a>`;

  const footers: Record<FooterVariant, string> = {
    plain: `<footer class="footer">${links}<div class="wrap">${badge}<div class="info">
<p>主办单位：${SITE.name}　地址：${SITE.address}　邮编：${SITE.postcode}</p>
<p>联系电话：${SITE.phone}　网站标识码：${SITE.siteCode}</p>
<p>${icpLink(SITE.icp)}　${policeLink(SITE.police)}</p>
</div>${jiucuo}</div></footer>`,
    split: `<footer class="footer">${links}<div class="wrap">${badge}<div class="info">
<p>主办单位：<span>示例省海洋与渔业</span><span>局</span>　地址：${SITE.address}　邮编：${SITE.postcode}</p>
<p>联系电话：<span>0591-</span><span>87654321</span>　网站标识码：<span>3500</span><span>000025</span></p>
<p>${icpLink('闽ICP备<span>12345678</span>号-1')}　${policeLink('闽公网安备 <span>3501020200</span><span>0123</span>号')}</p>
</div>${jiucuo}</div></footer>`,
    js: `<footer class="footer">${links}<div class="wrap">${badge}<div class="info">
<p>主办单位：${SITE.name}　地址：${SITE.address}　邮编：${SITE.postcode}</p>
<p>联系电话：${SITE.phone}　<span id="site-code"></span></p>
<p>${icpLink(SITE.icp)}　${policeLink(SITE.police)}</p>
</div>${jiucuo}</div></footer>
<script>document.getElementById('site-code').textContent = '网站标识码：' + '35000' + '00025';</script>`,
  };

  const page = (p: PageParts): string => {
    const crumbs = p.crumbs
      ? `<nav class="wrap crumb" aria-label="当前位置">当前位置：<a href="/">首页</a>${p.crumbs
          .map(([t, h]) => (h ? ` &gt; <a href="${h}">${esc(t)}</a>` : ` &gt; <span>${esc(t)}</span>`))
          .join('')}</nav>\n`
      : '';
    const titleHtml = p.titleHtml ?? esc(p.title);
    return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${titleHtml}</title>
<meta name="SiteName" content="${SITE.name}">
<meta name="SiteDomain" content="${SITE.host}">
${p.head ?? ''}<link rel="stylesheet" href="/css/main.css">
<link rel="icon" href="/favicon.ico">
</head>
<body>
${header}
${nav(p.section)}
${crumbs}<main id="main" class="wrap main">
${p.main}
</main>
${footers[p.footer ?? 'plain']}
<script src="/js/main.js"></script>
${p.bodyEnd ?? ''}</body>
</html>
`;
  };

  return { page, footer: (v) => footers[v], header, nav };
}

/** A sidebar with the section's columns. */
export function sidebar(title: string, items: readonly (readonly [string, string])[], current?: string): string {
  const lis = items
    .map(([name, href]) =>
      href === current ? `<li><a href="${href}" aria-current="page">${esc(name)}</a></li>` : `<li><a href="${href}">${esc(name)}</a></li>`,
    )
    .join('');
  return `<aside class="side"><h2>${esc(title)}</h2><ul>${lis}</ul></aside>`;
}
