// Splits text into words the way text index version 3 does in spirit: any run of Unicode letters,
// marks and digits is a word; everything else (spaces, punctuation, symbols) separates words.
// Case folding and diacritic removal are separate steps so $caseSensitive/$diacriticSensitive
// can skip them.

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function removeDiacritics(s: string): string {
  return s.normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/** Case-folded, diacritic-free form: what index terms and stop-word lists are compared in. */
export function foldText(s: string): string {
  return removeDiacritics(s.toLowerCase());
}

export interface FoldOptions {
  caseSensitive: boolean;
  diacriticSensitive: boolean;
}

/** A word in the form a sensitive comparison uses (only the folding the query asked to skip is kept). */
export function foldAs(s: string, opts: FoldOptions): string {
  const c = opts.caseSensitive ? s : s.toLowerCase();
  return opts.diacriticSensitive ? c : removeDiacritics(c);
}
