import { agentToolSuite } from './agent-tool';

// The node as an AI Agent tool in n8n 2.41.1 (AI Agent 3.1, OpenAI Chat Model 1.3).
agentToolSuite('2.41.1');
