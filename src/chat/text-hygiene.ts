// What user text may contain. Everything a person types (messages, titles, nicknames) passes
// through here, and the rule is the same on every path: invisible and direction-changing
// characters are stripped, never stored. Stripped, not refused, because they mostly arrive by
// accident (pasted from another app) and the visible text is what the person meant.
import { rectifyConfusion } from 'unicode-confusables';

/**
 * C0/C1 controls (but tab and newline), bidi embeddings, overrides and isolates (U+202A–E,
 * U+2066–9), the marks that steer direction (U+061C, U+200E, U+200F), U+2028/9 line and
 * paragraph separators (JavaScript line breaks that are not newlines), zero-width space, word
 * joiner and BOM, and lone surrogate halves (not text at all). ZWJ and ZWNJ stay in messages:
 * emoji sequences and Persian or Indic script need them.
 */
const STRIPPED_IN_TEXT =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** In names also the characters that make two names look the same: soft hyphen, ZWJ, ZWNJ, and other invisible fillers. */
const STRIPPED_IN_NAMES = /[\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200C\u200D\u3164\uFE00-\uFE0F\uFFA0]/g;

/** Cleans a message: stripped characters removed, surrounding whitespace trimmed. */
export function cleanText(text: string): string {
  return text.replace(STRIPPED_IN_TEXT, '').trim();
}

/** One line (a title): line breaks and tabs become spaces, then as cleanText. */
export function cleanLine(text: string): string {
  return cleanText(text.replace(/[\r\n\t]+/g, ' '));
}

/** A nickname: one line, with the invisible fillers names could hide behind removed too, and runs of spaces collapsed. */
export function cleanName(text: string): string {
  return cleanLine(text).replace(STRIPPED_IN_NAMES, '').replace(/\s+/g, ' ').trim();
}

/**
 * What a name looks like, for telling whether two names could be taken for each other: NFKC
 * (full-width and styled letters become plain), the TR39 confusable skeleton (Cyrillic а → a,
 * U+2010 hyphen → -, m → rn), full case folding (ß → ss), spaces ignored.
 */
export function nameSkeleton(name: string): string {
  const skeleton = (s: string) => rectifyConfusion(s.normalize('NFD')).normalize('NFD');
  // Before folding too: capital I and small l are confusable, folding alone would hide it.
  const folded = skeleton(cleanName(name).normalize('NFKC')).toUpperCase().toLowerCase();
  return skeleton(folded).replace(/\s+/g, '');
}
