import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { StringDiversion, StringSink } from '../transport';
import { Base64Decoder } from './base64';
import { detectImageType, imageTypeFromContentType, imageTypeFromName, type ImageType } from './image-type';

/*
 * Images of a reply put into n8n's binary store one by one as the reply arrives: each image is
 * stored as soon as its base64 string ends, while the rest of the reply is still being read. A
 * reply's images take the memory of one: the next image is decoded into the same buffer once the
 * last one is stored (the reader waits for that), where a buffer each would stay resident until
 * the garbage collector came. (n8n stores a Buffer or a Node stream; a node may not build Node
 * streams, so an image is stored whole once decoded.) The name given here is corrected when the
 * image is output.
 */

/** An image a reply carried, as its sink left it: being stored, or not valid base64. */
export class StoredBase64 {
	constructor(
		/** The stored binary; undefined when the text was not valid base64 (nothing was stored). */
		readonly binary: Promise<IBinaryData> | undefined,
	) {}
}

/** The largest bound reserved up front (past it, the decoder's buffer grows as the image comes). */
const MAX_BLOCK_BYTES = 128 * 1024 * 1024;

const UNKNOWN: ImageType = { mimeType: 'application/octet-stream', extension: 'bin' };

/**
 * The reply's decoding buffer lent to one image: given back once the image is stored (n8n's binary
 * store has then written or copied it, in every mode), for the next image to be decoded into.
 */
class BufferLoan {
	/** The store of the image in the buffer, while it runs. */
	storing: Promise<void> | undefined;

	constructor(
		/** The buffer to decode into, or the most bytes the image can take (0: unknown). */
		readonly space: number | Buffer,
		/** Gives back the buffer the image was decoded into (none when it was invalid). */
		readonly giveBack: (buffer: Buffer | undefined) => void,
	) {}
}

/** One base64 string value of a reply, decoded as it arrives and stored when it ends. */
class StoringSink implements StringSink {
	private readonly decoder: Base64Decoder;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly position: number,
		private readonly fallbackFormat: string | undefined,
		private readonly loan: BufferLoan,
	) {
		this.decoder = new Base64Decoder(loan.space);
	}

	write(text: string): void {
		this.decoder.write(text);
	}

	end(): StoredBase64 {
		const { data, mimeType, block } = this.decoder.end();
		if (!data) {
			this.loan.giveBack(undefined);
			return new StoredBase64(undefined);
		}
		const type = detectImageType(data) ?? imageTypeFromContentType(mimeType) ?? imageTypeFromName(this.fallbackFormat) ?? UNKNOWN;
		const binary = this.context.helpers.prepareBinaryData(data, `image_${this.position}.${type.extension}`, type.mimeType);
		// Awaited when the image is output; a failure before then must not be an unhandled rejection.
		this.loan.storing = binary.then(
			() => this.loan.giveBack(block),
			() => this.loan.giveBack(block),
		);
		return new StoredBase64(binary);
	}
}

/**
 * How a reply is read when its images go into the binary store as they arrive: each string under
 * `keys` becomes a StoredBase64, numbered in reply order. `fallbackFormat` names the type of an
 * image whose bytes and data URI say nothing (the Output Format asked for).
 */
export function storingDiversion(context: IExecuteFunctions, keys: string[], fallbackFormat?: string): StringDiversion {
	let count = 0;
	/** A buffer no image uses now, kept for the next. */
	let spare: Buffer | undefined;
	let last: BufferLoan | undefined;
	return {
		keys: new Set(keys),
		open: (_key, remainingBytes) => {
			// The rest of the reply bounds the image: its base64 decodes to at most 3/4 of it.
			const bound = remainingBytes === undefined ? 0 : Math.max(0, Math.ceil((remainingBytes * 3) / 4));
			const space = spare && spare.length >= bound ? spare : bound <= MAX_BLOCK_BYTES ? bound : 0;
			if (space === spare) spare = undefined;
			const loan: BufferLoan = new BufferLoan(space, (buffer) => {
				if (buffer && (!spare || buffer.length > spare.length)) spare = buffer;
				loan.storing = undefined;
			});
			last = loan;
			return new StoringSink(context, ++count, fallbackFormat, loan);
		},
		ready: () => last?.storing,
	};
}
