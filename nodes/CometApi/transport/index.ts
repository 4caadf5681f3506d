/*
 * The only part of the node that talks to CometAPI. By concern:
 * - base-url.ts  the credential's two roots (the OpenAI-style `/v1` root and the host root)
 * - send.ts      one request (request.ts: what it is): auth, timeout, retries (retry.ts), redirects
 *                kept on the origin (redirect.ts), each attempt on the node's timer (attempt.ts), and
 *                the in-flight limit (limiter.ts, shared by the runs of one account: shared-limiters.ts)
 * - json.ts      JSON replies (json-stream.ts: read as they arrive, their images decoded on the way);
 *                errors.ts: API errors and their hints
 * - stream.ts    replies streamed as Server-Sent Events; owned-stream.ts: bodies read on the node's own timer
 * - download.ts  result images from URLs, without the key
 * - prices.ts    CometAPI's public price list (no key), read once per period per process
 * The task engine (actions/tasks/) sends its submissions and polls through json.ts.
 */
export { baseUrlsOf, getBaseUrls, CREDENTIAL_TYPE, DEFAULT_BASE_URL, type ApiRoot, type BaseUrls } from './base-url';
export { DEFAULT_MAX_DOWNLOAD_MB, downloadImage, type Download, type DownloadOptions } from './download';
export { apiError, errorInReply, readApiError, type ApiErrorDetails } from './errors';
export { describeFacts, factsOf, reasonOf, withFacts, type Billed, type ErrorFacts, type ErrorReason } from './billing';
export type { ByteStream } from './http';
export { apiListRequest, apiRequest } from './json';
export { Base64Value, JsonBody } from './json-body';
export {
	chargeOf,
	findPrice,
	formatPrice,
	forgetPriceLists,
	getPriceList,
	parsePriceList,
	PRICES_PERIOD_MS,
	type Charge,
	type Price,
	type PriceList,
} from './prices';
export { apiDivertingRequest, type StringDiversion, type StringSink } from './json-stream';
export { StreamFault } from './owned-stream';
export { DEFAULT_MAX_RETRIES, waitUnlessCancelled } from './retry';
export { AdaptiveLimiter } from './limiter';
export { accountOf, leaseLimiter, sharedLimiterCount, type LimiterLease } from './shared-limiters';
export { DEFAULT_RATE_LIMIT_WAIT_SECONDS, DEFAULT_TIMEOUT_SECONDS, type ApiRequest, type RequestRun } from './request';
export { apiStreamRequest, SseDecoder, type SseEvent, type StreamedReply } from './stream';
