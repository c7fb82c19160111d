// snowball-stemmers and stopword ship no TypeScript declarations; these cover what we use.
declare module 'snowball-stemmers' {
  export interface Stemmer {
    stem(word: string): string;
  }
  export function newStemmer(algorithm: string): Stemmer;
  export function algorithms(): string[];
}

declare module 'stopword' {
  /** Stop-word lists by ISO 639-3 code (eng, fra, deu, …). */
  const lists: Record<string, string[] | undefined>;
  export default lists;
}
