// Check digits of the identifiers planted on the sample portal (so the plants are exactly valid —
// or exactly invalid — by the rules a privacy audit applies).

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of a resident ID's first 17 digits. */
export function residentIdCheck(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('need 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function residentIdValid(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && residentIdCheck(id.slice(0, 17)) === id[17];
}

/** Luhn check digit for a digit string without its check digit. */
export function luhnCheck(body: string): string {
  let sum = 0;
  // walking from the right, the digit next to the (future) check digit is doubled
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = Number(body[i]);
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function luhnValid(num: string): boolean {
  return /^\d{2,}$/.test(num) && luhnCheck(num.slice(0, -1)) === num[num.length - 1];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 check character of an 18-character unified social credit code's first 17. */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i]);
    if (v < 0) throw new Error(`bad credit-code char ${first17[i]}`);
    sum += v * USCC_WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return USCC_CHARS[c === 31 ? 0 : c];
}
