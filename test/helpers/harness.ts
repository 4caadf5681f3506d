/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code */
import { Readable } from 'node:stream';

import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { CometApi as CometApiCredential } from '../../credentials/CometApi.credentials';
import { CometApi } from '../../nodes/CometApi/CometApi.node';

/*
 * Runs real workflows through n8n-core's WorkflowExecute with the real helpers (httpRequest,
 * httpRequestWithAuthentication, prepareBinaryData, getBinaryDataBuffer…). Only the parts n8n's
 * server normally provides (node type registry, credential store) are stood in for here.
 */

export const NODE_TYPE = 'n8n-nodes-cometapi-image.cometApi';
export const NODE_NAME = 'CometAPI';
const SOURCE_TYPE = 'test.source';
const NEXT_TYPE = 'test.next';
export const NEXT_NAME = 'Next';

class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(type: string) {
		const nodeType = this.types[type];
		if (!nodeType) throw new Error(`Unknown node type ${type}`);
		return nodeType;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Mirrors what n8n's server-side CredentialsHelper does for a generic (IAuthenticateGeneric) credential. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.types[typeName]?.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		const resolve = (value: string) =>
			value.startsWith('=') && workflow && node
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						) ?? '',
					)
				: value;
		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [outerKey, outerValue] of Object.entries(auth.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
				target[outerKey] ??= {};
				target[outerKey][resolve(key)] = resolve(String(value));
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not supported in tests');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _nodeCredentials: unknown, type: string) {
		return { ...(this.data[type] ?? {}) };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return this.types[type]?.properties ?? [];
	}
}

export interface InputBinary {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
	/** Hand the bytes to prepareBinaryData as a stream, as Read/Write Files from Disk does. */
	stream?: boolean;
}

export interface InputItem {
	json?: IDataObject;
	binary?: Record<string, InputBinary>;
}

/** A trigger stand-in that emits the given items, storing binaries through prepareBinaryData. */
function sourceNode(items: InputItem[]): INodeType {
	return {
		description: {
			displayName: 'Source',
			name: 'source',
			group: ['trigger'],
			version: 1,
			description: 'Emits test items',
			defaults: { name: 'Source' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		} as INodeTypeDescription,
		async execute(this: IExecuteFunctions) {
			const output: INodeExecutionData[] = [];
			for (const item of items) {
				const binary: Record<string, IBinaryData> = {};
				for (const [name, file] of Object.entries(item.binary ?? {})) {
					const data = file.stream ? Readable.from([file.data]) : file.data;
					binary[name] = await this.helpers.prepareBinaryData(data, file.fileName, file.mimeType);
				}
				output.push({ json: item.json ?? {}, ...(item.binary ? { binary } : {}) });
			}
			return [output];
		},
	};
}

/**
 * A stand-in for Write Files to Disk: reads each item's binary through n8n's helpers, as that node
 * does, and outputs what it would write (name, type, bytes as base64).
 */
export function writeFilesNode(property = 'data'): INodeType {
	return {
		description: {
			displayName: 'Write Files',
			name: 'writeFiles',
			group: ['output'],
			version: 1,
			description: 'Reads binaries as Write Files to Disk does',
			defaults: { name: 'Write Files' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		} as INodeTypeDescription,
		async execute(this: IExecuteFunctions) {
			const output: INodeExecutionData[] = [];
			for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) {
				const binary = this.helpers.assertBinaryData(itemIndex, property);
				const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
				output.push({
					json: { fileName: binary.fileName, mimeType: binary.mimeType, base64: data.toString('base64') },
					pairedItem: { item: itemIndex },
				});
			}
			return [output];
		},
	};
}

export interface RunOptions {
	/** The node's parameters as the editor stores them; defaults come from the real node description. */
	parameters: Record<string, unknown>;
	input?: InputItem[];
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	/** A node run on the CometAPI node's output (e.g. a stand-in for Write Files to Disk). */
	next?: INodeType;
	/**
	 * The node's typeVersion: 1 by default, all options in Options, as workflows saved before
	 * version 2 have it; 2 (what the editor adds now) has the request's options in Request Options.
	 */
	typeVersion?: number;
}

export interface NodeRun {
	run: IRun;
	/** The CometAPI node's output items (empty when it failed). */
	output: INodeExecutionData[];
	/** The node's error when the run failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	/** The output of the `next` node, when there is one. */
	nextOutput: INodeExecutionData[];
}

const credentialType = new CometApiCredential();

interface Execution {
	workflow: Workflow;
	source: INode;
	node: INode;
	additionalData: IWorkflowExecuteAdditionalData;
	/** Settles when the CometAPI node's execute() has returned or thrown. */
	nodeSettled: Promise<{ error?: Error }>;
}

/** The real CometAPI node, with a way to know when its execute() has finished. */
function observedNode(): { nodeType: INodeType; settled: Promise<{ error?: Error }> } {
	const real = new CometApi();
	let settle: (outcome: { error?: Error }) => void = () => {};
	const settled = new Promise<{ error?: Error }>((resolve) => {
		settle = resolve;
	});
	const nodeType: INodeType = {
		description: real.description,
		methods: real.methods,
		async execute(this: IExecuteFunctions) {
			try {
				const result = await real.execute.call(this);
				settle({});
				return result;
			} catch (error) {
				const failure = error as Error;
				settle({ error: failure });
				throw failure;
			}
		},
	};
	return { nodeType, settled };
}

/** Builds the workflow Source → CometAPI and what n8n's server would hand the engine to run it. */
function createExecution(options: RunOptions): Execution {
	const source: INode = {
		id: 'source',
		name: 'Source',
		type: SOURCE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
		id: 'cometapi',
		name: NODE_NAME,
		type: NODE_TYPE,
		typeVersion: options.typeVersion ?? 1,
		position: [200, 0],
		parameters: options.parameters as INodeParameters,
		credentials: { cometApi: { id: 'cred-1', name: 'CometAPI account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const nodes = [source, node];
	const connections: IConnections = {
		Source: { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	if (options.next) {
		nodes.push({ id: 'next', name: NEXT_NAME, type: NEXT_TYPE, typeVersion: 1, position: [400, 0], parameters: {} });
		connections[NODE_NAME] = { main: [[{ node: NEXT_NAME, type: NodeConnectionTypes.Main, index: 0 }]] };
	}
	const observed = observedNode();
	const nodeTypes = new TestNodeTypes({
		[SOURCE_TYPE]: sourceNode(options.input ?? [{ json: {} }]),
		[NODE_TYPE]: observed.nodeType,
		...(options.next ? { [NEXT_TYPE]: options.next } : {}),
	});
	const workflow = new Workflow({ id: 'wf-test', nodes, connections, active: false, settings: {}, nodeTypes });
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-1', {
		id: 'wf-test',
		name: 'test',
		nodes,
		connections,
		active: false,
		settings: {},
	} as never);
	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(
			{ cometApi: credentialType },
			{ cometApi: options.credentials ?? {} },
		),
		executionId: 'exec-1',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		userId: 'user-1',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, source, node, additionalData, nodeSettled: observed.settled };
}

/** Runs Source → CometAPI through WorkflowExecute and returns the CometAPI node's result. */
export async function runCometApi(options: RunOptions): Promise<NodeRun> {
	const run = await startCometApi(options).finished;
	const task = run.data.resultData.runData[NODE_NAME]?.[0];
	return {
		run,
		output: task?.data?.main?.[0] ?? [],
		error: (task?.error ?? undefined) as NodeRun['error'],
		nextOutput: run.data.resultData.runData[NEXT_NAME]?.[0]?.data?.main?.[0] ?? [],
	};
}

export interface StartedRun {
	/** The run's result; stays pending once the run was cancelled (as in n8n). */
	finished: Promise<IRun>;
	/** Cancels the execution, as the editor's Stop button does. */
	cancel(): void;
	/** Settles when the CometAPI node's execute() has returned or thrown. */
	nodeSettled: Promise<{ error?: Error }>;
}

/** Starts Source → CometAPI and hands back control, for cancellation tests. */
export function startCometApi(options: RunOptions): StartedRun {
	const { workflow, source, additionalData, nodeSettled } = createExecution(options);
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: source, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	return { finished: execution, cancel: () => execution.cancel(), nodeSettled };
}

/**
 * The editor's load-options context of the CometAPI node (what "From list" searches and the lists
 * that depend on other parameters run in): the editor sends the node's parameters with the request.
 */
export function loadOptionsContext(options: Omit<RunOptions, 'input'>, path = 'parameters.modelId'): LoadOptionsContext {
	const { workflow, node, additionalData } = createExecution(options);
	additionalData.currentNodeParameters = node.parameters;
	return new LoadOptionsContext(workflow, node, additionalData, path);
}

/** Evaluates an expression the way n8n does for credential fields, with `$credentials` in scope. */
export function resolveCredentialExpression(value: string, credentials: ICredentialDataDecryptedObject): string {
	const { workflow, node } = createExecution({ parameters: {} });
	return String(
		workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, ''),
	);
}

/** The bytes of an output binary, in any binary data mode. */
export async function binaryBuffer(binary: IBinaryData): Promise<Buffer> {
	if (binary.id) return await Container.get(BinaryDataService).getAsBuffer(binary);
	return Buffer.from(binary.data, 'base64');
}

/** Switches this test file to n8n's filesystem binary data mode (as real n8n runs by default). */
export async function useFilesystemBinaryMode(): Promise<void> {
	await Container.get(BinaryDataService).init();
}

/** The node's model parameter as the editor stores it. */
export function model(id: string, mode: 'list' | 'id' = 'list') {
	return { __rl: true, mode, value: id };
}
