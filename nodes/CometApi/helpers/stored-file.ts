import { readWhole } from '../transport/http';

/*
 * A file of n8n's binary store (filesystem, S3, database mode) as a File for a multipart upload,
 * whose bytes are not held in memory: each time the form is sent, stream() opens the file in the
 * store again and hands it on chunk by chunk. The HTTP client reads a form part by part through the
 * File interface (name, type, size, stream()), so the body is built as a stream (boundary, text
 * fields, each file's stream) with a known Content-Length, and a retried request reads the files
 * from the store again.
 */

/** A stream of the store's chunks (n8n's getBinaryStream). */
export type ChunkStream = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };

export class StoredFile extends File {
	constructor(
		private readonly open: () => Promise<ChunkStream>,
		private readonly byteLength: number,
		name: string,
		type: string,
	) {
		super([], name, { type });
		// The File holds no bytes of its own: its size is the stored file's.
		Object.defineProperty(this, 'size', { value: byteLength, enumerable: true });
	}

	/** The file read from the store; an error if the store no longer holds exactly `size` bytes. */
	override stream(): ReadableStream<Uint8Array> {
		const { open, byteLength, name } = this;
		return ReadableStream.from(
			(async function* () {
				const store = await open();
				let bytes = 0;
				try {
					for await (const chunk of store) {
						bytes += chunk.length;
						if (bytes > byteLength) break;
						yield chunk;
					}
				} finally {
					store.destroy?.();
				}
				if (bytes !== byteLength) {
					throw new Error(`The stored file ${name} changed size while it was sent (${bytes} bytes, not ${byteLength})`);
				}
			})(),
		);
	}

	override async arrayBuffer(): Promise<ArrayBuffer> {
		return await readWhole(this);
	}

	override async text(): Promise<string> {
		return Buffer.from(await this.arrayBuffer()).toString('utf8');
	}

	override slice(): Blob {
		throw new Error('A stored file is read whole, with stream()');
	}
}
