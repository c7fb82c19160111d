// Whether a document matches a parsed $text query, and its score, computed as mongod's text index
// does (fts_spec.cpp, text index version 3): for each indexed string, every non-stop-word term gets
//   weight × freq × (0.5 × count / tokensInString + 0.5) × (1.1 if the string is exactly the term)
// where freq = 1 + 1/2 + 1/4 + … over the term's occurrences; a document's score is the sum of
// those values over the distinct query terms it contains.
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import { valuesAtPath } from '../index-manager.js';
import { findLanguage, type TextLanguage } from './languages.js';
import type { TextIndexOptions } from './text-index-spec.js';
import type { TextQuery } from './text-query.js';
import { foldAs, foldText, words } from './tokenize.js';

interface IndexedString {
  text: string;
  weight: number;
}

function allStrings(v: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof v === 'string') out.push([path, v]);
  else if (Array.isArray(v)) for (const el of v) allStrings(el, path, out);
  else if (isPlainObject(v)) {
    for (const [k, sub] of Object.entries(v)) allStrings(sub, path ? `${path}.${k}` : k, out);
  }
}

/** The strings a text index holds for a document, with their weights. */
function indexedStrings(doc: Document, opts: TextIndexOptions): IndexedString[] {
  const out: IndexedString[] = [];
  const wildcard = opts.weights['$**'];
  if (wildcard !== undefined) {
    const found: Array<[string, string]> = [];
    allStrings(doc, '', found);
    for (const [path, text] of found) out.push({ text, weight: opts.weights[path] ?? wildcard });
    return out;
  }
  for (const [path, weight] of Object.entries(opts.weights)) {
    for (const v of valuesAtPath(doc, path).values) if (typeof v === 'string') out.push({ text: v, weight });
  }
  return out;
}

/** The document's language: its override field when it names a known language, else the default. */
function docLanguage(doc: Document, opts: TextIndexOptions): TextLanguage {
  const override: unknown = doc[opts.languageOverride];
  return (
    (typeof override === 'string' ? findLanguage(override) : undefined) ??
    findLanguage(opts.defaultLanguage) ??
    (findLanguage('none') as TextLanguage)
  );
}

function scoreString(s: IndexedString, lang: TextLanguage, scores: Map<string, number>): void {
  const counts = new Map<string, { count: number; freq: number; exp: number }>();
  let tokens = 0;
  for (const w of words(s.text)) {
    const folded = foldText(w);
    if (lang.isStopWord(folded)) continue;
    const term = lang.stem(folded);
    const d = counts.get(term) ?? { count: 0, freq: 0, exp: 0 };
    d.exp = d.exp ? d.exp * 2 : 1;
    d.count++;
    d.freq += 1 / d.exp;
    counts.set(term, d);
    tokens++;
  }
  for (const [term, d] of counts) {
    const coeff = (0.5 * d.count) / tokens + 0.5;
    const exact = s.text.length === term.length && s.text.toLowerCase() === term ? 1.1 : 1;
    scores.set(term, (scores.get(term) ?? 0) + s.weight * d.freq * coeff * exact);
  }
}

function sensitiveTerms(strings: IndexedString[], lang: TextLanguage, q: TextQuery): Set<string> {
  const out = new Set<string>();
  for (const s of strings) {
    for (const w of words(s.text)) if (!lang.isStopWord(foldText(w))) out.add(lang.stem(foldAs(w, q)));
  }
  return out;
}

const containsPhrase = (strings: IndexedString[], phrase: string, q: TextQuery) => {
  const needle = foldAs(phrase, q);
  return strings.some((s) => foldAs(s.text, q).includes(needle));
};

/** The document's text score, or undefined when it does not match. */
export function scoreDocument(doc: Document, opts: TextIndexOptions, q: TextQuery): number | undefined {
  if (q.terms.size === 0) return undefined;
  const strings = indexedStrings(doc, opts);
  if (strings.length === 0) return undefined;
  const lang = docLanguage(doc, opts);
  const scores = new Map<string, number>();
  for (const s of strings) scoreString(s, lang, scores);
  let score = 0;
  let hit = false;
  // Walk the smaller side: a query may carry thousands of terms, a document thousands of words.
  if (q.terms.size <= scores.size) {
    for (const t of q.terms) {
      const v = scores.get(t);
      if (v !== undefined) [score, hit] = [score + v, true];
    }
  } else {
    for (const [t, v] of scores) if (q.terms.has(t)) [score, hit] = [score + v, true];
  }
  if (!hit) return undefined;
  const sensitive = q.caseSensitive || q.diacriticSensitive;
  const present = sensitive ? sensitiveTerms(strings, lang, q) : new Set(scores.keys());
  if (sensitive && ![...q.sensitiveTerms].some((t) => present.has(t))) return undefined;
  for (const t of q.negatedTerms) if (present.has(t)) return undefined;
  for (const p of q.phrases) if (!containsPhrase(strings, p, q)) return undefined;
  for (const p of q.negatedPhrases) if (containsPhrase(strings, p, q)) return undefined;
  return score;
}
