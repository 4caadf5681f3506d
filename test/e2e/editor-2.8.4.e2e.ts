import { editorSuite } from './editor';

// The editor in n8n 2.8.4 (Node 20), driven in headless Chromium.
editorSuite('2.8.4');
