// $text in aggregation: only in a first-stage $match (as mongod); the score travels through the
// rest of the pipeline in SCORE_FIELD, so {$meta: 'textScore'} in $project/$addFields/$sort/…
// becomes a reference to that field, which is removed from every output document.
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import { CommandError } from '../errors.js';
import { countText } from './text-filter.js';
import { isScoreMeta, SCORE_FIELD, textScoreOf } from './text-search.js';

/** mongod's error for $text in any $match but the first stage. */
export function checkTextStages(pipeline: Document[]): void {
  pipeline.forEach((stage, i) => {
    if (i > 0 && isPlainObject(stage) && countText(stage.$match) > 0) {
      throw new CommandError(17313, 'Location17313', '$match with $text is only allowed as the first pipeline stage');
    }
  });
}

function rewrite(v: unknown): unknown {
  if (isScoreMeta(v)) return `$${SCORE_FIELD}`;
  if (Array.isArray(v)) return v.map(rewrite);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of Object.entries(v)) {
    if (k === '$sort' && isPlainObject(sub)) {
      const sort: Record<string, unknown> = {};
      for (const [f, d] of Object.entries(sub)) {
        if (isScoreMeta(d)) sort[SCORE_FIELD] = -1;
        else sort[f] = d;
      }
      out[k] = sort;
    } else out[k] = rewrite(sub);
  }
  return out;
}

/** The stages after the $text $match, with {$meta: 'textScore'} pointing at SCORE_FIELD. */
export function rewriteScoreMeta(stages: Document[]): Document[] {
  return stages.map((s) => rewrite(s) as Document);
}

export function* withScoreField(docs: Iterable<Document>): Generator<Document> {
  for (const doc of docs) yield { ...doc, [SCORE_FIELD]: textScoreOf(doc) };
}

export function stripScoreField(doc: Document): Document {
  if (!(SCORE_FIELD in doc)) return doc;
  const { [SCORE_FIELD]: _score, ...rest } = doc;
  return rest;
}
