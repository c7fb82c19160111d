// Parses the operand of $text: {$search, $language, $caseSensitive, $diacriticSensitive}.
// Words are OR'ed terms; "quoted phrases" must all appear (their words also count as terms);
// a '-' after a space (or at the start) negates the following word or phrase. Stop words are
// dropped and terms stemmed in the query's language.
import { isPlainObject } from '../bson-values.js';
import { badValue } from '../errors.js';
import { requireLanguage, type TextLanguage } from './languages.js';
import { foldAs, foldText, type FoldOptions } from './tokenize.js';

/** Bounds on hostile input (mongod has none; these keep a scan linear in the data). */
export const MAX_SEARCH_CHARS = 65_536;
export const MAX_PHRASES = 256;

export interface TextQuery extends FoldOptions {
  language: TextLanguage;
  /** Case-folded, diacritic-free, stemmed positive terms (what index keys hold). */
  terms: Set<string>;
  /** Positive terms folded only as the query's sensitivity allows (used when sensitive). */
  sensitiveTerms: Set<string>;
  negatedTerms: Set<string>;
  phrases: string[];
  negatedPhrases: string[];
}

const TOKEN = /[\p{L}\p{M}\p{N}]+|"|-|\s+|[^\p{L}\p{M}\p{N}"\-\s]+/gu;
const WORD = /^[\p{L}\p{M}\p{N}]/u;

function flag(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw badValue(`${name} requires a boolean value`);
  return v;
}

export function parseTextQuery(operand: unknown, defaultLanguage: string): TextQuery {
  if (!isPlainObject(operand)) throw badValue('$text expects an object');
  const known = new Set(['$search', '$language', '$caseSensitive', '$diacriticSensitive']);
  if (Object.keys(operand).some((k) => !known.has(k))) throw badValue('extra fields in $text');
  const search: unknown = operand.$search;
  if (typeof search !== 'string') throw badValue('$search requires a string value');
  if (search.length > MAX_SEARCH_CHARS) {
    throw badValue(`$search is longer than ${MAX_SEARCH_CHARS} characters (the embedded DB's limit)`);
  }
  if (operand.$language !== undefined && typeof operand.$language !== 'string') {
    throw badValue('$language requires a string value');
  }
  const q: TextQuery = {
    language: requireLanguage(operand.$language ?? defaultLanguage),
    caseSensitive: flag(operand.$caseSensitive, '$caseSensitive'),
    diacriticSensitive: flag(operand.$diacriticSensitive, '$diacriticSensitive'),
    terms: new Set(),
    sensitiveTerms: new Set(),
    negatedTerms: new Set(),
    phrases: [],
    negatedPhrases: [],
  };
  const addWord = (word: string, negated: boolean) => {
    const folded = foldText(word);
    if (q.language.isStopWord(folded)) return;
    if (negated) {
      q.negatedTerms.add(q.language.stem(foldAs(word, q)));
      return;
    }
    q.terms.add(q.language.stem(folded));
    if (q.caseSensitive || q.diacriticSensitive) q.sensitiveTerms.add(q.language.stem(foldAs(word, q)));
  };
  let inPhrase = false;
  let phraseNegated = false;
  let phraseStart = 0;
  let negated = false;
  let afterSpace = true;
  const endPhrase = (end: number) => {
    const phrase = search.slice(phraseStart, end);
    if (phrase.trim() !== '') (phraseNegated ? q.negatedPhrases : q.phrases).push(phrase);
    if (q.phrases.length + q.negatedPhrases.length > MAX_PHRASES) {
      throw badValue(`$search has more than ${MAX_PHRASES} phrases (the embedded DB's limit)`);
    }
  };
  for (const m of search.matchAll(TOKEN)) {
    const tok = m[0];
    if (tok === '"') {
      if (inPhrase) endPhrase(m.index);
      else [phraseNegated, phraseStart] = [negated, m.index + 1];
      inPhrase = !inPhrase;
      afterSpace = false;
    } else if (tok === '-') {
      if (!inPhrase && afterSpace) negated = true;
      afterSpace = false;
    } else if (/^\s/u.test(tok)) {
      negated = false;
      afterSpace = true;
    } else {
      // Words of a negated phrase are neither terms nor negated terms: only the phrase excludes.
      if (WORD.test(tok) && !(inPhrase && phraseNegated)) addWord(tok, inPhrase ? false : negated);
      afterSpace = false;
    }
  }
  if (inPhrase) endPhrase(search.length);
  return q;
}
