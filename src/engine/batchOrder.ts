// The order in which the engine runs a request's pairs: shortest first, by the response's length (in steps of 32
// characters) and then the instruction's, ties as given. A batch pads its token rows to its longest text, so batches
// of similar lengths waste little work; scores do not depend on the batch (both kinds of ranker mask the padding).
import type { PairText } from './protocol';

export function lengthOrder(pairs: ReadonlyArray<PairText>): number[] {
  const answer = pairs.map((p) => Math.ceil(String(p.response).length / 32));
  const question = pairs.map((p) => String(p.instruction).length);
  return pairs.map((_, i) => i).sort((a, b) => answer[a] - answer[b] || question[a] - question[b] || a - b);
}
