/** What a report says about where it was seen: the browser (name and major version) and the viewport. */

/** "Chrome 156", "Edge 140", "Firefox 128", … from a user-agent string. */
export function browserName(ua: string): string {
  const rules: [RegExp, string][] = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/QQBrowser\/(\d+)/, 'QQ Browser'],
    [/360SE|360EE/, '360 Browser'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/(?:HeadlessChrome|Chromium|Chrome)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[^ ]* Safari/, 'Safari'],
  ];
  for (const [re, name] of rules) {
    const m = re.exec(ua);
    if (m) return m[1] ? `${name} ${m[1]}` : name;
  }
  return ua.slice(0, 100) || 'unknown';
}

/** "1280×720 @1x" (CSS pixels and the device pixel ratio). */
export function viewportText(width: number, height: number, dpr = 1): string {
  return `${Math.round(width)}×${Math.round(height)} @${Math.round(dpr * 100) / 100}x`;
}
