// What user text may contain. Everything a person types (messages, titles, nicknames) passes
// through here, and the rule is the same on every path: invisible and direction-changing
// characters are stripped, never stored. Stripped, not refused, because they mostly arrive by
// accident (pasted from another app) and the visible text is what the person meant.
import { rectifyConfusion } from 'unicode-confusables';

/**
 * C0/C1 controls (but tab and newline), bidi embeddings, overrides and isolates (U+202A–E,
 * U+2066–9), the marks that steer direction (U+061C, U+200E, U+200F), zero-width space, word
 * joiner, invisible operators and deprecated format controls (U+2060–206F), interlinear
 * annotation (U+FFF9–B), BOM, and lone surrogate halves (not text at all). ZWJ, ZWNJ, variation
 * selectors and tag characters stay in messages: emoji sequences, flags and Persian or Indic
 * script need them.
 */
const STRIPPED_IN_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is what this is for
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** U+2028/9 are line breaks to JavaScript but not to most readers: they become newlines. */
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * In names, every default-ignorable code point (soft hyphen, ZWJ, variation selectors, tags,
 * Hangul fillers…) and the blank braille pattern: nothing a name could hide behind or be blank with.
 */
const STRIPPED_IN_NAMES = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** Cleans a message: stripped characters removed, surrounding whitespace trimmed. */
export function cleanText(text: string): string {
  return text.replace(LINE_SEPARATORS, '\n').replace(STRIPPED_IN_TEXT, '').trim();
}

/** One line (a title): line breaks and tabs become spaces, then as cleanText. */
export function cleanLine(text: string): string {
  return cleanText(text.replace(/[\r\n\t\u2028\u2029]+/g, ' '));
}

/**
 * A nickname: one line, with the invisible characters names could hide behind removed too, and
 * runs of spaces collapsed.
 */
export function cleanName(text: string): string {
  return cleanLine(text).replace(STRIPPED_IN_NAMES, '').replace(/\s+/g, ' ').trim();
}

const skeleton = (s: string) => rectifyConfusion(s.normalize('NFD')).normalize('NFD');
const fold = (s: string) => s.toUpperCase().toLowerCase();

/**
 * What a name looks like, as two keys: NFKC (full-width and styled letters become plain), the
 * TR39 confusable skeleton (Cyrillic а → a, U+2010 hyphen → -, m → rn) and full case folding
 * (ß → ss), spaces ignored — once folded first (ALICE is Alice) and once folded last (capital I
 * and small l look alike, which folding first would hide). Two names are taken for each other
 * when either key matches (see `namesCollide`).
 */
export function nameKeys(name: string): readonly [string, string] {
  const plain = cleanName(name).normalize('NFKC').replace(/\s+/g, '');
  return [skeleton(fold(plain)), fold(skeleton(plain))];
}

export function namesCollide(a: readonly [string, string], b: readonly [string, string]): boolean {
  return a[0] === b[0] || a[1] === b[1];
}
