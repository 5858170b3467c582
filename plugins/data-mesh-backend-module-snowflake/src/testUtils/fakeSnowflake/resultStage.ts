/*
 * Large results as Snowflake's query responses carry them: the first rows
 * inline in `rowset`, the rest as `chunks` (`url`, `rowCount`, sizes) that
 * the driver downloads itself from cloud storage. The objects are encrypted
 * server-side with a per-result key the response gives as `qrmk` and as
 * ready-made SSE-C request headers in `chunkHeaders`; a download without
 * them is refused (403). Each object is gzip-encoded, its body the chunk's
 * rows as JSON arrays separated by commas, without enclosing brackets
 * (snowflake-sdk parses `'[' + body + ']'`).
 *
 * Here the "cloud storage" is a path of the fake server itself, so the real
 * driver fetches the chunks over HTTP as it would from S3.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';

/** The rowset and chunk fields of a query response. @internal */
export interface StagedResult {
  rowset: (string | null)[][];
  total: number;
  returned: number;
  chunks?: {
    url: string;
    rowCount: number;
    uncompressedSize: number;
    compressedSize: number;
  }[];
  qrmk?: string;
  chunkHeaders?: Record<string, string>;
}

/** A reply that is not Snowflake JSON: a cloud-storage object or its error. @internal */
export interface StageReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Where chunk objects live on the fake server. @internal */
export const STAGE_PATH = '/fake-stage/';

const KEY_HEADER = 'x-amz-server-side-encryption-customer-key';
const KEY_MD5_HEADER = 'x-amz-server-side-encryption-customer-key-md5';

/** @internal */
export class ResultStage {
  private readonly objects = new Map<string, { body: Buffer; key: string }>();

  /**
   * @param baseUrl - the fake server's URL, for the chunk URLs
   * @param inlineRows - rows sent inline before chunking starts
   * @param chunkRows - rows per chunk object
   */
  constructor(
    private readonly baseUrl: () => string,
    private readonly inlineRows = 1000,
    private readonly chunkRows = 3000,
  ) {}

  /** Splits a serialised rowset into the inline part and staged chunks. */
  stage(queryId: string, rows: (string | null)[][]): StagedResult {
    const base = { total: rows.length, returned: rows.length };
    if (rows.length <= this.inlineRows) return { rowset: rows, ...base };
    const key = randomBytes(32).toString('base64');
    const chunks: NonNullable<StagedResult['chunks']> = [];
    for (let at = this.inlineRows, n = 0; at < rows.length; n++) {
      const part = rows.slice(at, at + this.chunkRows);
      at += part.length;
      const text = part.map(r => JSON.stringify(r)).join(',');
      const body = gzipSync(text);
      const path = `${STAGE_PATH}${queryId}/${n}`;
      this.objects.set(path, { body, key });
      chunks.push({
        url: `${this.baseUrl()}${path}`,
        rowCount: part.length,
        uncompressedSize: Buffer.byteLength(text),
        compressedSize: body.length,
      });
    }
    return {
      rowset: rows.slice(0, this.inlineRows),
      ...base,
      chunks,
      qrmk: key,
      chunkHeaders: {
        [KEY_HEADER]: key,
        [KEY_MD5_HEADER]: createHash('md5')
          .update(Buffer.from(key, 'base64'))
          .digest('base64'),
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      },
    };
  }

  /** Serves a chunk object to a request carrying its key, as S3 would. */
  fetch(path: string, headers: IncomingHttpHeaders): StageReply {
    const object = this.objects.get(path);
    if (!object) return s3Error(404, 'NoSuchKey');
    if (headers[KEY_HEADER] !== object.key) return s3Error(403, 'AccessDenied');
    return {
      status: 200,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Encoding': 'gzip',
        'Content-Length': String(object.body.length),
      },
      body: object.body,
    };
  }
}

function s3Error(status: number, code: string): StageReply {
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`,
  );
  return {
    status,
    headers: {
      'Content-Type': 'application/xml',
      'Content-Length': String(body.length),
    },
    body,
  };
}
