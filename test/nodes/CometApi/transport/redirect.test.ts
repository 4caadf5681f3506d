import { API_KEY, type RecordedRequest } from '../../../helpers/fake-cometapi';
import { taskImage, useFakeMidjourney } from '../../../helpers/fake-midjourney';
import { binaryBuffer, runCometApi } from '../../../helpers/harness';
import { runGenerate } from '../../../helpers/setup';

/*
 * The key stays on the Base URL's origin through redirects. Two loopback origins: the fake API, and
 * its image host (another port: another origin) that records every header it is sent. A redirect to
 * another origin is refused before anything is sent there; one within the origin is followed with
 * the key; a task image fetched again through the credential follows CometAPI's redirect to its CDN
 * without the key.
 */

const mj = useFakeMidjourney();
const api = mj.api;
const GENERATIONS = '/v1/images/generations';
const STATUSES = [301, 302, 303, 307, 308];

/** Every header any request to the other origin carried, and the API key wherever it shows up in them. */
function keyLeaks(requests: RecordedRequest[]): string[] {
	return requests.flatMap((request) =>
		Object.entries(request.headers)
			.filter(([, value]) => String(value).includes(API_KEY))
			.map(([name]) => `${request.method} ${request.path}: ${name}`),
	);
}

/** Get Task of a Flux task: a GET to the host root, read once. */
const fluxGetTask = (continueOnFail = false) =>
	runCometApi({
		parameters: { resource: 'flux', operation: 'getTask', taskId: 'task-1', options: { maxWait: 0 } },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		continueOnFail,
	});

describe('redirects: the key never leaves the Base URL’s origin', () => {
	describe.each(STATUSES)('HTTP %i to another origin', (status) => {
		it('on a POST (Generate Image): refused, nothing sent there, billed no', async () => {
			api.override((request) =>
				request.path === GENERATIONS ? { status, headers: { location: `${api.imageHost.origin}${GENERATIONS}` } } : undefined,
			);
			const { error, output } = await runGenerate(api);
			expect(output).toEqual([]);
			expect(error!.message).toBe(
				`CometAPI redirected the request to another origin (${api.imageHost.origin}); it was not followed, so the API key stays with ${new URL(api.baseUrl).origin}`,
			);
			expect(error!.context).toMatchObject({ billed: 'no', retrySafe: true, reason: 'redirect', redirectedTo: api.imageHost.origin });
			expect(api.imageHost.requests).toEqual([]);
			expect(api.requests.filter((r) => r.path === GENERATIONS)).toHaveLength(1);
		});

		it('on a GET (a task poll): refused, nothing sent there; with Continue On Fail an error item says so', async () => {
			api.override((request) =>
				request.path === '/flux/v1/get_result' ? { status, headers: { location: `${api.imageHost.origin}/flux/v1/get_result?id=task-1` } } : undefined,
			);
			const { error, output } = await fluxGetTask(true);
			expect(error).toBeUndefined();
			expect(output[0].json).toMatchObject({ code: 'cross_origin_redirect', billed: 'no', retrySafe: true, reason: 'redirect', taskId: 'task-1' });
			expect(api.imageHost.requests).toEqual([]);
		});
	});

	it.each([307, 308])('HTTP %i within the origin: the POST is sent again there, body and key included', async (status) => {
		api.override((request) =>
			request.path === GENERATIONS && request.query?.moved === undefined ? { status, headers: { location: `${GENERATIONS}?moved=1` } } : undefined,
		);
		const { error, output } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		const [first, second] = api.requests.filter((r) => r.path === GENERATIONS);
		expect(second.query).toEqual({ moved: '1' });
		expect(second.method).toBe('POST');
		expect(second.json).toEqual(first.json);
		expect(second.headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it.each(STATUSES)('HTTP %i within the origin on a GET: followed with the key', async (status) => {
		let redirected = false;
		api.override((request) => {
			if (request.path !== '/flux/v1/get_result' || redirected) return undefined;
			redirected = true;
			return { status, headers: { location: '/flux/v1/get_result?id=task-1&moved=1' } };
		});
		const { error, output } = await fluxGetTask(true);
		expect(error).toBeUndefined();
		const polls = api.requests.filter((r) => r.path === '/flux/v1/get_result');
		expect(polls.map((r) => [r.method, r.query?.moved, r.headers.authorization])).toEqual([
			['GET', undefined, `Bearer ${API_KEY}`],
			['GET', '1', `Bearer ${API_KEY}`],
		]);
		// the fake knows no task-1: what matters is that the poll reached it, not a redirect error
		expect(output[0].json.code).not.toBe('cross_origin_redirect');
	});

	it.each([302, 303, 307])(
		'a task image fetched again through the credential (HTTP %i to the CDN): read there without the key',
		async (status) => {
			mj.requireKeyForImages();
			let cdnUrl = '';
			api.override((request) => {
				if (!request.path.startsWith('/mj/image/') || request.headers.authorization === undefined) return undefined;
				const task = mj.lastTask();
				cdnUrl = api.imageHost.publish(`cdn/${task.id}.png`, taskImage(task).data, 'image/png');
				return { status, headers: { location: cdnUrl } };
			});
			const { error, output } = await mj.run({ operation: 'imagine', prompt: 'a lighthouse' });
			expect(error).toBeUndefined();
			expect(await binaryBuffer(output[0].binary!.data)).toEqual(taskImage(mj.lastTask()).data);
			const images = api.requests.filter((r) => r.path.startsWith('/mj/image/'));
			expect(images.map((r) => r.headers.authorization)).toEqual([undefined, `Bearer ${API_KEY}`]);
			expect(api.imageHost.requests.map((r) => r.path)).toEqual([new URL(cdnUrl).pathname]);
			expect(keyLeaks(api.imageHost.requests)).toEqual([]);
		},
	);
});
