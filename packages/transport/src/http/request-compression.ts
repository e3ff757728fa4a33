import { promisify } from 'node:util';
import { constants, zstdCompress } from 'node:zlib';

/** Request body compression: `'zstd'` sends `Content-Encoding: zstd`; `'none'` (the default) sends the body as is. */
export type RequestCompression = 'zstd' | 'none';

const zstdCompressAsync = promisify(zstdCompress);

/**
 * Compresses a request body with zstd (level 3, zstd's default: fast, and large Responses
 * inputs shrink several-fold). Runs on the libuv thread pool, so a large body does not block
 * the event loop.
 */
export async function compressZstd(body: Uint8Array): Promise<Uint8Array> {
  return zstdCompressAsync(body, { params: { [constants.ZSTD_c_compressionLevel]: 3 } });
}
