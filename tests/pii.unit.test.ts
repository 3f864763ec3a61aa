/**
 * Personal-data detection and masking (task 35; standards §9), ESLint-style: valid and
 * invalid cases side by side. Check digits are computed here, independently of the module.
 */
import { describe, expect, it } from 'vitest';
import { findPii, isCreditCode, isRegistrationNumber15, isValidIdNumber, isValidIdNumber15, luhnValid, maskAs, maskDeep, maskPii, maskValue } from '../src/pii/detect.ts';

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
/** ISO 7064 MOD 11,10 check digit of a 14-digit 工商注册号 body (GS 15-2006). */
function regWithCheck(first14: string): string {
  let p = 10;
  for (const ch of first14) {
    const r = (p + Number(ch)) % 10;
    p = ((r === 0 ? 10 : r) * 2) % 11;
  }
  for (let c = 0; c < 10; c++) if ((p + c) % 10 === 1) return first14 + c;
  throw new Error('no check digit');
}
const fullWidth = (s: string) => [...s].map((c) => (/\d/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
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

describe('old 15-digit resident ID numbers (第一代居民身份证号码)', () => {
  const ID15 = '330102850312123'; // 浙江杭州, 1985-03-12, sequence 123
  const MASK15 = '3301*******2123';
  // A real-shaped 工商注册号: area 330100, body 00000112 (digits 7–12 "000112" read as 1900-01-12, a valid date).
  const REG15 = regWithCheck('33010000011234');
  // An ID whose 15 digits also happen to pass the 注册号 check (about one ID in ten).
  const ID15_REGLIKE = (() => {
    for (let n = 0; n < 1000; n++) {
      const v = `320104720815${String(n).padStart(3, '0')}`;
      if (regWithCheck(v.slice(0, 14)) === v) return v;
    }
    throw new Error('none');
  })();
  const kinds15 = (text: string) => findPii(text).map((h) => `${h.kind}:${h.masked}`);

  it('validates the area code and a 19YY birth date, leap years included', () => {
    expect(isValidIdNumber15(ID15)).toBe(true);
    expect(isValidIdNumber15('110105960229001')).toBe(true); // 1996-02-29
    expect(isValidIdNumber15('650102991231999')).toBe(true);
    expect(isValidIdNumber15('110105970229001')).toBe(false); // 1997-02-29
    expect(isValidIdNumber15('110105000229001')).toBe(false); // 1900 was not a leap year
    expect(isValidIdNumber15('330102851312123')).toBe(false); // month 13
    expect(isValidIdNumber15('330102850012123')).toBe(false); // month 00
    expect(isValidIdNumber15('330102850431123')).toBe(false); // 31 April
    expect(isValidIdNumber15('330102850300123')).toBe(false); // day 00
    expect(isValidIdNumber15('990102850312123')).toBe(false); // no province 99
    expect(isValidIdNumber15('160102850312123')).toBe(false); // no province 16
    expect(isValidIdNumber15('810102850312123')).toBe(false); // Hong Kong: 18-digit permits only
    expect(isValidIdNumber15('33010285031212')).toBe(false);
    expect(isValidIdNumber15('3301028503121234')).toBe(false);
  });

  it('recognises a 工商注册号 by its check digit', () => {
    expect(isRegistrationNumber15(REG15)).toBe(true);
    expect(isValidIdNumber15(REG15)).toBe(true); // ID-shaped: context must tell them apart
    expect(isRegistrationNumber15(REG15.slice(0, 14) + ((Number(REG15[14]) + 1) % 10))).toBe(false);
    expect(isRegistrationNumber15(ID15)).toBe(false);
    expect(isRegistrationNumber15(ID15_REGLIKE)).toBe(true);
    expect(isValidIdNumber15(ID15_REGLIKE)).toBe(true);
  });

  it.each([
    [`身份证：${ID15}`],
    [`身份证号：${ID15}`],
    [`身份证号码 ${ID15}`],
    [`公民身份号码：${ID15}`],
    [`证件号：${ID15}`],
    [`证件号码（15 位）：${ID15}`],
    [`申请人身份证号（旧证）为${ID15}，已核验`], // keyword within 20 characters before
    [`公民身份号码 ${ID15.slice(0, 6)} ${ID15.slice(6, 12)} ${ID15.slice(12)}`], // grouped 6-6-3
    [`身份证号：${fullWidth(ID15)}`], // full-width digits
    ['身份证号：110105960229001'], // born 29 February 1996
    [`身份证号：${ID15_REGLIKE}`], // the keyword says ID, whatever its digits happen to pass
    [`姓名\n身份证号\n联系地址\n张三\n${ID15}\n杭州市`], // keyword in the header cell
  ])('finds %s', (text) => expect(kinds15(text).filter((k) => k.startsWith('id-number-15')).length).toBe(1));

  it('finds a 15-digit ID standing alone in a table cell or list item, without a keyword', () => {
    // parse.ts puts every block (td, li, p) on a line of its own; innerText separates cells with tabs.
    const rows = ['张三\n男\n350102198503121234\n138****5678', '李四\n女\n' + ID15 + '\n杭州市'].join('\n');
    expect(findPii(`拟聘人员名单\n${'姓名\n性别\n身份证号码\n联系电话\n'}${rows}`).map((h) => h.kind)).toContain('id-number-15');
    expect(kinds15(`${'王五\t男\t'.repeat(4)}\n赵六\t男\t${ID15}\t科员`)).toEqual([`id-number-15:${MASK15}`]);
    expect(kinds15(ID15)).toEqual([`id-number-15:${MASK15}`]); // a text node of its own (the extension's locate)
    expect(kinds15(`\n  ${ID15}\u3000\n`)).toEqual([`id-number-15:${MASK15}`]);
  });

  it.each([
    // 注册号 (工商注册号) labelled as such, or standing alone with a valid 注册号 check digit
    [`注册号：${REG15}`],
    [`工商注册号 ${REG15}`],
    [`统一社会信用代码/注册号：${REG15}`],
    [`注册号：${ID15}`],
    [`企业名称\n注册号\n${ID15}`], // the cell after a 注册号 header
    [`某某水产有限公司\n${REG15}\n2003-05-06`], // alone in a cell of a registry table, far from its header
    [`某某公司\n${ID15_REGLIKE}\n2003-05-06`], // alone, but a valid 注册号: not an ID without a keyword
    // order numbers, 索引号, file names
    [`索引号：${ID15}`],
    [`索引号\n${ID15}`],
    [`订单号：${ID15}`],
    [`流水号 ${ID15}`],
    [`身份证号：350102198503121234，订单号：${ID15}`], // the nearer label says order number
    [`附件：${ID15}.pdf`],
    [`身份证号：${ID15}.xlsx`],
    [`/uploads/${ID15}/`],
    [`P020${ID15}.doc`],
    [`http://hyj.example.gov.cn/art/${ID15}.html`],
    // invalid date or area code, even with a keyword
    ['身份证号：330102851312123'], // month 13
    ['身份证号：110105970229001'], // 29 February 1997
    ['身份证号：110105000229001'], // 29 February 1900
    ['身份证号：990102850312123'],
    // part of a longer run, or glued to letters
    [`身份证号：${ID15}4`],
    [`身份证号：1${ID15}`],
    [`身份证号：${ID15}${ID15}`],
    [`身份证号：A${ID15}`],
    [`身份证号：${ID15}X`],
    // no context: not after an ID keyword, not alone in its block
    [`张三 ${ID15} 男`],
    [`序列 ${ID15}`],
    [`申请人身份证明材料 ${ID15} 份`], // 身份证明 is not 身份证
    [`身份证号码原件请在受理窗口当场出示核验；如有疑问，请拨打 ${ID15}`], // keyword more than 20 characters before
    [`${ID15}、${ID15.slice(0, 12)}124`], // a list in one block, no keyword
    [`身份证号：${MASK15}`], // already masked
  ])('ignores %s', (text) => expect(findPii(text)).toEqual([]));

  it('masks like 18-digit IDs: first 4 and last 4 kept, in place', () => {
    const [h] = findPii(`身份证号：${ID15}`);
    expect(h).toMatchObject({ kind: 'id-number-15', value: ID15, masked: MASK15, index: 5, length: 15 });
    expect(maskAs('id-number-15', ID15)).toBe(MASK15);
    expect(maskAs('id-number-15', ID15)).toBe(maskValue(ID15)); // the same 4+4 as maskAs('id-number', …)
    const text = `张三 身份证号 ${ID15.slice(0, 6)} ${ID15.slice(6, 12)} ${ID15.slice(12)}；李四 身份证号：${fullWidth(ID15)}；注册号：${REG15}`;
    const m = maskPii(text);
    expect(m).toHaveLength(text.length);
    expect(m).toContain('身份证号 3301** *****2 123');
    expect(m).toContain(`身份证号：${fullWidth('3301')}*******${fullWidth('2123')}`);
    expect(m).not.toContain(ID15.slice(4, 11));
    expect(m).toContain(`注册号：${REG15}`);
    expect(maskPii(m)).toBe(m);
    expect(findPii(m)).toEqual([]);
    expect(JSON.stringify(maskDeep({ a: [`证件号 ${ID15}`] }))).not.toContain(ID15);
  });
});
