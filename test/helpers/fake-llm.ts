/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/*
 * A fake OpenAI-compatible model on loopback for n8n's OpenAI Chat Model node, speaking both APIs
 * that node uses: Chat Completions (POST /v1/chat/completions) and Responses (POST /v1/responses),
 * plus GET /v1/models. It records every request and plays a two-turn agent: while the conversation
 * holds no tool result it calls a tool it was offered; once it holds one it answers with `finalText`.
 * It answers in one JSON reply (n8n's agent streams only behind a streaming trigger, which the e2e
 * does not use); a request with `stream: true` gets a 400.
 */

export const LLM_KEY = `sk-llm-${randomUUID().replace(/-/g, '')}`;

export interface LlmRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
	json?: Record<string, unknown>;
}

/** A tool as the model was offered it, whatever the API. */
export interface OfferedTool {
	name: string;
	description?: string;
	parameters?: { type?: string; properties?: Record<string, { type?: string; description?: string }>; required?: string[] };
}

/** A tool result the model got back, whatever the API. */
export interface ToolResult {
	callId: string;
	output: string;
}

export interface FakeLlmOptions {
	/** The arguments of the tool call, by parameter name in any case (parameters not listed get "unknown"). */
	toolArguments: Record<string, unknown>;
	/** The answer once a tool result came back. */
	finalText: string;
	/** Which offered tool to call (default: the first one). */
	pickTool?: (tools: OfferedTool[]) => OfferedTool | undefined;
}

export interface FakeLlm {
	/** For the openAiApi credential's Base URL. */
	baseUrl: string;
	requests: LlmRequest[];
	/** The model calls: the requests to either completions endpoint. */
	calls(): LlmRequest[];
	reset(): void;
	close(): Promise<void>;
}

const MODEL_PATHS = new Set(['/v1/chat/completions', '/v1/responses']);

/** The tools offered in a Chat Completions or Responses request. */
export function offeredTools(request: LlmRequest): OfferedTool[] {
	const tools = (request.json?.tools ?? []) as Array<Record<string, unknown>>;
	return tools.map((tool) => {
		// Chat Completions nests the function; Responses puts its fields on the tool
		const fn = (tool.function ?? tool) as Record<string, unknown>;
		return { name: String(fn.name), description: fn.description as string | undefined, parameters: fn.parameters as OfferedTool['parameters'] };
	});
}

/** The tool results in a request's conversation. */
export function toolResults(request: LlmRequest): ToolResult[] {
	if (request.path === '/v1/responses') {
		const input = request.json?.input;
		if (!Array.isArray(input)) return [];
		return (input as Array<Record<string, unknown>>)
			.filter((entry) => entry.type === 'function_call_output')
			.map((entry) => ({ callId: String(entry.call_id), output: textOf(entry.output) }));
	}
	const messages = (request.json?.messages ?? []) as Array<Record<string, unknown>>;
	return messages
		.filter((message) => message.role === 'tool')
		.map((message) => ({ callId: String(message.tool_call_id), output: textOf(message.content) }));
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown }).text ?? ''))).join('');
	}
	return JSON.stringify(content);
}

function argumentsFor(tool: OfferedTool, wanted: Record<string, unknown>): Record<string, unknown> {
	const byName = new Map(Object.entries(wanted).map(([name, value]) => [name.toLowerCase(), value]));
	const names = Object.keys(tool.parameters?.properties ?? wanted);
	return Object.fromEntries(names.map((name) => [name, byName.has(name.toLowerCase()) ? byName.get(name.toLowerCase()) : 'unknown']));
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

function openAiError(res: ServerResponse, status: number, message: string, code: string) {
	sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code } });
}

const usage = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };

function chatCompletion(model: string, message: Record<string, unknown>, finishReason: string) {
	return {
		id: `chatcmpl-${randomUUID()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason }],
		usage,
	};
}

function response(model: string, output: unknown[]) {
	return {
		id: `resp_${randomUUID().replace(/-/g, '')}`,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status: 'completed',
		error: null,
		incomplete_details: null,
		model,
		output,
		parallel_tool_calls: true,
		usage: { input_tokens: 42, input_tokens_details: { cached_tokens: 0 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 49 },
	};
}

export async function startFakeLlm(options: FakeLlmOptions): Promise<FakeLlm> {
	const requests: LlmRequest[] = [];
	let calls = 0;

	const answer = (request: LlmRequest, res: ServerResponse) => {
		const body = request.json ?? {};
		const model = String(body.model ?? 'unknown-model');
		if (body.stream === true) return openAiError(res, 400, 'this fake answers without streaming only', 'unsupported');
		const tools = offeredTools(request);
		const tool = toolResults(request).length === 0 && tools.length > 0 ? (options.pickTool ?? ((list) => list[0]))(tools) : undefined;
		const callId = `call_${++calls}_${randomUUID().slice(0, 8)}`;
		const args = tool ? JSON.stringify(argumentsFor(tool, options.toolArguments)) : '';
		if (request.path === '/v1/responses') {
			const output = tool
				? [{ type: 'function_call', id: `fc_${randomUUID().replace(/-/g, '')}`, call_id: callId, name: tool.name, arguments: args, status: 'completed' }]
				: [
						{
							type: 'message',
							id: `msg_${randomUUID().replace(/-/g, '')}`,
							role: 'assistant',
							status: 'completed',
							content: [{ type: 'output_text', text: options.finalText, annotations: [] }],
						},
					];
			return sendJson(res, 200, response(model, output));
		}
		const completion = tool
			? chatCompletion(model, { content: null, tool_calls: [{ id: callId, type: 'function', function: { name: tool.name, arguments: args } }] }, 'tool_calls')
			: chatCompletion(model, { content: options.finalText }, 'stop');
		return sendJson(res, 200, completion);
	};

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const request: LlmRequest = { method: req.method ?? '', path: new URL(req.url ?? '/', 'http://fake').pathname, headers: req.headers, body };
			try {
				if (body) request.json = JSON.parse(body) as Record<string, unknown>;
			} catch {
				request.json = undefined;
			}
			requests.push(request);
			if (req.headers.authorization !== `Bearer ${LLM_KEY}`) {
				return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
			}
			if (request.method === 'GET' && request.path === '/v1/models') {
				return sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }] });
			}
			if (request.method === 'POST' && MODEL_PATHS.has(request.path)) {
				if (!request.json) return openAiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_json');
				return answer(request, res);
			}
			openAiError(res, 404, `Unknown request URL: ${request.method} ${request.path}.`, 'unknown_url');
		});
	});
	const sockets = new Set<Socket>();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		calls: () => requests.filter((request) => request.method === 'POST' && MODEL_PATHS.has(request.path)),
		reset() {
			requests.length = 0;
		},
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}
