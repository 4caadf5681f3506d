import { editorSuite } from './editor';

// The editor in n8n 2.41.1 (Node 24, taken from the npm registry when the current Node is older), driven in headless Chromium.
editorSuite('2.41.1');
