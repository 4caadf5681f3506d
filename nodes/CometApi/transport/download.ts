import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { headerValue, readAll, readNetworkFailure, type ByteStream } from './http';

export const DEFAULT_MAX_DOWNLOAD_MB = 50;

export interface Download {
	data: Buffer;
	contentType?: string;
}

export interface DownloadOptions {
	timeoutSeconds: number;
	itemIndex: number;
	/** Largest file accepted, in bytes (default 50 MB). */
	maxBytes?: number;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
}

/** The host of an http(s) URL; empty for anything else. */
function httpHost(url: string): string {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : '';
	} catch {
		return '';
	}
}

/**
 * Downloads a result image. Uses the plain HTTP helper, never the credential: the API key does not
 * go to image hosts. Only http(s) URLs; the body is read as it arrives and cut off at maxBytes.
 */
export async function downloadImage(
	this: IExecuteFunctions,
	url: string,
	options: DownloadOptions,
): Promise<Download> {
	const { itemIndex } = options;
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_MB * 1024 * 1024;
	const host = httpHost(url);
	if (!host) {
		throw new NodeOperationError(this.getNode(), `The image URL "${url.slice(0, 100)}" is not an http(s) URL`, {
			itemIndex,
		});
	}
	const failed = (reason: string) =>
		new NodeOperationError(this.getNode(), `Downloading the image from ${host} failed${reason}`, {
			itemIndex,
			description: 'The image URL may have expired; run the node again.',
		});
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			timeout: options.timeoutSeconds * 1000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: options.signal,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw failed(`: ${readNetworkFailure(error).message}`);
	}
	const stream = response.body as ByteStream;
	if (response.statusCode < 200 || response.statusCode >= 300) {
		stream.destroy?.();
		throw failed(` with HTTP ${response.statusCode}`);
	}
	const declared = Number(headerValue(response, 'content-length'));
	const tooLarge = () =>
		new NodeOperationError(
			this.getNode(),
			`The image at ${host} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`,
			{ itemIndex, description: 'Raise the download size limit in the options, or ask for a smaller image.' },
		);
	if (Number.isFinite(declared) && declared > maxBytes) {
		stream.destroy?.();
		throw tooLarge();
	}
	let read: { data: Buffer; truncated: boolean };
	try {
		read = await readAll(stream, maxBytes);
	} catch (error) {
		throw failed(`: ${readNetworkFailure(error).message}`);
	}
	if (read.truncated) throw tooLarge();
	const contentType = headerValue(response, 'content-type') || undefined;
	return { data: read.data, contentType };
}
