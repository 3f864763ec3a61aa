/**
 * Personal-data detection and masking (task 35; standards §9), ESLint-style: valid and
 * invalid cases side by side. Check digits are computed here, independently of the module.
 */
import { describe, expect, it } from 'vitest';
import { findPii, isCreditCode, isValidIdNumber, luhnValid, maskDeep, maskPii, maskValue } from '../src/pii/detect.ts';

// --- independent reference implementations -------------------------------------------------
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idWithCheck(first17: string): string {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * W[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
function wrongCheck(id: string): string {
  const good = id[17];
  const bad = good === '0' ? '1' : good === 'X' ? '2' : String((Number(good) + 1) % 10);
  return id.slice(0, 17) + bad;
}
function cardWithCheck(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = Number(body[i]);
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}
const CC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + CC.indexOf(ch) * CW[i], 0);
  const c = 31 - (sum % 31);
  return first17 + CC[c === 31 ? 0 : c];
}

const ID = idWithCheck('35010219850312124'); // 福建福州, 1985-03-12
const ID_X = (() => {
  // find a 17-digit body whose check character is X, to test the X form
  for (let n = 100; n < 999; n++) {
    const id = idWithCheck(`11010519900101${String(n).padStart(3, '0')}`);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X id');
})();
const CARD16 = cardWithCheck('622202123456789');
const CARD19 = cardWithCheck('622848001234567890');
const kinds = (text: string) => findPii(text).map((h) => h.kind);

describe('resident ID numbers', () => {
  it('validates area code, birth date and check digit', () => {
    expect(isValidIdNumber(ID)).toBe(true);
    expect(isValidIdNumber(ID_X)).toBe(true);
    expect(isValidIdNumber(ID_X.toLowerCase())).toBe(true);
    expect(isValidIdNumber(wrongCheck(ID))).toBe(false);
    expect(isValidIdNumber(idWithCheck('99010219850312124'))).toBe(false); // no province 99
    expect(isValidIdNumber(idWithCheck('35010219850230124'))).toBe(false); // 30 February
    expect(isValidIdNumber(idWithCheck('35010218500312124'))).toBe(false); // born 1850
    expect(isValidIdNumber(ID.slice(0, 17))).toBe(false);
  });

  it.each([
    [`身份证号：${ID}`, ['id-number']],
    [`${ID_X}（男）`, ['id-number']],
    [`公民身份号码 ${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`, ['id-number']],
    [`身份证：${[...ID].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')}`, ['id-number']], // full-width digits
    [`李明华${ID}渔业技术岗`, ['id-number']],
  ])('finds %s', (text, want) => expect(kinds(text)).toEqual(want));

  it.each([
    [`考场编号：${wrongCheck(ID)}`], // ID-shaped, wrong check digit
    [`编号 ${wrongCheck(ID)}`],
    ['已脱敏：3501**********1234'],
    ['350102********1234'],
    [`X${ID}`], // glued to a letter: part of a code
  ])('ignores %s', (text) => expect(findPii(text)).toEqual([]));

  it('never reads an ID-shaped number with a wrong check digit as a bank card, even when it passes Luhn', () => {
    const shaped = [...'0123456789'].map((d) => ID.slice(0, 17) + d).filter((v) => v !== ID && luhnValid(v));
    expect(shaped.length).toBeGreaterThan(0);
    for (const v of shaped) expect(findPii(`账号 ${v}`)).toEqual([]);
  });
});

describe('mobile numbers vs fixed lines', () => {
  it.each([
    ['联系电话：13812345678', ['mobile']],
    ['手机 199 1234 5678', ['mobile']],
    ['手机：138-1234-5678', ['mobile']],
    ['+8613812345678', ['mobile']],
    ['+86 138 1234 5678', ['mobile']],
    ['13812345678/13912345678', ['mobile', 'mobile']],
    ['（联系人：王先生，15005912345）', ['mobile']],
  ])('finds %s', (text, want) => expect(kinds(text)).toEqual(want));

  it.each([
    ['办公电话：0591-87654321'],
    ['监督电话：(0591)87654321'],
    ['传真 059187654321'],
    ['咨询电话：87654321'],
    ['服务热线 400-123-4567'],
    ['12345678901'], // 12… is not a mobile prefix
    ['138****5678'],
    ['10086、12345'],
  ])('ignores %s', (text) => expect(findPii(text)).toEqual([]));
});

describe('bank cards vs codes', () => {
  it('Luhn', () => {
    expect(luhnValid(CARD16)).toBe(true);
    expect(luhnValid(CARD19)).toBe(true);
    expect(luhnValid(CARD19.slice(0, -1) + ((Number(CARD19.at(-1)) + 1) % 10))).toBe(false);
    expect(luhnValid('abc')).toBe(false);
  });

  it.each([
    [`退费账户：${CARD19}`, ['bank-card']],
    [`卡号 ${CARD16}`, ['bank-card']],
    [`卡号 ${CARD19.slice(0, 4)} ${CARD19.slice(4, 8)} ${CARD19.slice(8, 12)} ${CARD19.slice(12, 16)} ${CARD19.slice(16)}`, ['bank-card']],
  ])('finds %s', (text, want) => expect(kinds(text)).toEqual(want));

  it('does not read unified social credit codes as personal data', () => {
    const withLetters = creditCode('91350100MA2YK7N3P');
    expect(isCreditCode(withLetters)).toBe(true);
    expect(findPii(`统一社会信用代码：${withLetters}`)).toEqual([]);
    // An all-digit code whose digits happen to pass Luhn: still a credit code, not a card.
    let digitsOnly = '';
    for (let n = 0; n < 10_000 && !digitsOnly; n++) {
      const c = creditCode(`5135000050${String(n).padStart(7, '0')}`);
      if (/^\d{18}$/.test(c) && luhnValid(c)) digitsOnly = c;
    }
    expect(digitsOnly).not.toBe('');
    expect(isCreditCode(digitsOnly)).toBe(true);
    expect(findPii(`社会组织 ${digitsOnly}`)).toEqual([]);
    expect(findPii(`统一社会信用代码：${digitsOnly}`)).toEqual([]);
  });

  it('ignores Luhn-valid numbers labelled as document or order numbers', () => {
    expect(findPii(`订单号：${CARD16}`)).toEqual([]);
    expect(findPii(`索引号：${CARD19}`)).toEqual([]);
  });
});

describe('digit runs in file names and URLs', () => {
  it.each([
    ['附件：/uploads/20261017123456789012.pdf'],
    [`附件：${ID}.pdf`],
    [`下载 ${ID}.xlsx`],
    ['http://hyj.example.gov.cn/art/13812345678/index.html'],
    ['https://www.example.gov.cn/x?id=13812345678'],
    [`www.example.gov.cn/${CARD19}`],
    ['P020241015_13812345678.doc'],
    ['13812345678@139.com'],
    [`/zwgk/${ID}/`],
  ])('ignores %s', (text) => expect(findPii(text)).toEqual([]));
});

describe('masking', () => {
  it('keeps 4+4 of IDs and cards, 3+4 of mobiles', () => {
    const [id] = findPii(ID);
    expect(id.masked).toBe(`${ID.slice(0, 4)}**********${ID.slice(-4)}`);
    expect(findPii('13812345678')[0].masked).toBe('138****5678');
    expect(findPii(`卡 ${CARD19}`)[0].masked).toBe(maskValue(CARD19));
    expect(maskValue('123')).toBe('***');
  });

  it('masks text in place, keeping its length and separators', () => {
    const text = `李明华 ${ID} 手机 138-1234-5678，卡号 ${CARD16}；电话 0591-87654321；统一社会信用代码 ${creditCode('91350100MA2YK7N3P')}`;
    const m = maskPii(text);
    expect(m).toHaveLength(text.length);
    expect(m).not.toContain(ID);
    expect(m).not.toContain(ID.slice(4, 14));
    expect(m).toContain('138-****-5678');
    expect(m).not.toContain(CARD16);
    expect(m).toContain('0591-87654321');
    expect(m).toContain(creditCode('91350100MA2YK7N3P'));
    expect(maskPii(m)).toBe(m); // idempotent
    expect(findPii(m)).toEqual([]);
  });

  it('masks every string of a nested value', () => {
    const v = maskDeep({ a: [`身份证 ${ID}`, 3], b: { c: '13812345678' }, d: null });
    expect(JSON.stringify(v)).not.toContain(ID);
    expect(v.b.c).toBe('138****5678');
    expect(v.a[1]).toBe(3);
    expect(v.d).toBeNull();
  });

  it('reports the span as written and the canonical value', () => {
    const text = `电话 +86 138 1234 5678。`;
    const [h] = findPii(text);
    expect(h.value).toBe('13812345678');
    expect(text.slice(h.index, h.index + h.length)).toBe('+86 138 1234 5678');
    expect(maskPii(text)).toBe('电话 +86 138 **** 5678。');
  });
});
