import * as n8nLib from '../../scripts/lib/n8n';
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { LLM_KEY, offeredTools, startFakeLlm, toolResults, type FakeLlm } from '../helpers/fake-llm';
import { expectSuccess, N8nInstance, type Execution, type Workflow } from './n8n-instance';
import { describeRelease } from './releases';

/*
 * The node as an AI Agent tool in real n8n: Manual Trigger → AI Agent with an OpenAI Chat Model
 * (its credential's Base URL on a fake OpenAI-compatible model) and the CometAPI Tool (its prompt
 * from $fromAI, its credential on the fake CometAPI). The fake model calls the tool it is offered,
 * then answers; the test checks what n8n offered the model, what the tool sent to CometAPI and
 * what the tool handed back to the model.
 */

const TOOL_TYPE = `${n8nLib.PACKAGE_NAME}.cometApiTool`;
const COMET_CREDENTIAL = { id: 'cometApiAgentCr1', name: 'CometAPI (fake API)' };
const OPENAI_CREDENTIAL = { id: 'openAiAgentCred1', name: 'OpenAI (fake model)' };
const TOOL_PROMPT = 'a red fox in the snow';
const FINAL_TEXT = 'Here is your picture of a red fox in the snow, made with gpt-image-1.';

/** The prompt parameter as the editor's "let the model define this parameter" button writes it. */
const EDITOR_FROM_AI = "={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('Prompt', ``, 'string') }}";
/** The prompt parameter written by hand, with a description for the model. */
const HAND_FROM_AI = "={{ $fromAI('prompt', 'What the image should show, in one or two sentences', 'string') }}";

interface AgentWorkflowOptions {
	id: string;
	name: string;
	/** The Chat Model's "Use Responses API" (on by default in typeVersion 1.3). */
	responsesApi: boolean;
	fromAi: string;
}

/** The workflow as the editor saves it: sub-nodes connect to the agent by their AI connection type. */
function agentWorkflow({ id, name, responsesApi, fromAi }: AgentWorkflowOptions): Workflow {
	return {
		id,
		name,
		// as the editor saves every new workflow; in the legacy order (v0) n8n resumes the agent before
		// it runs the tool the agent asked for, and the model gets "" as the tool's result
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${id}-trigger`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-agent`,
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [220, 0],
				parameters: { promptType: 'define', text: 'Draw a red fox in the snow', options: {} },
			},
			{
				id: `${id}-model`,
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [140, 220],
				parameters: {
					model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' },
					...(responsesApi ? {} : { responsesApiEnabled: false }),
					options: {},
				},
				credentials: { openAiApi: OPENAI_CREDENTIAL },
			},
			{
				id: `${id}-tool`,
				name: 'CometAPI',
				type: TOOL_TYPE,
				typeVersion: 1,
				position: [360, 220],
				parameters: { resource: 'image', operation: 'generate', prompt: fromAi, options: {} },
				credentials: { cometApi: COMET_CREDENTIAL },
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			CometAPI: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

type RunData = Record<string, Array<{ data?: Record<string, Array<Array<{ json: Record<string, unknown>; binary?: unknown }>>>; error?: unknown }>>;

function runData(run: Execution): RunData {
	return run.result?.data.resultData.runData as unknown as RunData;
}

/** Base64 image data: a data URL, a PNG/JPEG header, or any long run of base64 characters. */
const BASE64_RUN = /[A-Za-z0-9+/]{64,}={0,2}/;

export function agentToolSuite(version: string) {
	describeRelease(version, () => {
		let api: FakeCometApi;
		let llm: FakeLlm;
		let n8n: N8nInstance;
		const ids = { completions: 'agentToolChat001', responses: 'agentToolResp001' };

		beforeAll(async () => {
			api = await startFakeCometApi();
			llm = await startFakeLlm({
				toolArguments: { prompt: TOOL_PROMPT },
				finalText: FINAL_TEXT,
				pickTool: (tools) => tools.find((tool) => /comet/i.test(tool.name)),
			});
			n8n = await N8nInstance.create(version);
			await n8n.importCredentials([
				{ ...COMET_CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } },
				{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: LLM_KEY, url: llm.baseUrl, header: false } },
			]);
			await n8n.importWorkflows([
				agentWorkflow({ id: ids.completions, name: 'Agent draws with CometAPI (Chat Completions)', responsesApi: false, fromAi: HAND_FROM_AI }),
				agentWorkflow({ id: ids.responses, name: 'Agent draws with CometAPI (Responses API)', responsesApi: true, fromAi: EDITOR_FROM_AI }),
			]);
		}, 300000);

		afterAll(async () => {
			// n8n first: its server keeps connections to the fake APIs open
			await n8n?.cleanUp();
			await api?.close();
			await llm?.close();
		});

		beforeEach(() => {
			api.reset();
			llm.reset();
		});

		/** Runs a workflow and checks everything the agent run must show, whatever the API and $fromAI. */
		async function runAgent(workflowId: string, env: Record<string, string>, promptKey: string) {
			const run = await n8n.execute(workflowId, env);
			expectSuccess(run);

			// CometAPI: one generation, with the prompt the model chose and the key as a Bearer token
			expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/images/generations']);
			expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
			expect(api.requests[0].json).toEqual({ model: 'gpt-image-1', prompt: TOOL_PROMPT });

			// the model: asked twice, the second time with the tool's result
			const calls = llm.calls();
			expect(calls).toHaveLength(2);
			for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${LLM_KEY}`);
			const [first, second] = calls;
			const tools = offeredTools(first);
			expect(tools).toHaveLength(1);
			const [tool] = tools;
			expect(tool.name).toMatch(/CometAPI/);
			expect(tool.description).toMatch(/generate/i);
			expect(tool.description).toMatch(/image/i);
			expect(tool.parameters).toMatchObject({ type: 'object', properties: { [promptKey]: { type: 'string' } }, required: [promptKey] });
			expect(offeredTools(second)).toEqual(tools);
			expect(toolResults(first)).toEqual([]);

			const results = toolResults(second);
			expect(results).toHaveLength(1);
			const observation = results[0].output;
			expect(observation.length).toBeLessThan(2048);
			expect(observation).not.toMatch(BASE64_RUN);
			expect(observation).not.toMatch(/data:image|iVBOR|\/9j\//);
			// one entry per image: the JSON of the tool's output items (n8n leaves their binaries out)
			const parsed = JSON.parse(observation) as Array<Record<string, unknown>>;
			expect(parsed).toEqual([expect.objectContaining({ model: 'gpt-image-1', prompt: TOOL_PROMPT, imageIndex: 1, imageCount: 1 })]);

			// no key of ours reaches the model, none is printed
			const sentToModel = JSON.stringify(llm.requests.map((r) => ({ headers: r.headers, body: r.body })));
			expect(sentToModel).not.toContain(API_KEY);
			const printed = `${run.output}${run.stored}`;
			expect(printed).not.toContain(LLM_KEY);

			// the agent answers with the model's final text
			const data = runData(run);
			const agentOutput = data['AI Agent']?.[0]?.data?.main?.[0];
			expect(agentOutput?.map((item) => item.json.output)).toEqual([FINAL_TEXT]);
			// the image itself stays in the tool's run data: the agent passes on text only
			expect(agentOutput?.[0].binary).toBeUndefined();
			expect(data.CometAPI).toHaveLength(1);
			const toolItems = data.CometAPI[0].data?.ai_tool?.[0];
			expect(toolItems).toHaveLength(1);
			expect(toolItems?.[0].binary).toEqual({ data: expect.objectContaining({ mimeType: 'image/png', fileName: 'image_1.png' }) });

			return { run, tool, observation: parsed };
		}

		it('the agent calls the CometAPI tool through the Chat Completions API, gets a compact result and answers', async () => {
			const { tool } = await runAgent(ids.completions, { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' }, 'prompt');
			expect(tool.parameters?.properties?.prompt?.description).toBe('What the image should show, in one or two sentences');
		});

		it('the same with the Responses API (the Chat Model default) and $fromAI as the editor writes it', async () => {
			await runAgent(ids.responses, { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' }, 'Prompt');
		});

		// n8n 2.x no longer reads the variable: every community node with usableAsTool gets its tool variant
		it(`n8n ${version} offers the tool with N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE=false too`, async () => {
			await runAgent(ids.completions, { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'false' }, 'prompt');
		});
	});
}
