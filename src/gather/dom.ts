/**
 * htmlparser2 → a DOM no deeper than a browser builds. Chromium's HTML parser stops nesting at
 * 512 levels: an element opened deeper becomes a sibling of the deepest one. We do the same,
 * for two reasons: every later walk over the tree stays shallow, and htmlparser2 keeps its
 * open-element stack with Array.unshift/shift, which costs O(depth) per tag — a 10 MB page of
 * unclosed <div>s (two million levels) would take hours to parse without a bound.
 */
import { DomHandler, Parser } from 'htmlparser2';
import type { Document } from 'domhandler';

/** Chromium's kMaximumHTMLParserDOMTreeDepth. */
export const MAX_DOM_DEPTH = 512;
/**
 * Elements kept of one page. A DOM element costs about 400 bytes: an 8 MB page of bare tags
 * (1.6 million elements) would need 700 MB. A 50,000-link list page has about 150,000.
 */
export const MAX_DOM_ELEMENTS = 250_000;

/** Thrown inside the parser to stop it; the tree built so far is kept. */
class ElementLimit extends Error {}

const PARSE_OPTIONS = { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true } as const;
/** Elements that push or pop htmlparser2's foreign-content (SVG/MathML) context. */
const FOREIGN = new Set(['math', 'svg', 'mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

/** The parts of htmlparser2's Parser that the bound uses (not in its typings: they are private). */
interface ParserInternals {
  stack: string[];
  foreignContext: boolean[];
  emitOpenTag(name: string): void;
  isVoidElement(name: string): boolean;
}

export interface ParsedDom {
  doc: Document;
  /** Why the tree holds only part of the page (too many elements), in Chinese with English. */
  cut?: string;
}

export function parseDom(html: string): ParsedDom {
  const handler = new DomHandler();
  const parser = new Parser(handler, PARSE_OPTIONS);
  const p = parser as unknown as ParserInternals;
  // Without these internals (another htmlparser2 version) the parse is unbounded but still
  // correct; tests/parse-deep.unit.test.ts fails on time, so the change would not go unseen.
  if (Array.isArray(p.stack) && typeof p.emitOpenTag === 'function') {
    const open = p.emitOpenTag.bind(parser);
    let elements = 0;
    p.emitOpenTag = (name: string) => {
      if (++elements > MAX_DOM_ELEMENTS) throw new ElementLimit();
      if (p.stack.length >= MAX_DOM_DEPTH && !p.isVoidElement(name)) {
        // Close the deepest open element, implied, as if its end tag came now.
        const top = p.stack.shift()!;
        if (FOREIGN.has(top)) p.foreignContext.shift();
        handler.onclosetag();
      }
      open(name);
    };
  }
  try {
    parser.end(html);
  } catch (err) {
    if (!(err instanceof ElementLimit)) throw err;
    // DomHandler attaches each node to its parent as it opens: the tree so far is whole.
    return { doc: handler.root, cut: `页面元素超过 ${MAX_DOM_ELEMENTS} 个，只读取了前 ${MAX_DOM_ELEMENTS} 个（more than ${MAX_DOM_ELEMENTS} elements: the rest was not read）` };
  }
  return { doc: handler.root };
}
