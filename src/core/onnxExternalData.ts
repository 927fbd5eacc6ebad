// Which files an ONNX model keeps its weights in besides the model file itself. ONNX lets a tensor's bytes live in
// an "external data" file beside the graph (TensorProto.external_data: key/value entries, the file under the key
// "location", relative to the graph's folder); the bundled ranker keeps its tables in ranker.onnx.data that way, so
// that onnxruntime reads them without parsing them out of a 16 MB protobuf. A model's id must hash those files too,
// or a retrained model whose graph file did not change would share the old one's cached scores.
//
// Read without a protobuf library: an entry is serialised as field 1 (key, a length-delimited string) then field 2
// (value), i.e. the bytes 0x0a 0x08 "location" 0x12 <varint length> <name>, and every ONNX writer writes the fields in
// that order. The same bytes could occur by chance inside inline tensor data; a caller keeps only names that are
// files in the model's folder, so such a match costs at most one more file hashed.

/** 0x0a (field 1, length-delimited), 8, "location", 0x12 (field 2, length-delimited). */
const LOCATION_ENTRY = Buffer.from([0x0a, 0x08, ...Buffer.from('location', 'latin1'), 0x12]);
/** Longest location read; an entry with a longer name is not a file name any file system here accepts. */
const MAX_NAME_BYTES = 4096;
/** Bytes an entry spans at most: the prefix, a varint of at most 2 bytes for MAX_NAME_BYTES, the name. */
const MAX_ENTRY_BYTES = LOCATION_ENTRY.length + 2 + MAX_NAME_BYTES;

/**
 * Finds the external data locations named in a model file fed to it chunk by chunk (any chunk sizes), in the
 * order of their first mention, each once.
 */
export class ExternalDataScanner {
  private readonly found = new Set<string>();
  /** The end of the bytes seen so far, kept so that an entry split across two chunks is still read whole. */
  private tail: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): void {
    const buf = this.tail.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.tail, chunk]);
    for (let at = buf.indexOf(LOCATION_ENTRY); at >= 0; at = buf.indexOf(LOCATION_ENTRY, at + 1)) {
      const name = readName(buf, at + LOCATION_ENTRY.length);
      if (name !== undefined) this.found.add(name);
    }
    // A copy: the caller may reuse its chunk's buffer for the next read.
    this.tail = Buffer.from(buf.subarray(Math.max(0, buf.length - MAX_ENTRY_BYTES)));
  }

  /** The locations found so far, in order of first mention. */
  get locations(): string[] {
    return [...this.found];
  }
}

/** The external data locations `bytes` (a whole ONNX model file) names, in order of first mention. */
export function externalDataLocations(bytes: Uint8Array): string[] {
  const s = new ExternalDataScanner();
  s.push(bytes);
  return s.locations;
}

/** The length-prefixed UTF-8 name at `at`, or undefined when it is cut off, empty, too long or not text. */
function readName(buf: Buffer, at: number): string | undefined {
  let len = 0;
  let shift = 0;
  let i = at;
  for (;; shift += 7) {
    if (i >= buf.length || shift > 14) return undefined;
    const b = buf[i++];
    len |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
  }
  if (len === 0 || len > MAX_NAME_BYTES || i + len > buf.length) return undefined;
  const name = buf.toString('utf8', i, i + len);
  // Control characters (NUL included) never name a file here; a chance match in tensor bytes usually has some.
  return /[\u0000-\u001f\ufffd]/.test(name) ? undefined : name;
}
