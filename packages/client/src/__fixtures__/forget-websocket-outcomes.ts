// A vitest setup file (listed by the workspace's test projects that run ModelClients): every test
// starts with an empty process-wide WebSocket outcome cache, so that a fallback remembered by one
// test never moves a later test's session to HTTP (loopback ports are reused).
import { beforeEach } from 'vitest';
import { sharedWebSocketOutcomes } from '../client/websocket-outcomes.js';

beforeEach(() => {
  sharedWebSocketOutcomes.clear();
});
