// The languages mongod's text search knows (text index version 3), each with its Snowball stemmer
// (mongod uses libstemmer, the same algorithms) and a stop-word list. 'none' means neither.
import { newStemmer } from 'snowball-stemmers';
import stopwords from 'stopword';
import { CommandError } from '../errors.js';
import { foldText } from './tokenize.js';

export interface TextLanguage {
  name: string;
  stem(word: string): string;
  isStopWord(folded: string): boolean;
}

/** mongod's names and ISO 639-1 codes → [Snowball algorithm, stopword list code]. */
const KNOWN: Record<string, [string, string]> = {
  danish: ['danish', 'dan'],
  dutch: ['dutch', 'nld'],
  english: ['english', 'eng'],
  finnish: ['finnish', 'fin'],
  french: ['french', 'fra'],
  german: ['german', 'deu'],
  hungarian: ['hungarian', 'hun'],
  italian: ['italian', 'ita'],
  norwegian: ['norwegian', 'nob'],
  portuguese: ['portuguese', 'por'],
  romanian: ['romanian', 'ron'],
  russian: ['russian', 'rus'],
  spanish: ['spanish', 'spa'],
  swedish: ['swedish', 'swe'],
  turkish: ['turkish', 'tur'],
};
const CODES: Record<string, string> = {
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  hu: 'hungarian',
  it: 'italian',
  nb: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  es: 'spanish',
  sv: 'swedish',
  tr: 'turkish',
};

const NONE: TextLanguage = { name: 'none', stem: (w) => w, isStopWord: () => false };
const cache = new Map<string, TextLanguage>([['none', NONE]]);

/** Stemming is the costly step of scoring (every word of every scanned document), and words repeat. */
const STEM_CACHE_SIZE = 50_000;

function build(name: string, [algorithm, listCode]: [string, string]): TextLanguage {
  const stemmer = newStemmer(algorithm);
  const stops = new Set((stopwords[listCode] ?? []).map(foldText));
  const cache = new Map<string, string>();
  const stem = (w: string): string => {
    let out = cache.get(w);
    if (out === undefined) {
      if (cache.size >= STEM_CACHE_SIZE) cache.clear();
      out = stemmer.stem(w);
      cache.set(w, out);
    }
    return out;
  };
  return { name, stem, isStopWord: (w) => stops.has(w) };
}

/** The language for a name mongod accepts, or undefined. */
export function findLanguage(raw: string): TextLanguage | undefined {
  const name = raw.toLowerCase();
  const full = CODES[name] ?? name;
  const hit = cache.get(full);
  if (hit) return hit;
  const spec = KNOWN[full];
  if (!spec) return undefined;
  const lang = build(full, spec);
  cache.set(full, lang);
  return lang;
}

/** As findLanguage, but an unknown name is mongod's BadValue. */
export function requireLanguage(raw: unknown): TextLanguage {
  const lang = typeof raw === 'string' ? findLanguage(raw) : undefined;
  if (!lang) {
    throw new CommandError(2, 'BadValue', `unsupported language: "${String(raw)}" for text index version 3`);
  }
  return lang;
}
