/** The extension's look, one stylesheet for the in-page panel (inside a shadow root) and its own pages. */

export const BASE_CSS = `
:host, .zc { all: initial; }
.zc, .zc * { box-sizing: border-box; font-family: "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", system-ui, sans-serif; }
.zc { color: #1f2328; font-size: 13px; line-height: 1.5; }
.zc h1, .zc h2, .zc h3 { margin: 0 0 8px; font-weight: 600; color: #1f2328; }
.zc h1 { font-size: 16px; } .zc h2 { font-size: 14px; } .zc h3 { font-size: 13px; }
.zc p { margin: 4px 0; }
.zc .muted { color: #656d76; font-size: 12px; }
.zc .url { word-break: break-all; }
.zc button { font: inherit; cursor: pointer; border: 1px solid #d0d7de; background: #f6f8fa; color: #1f2328; border-radius: 6px; padding: 5px 12px; }
.zc button:hover { background: #eef1f4; }
.zc button.primary { background: #c8161d; border-color: #a81218; color: #fff; }
.zc button.primary:hover { background: #a81218; }
.zc button.big { display: block; width: 100%; text-align: left; padding: 10px 12px; margin: 0 0 8px; }
.zc button.big b { display: block; font-size: 14px; }
.zc button.link { border: 0; background: none; color: #0969da; padding: 0 4px; }
.zc button:disabled { opacity: .6; cursor: default; }
.zc label { display: block; font-weight: 600; margin: 10px 0 4px; }
.zc label.inline { display: inline-flex; gap: 6px; align-items: center; font-weight: normal; margin: 8px 0; }
.zc input[type=text], .zc input[type=url], .zc input[type=password], .zc select, .zc textarea {
  font: inherit; width: 100%; padding: 6px 8px; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; color: #1f2328; }
.zc textarea { min-height: 72px; resize: vertical; }
.zc .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.zc .actions { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
.zc dl.sent { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; font-size: 12px; }
.zc dl.sent dt { color: #656d76; }
.zc dl.sent dd { margin: 0; word-break: break-all; max-height: 4.5em; overflow: auto; }
.zc .shot { max-width: 100%; border: 1px solid #d0d7de; border-radius: 4px; display: block; margin-top: 4px; }
.zc .note { padding: 8px 10px; border-radius: 6px; margin: 8px 0; }
.zc .note.ok { background: #dafbe1; color: #116329; }
.zc .note.wait { background: #fff8c5; color: #7d4e00; }
.zc .note.err { background: #ffebe9; color: #a40e26; }
.zc .note ul { margin: 4px 0 0 16px; padding: 0; }
.zc .item { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; margin: 6px 0; background: #fff; }
.zc .item .msg { margin: 4px 0; word-break: break-word; }
.zc .sev { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 10px; color: #fff; background: #8c959f; margin-right: 6px; }
.zc .rule-name { font-weight: 600; } .zc .rule-id { color: #8c959f; font-size: 11px; white-space: nowrap; } .zc .rule-id code { font-size: 11px; }
.zc .sev.critical { background: #6e0b11; } .zc .sev.high { background: #c8161d; } .zc .sev.medium { background: #bf5b04; } .zc .sev.low { background: #9a6700; } .zc .sev.info { background: #57606a; }
.zc code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; background: #f6f8fa; padding: 0 3px; border-radius: 3px; word-break: break-all; }
.zc .head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 8px; }
.zc .brand { color: #c8161d; font-weight: 700; }
.zc .count { display: inline-block; min-width: 18px; text-align: center; background: #c8161d; color: #fff; border-radius: 9px; font-size: 11px; padding: 0 5px; margin-left: 4px; }
`;

/** The in-page panel, highlight and banner (inside the shadow root). */
export const PANEL_CSS = `${BASE_CSS}
.panel { position: fixed; top: 12px; right: 12px; width: 400px; max-height: calc(100vh - 24px); overflow: auto; background: #fff;
  border: 1px solid #d0d7de; border-top: 4px solid #c8161d; border-radius: 8px; box-shadow: 0 8px 24px rgba(31,35,40,.25); padding: 12px 14px; z-index: 2147483647; pointer-events: auto; }
.banner { position: fixed; top: 0; left: 50%; transform: translateX(-50%); background: #c8161d; color: #fff; padding: 6px 14px; border-radius: 0 0 8px 8px;
  font-size: 13px; z-index: 2147483647; pointer-events: none; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
.hl { position: fixed; pointer-events: none; border: 2px solid #c8161d; background: rgba(200,22,29,.08); z-index: 2147483646; display: none; }
.hl .tag { position: absolute; left: -2px; top: -20px; background: #c8161d; color: #fff; font-size: 11px; padding: 0 4px; white-space: nowrap; max-width: 360px; overflow: hidden; text-overflow: ellipsis; }
.outline { position: fixed; pointer-events: none; border: 3px solid #e5000e; box-shadow: 0 0 0 2px #fff, 0 0 0 5px rgba(229,0,14,.35); z-index: 2147483646; }
`;
